// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the stats arithmetic, on readings built by hand: per-port deltas
 * across a 32-bit wrap and across a reset, interval totals when a slot is zeroed,
 * the top-N ranking against a brute-force sort, and the human units.
 */
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "port_rank.h"
#include "reasons.h"
#include "report.h"
#include "stats_report.h"
#include "units.h"

#define NCPUS 3
#define KEY(proto, port) ((proto) * XDPPORT_PORTS + (port))

static struct counters *reading(double at)
{
	struct counters *c = calloc(1, sizeof(*c));

	c->ncpus = NCPUS;
	c->per_cpu = calloc((size_t)PORT_KEYS * NCPUS, sizeof(*c->per_cpu));
	c->keys = calloc(PORT_KEYS, sizeof(*c->keys));
	c->taken.tv_sec = (time_t)at;
	c->taken.tv_nsec = (long)((at - (time_t)at) * 1e9);
	return c;
}

static void drop_reading(struct counters *c)
{
	counters_free(c);
	free(c);
}

static void set_port(struct counters *c, __u32 key, int cpu, __u32 passed, __u32 dropped)
{
	c->per_cpu[(size_t)key * NCPUS + cpu] = (struct xdpport_port_count){ passed, dropped };
}

static void test_port_deltas(void)
{
	struct counters *a = reading(10), *b = reading(11);
	__u64 passed, dropped;

	/* CPU 0 wraps by 10 (5 before 2^32, 5 after); CPU 1 counts 7; CPU 2 nothing. */
	set_port(a, KEY(XDPPORT_TCP, 443), 0, 0xfffffffb, 100);
	set_port(b, KEY(XDPPORT_TCP, 443), 0, 5, 100);
	set_port(a, KEY(XDPPORT_TCP, 443), 1, 1000, 0xffffffff);
	set_port(b, KEY(XDPPORT_TCP, 443), 1, 1007, 2);
	counters_port_delta(b, a, KEY(XDPPORT_TCP, 443), 100000000, &passed, &dropped);
	report(check_eq(passed, 17) && check_eq(dropped, 3),
	       "port delta across a 32-bit wrap is exact (%llu, %llu)",
	       (unsigned long long)passed, (unsigned long long)dropped);
	counters_port(b, KEY(XDPPORT_TCP, 443), &passed, &dropped);
	report(check_eq(passed, 1012) && check_eq(dropped, 102), "port total sums the CPUs");

	/* Reset in between: the count fell from 3e9 to 40, far more than a CPU can count. */
	set_port(a, KEY(XDPPORT_UDP, 53), 2, 3000000000u, 0);
	set_port(b, KEY(XDPPORT_UDP, 53), 2, 40, 0);
	counters_port_delta(b, a, KEY(XDPPORT_UDP, 53), 100000000, &passed, &dropped);
	report(passed == 40, "a port count that fell by more than a CPU can count was reset");
	/* The same fall over a long interval is a wrap: 2^32 - 3e9 + 40. */
	counters_port_delta(b, a, KEY(XDPPORT_UDP, 53), 1ull << 33, &passed, &dropped);
	report(passed == 4294967296ull - 3000000000u + 40, "over a long interval it is a wrap");

	/* Through the report: rates per second over the measured interval (1 s here). */
	struct stats_report r;

	stats_report_build(&r, b, a, 10);
	report(check_eq(r.interval, 1.0) && check_eq(r.n_top_passed, 2) &&
		       check_eq(r.top_passed[0].port, 53) &&
		       check_eq(r.top_passed[0].passed_delta, 40) &&
		       check_eq(r.top_passed[1].passed_delta, 17),
	       "report ranks ports by the interval's counts");
	report(check_eq(r.ports_active[XDPPORT_TCP], 1) &&
		       check_eq(r.ports_active[XDPPORT_UDP], 1) &&
		       check_eq(r.ports_with_traffic[XDPPORT_TCP], 1),
	       "report counts active ports");
	stats_report_free(&r);
	drop_reading(a);
	drop_reading(b);
}

static void test_slot_deltas(void)
{
	struct counters *a = reading(0), *b = reading(0.5);
	struct stats_report r;

	a->slot_owner[0] = b->slot_owner[0] = (struct xdpport_iface){ .ifindex = 4, .netns = 9 };
	a->slot[0].reason[XDPPORT_DROP_RULE] = (struct xdpport_count){ 1000, 64000 };
	b->slot[0].reason[XDPPORT_DROP_RULE] = (struct xdpport_count){ 1500, 96000 };
	/* Slot 1 was zeroed in between (stats --reset, or an attach that reused it). */
	a->slot[1].reason[XDPPORT_PASS_POLICY] = (struct xdpport_count){ 9000, 900000 };
	b->slot[1].reason[XDPPORT_PASS_POLICY] = (struct xdpport_count){ 30, 3000 };
	b->iface[0] = (struct iface_counters){ .ifindex = 4, .slot = 0, .netns = 9 };
	b->n_ifaces = 1;
	stats_report_build(&r, b, a, 10);
	report(check_eq(r.total_delta.reason[XDPPORT_DROP_RULE].packets, 500) &&
		       check_eq(r.total_delta.reason[XDPPORT_DROP_RULE].bytes, 32000),
	       "interval totals are differences");
	report(r.total_delta.reason[XDPPORT_PASS_POLICY].packets == 30,
	       "a zeroed slot counts what it holds now");
	report(stats_rate(&r, r.total_delta.reason[XDPPORT_DROP_RULE].packets) == 1000,
	       "rates divide by the measured interval");
	report(r.iface_delta[0].reason[XDPPORT_DROP_RULE].packets == 500,
	       "interface deltas follow their slot");
	stats_report_free(&r);
	drop_reading(a);
	drop_reading(b);
}

static int by_score(const void *x, const void *y)
{
	const struct rank_entry *a = x, *b = y;

	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return a->key < b->key ? -1 : a->key > b->key;
}

/* The fields, never the bytes: struct rank_entry has trailing padding that holds
 * whatever the stack held. */
static bool same_ranking(const struct rank_entry *a, const struct rank_entry *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (a[i].score != b[i].score || a[i].key != b[i].key)
			return false;
	return true;
}

static void test_ranking(void)
{
	static struct rank_entry all[PORT_KEYS], kept[100];
	unsigned n = 0, sizes[] = { 1, 3, 10, 100 };
	bool ok = true;

	srand(7);
	for (__u32 key = 0; key < PORT_KEYS; key++) {
		__u64 score = rand() % 4 ? 0 : rand() % 50;	/* many ties and zeros */

		if (score)
			all[n++] = (struct rank_entry){ score, key };
	}
	qsort(all, n, sizeof(all[0]), by_score);
	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct ranking r;

		ranking_init(&r, kept, sizes[s]);
		srand(7);
		for (__u32 key = 0; key < PORT_KEYS; key++) {
			__u64 score = rand() % 4 ? 0 : rand() % 50;

			ranking_offer(&r, score, key);
		}
		ok &= check_eq(ranking_sort(&r), sizes[s]) &&
		      check_true(same_ranking(kept, all, sizes[s]));
	}
	report(ok, "top N equals the first N of a full sort (ties: lower port first)");
}

/* The reasons table: every reason once, its verdict the one the data path derives from
 * bit 0, the pass rows before the drop rows (outputs print one header per verdict). */
static void test_reasons_table(void)
{
	int seen[XDPPORT_NREASONS] = {}, bad_verdict = 0, bad_order = 0, bad_parse = 0;

	for (int i = 0; i < nreasons; i++) {
		const struct reason *r = &reasons[i];

		if (r->id >= 0 && r->id < XDPPORT_NREASONS)
			seen[r->id]++;
		bad_verdict += r->drop != (r->id & XDPPORT_REASON_DROP);
		bad_order += i > 0 && reasons[i - 1].drop && !r->drop;
		bad_parse += reason_parse(r->name) != r->id || reason_of(r->id) != r ||
			     strncmp(r->name, r->drop ? "drop-" : "pass-", 5);
	}
	for (int id = 0; id < XDPPORT_NREASONS; id++)
		report(seen[id] == 1, "reason %d has exactly one row (%d)", id, seen[id]);
	report(bad_verdict == 0, "each reason's verdict is bit 0 of its value (%d wrong)",
	       bad_verdict);
	report(bad_order == 0, "pass reasons are listed before drop reasons");
	report(bad_parse == 0, "names are drop-*/pass-* and parse back to their reason");
	report(check_eq(reason_parse("drop-nothing"), -1) && check_str(reason_name(999), "unknown"),
	       "an unknown name or value is refused");
}

static void test_units(void)
{
	char buf[UNITS_BUF];
	struct {
		double v;
		const char *unit, *want;
	} cases[] = {
		{ 0, "pps", "0 pps" },		{ 12, "pps", "12 pps" },
		{ 0.5, "pps", "0.50 pps" },	{ 999.4, "pps", "999 pps" },
		{ 999.7, "pps", "1.00 kpps" },	{ 12.4e6, "pps", "12.4 Mpps" },
		{ 6.3e9, "bit/s", "6.30 Gbit/s" }, { 980e6, "bit/s", "980 Mbit/s" },
		{ 1519e9, "B", "1.52 TB" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		human_si(buf, cases[i].v, cases[i].unit);
		report(!strcmp(buf, cases[i].want), "human_si(%g %s) is '%s' (got '%s')",
		       cases[i].v, cases[i].unit, cases[i].want, buf);
	}
	report(check_str(grouped(buf, 987654321), "987,654,321") &&
		       check_str(grouped(buf, 0), "0") &&
		       check_str(grouped(buf, 1000), "1,000") &&
		       check_str(grouped(buf, 18446744073709551615ull), "18,446,744,073,709,551,615"),
	       "exact counts are grouped by three");
}

int main(void)
{
	test_port_deltas();
	test_slot_deltas();
	test_ranking();
	test_reasons_table();
	test_units();
	return report_summary();
}
