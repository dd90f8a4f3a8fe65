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

void ruleset_reset(struct xdpport_ruleset *rs)
{
	memset(rs, 0, sizeof(*rs));	/* XDPPORT_ENTRY_POLICY_PASS everywhere */
}

/* Gives the ports of `r` the reason bits `e`, keeping their source-rules bit. */
static void set_entries(struct xdpport_ruleset *rs, const struct port_range *r, __u8 e)
{
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		for (int port = r->first; (r->protos & PROTO_BIT(p)) && port <= r->last; port++)
			rs->entry[p][port] = (rs->entry[p][port] & XDPPORT_ENTRY_SOURCES) | e;
}

void ruleset_set_rule(struct xdpport_ruleset *rs, const struct port_range *r, enum verdict v)
{
	set_entries(rs, r, ruleset_rule_entry(v));
}

void ruleset_delete_rule(struct xdpport_ruleset *rs, const struct port_range *r)
{
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		struct port_range one = { PROTO_BIT(p), r->first, r->last };

		if (r->protos & PROTO_BIT(p))
			set_entries(rs, &one, rs->policy[p]);
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
				rs->entry[p][port] = (rs->entry[p][port] & XDPPORT_ENTRY_SOURCES) | v;
	}
}

enum verdict ruleset_verdict(const struct xdpport_ruleset *rs, int proto, uint16_t port)
{
	return rs->entry[proto][port] & XDPPORT_ENTRY_DROP ? VERDICT_DROP : VERDICT_PASS;
}

bool ruleset_is_valid(const struct xdpport_ruleset *rs)
{
	if (rs->fragments > 1 || rs->source_slot > 1 ||
	    rs->sources & ~(XDPPORT_SOURCES_V4 | XDPPORT_SOURCES_V6 | XDPPORT_SOURCES_MODEL))
		return false;
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		if (rs->policy[p] > 1)
			return false;
		for (int port = 0; port < XDPPORT_PORTS; port++) {
			__u8 e = rs->entry[p][port] & ~XDPPORT_ENTRY_SOURCES;

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

		while (port < XDPPORT_PORTS &&
		       (rs->entry[proto][port] & XDPPORT_ENTRY_REASON) == e)
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
