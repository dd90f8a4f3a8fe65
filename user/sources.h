/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Source rules and named sets, as data: what `allow/deny ... from`, `set` and the
 * rules file build, what list and save read back, and what sources_compile() turns
 * into the data path's tables (bpf/sources.h). Pure: no BPF, no files.
 *
 * Meaning: `allow/deny from` (no port) decides every IP frame by the longest prefix
 * that matches its source; otherwise a port with source rules is decided by its own
 * longest match; otherwise the port's rule or the policy. Among equal prefixes
 * (a literal and a set, two sets) deny wins.
 */
#ifndef XDPPORT_SOURCES_H
#define XDPPORT_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>
#include "portspec.h"
#include "prefix.h"
#include "ruleset.h"
#include "xdpport.h"

#define SET_NAME_MAX	31
#define SETS_MAX	(XDPPORT_SOURCE_ORIGINS - XDPPORT_SOURCE_SET_FIRST)
/* Trie entries a port's rules may expand to (ports x prefixes): a port range over a
 * big set is refused rather than filling memory. */
#define SOURCES_TRIE_MAX	(4u << 20)

struct source_set {
	char name[SET_NAME_MAX + 1];
	__u8 origin;		/* XDPPORT_SOURCE_SET_FIRST..: its hit counter */
	struct prefix *prefix;	/* sorted, no duplicates */
	size_t n, cap;
};

struct source_rule {
	struct port_range range;	/* protos 0: every frame (`allow from`) */
	enum verdict verdict;
	__u8 set;			/* the set's origin, 0: `prefix` */
	struct prefix prefix;
};

struct sources {
	struct source_rule *rule;	/* in the order given */
	size_t nrules;
	struct source_set *set;		/* sorted by name */
	size_t nsets;
};

void sources_init(struct sources *s);
void sources_free(struct sources *s);

/* Deep copy; -1 when out of memory. */
int sources_copy(struct sources *dst, const struct sources *src);

/* A set's name is letters, digits, '_', '-', '.'; starts with a letter or digit. */
bool set_name_valid(const char *name);

struct source_set *sources_find_set(const struct sources *s, const char *name);
struct source_set *sources_set_by_origin(const struct sources *s, __u8 origin);

/* Puts `set` (its prefixes moved in: sorted and deduplicated here) under its name,
 * replacing a set of that name. Returns -1 (why) when out of origins or memory. */
int sources_put_set(struct sources *s, struct source_set *set, char *why, size_t why_len);

/* Removes a set no rule uses; -1 (why) when there is none, -2 when rules use it. */
int sources_delete_set(struct sources *s, const char *name, char *why, size_t why_len);

/* Adds a rule; one of the same ports and source is replaced. -1 out of memory. */
int sources_add_rule(struct sources *s, const struct source_rule *r);

/* Removes the rules for these ports (protos 0: the `allow/deny from` rules) and
 * source; returns how many. */
size_t sources_delete_rule(struct sources *s, const struct port_range *range, __u8 set,
			   const struct prefix *prefix);

/* Does any rule use the set? */
bool sources_set_used(const struct sources *s, __u8 origin);

/* The set's sorted prefixes get a new prefix; -1 out of memory. */
int source_set_append(struct source_set *set, const struct prefix *p);
void source_set_sort(struct source_set *set);

/* The prefixes of a rule's source (a set's, or its own one), and the byte the tables
 * hold for a match: (origin << 1) | drop. */
const struct prefix *rule_prefixes(const struct sources *s, const struct source_rule *r,
				   size_t *n);
__u8 rule_origin(const struct source_rule *r);

/* What the data path is given for a set of sources (user/sources_compile.c). */
struct source_long {
	__u32 net;			/* the /24, addr >> 8 */
	struct xdpport_src4_long block;
};

struct source_trie_entry {
	struct xdpport_src_key key;
	__u8 origin;
};

struct source_tables {
	__u64 src16[XDPPORT_SRC16_WORDS];	/* 2 bits a /16: into the ruleset */
	bool src4_bits_used;		/* some /16 has code 3: src4_bits is needed */
	__u64 *src4_bits;		/* 2 bits a /24: XDPPORT_SRC4_BITS_CHUNKS elements */
	__u8 src4_value[2];		/* what codes 1 and 2 stand for */
	bool src4_bytes_used;		/* some /24 has code 3: src4 is needed */
	__u8 *src4;			/* 1 << 24 bytes, NULL without IPv4 `from` rules */
	struct source_long *longer;
	size_t nlonger;
	struct source_trie_entry *trie;	/* deny after pass: later entries win */
	size_t ntrie;
	__u8 flags;			/* XDPPORT_SOURCES_V4 | XDPPORT_SOURCES_V6 */
};

/* Builds the tables, and marks in `rs` (sources, entry bits) which ports have source
 * rules. Returns 0, or -1 with why (out of memory, too many trie entries). */
int sources_compile(const struct sources *s, struct xdpport_ruleset *rs,
		    struct source_tables *out, char *why, size_t why_len);
void source_tables_free(struct source_tables *t);

/* The reference answer, straight from the rules: XDPPORT_PASS_SOURCE or
 * XDPPORT_DROP_SOURCE with the deciding origin in *origin, or -1 when no source rule
 * decides. has_port: a TCP/UDP frame to (proto, port). */
int sources_decide(const struct sources *s, int family, const uint8_t *addr, bool has_port,
		   int proto, int port, __u8 *origin);

#endif
