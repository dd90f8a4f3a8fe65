/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Why a frame got its verdict: the reasons of enum xdpport_reason as every output
 * names, orders and explains them. One table, read by stats (text, live, JSON,
 * Prometheus), help and capture, so a new reason is one new row.
 */
#ifndef XDPPORT_REASONS_H
#define XDPPORT_REASONS_H

#include <stdbool.h>
#include <stdio.h>

#include <linux/types.h>
#include "xdpport.h"

struct reason {
	int id;			/* enum xdpport_reason */
	const char *name;	/* "drop-rule": stats keys, Prometheus labels, --reason */
	bool drop;		/* the verdict; the data path reads it from bit 0 of id */
	const char *help;	/* one line: when a frame gets it */
};

/* Every reason, in the order outputs list them: the pass reasons, then the drop
 * reasons, each from the most to the least common cause. */
extern const struct reason reasons[];
extern const int nreasons;

/* The row of reason `id`, or NULL. */
const struct reason *reason_of(int id);

/* "pass-policy", "drop-rule", ...; "unknown" for an id without a row. */
const char *reason_name(int id);

/* The id of the reason called `name`, or -1. */
int reason_parse(const char *name);

/* The table as `xdpport stats --help` shows it. */
void reasons_print(FILE *out);

#endif
