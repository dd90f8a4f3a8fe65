/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A ruleset in memory (struct xdpport_ruleset from include/xdpport.h): rules and
 * policies turned into the one byte per port the data path reads, and back.
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

/* True when every timeout is its default. */
bool ruleset_timeouts_default(const struct xdpport_ruleset *rs);

/* The entry of a port with a rule of verdict `v`. */
__u8 ruleset_rule_entry(enum verdict v);

/* Gives every port of `r` a rule with verdict `v` (allow/deny). */
void ruleset_set_rule(struct xdpport_ruleset *rs, const struct port_range *r, enum verdict v);

/* Removes the rules of `r`: those ports follow their protocol's policy again. */
void ruleset_delete_rule(struct xdpport_ruleset *rs, const struct port_range *r);

/* Sets the policy of the protocols in `protos` (PROTO_BIT mask). */
void ruleset_set_policy(struct xdpport_ruleset *rs, uint32_t protos, enum verdict v);

/* What a frame to (proto, port) gets: its rule's verdict, or the policy's. */
enum verdict ruleset_verdict(const struct xdpport_ruleset *rs, int proto, uint16_t port);

/* True when every byte is a valid entry and matches the policies: a ruleset the CLI
 * could have written. */
bool ruleset_is_valid(const struct xdpport_ruleset *rs);

/* Rules as compact ranges: adjacent ports with the same verdict form one range, and a
 * range with the same rule for tcp and udp is one rule for both. Sorted by first port,
 * then protocol. */
struct rule {
	struct port_range range;
	enum verdict verdict;
};

/* Fills `out` (allocated, free() it) and returns how many rules; -1 if out of memory. */
long ruleset_rules(const struct xdpport_ruleset *rs, struct rule **out);

/* Rules per protocol (ports with a rule). */
unsigned ruleset_count(const struct xdpport_ruleset *rs, int proto);

#endif
