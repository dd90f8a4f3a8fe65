// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The ruleset half of the generator (framegen.h): random rulesets, many of them with
 * rules on the ports the frame generator favours. */
#include <string.h>

#include "framegen.h"
#include "rng.h"

static void fill_entries(struct rng *r, uint8_t *entry, uint8_t *policy)
{
	unsigned style = rng_below(r, 10);

	if (style < 4) {	/* every port its own entry, all four values */
		for (size_t i = 0; i < XDPPORT_PORTS; i += 32) {
			uint64_t bits = rng_next(r);

			for (int j = 0; j < 32; j++)
				entry[i + j] = bits >> (2 * j) & 3;
		}
		*policy = rng_below(r, 2);
	} else if (style < 8) {	/* a policy and rules, many on the ports frames favour */
		unsigned p = rng_below(r, 2), rules = 1 + rng_below(r, 2000);

		memset(entry, p, XDPPORT_PORTS);
		*policy = p;
		for (size_t i = 0; i < FRAMEGEN_HOT_PORTS; i++)
			entry[framegen_hot_ports[i]] = rng_below(r, 4);
		for (unsigned i = 0; i < rules; i++)
			entry[rng_below(r, rng_percent(r, 30) ? 1024 : XDPPORT_PORTS)] =
				XDPPORT_ENTRY_RULE | rng_below(r, 2);
	} else if (style < 9) {	/* fresh zero-filled map: everything passes by policy */
		memset(entry, 0, XDPPORT_PORTS);
		*policy = 0;
	} else {	/* junk above the two bits the data path must mask off */
		for (size_t i = 0; i < XDPPORT_PORTS; i += 8) {
			uint64_t bits = rng_next(r);

			memcpy(entry + i, &bits, 8);
		}
		*policy = rng_next(r);
	}
}

void framegen_rules(uint64_t seed, uint64_t n, struct xdpport_rules *rules)
{
	struct rng r;
	unsigned slot;
	struct xdpport_ruleset *rs, *other;
	uint32_t active;

	rng_init(&r, seed, FRAMEGEN_STREAM_RULES, n);
	slot = rng_below(&r, 2);
	rs = &rules->slot[slot];
	other = &rules->slot[!slot];
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		fill_entries(&r, rs->entry[p], &rs->policy[p]);
	rs->fragments = rng_percent(&r, 80) ? rng_below(&r, 2) : rng_below(&r, 256);
	/* replies mostly on; timeouts of 10 s and more, far from the ages flows get */
	rs->replies = rng_percent(&r, 75) ? 1 : rng_percent(&r, 50) ? 0 : rng_below(&r, 256);
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		rs->timeout[s] = 10 + rng_below(&r, 1000);

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
