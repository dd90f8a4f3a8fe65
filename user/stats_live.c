// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* --watch output: rates over the last interval, per second. Per-port counters count
 * packets only, so ports get packets/s; reasons and interfaces get bits/s too. */
#include <string.h>
#include <time.h>

#include "portspec.h"
#include "stats_text.h"
#include "units.h"

static const char *pps(char buf[UNITS_BUF], const struct stats_report *r, __u64 packets)
{
	return human_si(buf, stats_rate(r, packets), "pps");
}

static const char *bps(char buf[UNITS_BUF], const struct stats_report *r, __u64 bytes)
{
	return human_si(buf, stats_rate(r, bytes) * 8, "bit/s");
}

static const char *clock_time(char buf[16], const struct counters *c)
{
	struct tm tm;

	localtime_r(&c->wall.tv_sec, &tm);
	strftime(buf, 16, "%H:%M:%S", &tm);
	return buf;
}

static void rate_row(FILE *out, const struct stats_report *r, const char *indent,
		     const char *name, struct xdpport_count delta, __u64 total)
{
	char a[UNITS_BUF], b[UNITS_BUF], c[UNITS_BUF];

	fprintf(out, "%s%-*s %13s %14s %20s\n", indent, 20 - (int)strlen(indent), name,
		pps(a, r, delta.packets), bps(b, r, delta.bytes), grouped(c, total));
}

static void reason_rates(FILE *out, const struct stats_report *r)
{
	const struct xdpport_totals *d = &r->total_delta, *t = &r->now->total;

	fprintf(out, "%-20s %13s %14s %20s\n", "all interfaces", "packets/s", "bits/s",
		"packets total");
	for (int i = 0; i < nreasons; i++) {
		const struct reason *reason = &reasons[i];
		bool drop = reason->drop;

		if (i == 0 || drop != reasons[i - 1].drop)	/* a verdict's first row */
			rate_row(out, r, "", drop ? "dropped" : "passed",
				 drop ? stats_dropped(d) : stats_passed(d),
				 (drop ? stats_dropped(t) : stats_passed(t)).packets);
		rate_row(out, r, "  ", reason->name, d->reason[reason->id],
			 t->reason[reason->id].packets);
	}
}

static void iface_rates(FILE *out, const struct stats_report *r)
{
	char a[UNITS_BUF], b[UNITS_BUF], c[UNITS_BUF], d[UNITS_BUF];

	if (r->now->n_ifaces == 0) {
		fprintf(out, "\nnot attached to any interface\n");
		return;
	}
	fprintf(out, "\n%-16s %13s %14s %13s %14s\n", "interface", "passed", "", "dropped", "");
	for (int i = 0; i < r->now->n_ifaces; i++) {
		struct xdpport_count pass = stats_passed(&r->iface_delta[i]);
		struct xdpport_count drop = stats_dropped(&r->iface_delta[i]);

		fprintf(out, "%-16s %13s %14s %13s %14s\n", r->now->iface[i].name,
			pps(a, r, pass.packets), bps(b, r, pass.bytes), pps(c, r, drop.packets),
			bps(d, r, drop.bytes));
	}
}

static void port_rates(FILE *out, const struct stats_report *r, const char *title,
		       const struct port_stat *p, unsigned n, bool by_dropped)
{
	char a[UNITS_BUF], b[UNITS_BUF], c[UNITS_BUF], port[16];

	fprintf(out, "\n%-20s %13s %14s %20s\n", title, by_dropped ? "dropped" : "passed",
		by_dropped ? "passed" : "dropped", by_dropped ? "dropped total" : "passed total");
	if (n == 0)
		fprintf(out, "  (none in this interval)\n");
	for (unsigned i = 0; i < n; i++) {
		snprintf(port, sizeof(port), "%u/%s", p[i].port, proto_name(p[i].proto));
		fprintf(out, "  %-18s %13s %14s %20s\n", port,
			pps(a, r, by_dropped ? p[i].dropped_delta : p[i].passed_delta),
			pps(b, r, by_dropped ? p[i].passed_delta : p[i].dropped_delta),
			grouped(c, by_dropped ? p[i].dropped : p[i].passed));
	}
}

void stats_live_screen(FILE *out, const struct stats_report *r, double every)
{
	char now[16];

	fprintf(out, "xdpport stats  %s  every %g s (measured %.3f s)  Ctrl-C to quit\n\n",
		clock_time(now, r->now), every, r->interval);
	reason_rates(out, r);
	iface_rates(out, r);
	fprintf(out, "\nports active: %u tcp, %u udp (ports count packets only: no bits/s)\n",
		r->ports_active[XDPPORT_TCP], r->ports_active[XDPPORT_UDP]);
	port_rates(out, r, "top dropped ports", r->top_dropped, r->n_top_dropped, true);
	port_rates(out, r, "top passed ports", r->top_passed, r->n_top_passed, false);
}

void stats_live_line(FILE *out, const struct stats_report *r)
{
	const struct xdpport_totals *d = &r->total_delta;
	struct xdpport_count pass = stats_passed(d), drop = stats_dropped(d);
	char now[16], a[UNITS_BUF], b[UNITS_BUF], c[UNITS_BUF], e[UNITS_BUF];
	const char *sep = " (";

	fprintf(out, "%s passed %s %s, dropped %s %s", clock_time(now, r->now),
		pps(a, r, pass.packets), bps(b, r, pass.bytes), pps(c, r, drop.packets),
		bps(e, r, drop.bytes));
	for (int i = 0; i < nreasons; i++) {
		const struct reason *reason = &reasons[i];

		if (!reason->drop || !d->reason[reason->id].packets)
			continue;
		fprintf(out, "%s%s %s", sep, reason->name, pps(a, r, d->reason[reason->id].packets));
		sep = ", ";
	}
	fprintf(out, "%s; top dropped:", sep[0] == ',' ? ")" : "");
	if (r->n_top_dropped == 0)
		fprintf(out, " none");
	for (unsigned i = 0; i < r->n_top_dropped; i++)
		fprintf(out, "%s %u/%s %s", i ? "," : "", r->top_dropped[i].port,
			proto_name(r->top_dropped[i].proto),
			pps(a, r, r->top_dropped[i].dropped_delta));
	fprintf(out, "\n");
}
