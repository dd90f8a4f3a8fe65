// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "port_rank.h"
#include "stats_report.h"

/*
 * More packets than one CPU can count in a second, by a wide margin (XDP drops some
 * 25 Mpps per core; 100 GbE at minimum frame size is 149 Mpps for all CPUs together).
 * A per-CPU port count that fell by more than this over the interval was reset, not
 * wrapped: its new value is the interval's count.
 */
#define MAX_PPS_PER_CPU 100000000.0

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

static struct xdpport_count sum_reasons(const struct xdpport_totals *t, bool drop)
{
	struct xdpport_count sum = {};

	for (int i = 0; i < nreasons; i++)
		if (reasons[i].drop == drop) {
			sum.packets += t->reason[reasons[i].id].packets;
			sum.bytes += t->reason[reasons[i].id].bytes;
		}
	return sum;
}

struct xdpport_count stats_passed(const struct xdpport_totals *t)
{
	return sum_reasons(t, false);
}

struct xdpport_count stats_dropped(const struct xdpport_totals *t)
{
	return sum_reasons(t, true);
}

double stats_rate(const struct stats_report *r, __u64 count)
{
	return r->interval > 0 ? count / r->interval : 0;
}

/* The slot's counts in the interval. The 64-bit totals never wrap: a count that fell
 * means the slot was zeroed in between (stats --reset, or an attach reusing it), so
 * everything it holds now was counted in the interval. */
static void slot_delta(const struct counters *now, const struct counters *before, __u32 slot,
		       struct xdpport_totals *out)
{
	const struct xdpport_totals *a = &before->slot[slot], *b = &now->slot[slot];
	const struct xdpport_iface *was = &before->slot_owner[slot], *is = &now->slot_owner[slot];
	bool zeroed = was->ifindex != is->ifindex || was->netns != is->netns;

	for (int r = 0; r < XDPPORT_NREASONS; r++)
		zeroed |= b->reason[r].packets < a->reason[r].packets ||
			  b->reason[r].bytes < a->reason[r].bytes;
	for (int r = 0; r < XDPPORT_NREASONS; r++) {
		out->reason[r].packets = b->reason[r].packets - (zeroed ? 0 : a->reason[r].packets);
		out->reason[r].bytes = b->reason[r].bytes - (zeroed ? 0 : a->reason[r].bytes);
	}
}

static void totals_deltas(struct stats_report *r, const struct counters *now,
			  const struct counters *before)
{
	for (__u32 slot = 0; slot < XDPPORT_IFACE_SLOTS; slot++) {
		struct xdpport_totals d;

		slot_delta(now, before, slot, &d);
		for (int k = 0; k < XDPPORT_NREASONS; k++) {
			r->total_delta.reason[k].packets += d.reason[k].packets;
			r->total_delta.reason[k].bytes += d.reason[k].bytes;
		}
		for (int i = 0; i < now->n_ifaces; i++)
			if (now->iface[i].slot == slot)
				r->iface_delta[i] = d;
	}
}

static struct port_stat port_stat(const struct counters *now, const struct counters *before,
				  __u32 key, __u64 max_per_cpu)
{
	struct port_stat s = { .proto = key / XDPPORT_PORTS, .port = key % XDPPORT_PORTS };

	counters_port(now, key, &s.passed, &s.dropped);
	if (before)
		counters_port_delta(now, before, key, max_per_cpu, &s.passed_delta,
				    &s.dropped_delta);
	return s;
}

static int rank_ports(struct stats_report *r, const struct counters *now,
		      const struct counters *before, unsigned top)
{
	__u64 max_per_cpu = r->interval * MAX_PPS_PER_CPU;
	struct rank_entry *kept = calloc(2 * (size_t)top + 2, sizeof(*kept));
	struct ranking by_dropped, by_passed;

	r->top_dropped = calloc((size_t)top + 1, sizeof(*r->top_dropped));
	r->top_passed = calloc((size_t)top + 1, sizeof(*r->top_passed));
	if (!kept || !r->top_dropped || !r->top_passed) {
		free(kept);
		return -ENOMEM;
	}
	ranking_init(&by_dropped, kept, top);
	ranking_init(&by_passed, kept + top + 1, top);
	for (__u32 key = 0; key < PORT_KEYS; key++) {
		struct port_stat s = port_stat(now, before, key, max_per_cpu);

		if (s.passed || s.dropped)
			r->ports_with_traffic[s.proto]++;
		if (s.passed_delta || s.dropped_delta)
			r->ports_active[s.proto]++;
		ranking_offer(&by_dropped, before ? s.dropped_delta : s.dropped, key);
		ranking_offer(&by_passed, before ? s.passed_delta : s.passed, key);
	}
	r->n_top_dropped = ranking_sort(&by_dropped);
	r->n_top_passed = ranking_sort(&by_passed);
	for (unsigned i = 0; i < r->n_top_dropped; i++)
		r->top_dropped[i] = port_stat(now, before, by_dropped.heap[i].key, max_per_cpu);
	for (unsigned i = 0; i < r->n_top_passed; i++)
		r->top_passed[i] = port_stat(now, before, by_passed.heap[i].key, max_per_cpu);
	free(kept);
	return 0;
}

int stats_report_build(struct stats_report *r, const struct counters *now,
		       const struct counters *before, unsigned top)
{
	memset(r, 0, sizeof(*r));
	r->now = now;
	if (before) {
		r->interval = seconds_between(&before->taken, &now->taken);
		totals_deltas(r, now, before);
	}
	return rank_ports(r, now, before, top);
}

void stats_report_free(struct stats_report *r)
{
	free(r->top_dropped);
	free(r->top_passed);
	memset(r, 0, sizeof(*r));
}
