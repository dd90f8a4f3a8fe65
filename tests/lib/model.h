/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reference model of the data path's verdict: a second, independent implementation
 * of the spec (README / issue 7) in plain userspace C, written without looking at
 * bpf/parse.h. It decides by the rules as the user states them (user/rules.h), not by
 * the bytes they compile to. The differential test compares it with the real program,
 * running the compiled rules, frame by frame.
 */
#ifndef TEST_MODEL_H
#define TEST_MODEL_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdpport.h"

/* The flows the host sent out (what the flow table holds), as the model keeps them. */
struct model_flow {
	struct xdpport_flow_key key;
	struct xdpport_flow flow;
};

struct model_flows {
	struct model_flow *flow;
	size_t n, max;
	uint64_t now_ns;	/* the clock the ages are measured against */
};

struct rules;

/* The rules model_reason() decides by from now on: policies, port rules, limits,
 * fragments, replies and their timeouts, source rules and sets; NULL: the clean
 * ruleset. Read, not copied: keep them alive and unchanged while frames are
 * modelled (which port has which rule is looked up once, here). */
void model_set_rules(const struct rules *r);

/* Whether (proto, port) has a flood limit under those rules. */
bool model_limited(int proto, unsigned port);

/* Returns the enum xdpport_reason the data path must give `frame` (`len` bytes)
 * under the rules set and the flows in `flows` (NULL: none). A reply moves its flow
 * to the state the spec says (UDP answered; TCP closing on FIN/RST, established on a
 * SYN-ACK to a SYN). A frame a flood limit counts (README, Flood limits) gets its
 * reason | MODEL_OR_LIMIT: the data path may give that reason or XDPPORT_DROP_LIMIT,
 * as its bucket decides. */
int model_reason(const uint8_t *frame, size_t len, struct model_flows *flows);

/* The flow-table key of the flow `frame` would answer (its tuple reversed: the host
 * is the destination), and where its TCP/UDP header starts. False for a frame that
 * carries no TCP/UDP header with ports (model_reason would not look it up). */
bool model_reply_key(const uint8_t *frame, size_t len, struct xdpport_flow_key *key,
		     size_t *l4);

/* The flow of `key` in `flows`, or NULL. */
struct model_flow *model_find_flow(struct model_flows *flows, const struct xdpport_flow_key *key);

#define MODEL_OR_LIMIT		0x100
#define MODEL_REASON(m)		((m) & 0xff)

#endif
