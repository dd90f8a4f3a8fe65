// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefix.h"

static int max_len(int family)
{
	return family == 4 ? 32 : 128;
}

/* Keeps the first `len` bits of addr; returns whether any other bit was set. */
static bool clear_host_bits(uint8_t *addr, int len, int bytes)
{
	bool had = false;

	for (int i = 0; i < bytes; i++) {
		int keep = len - 8 * i;
		uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));

		had |= addr[i] & ~mask;
		addr[i] &= mask;
	}
	return had;
}

int prefix_parse(const char *text, size_t len, struct prefix *out, char *why, size_t why_len)
{
	char addr[INET6_ADDRSTRLEN + 8], *slash;
	long bits;

	memset(out, 0, sizeof(*out));
	if (len == 0 || len >= sizeof(addr)) {
		snprintf(why, why_len, len ? "too long for an address" : "empty address");
		return -1;
	}
	memcpy(addr, text, len);
	addr[len] = '\0';
	slash = strchr(addr, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, addr, out->addr) == 1)
		out->family = 4;
	else if (inet_pton(AF_INET6, addr, out->addr) == 1)
		out->family = 6;
	else {
		snprintf(why, why_len, "not an IPv4 or IPv6 address");
		return -1;
	}
	bits = max_len(out->family);
	if (slash) {
		char *end;

		if (slash[1] < '0' || slash[1] > '9' || strlen(slash + 1) > 3) {
			snprintf(why, why_len, "the prefix length must be a number");
			return -1;
		}
		bits = strtol(slash + 1, &end, 10);
		if (*end || bits > max_len(out->family)) {
			snprintf(why, why_len, "an IPv%d prefix is at most /%d", out->family,
				 max_len(out->family));
			return -1;
		}
	}
	out->len = bits;
	if (clear_host_bits(out->addr, out->len, out->family == 4 ? 4 : 16)) {
		char net[PREFIX_TEXT_MAX];

		prefix_format(out, net, sizeof(net));
		snprintf(why, why_len, "host bits set after /%d (the network is %s)", out->len, net);
		return -1;
	}
	return 0;
}

void prefix_format(const struct prefix *p, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, addr, sizeof(addr));
	if (p->len == max_len(p->family))
		snprintf(buf, len, "%s", addr);
	else
		snprintf(buf, len, "%s/%u", addr, p->len);
}

uint32_t prefix_v4(const struct prefix *p)
{
	return (uint32_t)p->addr[0] << 24 | p->addr[1] << 16 | p->addr[2] << 8 | p->addr[3];
}

bool prefix_contains(const struct prefix *p, int family, const uint8_t *addr)
{
	int full = p->len / 8, rest = p->len % 8;

	if (p->family != family || memcmp(p->addr, addr, full))
		return false;
	return !rest || !((p->addr[full] ^ addr[full]) & (uint8_t)(0xff << (8 - rest)));
}

int prefix_compare(const struct prefix *a, const struct prefix *b)
{
	int c = (int)a->family - b->family;

	if (!c)
		c = memcmp(a->addr, b->addr, sizeof(a->addr));
	return c ? c : (int)a->len - b->len;
}
