// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "json.h"
#include "portspec.h"
#include "stats_json.h"

static void json_count(const struct stats_report *r, const char *key, struct xdpport_count total,
		       struct xdpport_count delta)
{
	json_object_begin(key);
	json_uint("packets", total.packets);
	json_uint("bytes", total.bytes);
	if (r->interval > 0) {
		json_double("pps", stats_rate(r, delta.packets));
		json_double("bps", stats_rate(r, delta.bytes) * 8);
	}
	json_object_end();
}

static void json_totals(const struct stats_report *r, const struct xdpport_totals *t,
			const struct xdpport_totals *d)
{
	json_object_begin("reasons");
	for (int i = 0; i < nreasons; i++)
		json_count(r, reasons[i].name, t->reason[reasons[i].id], d->reason[reasons[i].id]);
	json_object_end();
	json_count(r, "passed", stats_passed(t), stats_passed(d));
	json_count(r, "dropped", stats_dropped(t), stats_dropped(d));
}

static void json_ports(const struct stats_report *r, const char *key, const struct port_stat *p,
		       unsigned n)
{
	json_array_begin(key);
	for (unsigned i = 0; i < n; i++) {
		json_object_begin(NULL);
		json_uint("port", p[i].port);
		json_string("protocol", proto_name(p[i].proto));
		json_uint("passed", p[i].passed);
		json_uint("dropped", p[i].dropped);
		if (r->interval > 0) {
			json_double("passed_pps", stats_rate(r, p[i].passed_delta));
			json_double("dropped_pps", stats_rate(r, p[i].dropped_delta));
		}
		json_object_end();
	}
	json_array_end();
}

static void json_per_proto(const char *key, const unsigned *n)
{
	json_object_begin(key);
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		json_uint(proto_name(p), n[p]);
	json_object_end();
}

void stats_json(const struct stats_report *r)
{
	const struct counters *c = r->now;

	json_object_begin(NULL);
	json_uint("timestamp_ms", (uint64_t)c->wall.tv_sec * 1000 + c->wall.tv_nsec / 1000000);
	json_bool("up", c->set_up);
	if (r->interval > 0)
		json_double("interval_s", r->interval);
	json_totals(r, &c->total, &r->total_delta);
	json_array_begin("interfaces");
	for (int i = 0; i < c->n_ifaces; i++) {
		json_object_begin(NULL);
		json_string("name", c->iface[i].name);
		json_uint("ifindex", c->iface[i].ifindex);
		json_uint("netns", c->iface[i].netns);
		if (c->iface[i].netns_name[0])
			json_string("netns_name", c->iface[i].netns_name);
		else
			json_null("netns_name");
		json_bool("attached", c->iface[i].attached);
		json_totals(r, &c->iface[i].totals, &r->iface_delta[i]);
		json_object_end();
	}
	json_array_end();
	json_per_proto("ports_with_traffic", r->ports_with_traffic);
	if (r->interval > 0)
		json_per_proto("ports_active", r->ports_active);
	json_ports(r, "top_dropped", r->top_dropped, r->n_top_dropped);
	json_ports(r, "top_passed", r->top_passed, r->n_top_passed);
	json_object_end();
}
