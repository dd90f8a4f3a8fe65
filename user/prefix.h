/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * An IPv4 or IPv6 address or CIDR prefix: what `from` takes and a set file holds.
 * 203.0.113.7  203.0.113.0/24  2001:db8::/32. Host bits beyond the length are an
 * error (203.0.113.7/24 is a typo for one of two things, never guessed).
 */
#ifndef XDPPORT_PREFIX_H
#define XDPPORT_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prefix {
	uint8_t family;		/* 4 or 6 */
	uint8_t len;		/* 0-32 or 0-128 */
	uint8_t reserved[2];
	uint8_t addr[16];	/* network order; IPv4 in addr[0..3]; host bits zero */
};

#define PREFIX_TEXT_MAX	44	/* "ffff:...:ffff/128" and its NUL */

/* Parses text[0, len); on error returns -1 and writes why into `why`. */
int prefix_parse(const char *text, size_t len, struct prefix *out, char *why, size_t why_len);

/* "203.0.113.0/24", or the address alone for a /32 or /128. */
void prefix_format(const struct prefix *p, char *buf, size_t len);

/* The IPv4 address in host order. */
uint32_t prefix_v4(const struct prefix *p);

/* Does `p` contain the address `addr` (16 bytes, IPv4 in the first 4) of `family`? */
bool prefix_contains(const struct prefix *p, int family, const uint8_t *addr);

/* Orders by family, address, then length: equal prefixes are neighbours. */
int prefix_compare(const struct prefix *a, const struct prefix *b);

#endif
