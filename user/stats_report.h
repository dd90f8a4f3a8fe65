/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What every `stats` output prints, computed once from one reading of the counters,
 * or from two readings for rates: the counts since the last reset, the counts in the
 * interval between the readings, and the busiest ports. The formatters (stats_text,
 * stats_live, stats_json, stats_prom) only print it.
 */
#ifndef XDPPORT_STATS_REPORT_H
#define XDPPORT_STATS_REPORT_H

#include <linux/types.h>

#include "counters.h"
#include "reasons.h"

#define TOP_ALL		PORT_KEYS	/* --top all: every port with traffic */

struct port_stat {
	__u8 proto;			/* enum xdpport_proto */
	__u16 port;
	__u64 passed, dropped;		/* since the last reset; see counters.h on wrapping */
	__u64 passed_delta, dropped_delta;	/* in the interval (rates only) */
};

struct stats_report {
	const struct counters *now;	/* totals, interfaces, time of the reading */
	double interval;		/* seconds between the readings; 0: no rates */
	struct xdpport_totals total_delta;	/* in the interval, all slots */
	struct xdpport_totals iface_delta[XDPPORT_IFACE_SLOTS];	/* like now->iface[] */
	/* Ranked by the interval's counts with rates, else since the last reset. */
	struct port_stat *top_dropped, *top_passed;
	unsigned n_top_dropped, n_top_passed;
	unsigned ports_with_traffic[XDPPORT_NPROTO];	/* any count since the last reset */
	unsigned ports_active[XDPPORT_NPROTO];		/* any count in the interval */
};

/* Builds the report from `now`, and rates against `before` (NULL: none). `top` ports
 * are ranked each way (TOP_ALL: all with traffic). Returns 0, or -ENOMEM. */
int stats_report_build(struct stats_report *r, const struct counters *now,
		       const struct counters *before, unsigned top);
void stats_report_free(struct stats_report *r);

/* Per second over the interval (0 without one). */
double stats_rate(const struct stats_report *r, __u64 count);

/* Sums of the pass reasons and of the drop reasons. */
struct xdpport_count stats_passed(const struct xdpport_totals *t);
struct xdpport_count stats_dropped(const struct xdpport_totals *t);

#endif
