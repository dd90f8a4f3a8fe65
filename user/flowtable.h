/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The flow table (map xdpport_flows) as the CLI reads it: every entry with its state
 * and time left, the egress program's counters, and the table's fill. For `flows`,
 * `status` and `stats`.
 */
#ifndef XDPPORT_FLOWTABLE_H
#define XDPPORT_FLOWTABLE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib_error.h"
#include "xdpport.h"

struct filter;

struct flow_entry {
	struct xdpport_flow_key key;
	struct xdpport_flow flow;
	__s64 expires_s;	/* seconds left under the running timeouts; <= 0: expired */
};

struct flow_table {
	struct flow_entry *entry;	/* with entries: every entry, expired ones too */
	size_t n;			/* entries in the map */
	__u32 size;			/* its max_entries */
	unsigned live[XDPPORT_NPROTO];	/* entries not expired, by protocol */
	__u64 inserts, insert_failures;	/* summed over CPUs */
	__u64 evictions;		/* inserts - entries: only the LRU removes flows */
};

/* Reads the table of the open filter `f` (entries kept with `keep`, sorted by
 * protocol, family, addresses and ports). Returns 0, or EXIT_FAIL with the error in e. */
int flowtable_read(const struct filter *f, struct flow_table *t, bool keep,
		   struct lib_error *e);
void flowtable_free(struct flow_table *t);

/* Zeroes the egress program's counters (inserts, insert failures). */
int flowtable_reset_counts(const struct filter *f);

/* tcp-syn, established, closing, udp, udp-answered; "unknown" out of range. */
const char *flowtable_state_name(unsigned state);

/* Kernel memory of a table of `size` flows, in bytes, as the kernel accounts it (the
 * map's memlock), or 0 when it cannot be read. */
__u64 flowtable_memory(int flows_fd);

#endif
