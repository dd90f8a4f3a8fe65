/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The words of a source rule, as the CLI and the rules file take them:
 *   allow|deny|delete [PORTSPEC...] from SOURCE...
 * SOURCE is an address, a CIDR, or @NAME (a set that exists).
 */
#ifndef XDPPORT_SOURCE_ARGS_H
#define XDPPORT_SOURCE_ARGS_H

#include <stddef.h>

#include "sources.h"

/* The index of the word "from" among words[0, n), or -1. */
int source_from_index(char *const *words, int n);

/* Parses one SOURCE into the source of `out` (set or prefix). -1 with why. */
int source_arg_parse(const char *word, const struct sources *s, struct source_rule *out,
		     char *why, size_t why_len);

/* Applies `allow/deny/delete PORTSPEC... from SOURCE...` to `s`: ports[0, nports)
 * and sources[0, nsources) are the words on either side of "from". action: 0 allow,
 * 1 deny, 2 delete. Returns 0, or -1 with why (the bad word named; for delete also
 * "no such rule"). `strict_delete`: a delete that removes nothing is an error. */
int source_rules_edit(struct sources *s, int action, char *const *ports, int nports,
		      char *const *sources, int nsources, bool strict_delete, char *why,
		      size_t why_len);

/* The SOURCE as the CLI takes it: "203.0.113.0/24" or "@NAME". */
void source_format(const struct sources *s, const struct source_rule *r, char *buf,
		   size_t len);

/* The whole rule as the CLI takes it: "allow 22/tcp from 203.0.113.0/24". */
void source_rule_format(const struct sources *s, const struct source_rule *r, char *buf,
			size_t len);

#endif
