/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Rules as data: a ruleset as the user states it (policies, the fragments and
 * replies settings, port rules, flood limits, source rules and sets) apart from the
 * maps the data path reads. The command line edits it, the rules file builds it,
 * list, save and the lockout guard read it, and rules_compile() turns it into map
 * contents. Pure: no BPF (user/rules_commit.h puts it into the running filter).
 *
 * Port rules and limits are kept in one normal form, the one list and save print:
 * sorted by first port, tcp before udp; one item per longest range of a protocol's
 * ports with the same verdict (limit); a range that is the same rule for tcp and udp
 * is one rule for both (user/rules_list.h). So two rulesets that mean the same are
 * the same data, and a ruleset read back from the maps is the one that was compiled.
 */
#ifndef XDPPORT_RULES_H
#define XDPPORT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>
#include "portspec.h"
#include "ruleset.h"
#include "sources.h"
#include "xdpport.h"

#define RULE_NONE	(-1)	/* a port without a rule: the policy decides */

/* allow (VERDICT_PASS) or deny (VERDICT_DROP) the ports of `range`. */
struct port_rule {
	struct port_range range;
	enum verdict verdict;
};

/* A flood limit on the ports of `range` (user/limit.h parses and formats it). */
struct limit_rule {
	struct port_range range;
	struct xdpport_limit limit;
};

struct rules {
	__u8 policy[XDPPORT_NPROTO];	/* enum verdict, for ports without a rule */
	__u8 fragments;			/* enum verdict, for non-first fragments */
	__u8 replies;			/* 1: answers to the host's flows pass */
	__u32 timeout[XDPPORT_FLOW_NSTATES];	/* seconds, enum xdpport_flow_state */
	struct port_rule *port;		/* normal form (above) */
	size_t nports;
	struct limit_rule *limit;	/* normal form; whatever the port's verdict */
	size_t nlimits;
	struct sources sources;		/* source rules and sets (user/sources.h) */
};

/* The clean ruleset: no rules, both policies pass, fragments pass, replies on with
 * the default timeouts. What a new filter starts with. */
void rules_init(struct rules *r);
void rules_free(struct rules *r);

/* Deep copy into a fresh `dst`; -1 (dst left clean) when out of memory. */
int rules_copy(struct rules *dst, const struct rules *src);

/* Gives every port of `range` the rule `verdict` (VERDICT_PASS, VERDICT_DROP), or
 * none (RULE_NONE: delete). Limits stay. 0, or -1 when out of memory (r unchanged). */
int rules_set_ports(struct rules *r, const struct port_range *range, int verdict);

/* Gives every port of `range` the limit `l` (NULL: none). 0, or -1 out of memory. */
int rules_set_limit(struct rules *r, const struct port_range *range,
		    const struct xdpport_limit *l);

/* Sets the policy of the protocols in `protos` (PROTO_BIT mask). */
void rules_set_policy(struct rules *r, uint32_t protos, enum verdict v);

/* The rule of (proto, port): its verdict, or RULE_NONE. */
int rules_port_rule(const struct rules *r, int proto, unsigned port);

/* What a frame to (proto, port) gets from the port stage: its rule, or the policy. */
enum verdict rules_verdict(const struct rules *r, int proto, unsigned port);

/* The limit of (proto, port), or NULL. */
const struct xdpport_limit *rules_port_limit(const struct rules *r, int proto, unsigned port);

/* Whether some port of `range` has a rule. */
bool rules_any_rule(const struct rules *r, const struct port_range *range);

/* Whether every port of `range` is dropped by its rule or policy (a limit there does
 * nothing until the port passes). */
bool rules_all_dropped(const struct rules *r, const struct port_range *range);

/* Ports of `proto` with a rule; with a limit. */
unsigned rules_port_count(const struct rules *r, int proto);
unsigned rules_limit_count(const struct rules *r, int proto);

/* The same policies, fragments, replies and timeouts. */
bool rules_settings_same(const struct rules *a, const struct rules *b);

/* The same limits. */
bool rules_limits_same(const struct rules *a, const struct rules *b);

/* The one port number whose rules differ between `a` and `b` (its tcp or udp rule, or
 * both): -1 when none do, -2 when more than one does. Limits and settings are not
 * looked at. */
int rules_changed_port(const struct rules *a, const struct rules *b);

/* Whether some port of `proto` goes from pass to drop (rule or policy) from
 * `before` to `after`. */
bool rules_starts_dropping(const struct rules *before, const struct rules *after, int proto);

/*
 * Many edits at once (the rules file's lines, a test's generator): painted port by
 * port, later edits over earlier ones, then put into a struct rules' lists in one
 * pass (user/rules_compile.c). Editing the lists line by line would cost a copy of
 * the list per line.
 */
struct rules_paint {
	__u8 (*port)[XDPPORT_PORTS];	/* [proto][port]: XDPPORT_ENTRY_ bits, 0 no rule */
	struct xdpport_limits *limits;	/* the limit of every port marked _LIMIT */
};

/* Nothing painted yet; -1 out of memory. Pages are only touched where painted. */
int rules_paint_init(struct rules_paint *p);
void rules_paint_free(struct rules_paint *p);

/* Inline: a big file calls it for every line. */
static inline void rules_paint_ports(struct rules_paint *p, const struct port_range *range,
				     int verdict)
{
	__u8 rule = verdict == RULE_NONE ? 0 : XDPPORT_ENTRY_RULE | verdict;

	for (int proto = 0; proto < XDPPORT_NPROTO; proto++) {
		__u8 *e = p->port[proto];

		if (range->protos & PROTO_BIT(proto))
			for (unsigned port = range->first; port <= range->last; port++)
				e[port] = (e[port] & XDPPORT_ENTRY_LIMIT) | rule;
	}
}

void rules_paint_limit(struct rules_paint *p, const struct port_range *range,
		       const struct xdpport_limit *l);

/* Replaces the port rules and limits of `r` with what is painted. 0, or -1 out of
 * memory (r unchanged). */
int rules_paint_finish(const struct rules_paint *p, struct rules *r);

/*
 * The compiler (user/rules_compile.c): `r` as the data path reads it: every port's
 * entry (its rule or the policy, and the limit bit), the settings, and the limit of
 * every limited port in `limits` (NULL: not written). The source fields and bits are
 * left zero: the source rules are compiled into their own maps, with the source slot
 * (user/sources_store.h: sources_install, sources_keep).
 */
void rules_compile(const struct rules *r, struct xdpport_ruleset *rs,
		   struct xdpport_limits *limits);

/* The entry of one port as rules_compile() writes it. */
__u8 rules_compile_entry(const struct rules *r, int proto, unsigned port);

/*
 * The other way: the rules a compiled ruleset holds, and the limits of its limited
 * ports in `limits` (NULL: none). Fully determined by the bytes: a port's rule is its
 * entry, ports next to each other with the same rule are one. The source rules are
 * not in the bytes (sources_load() reads them): out->sources is left empty. 0, or -1
 * when out of memory (`out` clean).
 */
int rules_decompile(const struct xdpport_ruleset *rs, const struct xdpport_limits *limits,
		    struct rules *out);

#endif
