/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reading the data path's per-CPU counters. A reading keeps the per-port counts per
 * CPU exactly as the data path holds them (32 bits each, wrapping), so that two
 * readings give exact per-port deltas modulo 2^32 per CPU; the totals are 64-bit and
 * summed over CPUs at once.
 */
#ifndef XDPPORT_COUNTERS_H
#define XDPPORT_COUNTERS_H

#include <linux/types.h>
#include <net/if.h>
#include <stdbool.h>
#include <time.h>

#include "flowtable.h"
#include "iface_name.h"
#include "lib_error.h"
#include "xdpport.h"

struct filter;

#define PORT_KEYS	(XDPPORT_NPROTO * XDPPORT_PORTS)	/* key: proto * 65536 + port */

struct iface_counters {
	char name[IFACE_LABEL_MAX];	/* "eth0", "veth1@web"...: see iface_name.h */
	char netns_name[NETNS_NAME_MAX];	/* its /run/netns name, or "" */
	bool attached;			/* false: the interface was deleted (its pin is stale) */
	__u32 ifindex;
	__u32 slot;
	__u64 netns;
	struct xdpport_totals totals;	/* summed over CPUs */
};

struct counters {
	struct timespec taken;			/* CLOCK_MONOTONIC, when reading began */
	struct timespec wall;			/* CLOCK_REALTIME, same moment */
	bool set_up;				/* false: nothing pinned, all zeros */
	int ncpus;				/* possible CPUs: values per key */
	struct xdpport_totals total;		/* every slot, attached or not */
	struct xdpport_totals slot[XDPPORT_IFACE_SLOTS];	/* summed over CPUs */
	struct xdpport_iface slot_owner[XDPPORT_IFACE_SLOTS];	/* ifindex 0: free */
	struct iface_counters iface[XDPPORT_IFACE_SLOTS];
	int n_ifaces;				/* slots with an interface attached */
	__u64 rules_changed_ns;			/* filter_changed_ns() at the reading */
	struct xdpport_port_count *per_cpu;	/* [key * ncpus + cpu], raw */
	__u32 *keys;				/* scratch for the batch lookup */
	struct flow_table flows;		/* counts and fill only, no entries */
};

/* Reads every counter into `c`, reusing its buffers from an earlier reading. Returns 0
 * or EXIT_FAIL with the error in e. */
int counters_read(const struct filter *f, struct counters *c, struct lib_error *e);
/* A reading of a filter that is not set up (nothing pinned: before the first rule,
 * after flush): every count zero, set_up false. */
int counters_zero(struct counters *c, struct lib_error *e);
void counters_free(struct counters *c);

/* Zeroes every counter: all interface slots, all ports, all CPUs, the flow table's. */
int counters_reset(const struct filter *f, struct lib_error *e);

/* A port's counts summed over CPUs. Each CPU's count wraps at 2^32. */
void counters_port(const struct counters *c, __u32 key, __u64 *passed, __u64 *dropped);

/* A port's packets between `prev` and `cur` (same CPU count), summed over CPUs: per CPU
 * the difference modulo 2^32, or the new count when it fell by more than a CPU can
 * have counted in `max_per_cpu` packets (the counters were reset in between). */
void counters_port_delta(const struct counters *cur, const struct counters *prev, __u32 key,
			 __u64 max_per_cpu, __u64 *passed, __u64 *dropped);

#endif
