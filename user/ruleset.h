/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A compiled ruleset in memory (struct xdpport_ruleset from include/xdpport.h): the
 * one byte per port the data path reads. Rules are made into one, and read back
 * from one, by user/rules_compile.c; this is what is true of the bytes themselves.
 */
#ifndef XDPPORT_RULESET_H
#define XDPPORT_RULESET_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "portspec.h"
#include "xdpport.h"

enum verdict {
	VERDICT_PASS = 0,
	VERDICT_DROP = 1,
};

/* No rules, every policy pass, fragments pass, replies on with the default timeouts:
 * what a new filter starts with. */
void ruleset_reset(struct xdpport_ruleset *rs);

/* Flow timeouts: seconds, 1..RULESET_TIMEOUT_MAX. Names are what `replies timeout
 * KIND` takes (tcp-syn, tcp, tcp-closing, udp, udp-answered), by enum
 * xdpport_flow_state; parse returns -1 for an unknown name. */
#define RULESET_TIMEOUT_MAX	2147483647u
const char *ruleset_timeout_name(int state);
__u32 ruleset_timeout_default(int state);
int ruleset_timeout_parse(const char *name);

/* The entry of a port with a rule of verdict `v`. */
__u8 ruleset_rule_entry(enum verdict v);

/* True when every byte is a valid entry and matches the policies: a ruleset the CLI
 * could have written. The limit bit may be set on any entry (a denied port keeps its
 * limit for when it passes again). */
bool ruleset_is_valid(const struct xdpport_ruleset *rs);

/* Rules per protocol (ports with a rule). */
unsigned ruleset_count(const struct xdpport_ruleset *rs, int proto);

#endif
