// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>

#include "framegen.h"
#include "framegen_sources.h"
#include "rng.h"

/* A prefix holding 198.18.x.y or 2001:db8::xxxx, or a wider one. */
static struct prefix random_prefix(struct rng *r)
{
	struct prefix p = { 0 };
	uint16_t low = rng_below(r, 1 << 16);

	if (rng_below(r, 2)) {
		p.family = 4;
		memcpy(p.addr, (uint8_t[]){ 198, 18, low >> 8, low }, 4);
		p.len = rng_percent(r, 10) ? rng_below(r, 16) : 16 + rng_below(r, 17);
	} else {
		p.family = 6;
		memcpy(p.addr, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, [14] = low >> 8, low }, 16);
		p.len = rng_percent(r, 10) ? rng_below(r, 112) : 112 + rng_below(r, 17);
	}
	for (int bit = p.len; bit < 128; bit++)
		p.addr[bit / 8] &= ~(0x80 >> (bit % 8));
	return p;
}

void framegen_sources(uint64_t seed, uint64_t n, struct sources *out)
{
	struct rng r;
	unsigned rules;
	char why[64];

	sources_init(out);
	rng_init(&r, seed, FRAMEGEN_STREAM_SOURCES, n);
	if (rng_below(&r, 3) == 0)
		return;
	for (int s = rng_below(&r, 3); s > 0; s--) {
		struct source_set set = { 0 };

		snprintf(set.name, sizeof(set.name), "s%d", s);
		for (int k = rng_below(&r, 40); k > 0; k--) {
			struct prefix p = random_prefix(&r);

			source_set_append(&set, &p);
		}
		sources_put_set(out, &set, why, sizeof(why));
	}
	rules = 1 + rng_below(&r, 60);
	for (unsigned i = 0; i < rules; i++) {
		struct source_rule rule = { .verdict = rng_below(&r, 2) };

		if (!rng_percent(&r, 30)) {	/* on ports, mostly those frames favour */
			uint16_t port = rng_percent(&r, 80)
					? framegen_hot_ports[rng_below(&r, FRAMEGEN_HOT_PORTS)]
					: rng_below(&r, XDPPORT_PORTS);

			rule.range.protos = 1 + rng_below(&r, 3);
			rule.range.first = port;
			rule.range.last = port + (rng_percent(&r, 20) ? rng_below(&r, 4) : 0);
			if (rule.range.last < port)
				rule.range.last = port;
		}
		if (out->nsets && rng_percent(&r, 25))
			rule.set = out->set[rng_below(&r, out->nsets)].origin;
		else
			rule.prefix = random_prefix(&r);
		sources_add_rule(out, &rule);
	}
}

void framegen_source_address(uint64_t seed, uint64_t index, uint8_t *frame, size_t len)
{
	size_t l3 = 14;
	unsigned type;
	struct rng r;
	uint16_t low;

	rng_init(&r, seed, FRAMEGEN_STREAM_SOURCE_ADDR, index);
	if (len < 14 || rng_below(&r, 2))
		return;
	low = rng_below(&r, 1 << 16);
	type = frame[12] << 8 | frame[13];
	for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8) && l3 + 4 <= len; tags++) {
		type = frame[l3 + 2] << 8 | frame[l3 + 3];
		l3 += 4;
	}
	if (type == 0x0800 && l3 + 16 <= len) {
		frame[l3 + 14] = low >> 8;
		frame[l3 + 15] = low;
	} else if (type == 0x86dd && l3 + 24 <= len) {
		frame[l3 + 22] = low >> 8;
		frame[l3 + 23] = low;
	}
}
