/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Reading the data path's per-CPU counters, summed over CPUs. */
#ifndef XDPPORT_COUNTERS_H
#define XDPPORT_COUNTERS_H

#include <linux/types.h>
#include <net/if.h>
#include <stdbool.h>

#include "xdpport.h"

struct filter;

struct iface_counters {
	char name[IF_NAMESIZE];
	__u32 ifindex;
	__u32 slot;
	struct xdpport_totals totals;
};

struct counters {
	struct xdpport_totals total;		/* every interface */
	struct iface_counters iface[XDPPORT_IFACE_SLOTS];
	int n_ifaces;
	/* Per (proto, port), summed over CPUs in 64 bits. */
	__u64 (*passed)[XDPPORT_PORTS];
	__u64 (*dropped)[XDPPORT_PORTS];
};

struct port_hit {
	__u16 port;
	__u8 proto;
	__u64 passed, dropped;
};

/* Reads every counter; returns 0 or prints the error and returns EXIT_FAIL. */
int counters_read(const struct filter *f, struct counters *c, const char *what);
void counters_free(struct counters *c);

/* The `max` ports with the most dropped (or passed) packets, most first; ports with
 * none are left out. Returns how many were written. */
unsigned counters_top(const struct counters *c, bool by_dropped, struct port_hit *out,
		      unsigned max);

/* "pass-policy", "drop-rule", ...: the names used in every output. */
const char *counters_reason_name(int reason);

#endif
