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
	int egress_fd;			/* the TC egress program (flow recorder) */
	int totals_fd, ports_fd;
	int flows_fd, flowstats_fd;
	struct xdpport_flowports *flowports;	/* mmapped read-write */
	struct xdpport_rules *rules;	/* the rules map, mmapped read-write */
	struct xdpport_ruleset *rs;	/* its active slot */
	struct xdpport_limits *limits;	/* xdpport_limits mmapped: [slot] */
	int buckets_fd, sources_fd;
};

/* Loads the program with unpinned maps; exits the process with a message on failure.
 * The rules start zero: every port passes by policy, replies off. */
void harness_open(struct harness *h);

/* The same with a per-source table (xdpport_sources) of `entries` entries. */
void harness_open_sized(struct harness *h, uint32_t entries);
/* The same with a flow table of `flows` entries (0: the default size). */
void harness_open_flows(struct harness *h, uint32_t flows);
void harness_close(struct harness *h);

/* Makes slot `slot` the active one (h->rs follows). */
void harness_activate(struct harness *h, unsigned slot);

/* Runs one frame `repeat` times; returns the XDP action, or -errno. */
int harness_run(struct harness *h, const void *data, size_t len, uint32_t repeat,
		uint64_t *ns_per_run);

/* Runs one frame through the egress program as an outbound packet; returns its TC
 * action, or -errno. */
int harness_run_egress(struct harness *h, const void *data, size_t len, uint32_t repeat,
		       uint64_t *ns_per_run);

void harness_totals(struct harness *h, uint32_t iface_slot, struct xdpport_totals *sum);
void harness_port(struct harness *h, unsigned proto, unsigned port,
		  struct xdpport_port_count *sum);

struct source_maps;

/* The program's own source maps (user/sources_store.h), for sources_install(). */
void harness_source_maps(struct harness *h, struct source_maps *m);

#endif
