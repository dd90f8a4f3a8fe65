/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Rules (user/rules.h) and the running filter: the rules it runs, read back from
 * its active slot, and a change to them made the running ruleset. The maps keep
 * only the compiled bytes; the rules are read back from them each time (they are
 * fully determined by the bytes), the source rules and sets from the source slot's
 * own copy (sources_load()).
 */
#ifndef XDPPORT_RULES_COMMIT_H
#define XDPPORT_RULES_COMMIT_H

#include "filter.h"
#include "rules.h"

/* The rules `f` runs (port rules, limits, settings; sources left empty). 0, or -1
 * when out of memory. */
int rules_load(const struct filter *f, struct rules *out);

/* The same for one port number only: its rules and limits (no other port's) and the
 * settings. What a change to that port alone needs, at a cost that does not grow
 * with the ruleset (reading 100,000 rules back takes milliseconds). 0, or -1 when
 * out of memory. */
int rules_load_port(const struct filter *f, unsigned port, struct rules *out);

/*
 * Makes `after` the running ruleset of `f` (held locked), `before` being what runs
 * (rules_load()): nothing is written when they are the same. A change to the rules of
 * one port number only (what `allow 443` makes) is written in place, one store per
 * protocol, without compiling a whole ruleset; anything else is compiled and switched
 * in at once (filter_commit()), so no frame sees half of it. The source slot stays
 * as it runs.
 */
void rules_commit(struct filter *f, const struct rules *before, const struct rules *after);

/* Compiles `after` and switches it in whole, the source slot kept, even when it is
 * what runs already (the change timestamp moves): what `limit` does. */
void rules_switch(struct filter *f, const struct rules *after);

#endif
