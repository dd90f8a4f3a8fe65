// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
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

void ruleset_reset(struct xdpport_ruleset *rs)
{
	memset(rs, 0, sizeof(*rs));	/* XDPPORT_ENTRY_POLICY_PASS everywhere */
	rs->replies = 1;
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		rs->timeout[s] = timeouts[s].seconds;
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
			__u8 e = rs->entry[p][port] & ~XDPPORT_ENTRY_STAGES;

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
