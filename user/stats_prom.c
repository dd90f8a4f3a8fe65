// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdlib.h>

#include "portspec.h"
#include "sources.h"
#include "stats_prom.h"

/* Label values escape exactly three characters: backslash, double quote, newline. */
static void put_label_value(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void reason_family(FILE *out, const struct counters *c, bool bytes)
{
	const char *name = bytes ? "xdpport_bytes_total" : "xdpport_packets_total";

	family(out, name, "counter",
	       bytes ? "Bytes of the frames xdpport counted (Ethernet frame, no FCS), by "
		       "interface and reason."
		     : "Frames xdpport counted, by interface and reason (pass-*: passed, "
		       "drop-*: dropped).");
	for (int i = 0; i < c->n_ifaces; i++)
		for (int k = 0; k < nreasons; k++) {
			const struct xdpport_count *n = &c->iface[i].totals.reason[reasons[k].id];

			fprintf(out, "%s{interface=", name);
			put_label_value(out, c->iface[i].name);
			fprintf(out, ",reason=\"%s\"} %llu\n", reasons[k].name,
				(unsigned long long)(bytes ? n->bytes : n->packets));
		}
}

static int by_key(const void *a, const void *b)
{
	const struct port_stat *x = a, *y = b;
	unsigned kx = x->proto * XDPPORT_PORTS + x->port, ky = y->proto * XDPPORT_PORTS + y->port;

	return kx < ky ? -1 : kx > ky;
}

/* The ports of both top lists, each once, in protocol and port order. */
static unsigned port_union(const struct stats_report *r, struct port_stat *out)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->n_top_dropped; i++)
		out[n++] = r->top_dropped[i];
	for (unsigned i = 0; i < r->n_top_passed; i++)
		out[n++] = r->top_passed[i];
	qsort(out, n, sizeof(*out), by_key);
	unsigned kept = 0;

	for (unsigned i = 0; i < n; i++)
		if (kept == 0 || by_key(&out[kept - 1], &out[i]))
			out[kept++] = out[i];
	return kept;
}

static void port_family(FILE *out, const struct stats_report *r)
{
	struct port_stat *ports = calloc((size_t)r->n_top_dropped + r->n_top_passed + 1,
					 sizeof(*ports));
	unsigned n = ports ? port_union(r, ports) : 0;

	family(out, "xdpport_port_packets_total", "counter",
	       "TCP/UDP frames by destination port and verdict, all interfaces; only the "
	       "top ports (xdpport stats --top). 32-bit per CPU: wraps.");
	for (unsigned i = 0; i < n; i++)
		for (int dropped = 1; dropped >= 0; dropped--)
			fprintf(out,
				"xdpport_port_packets_total{proto=\"%s\",port=\"%u\",verdict=\"%s\"} "
				"%llu\n",
				proto_name(ports[i].proto), ports[i].port,
				dropped ? "dropped" : "passed",
				(unsigned long long)(dropped ? ports[i].dropped : ports[i].passed));
	free(ports);
}

static void flow_families(FILE *out, const struct flow_table *t)
{
	const struct {
		const char *name, *type, *help;
		__u64 value;
	} rows[] = {
		{ "xdpport_flow_inserts_total", "counter",
		  "Flows the egress program added to the flow table (replies).", t->inserts },
		{ "xdpport_flow_insert_failures_total", "counter",
		  "Flows the egress program could not add to the flow table.", t->insert_failures },
		{ "xdpport_flow_evictions_total", "counter",
		  "Flows the full table dropped to make room (inserts - entries).", t->evictions },
		{ "xdpport_flow_entries", "gauge", "Flows in the table, expired ones included.",
		  t->n },
		{ "xdpport_flow_table_size", "gauge", "Flows the table holds at most.", t->size },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		family(out, rows[i].name, rows[i].type, rows[i].help);
		fprintf(out, "%s %llu\n", rows[i].name, (unsigned long long)rows[i].value);
	}
}

void stats_prometheus_sets(FILE *out, const struct sources *s, const __u64 *hits)
{
	if (!s->nsets)
		return;
	family(out, "xdpport_set_hits_total", "counter",
	       "Frames a named set's prefixes decided (pass-source or drop-source), since the "
	       "set was created.");
	for (size_t i = 0; i < s->nsets; i++)
		fprintf(out, "xdpport_set_hits_total{set=\"%s\"} %llu\n", s->set[i].name,
			(unsigned long long)hits[i]);
	family(out, "xdpport_set_prefixes", "gauge", "Prefixes in a named set, by family.");
	for (size_t i = 0; i < s->nsets; i++) {
		size_t v4 = 0;

		for (size_t k = 0; k < s->set[i].n; k++)
			v4 += s->set[i].prefix[k].family == 4;
		fprintf(out, "xdpport_set_prefixes{set=\"%s\",family=\"ipv4\"} %zu\n",
			s->set[i].name, v4);
		fprintf(out, "xdpport_set_prefixes{set=\"%s\",family=\"ipv6\"} %zu\n",
			s->set[i].name, s->set[i].n - v4);
	}
}

void stats_prometheus_up(FILE *out, bool up)
{
	family(out, "xdpport_up", "gauge",
	       "1 when the filter is set up and was read; 0 when nothing is pinned (before "
	       "the first rule, after flush) or it could not be read (see xdpport's error).");
	fprintf(out, "xdpport_up %d\n", up);
}

void stats_prometheus(FILE *out, const struct stats_report *r)
{
	stats_prometheus_up(out, r->now->set_up);
	family(out, "xdpport_attached_interfaces", "gauge",
	       "Interfaces the filter is attached to: 0 means nothing is filtered.");
	fprintf(out, "xdpport_attached_interfaces %d\n", r->now->n_ifaces);
	family(out, "xdpport_rules_applied_timestamp_seconds", "gauge",
	       "When a command last changed the running ruleset (Unix time; 0: never).");
	fprintf(out, "xdpport_rules_applied_timestamp_seconds %llu.%09llu\n",
		(unsigned long long)(r->now->rules_changed_ns / 1000000000),
		(unsigned long long)(r->now->rules_changed_ns % 1000000000));
	reason_family(out, r->now, false);
	reason_family(out, r->now, true);
	port_family(out, r);
	family(out, "xdpport_ports_with_traffic", "gauge",
	       "Ports with a nonzero count, by protocol: many means a flood spread over ports.");
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		fprintf(out, "xdpport_ports_with_traffic{proto=\"%s\"} %u\n", proto_name(p),
			r->ports_with_traffic[p]);
	flow_families(out, &r->now->flows);
}
