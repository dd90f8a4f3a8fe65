/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Loads the xdpport program privately (no pins) and runs frames through it with
 * BPF_PROG_TEST_RUN; reads its counters summed over CPUs. */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <linux/types.h>
#include <stddef.h>
#include <stdint.h>

#include "xdpport.h"

struct harness {
	struct xdpport *skel;
	int prog_fd;
	int totals_fd, ports_fd;
	struct xdpport_rules *rules;	/* the rules map, mmapped read-write */
	struct xdpport_ruleset *rs;	/* its active slot */
};

/* Loads the program with unpinned maps; exits the process with a message on failure. */
void harness_open(struct harness *h);
void harness_close(struct harness *h);

/* Makes slot `slot` the active one (h->rs follows). */
void harness_activate(struct harness *h, unsigned slot);

/* Runs one frame `repeat` times; returns the XDP action, or -errno. */
int harness_run(struct harness *h, const void *data, size_t len, uint32_t repeat,
		uint64_t *ns_per_run);

void harness_totals(struct harness *h, uint32_t iface_slot, struct xdpport_totals *sum);
void harness_port(struct harness *h, unsigned proto, unsigned port,
		  struct xdpport_port_count *sum);

struct source_maps;

/* The program's own source maps (user/sources_store.h), for sources_install(). */
void harness_source_maps(struct harness *h, struct source_maps *m);

#endif
