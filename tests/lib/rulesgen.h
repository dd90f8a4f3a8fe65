/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Random rules files for tests, and what they mean according to a reference model
 * written independently of user/ruleset.c and user/rulesfile.c. */
#ifndef TEST_RULESGEN_H
#define TEST_RULESGEN_H

#include <linux/types.h>
#include <stdbool.h>
#include <stdio.h>

#include "xdpport.h"

/* Rules and policies kept apart, exactly as the lines say. */
struct rules_model {
	signed char rule[XDPPORT_NPROTO][XDPPORT_PORTS];	/* -1 none, 0 pass, 1 drop */
	int policy[XDPPORT_NPROTO], fragments;
	int replies;				/* 1 on (the default), 0 off */
	unsigned timeout[XDPPORT_FLOW_NSTATES];	/* seconds, enum xdpport_flow_state */
};

/* Writes a random rules file of up to `max_lines` lines (policies, fragments, replies
 * and timeouts, allow, deny, delete with overlapping ranges, comments, odd spacing, sometimes CRLF) and
 * fills `m` with its meaning. */
void rulesgen_file(unsigned *seed, FILE *out, int max_lines, struct rules_model *m);

/* True when `rs` is what the model says; otherwise prints the first difference. */
bool rulesgen_matches(const struct rules_model *m, const struct xdpport_ruleset *rs);

#endif
