/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Source rules and sets in the running filter. Each ruleset names one of two source
 * slots (include/xdpport.h); a slot holds the data path's tables (maps in the
 * xdpport_src4, xdpport_src4_long, xdpport_src_trie arrays) and the rules and sets
 * they were built from (xdpport_src_model), so list, save and the next change read
 * exactly what runs. A change fills the slot the running ruleset does not use, then
 * the ruleset switch (filter_replace) moves tables and model over at once: the
 * steps of user/publish.c.
 */
#ifndef XDPPORT_SOURCES_STORE_H
#define XDPPORT_SOURCES_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "filter.h"
#include "sources.h"

/* The maps-in-maps of the source slots: the filter's (struct filter), or in tests a
 * program's own. */
struct source_maps {
	int src4_bits, src4, src4_long, trie, model;
};

/* Builds `s` into source slot `slot` of `m` and points `next` at it (flags, port
 * bits, source_slot). Tests use it on a program's own maps. 0, or -1 with why. */
int sources_install(const struct source_maps *m, __u32 slot, const struct sources *s,
		    struct xdpport_ruleset *next, char *why, size_t why_len);

/* The rules and sets `rs` runs with (none when it has no source slot). Returns 0,
 * or -1 with why. */
int sources_load(const struct xdpport_ruleset *rs, struct sources *out, char *why,
		 size_t why_len);

/*
 * Steps 1 and 2 of a switch (user/publish.c): once no frame reads it, builds the
 * tables and the model of `s` in the source slot the running ruleset of `f` does not
 * use and points `next` at it (its sources flags and port bits too). Nothing runs
 * with it until `next` is switched in. Returns 0, or -1 with why.
 */
int sources_stage(struct filter *f, struct xdpport_ruleset *next, const struct sources *s,
		  char *why, size_t why_len);

/* Step 4, after the switch: frees the maps of the source slot the running ruleset of
 * `f` does not use (both, when it has no sources: after a flush), once no frame
 * reads them. Also undoes a sources_stage that was not switched in. */
void sources_release_other(struct filter *f);

/* Under the lock of `f`: builds `after` into the free source slot and switches
 * `next` in with `limits` (NULL: the running ones) in one flip, then frees the old
 * slot; no guard, no trial (a rollback puts back what ran; a command checks both
 * first: sources_commit). 0, or -1 with why. */
int sources_switch(struct filter *f, struct xdpport_ruleset *next,
		   const struct xdpport_limits *limits, const struct sources *after, char *why,
		   size_t why_len);

/* The same rules and sets, origins included (the running tables would serve both). */
bool sources_same(const struct sources *a, const struct sources *b);

/* `next` runs with the source slot of `live` as it is: flags, slot, /16 bits and
 * the ports' source bits from `live`. For a change that leaves the sources alone. */
void sources_keep(const struct xdpport_ruleset *live, struct xdpport_ruleset *next);

/* Zeroes the hit counter of a set origin (a new set starts at 0). */
void sources_reset_hits(__u8 origin);

/* Hits of an origin, summed over CPUs; 0 when unknown. */
__u64 sources_hits(__u8 origin);

#endif
