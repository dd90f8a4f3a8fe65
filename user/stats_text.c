// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "portspec.h"
#include "stats_text.h"
#include "units.h"

static void reason_rows(FILE *out, const struct xdpport_totals *t)
{
	char n[UNITS_BUF], b[UNITS_BUF];

	for (int i = 0; i < nreasons; i++) {
		const struct reason *r = &reasons[i];
		const struct xdpport_count *c = &t->reason[r->id];

		if (i == 0 || r->drop != reasons[i - 1].drop) {	/* a verdict's first row */
			struct xdpport_count sum = r->drop ? stats_dropped(t) : stats_passed(t);

			fprintf(out, "%-18s %18s %12s\n", r->drop ? "dropped" : "passed",
				grouped(n, sum.packets), human_si(b, sum.bytes, "B"));
		}
		fprintf(out, "  %-16s %18s %12s\n", r->name, grouped(n, c->packets),
			human_si(b, c->bytes, "B"));
	}
}

static void iface_rows(FILE *out, const struct counters *c)
{
	char pp[UNITS_BUF], dp[UNITS_BUF], pb[UNITS_BUF], db[UNITS_BUF];

	if (c->n_ifaces == 0) {
		fprintf(out, "\nnot attached to any interface\n");
		return;
	}
	fprintf(out, "\n%-18s %18s %18s %13s %13s\n", "interface", "passed packets",
		"dropped packets", "passed bytes", "dropped bytes");
	for (int i = 0; i < c->n_ifaces; i++) {
		struct xdpport_count pass = stats_passed(&c->iface[i].totals);
		struct xdpport_count drop = stats_dropped(&c->iface[i].totals);

		char name[IFACE_LABEL_MAX + 8];

		snprintf(name, sizeof(name), "%s%s", c->iface[i].name,
			 c->iface[i].attached ? "" : " (gone)");
		fprintf(out, "%-18s %18s %18s %13s %13s\n", name,
			grouped(pp, pass.packets), grouped(dp, drop.packets),
			human_si(pb, pass.bytes, "B"), human_si(db, drop.bytes, "B"));
	}
}

static void port_rows(FILE *out, const char *title, const struct port_stat *p, unsigned n,
		      bool by_dropped)
{
	char a[UNITS_BUF], b[UNITS_BUF], port[16];

	fprintf(out, "\n%-18s %18s %18s\n", title, by_dropped ? "dropped" : "passed",
		by_dropped ? "passed" : "dropped");
	if (n == 0)
		fprintf(out, "  (none)\n");
	for (unsigned i = 0; i < n; i++) {
		snprintf(port, sizeof(port), "%u/%s", p[i].port, proto_name(p[i].proto));
		fprintf(out, "  %-16s %18s %18s\n", port,
			grouped(a, by_dropped ? p[i].dropped : p[i].passed),
			grouped(b, by_dropped ? p[i].passed : p[i].dropped));
	}
}

void stats_text(FILE *out, const struct stats_report *r, unsigned top)
{
	unsigned tcp = r->ports_with_traffic[XDPPORT_TCP], udp = r->ports_with_traffic[XDPPORT_UDP];

	if (!r->now->set_up)
		fprintf(out, "no filter set up: nothing attached or set (counts are zero)\n\n");
	fprintf(out, "%-18s %18s %12s\n", "all interfaces", "packets", "bytes");
	reason_rows(out, &r->now->total);
	iface_rows(out, r->now);
	port_rows(out, "top dropped ports", r->top_dropped, r->n_top_dropped, true);
	port_rows(out, "top passed ports", r->top_passed, r->n_top_passed, false);
	fprintf(out, "\nports with traffic: %u tcp, %u udp", tcp, udp);
	if (tcp + udp > top && (r->n_top_dropped == top || r->n_top_passed == top))
		fprintf(out, " (the top %u shown each way; --top N or --top all for more)", top);
	fprintf(out, "\n");
}
