/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flood limits: `RATE [burst N] [per-source]` parsed into the config the data path
 * reads (struct xdpport_limit), and what is true of them in a compiled ruleset (the
 * entry bit XDPPORT_ENTRY_LIMIT plus a config in a struct xdpport_limits). Only ports
 * whose entry has the bit have a meaningful config; the others are never read. As
 * rules they are user/rules.h's limit lists.
 */
#ifndef XDPPORT_LIMIT_H
#define XDPPORT_LIMIT_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "portspec.h"
#include "xdpport.h"

#define LIMIT_BURST_DEFAULT	5		/* nftables' default */
#define LIMIT_RATE_MAX_PER_S	10000000u	/* beyond, whole-ns intervals lose >1% */

/*
 * Parses the words after PORTSPEC: `RATE [burst N] [per-source]` or `off`. Returns 1
 * for a limit (in *out), 0 for off, -1 with the reason in `why`.
 */
int limit_parse(char *const *words, int n, struct xdpport_limit *out, char *why,
		size_t why_len);

/* "20000/s burst 5 per-source": what limit_parse() reads back to the same config. */
void limit_format(const struct xdpport_limit *l, char *buf, size_t len);

/* Copies the configs of every limited port of `rs` from `from` into `to`. */
void limits_copy(const struct xdpport_ruleset *rs, struct xdpport_limits *to,
		 const struct xdpport_limits *from);

/* True when every limited port of `rs` has the same config in `a` and `b`. */
bool limits_same(const struct xdpport_ruleset *rs, const struct xdpport_limits *a,
		 const struct xdpport_limits *b);

/* Limited ports of a protocol. */
unsigned limits_count(const struct xdpport_ruleset *rs, int proto);

#endif
