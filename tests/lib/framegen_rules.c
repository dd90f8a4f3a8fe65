// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The ruleset half of the generator (framegen.h): random rules, many of them on the
 * ports the frame generator favours, and a flood limit on a third of the ports. */
#include <string.h>

#include "framegen.h"
#include "rng.h"
#include "rules.h"

/* A rule drawn from the four entry values: 0 and 1 none (the policy decides), 2 and
 * 3 a pass or drop rule. */
static void paint(struct rules_paint *paint, int proto, unsigned port, unsigned value)
{
	struct port_range r = { PROTO_BIT(proto), port, port };

	rules_paint_ports(paint, &r, value >= 2 ? (int)(value & 1) : RULE_NONE);
}

/* One protocol's rules and policy; returns whether its entries get junk. */
static bool fill_proto(struct rng *r, struct rules_paint *p, int proto, struct rules *out)
{
	unsigned style = rng_below(r, 10);

	if (style < 4 || style == 9) {	/* every port its own rule or none */
		for (unsigned i = 0; i < XDPPORT_PORTS; i += 32) {
			uint64_t bits = rng_next(r);

			for (int j = 0; j < 32; j++)
				paint(p, proto, i + j, bits >> (2 * j) & 3);
		}
		out->policy[proto] = rng_below(r, 2);
		return style == 9;	/* junk above the bits the data path reads */
	}
	if (style < 8) {	/* a policy and rules, many on the ports frames favour */
		unsigned rules = 1 + rng_below(r, 2000);

		out->policy[proto] = rng_below(r, 2);
		for (size_t i = 0; i < FRAMEGEN_HOT_PORTS; i++)
			paint(p, proto, framegen_hot_ports[i], rng_below(r, 4));
		for (unsigned i = 0; i < rules; i++)
			paint(p, proto, rng_below(r, rng_percent(r, 30) ? 1024 : XDPPORT_PORTS),
			      2 + rng_below(r, 2));
		return false;
	}
	out->policy[proto] = 0;	/* a fresh filter: everything passes by policy */
	return false;
}

/* Limits small enough that frames to a hot port soon go over; ports of odd number
 * count per source. */
static void paint_limits(uint64_t seed, uint64_t n, struct rules_paint *p)
{
	for (uint32_t port = 0; port < XDPPORT_PORTS; port++) {
		struct xdpport_limit l = { .interval_ns = 60000000000ull, .rate = 1, .burst = 2,
					   .per_minute = 1, .per_source = port & 1 };
		struct port_range r = { PROTOS_ALL, port, port };

		if ((port * 2654435761u + (uint32_t)(seed ^ n)) % 3 == 0)
			rules_paint_limit(p, &r, &l);
	}
}

void framegen_rules(uint64_t seed, uint64_t n, struct rules *out, struct xdpport_rules *rules,
		    struct xdpport_limits *limits)
{
	static struct rules_paint paint_buf;
	struct xdpport_ruleset *rs, *other;
	__u8 fragments, replies;
	bool junk[XDPPORT_NPROTO];
	struct rng r;
	unsigned slot;
	uint32_t active;

	rng_init(&r, seed, FRAMEGEN_STREAM_RULES, n);
	slot = rng_below(&r, 2);
	rs = &rules->slot[slot];
	other = &rules->slot[!slot];
	if (!paint_buf.port && rules_paint_init(&paint_buf))
		return;
	memset(paint_buf.port, 0, sizeof(*paint_buf.port) * XDPPORT_NPROTO);
	rules_init(out);
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		junk[p] = fill_proto(&r, &paint_buf, p, out);
	/* The bytes as the data path reads them: bit 0 of fragments, replies when not 0. */
	fragments = rng_percent(&r, 80) ? rng_below(&r, 2) : rng_below(&r, 256);
	replies = rng_percent(&r, 75) ? 1 : rng_percent(&r, 50) ? 0 : rng_below(&r, 256);
	out->fragments = fragments & 1;
	out->replies = replies != 0;
	/* timeouts of 10 s and more, far from the ages flows get */
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		out->timeout[s] = 10 + rng_below(&r, 1000);
	paint_limits(seed, n, &paint_buf);
	rules_paint_finish(&paint_buf, out);

	rules_compile(out, rs, &limits[slot]);
	rs->fragments = fragments;
	rs->replies = replies;
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		if (!junk[p])
			continue;
		for (size_t i = 0; i < XDPPORT_PORTS; i += 8) {
			uint64_t bits = rng_next(&r) & 0xf8f8f8f8f8f8f8f8ull;

			for (int j = 0; j < 8; j++)
				rs->entry[p][i + j] |= bits >> (8 * j);
		}
		rs->policy[p] = rng_next(&r);
	}

	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		for (size_t i = 0; i < XDPPORT_PORTS; i++)
			other->entry[p][i] = rs->entry[p][i] ^ 3;
		other->policy[p] = rs->policy[p] ^ 1;
	}
	other->fragments = rs->fragments ^ 1;
	other->replies = !rs->replies;
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		other->timeout[s] = 1;

	/* only bit 0 of `active` selects the slot */
	active = rng_percent(&r, 50) ? slot : (uint32_t)(rng_next(&r) & ~1ULL) | slot;
	__atomic_store_n(&rules->active, active, __ATOMIC_RELEASE);
}
