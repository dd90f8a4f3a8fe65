// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>

#include "ruleset.h"

__u8 ruleset_rule_entry(enum verdict v)
{
	return XDPPORT_ENTRY_RULE | v;
}

static bool is_rule(__u8 entry)
{
	return entry & XDPPORT_ENTRY_RULE;
}

/* The names `replies timeout` takes, by flow state, and nf_conntrack's defaults
 * (Documentation/networking/nf_conntrack-sysctl.rst: tcp_timeout_syn_sent,
 * _established, _fin_wait; udp_timeout, udp_timeout_stream). */
static const struct {
	const char *name;
	__u32 seconds;
} timeouts[XDPPORT_FLOW_NSTATES] = {
	[XDPPORT_FLOW_TCP_SYN] = { "tcp-syn", 120 },
	[XDPPORT_FLOW_TCP] = { "tcp", 432000 },
	[XDPPORT_FLOW_TCP_CLOSING] = { "tcp-closing", 120 },
	[XDPPORT_FLOW_UDP] = { "udp", 30 },
	[XDPPORT_FLOW_UDP_ANSWERED] = { "udp-answered", 120 },
};

const char *ruleset_timeout_name(int state)
{
	return timeouts[state].name;
}

__u32 ruleset_timeout_default(int state)
{
	return timeouts[state].seconds;
}

int ruleset_timeout_parse(const char *name)
{
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		if (!strcmp(name, timeouts[s].name))
			return s;
	return -1;
}

bool ruleset_timeouts_default(const struct xdpport_ruleset *rs)
{
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		if (rs->timeout[s] != timeouts[s].seconds)
			return false;
	return true;
}

void ruleset_reset(struct xdpport_ruleset *rs)
{
	memset(rs, 0, sizeof(*rs));	/* XDPPORT_ENTRY_POLICY_PASS everywhere */
	rs->replies = 1;
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		rs->timeout[s] = timeouts[s].seconds;
}

/* The bits of an entry that are not its reason and that rules leave as they are. */
#define ENTRY_KEEP	XDPPORT_ENTRY_STAGES

/* Gives the ports of `r` the reason bits `reason`, keeping their limit and source bits. */
static void set_reason(struct xdpport_ruleset *rs, const struct port_range *r, __u8 reason)
{
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		if (!(r->protos & PROTO_BIT(p)))
			continue;
		for (unsigned port = r->first; port <= r->last; port++)
			rs->entry[p][port] = (rs->entry[p][port] & ENTRY_KEEP) | reason;
	}
}

void ruleset_set_rule(struct xdpport_ruleset *rs, const struct port_range *r, enum verdict v)
{
	set_reason(rs, r, ruleset_rule_entry(v));
}

void ruleset_delete_rule(struct xdpport_ruleset *rs, const struct port_range *r)
{
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		struct port_range one = *r;

		one.protos = r->protos & PROTO_BIT(p);
		set_reason(rs, &one, rs->policy[p]);
	}
}

void ruleset_set_policy(struct xdpport_ruleset *rs, uint32_t protos, enum verdict v)
{
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		if (!(protos & PROTO_BIT(p)))
			continue;
		rs->policy[p] = v;
		for (int port = 0; port < XDPPORT_PORTS; port++)
			if (!is_rule(rs->entry[p][port]))
				rs->entry[p][port] = (rs->entry[p][port] & ENTRY_KEEP) | v;
	}
}

enum verdict ruleset_verdict(const struct xdpport_ruleset *rs, int proto, uint16_t port)
{
	return rs->entry[proto][port] & XDPPORT_ENTRY_DROP ? VERDICT_DROP : VERDICT_PASS;
}

bool ruleset_is_valid(const struct xdpport_ruleset *rs)
{
	if (rs->fragments > 1 || rs->replies > 1 || rs->source_slot > 1 ||
	    rs->sources & ~(XDPPORT_SOURCES_V4 | XDPPORT_SOURCES_V6 | XDPPORT_SOURCES_MODEL))
		return false;
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		if (rs->timeout[s] < 1 || rs->timeout[s] > RULESET_TIMEOUT_MAX)
			return false;
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		if (rs->policy[p] > 1)
			return false;
		for (int port = 0; port < XDPPORT_PORTS; port++) {
			__u8 e = rs->entry[p][port] & ~ENTRY_KEEP;

			if (e > XDPPORT_ENTRY_RULE_DROP || (!is_rule(e) && e != rs->policy[p]))
				return false;
		}
	}
	return true;
}

unsigned ruleset_count(const struct xdpport_ruleset *rs, int proto)
{
	unsigned n = 0;

	for (int port = 0; port < XDPPORT_PORTS; port++)
		n += is_rule(rs->entry[proto][port]);
	return n;
}

/* Appends the runs of one protocol's rules to `out` (NULL: only counts them). */
static size_t proto_runs(const struct xdpport_ruleset *rs, int proto, struct rule *out)
{
	size_t n = 0;

	for (int port = 0; port < XDPPORT_PORTS;) {
		__u8 e = rs->entry[proto][port] & XDPPORT_ENTRY_REASON;
		int first = port;

		while (port < XDPPORT_PORTS && (rs->entry[proto][port] & XDPPORT_ENTRY_REASON) == e)
			port++;
		if (!is_rule(e))
			continue;
		if (out)
			out[n] = (struct rule){
				.range = { .protos = PROTO_BIT(proto), .first = first,
					   .last = port - 1 },
				.verdict = e & XDPPORT_ENTRY_DROP,
			};
		n++;
	}
	return n;
}

static int by_first_port(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;

	if (x->range.first != y->range.first)
		return x->range.first - y->range.first;
	return (int)x->range.protos - (int)y->range.protos;
}

long ruleset_rules(const struct xdpport_ruleset *rs, struct rule **out)
{
	/* Counted first: the worst case (a run per two ports) would be 1.5 MB for what
	 * is usually a handful of rules. */
	size_t n = proto_runs(rs, XDPPORT_TCP, NULL) + proto_runs(rs, XDPPORT_UDP, NULL), kept = 0;
	struct rule *rules = malloc(sizeof(*rules) * (n ? n : 1));

	if (!rules)
		return -1;
	n = proto_runs(rs, XDPPORT_TCP, rules);
	n += proto_runs(rs, XDPPORT_UDP, rules + n);
	qsort(rules, n, sizeof(*rules), by_first_port);
	/* After sorting, a tcp run is followed by the udp run with the same first port;
	 * merge them when they are the same rule. */
	for (size_t i = 0; i < n; i++) {
		struct rule *prev = kept ? &rules[kept - 1] : NULL;

		if (prev && prev->range.protos == PROTO_BIT(XDPPORT_TCP) &&
		    rules[i].range.protos == PROTO_BIT(XDPPORT_UDP) &&
		    prev->range.first == rules[i].range.first &&
		    prev->range.last == rules[i].range.last && prev->verdict == rules[i].verdict) {
			prev->range.protos = PROTOS_ALL;
			continue;
		}
		rules[kept++] = rules[i];
	}
	*out = rules;
	return kept;
}
