// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The model and the one byte per port: rules_compile() writes the entries the data
 * path reads, rules_decompile() reads them back, and the paint buffer (the rules
 * file's way of building rules) is read back the same way. Reading back finds the
 * runs of equal entries, a 64-bit word at a time where a run is long.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define BYTES(b)	((b) * 0x0101010101010101ull)	/* `b` in every byte of a word */

/* Sets e[first, last] to `value`: short runs (most, in a big ruleset) without a
 * call. */
static void fill(__u8 *e, unsigned first, unsigned last, __u8 value)
{
	if (last - first < 16)
		for (unsigned port = first; port <= last; port++)
			e[port] = value;
	else
		memset(e + first, value, last - first + 1u);
}

_Static_assert(offsetof(struct xdpport_ruleset, policy) == XDPPORT_NPROTO * XDPPORT_PORTS,
	       "the entries are no longer all that comes before the policies");

void rules_compile(const struct rules *r, struct xdpport_ruleset *rs,
		   struct xdpport_limits *limits)
{
	/* Everything after the entries is zero but the settings. */
	memset(rs->policy, 0, sizeof(*rs) - offsetof(struct xdpport_ruleset, policy));
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		rs->policy[p] = r->policy[p];
		memset(rs->entry[p], r->policy[p], XDPPORT_PORTS);
	}
	rs->fragments = r->fragments;
	rs->replies = r->replies;
	memcpy(rs->timeout, r->timeout, sizeof(rs->timeout));
	for (size_t i = 0; i < r->nports; i++) {
		const struct port_range *range = &r->port[i].range;

		for (int p = 0; p < XDPPORT_NPROTO; p++)
			if (range->protos & PROTO_BIT(p))
				fill(rs->entry[p], range->first, range->last,
				     XDPPORT_ENTRY_RULE | r->port[i].verdict);
	}
	for (size_t i = 0; i < r->nlimits; i++) {
		const struct limit_rule *l = &r->limit[i];

		for (int p = 0; p < XDPPORT_NPROTO; p++)
			for (unsigned port = l->range.first;
			     (l->range.protos & PROTO_BIT(p)) && port <= l->range.last; port++) {
				rs->entry[p][port] |= XDPPORT_ENTRY_LIMIT;
				if (limits)
					limits->port[p][port] = l->limit;
			}
	}
}

__u8 rules_compile_entry(const struct rules *r, int proto, unsigned port)
{
	int rule = rules_port_rule(r, proto, port);
	__u8 entry = rule == RULE_NONE ? r->policy[proto] : ruleset_rule_entry(rule);

	return entry | (rules_port_limit(r, proto, port) ? XDPPORT_ENTRY_LIMIT : 0);
}

/* The first port from `port` on whose bits under `mask` are not `value`. */
static unsigned run_end(const __u8 *e, unsigned port, __u8 mask, __u8 value)
{
	for (; port < XDPPORT_PORTS && (port & 7); port++)
		if ((e[port] & mask) != value)
			return port;
	for (; port < XDPPORT_PORTS; port += 8) {
		__u64 w;

		memcpy(&w, e + port, sizeof(w));
		if ((w & BYTES(mask)) != BYTES(value))
			break;
	}
	while (port < XDPPORT_PORTS && (e[port] & mask) == value)
		port++;
	return port;
}

/* A run of one protocol's ports with the same rule bits, as plain numbers (kept in
 * registers: a struct written a field at a time and compared whole stalls). */
struct run {
	unsigned next;		/* where the walk goes on */
	unsigned first, last;
	__u8 reason;		/* XDPPORT_ENTRY_REASON bits */
};

/* The next run with a rule from r->next on; false when there is none. Most runs in a
 * big ruleset are one port long: those take no call. */
static inline bool next_rule(const __u8 *e, struct run *r)
{
	unsigned p = r->next;

	while (p < XDPPORT_PORTS) {
		unsigned first = p;
		__u8 reason = e[p++] & XDPPORT_ENTRY_REASON;

		if (p < XDPPORT_PORTS && (e[p] & XDPPORT_ENTRY_REASON) == reason)
			p = run_end(e, p + 1, XDPPORT_ENTRY_REASON, reason);
		if (reason & XDPPORT_ENTRY_RULE) {
			*r = (struct run){ p, first, p - 1, reason };
			return true;
		}
	}
	r->next = p;
	return false;
}

static struct port_rule rule_of(const struct run *r, __u32 protos)
{
	return (struct port_rule){ { protos, r->first, r->last }, r->reason & XDPPORT_ENTRY_DROP };
}

/* The same for limits: runs of limited ports with the same config. */
static bool next_limit(const __u8 *e, const struct xdpport_limit *cfg, unsigned *port,
		       int proto, struct limit_rule *out)
{
	unsigned first = run_end(e, *port, XDPPORT_ENTRY_LIMIT, 0), p = first;

	if (first == XDPPORT_PORTS) {
		*port = first;
		return false;
	}
	while (++p < XDPPORT_PORTS && (e[p] & XDPPORT_ENTRY_LIMIT) &&
	       !memcmp(&cfg[p], &cfg[first], sizeof(cfg[first])))
		;
	*port = p;
	*out = (struct limit_rule){ { PROTO_BIT(proto), first, p - 1 }, cfg[first] };
	return true;
}

/*
 * A list that grows as items are found: a read-back cannot know how many first
 * without reading twice. Most rulesets have a handful, which a small block holds;
 * past it, room for the most there can be is taken at once (pages not written cost
 * nothing; growing step by step would copy a big list many times), then given back.
 */
#define FEW_ITEMS	256

struct growing {
	void *items;
	size_t n, cap, size;
};

static void *add(struct growing *g)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? XDPPORT_NPROTO * XDPPORT_PORTS : FEW_ITEMS;
		void *items = realloc(g->items, cap * g->size);

		if (!items)
			return NULL;
		g->items = items;
		g->cap = cap;
	}
	return (char *)g->items + g->n++ * g->size;
}

/* The list, its room past the items given back; -1 when out of memory. */
static int done(struct growing *g, void **out, size_t *n)
{
	void *shrunk = g->cap > FEW_ITEMS ? realloc(g->items, (g->n + 1) * g->size) : g->items;

	*out = shrunk ? shrunk : g->items ? g->items : malloc(g->size);
	*n = g->n;
	return *out ? 0 : -1;
}

/*
 * The rules of both protocols' bytes in normal form, straight into one list: the tcp
 * and udp runs come in port order and are merged as they come (a run the same in
 * both is one rule), as range_list_merge() would.
 */
static int read_rules(const __u8 (*entry)[XDPPORT_PORTS], struct port_rule **out, size_t *n)
{
	const __u8 *tcp = entry[XDPPORT_TCP], *udp = entry[XDPPORT_UDP];
	struct growing g = { .size = sizeof(struct port_rule) };
	struct run t = { 0 }, u = { 0 };
	bool ht = next_rule(tcp, &t), hu = next_rule(udp, &u);
	struct port_rule *rule;

	while (ht || hu) {
		if (!(rule = add(&g))) {
			free(g.items);
			return -1;
		}
		if (ht && hu && t.first == u.first && t.last == u.last && t.reason == u.reason) {
			*rule = rule_of(&t, PROTOS_ALL);
			ht = next_rule(tcp, &t);
			hu = next_rule(udp, &u);
		} else if (ht && (!hu || t.first <= u.first)) {
			*rule = rule_of(&t, PROTO_BIT(XDPPORT_TCP));
			ht = next_rule(tcp, &t);
		} else {
			*rule = rule_of(&u, PROTO_BIT(XDPPORT_UDP));
			hu = next_rule(udp, &u);
		}
	}
	return done(&g, (void **)out, n);
}

/* The limits the same way (limits NULL: none). */
static int read_limits(const __u8 (*entry)[XDPPORT_PORTS], const struct xdpport_limits *limits,
		       struct limit_rule **out, size_t *n)
{
	const struct xdpport_limit *ct = limits ? limits->port[XDPPORT_TCP] : NULL;
	const struct xdpport_limit *cu = limits ? limits->port[XDPPORT_UDP] : NULL;
	struct growing g = { .size = sizeof(struct limit_rule) };
	unsigned pt = 0, pu = 0;
	struct limit_rule t, u, *l;
	bool ht = limits && next_limit(entry[XDPPORT_TCP], ct, &pt, XDPPORT_TCP, &t);
	bool hu = limits && next_limit(entry[XDPPORT_UDP], cu, &pu, XDPPORT_UDP, &u);

	while (ht || hu) {
		bool both = ht && hu && t.range.first == u.range.first &&
			    t.range.last == u.range.last && !memcmp(&t.limit, &u.limit, sizeof(t.limit));
		bool tcp = ht && (!hu || t.range.first <= u.range.first);

		if (!(l = add(&g))) {
			free(g.items);
			return -1;
		}
		*l = tcp ? t : u;
		if (both)
			l->range.protos = PROTOS_ALL;
		if (tcp)
			ht = next_limit(entry[XDPPORT_TCP], ct, &pt, XDPPORT_TCP, &t);
		if (!tcp || both)
			hu = next_limit(entry[XDPPORT_UDP], cu, &pu, XDPPORT_UDP, &u);
	}
	return done(&g, (void **)out, n);
}

/* The port rules and limits of per-port bytes (limits: NULL for none) into `r`. */
static int read_lists(const __u8 (*entry)[XDPPORT_PORTS], const struct xdpport_limits *limits,
		      struct rules *r)
{
	struct port_rule *port;
	struct limit_rule *limit;
	size_t nports, nlimits;

	if (read_rules(entry, &port, &nports))
		return -1;
	if (read_limits(entry, limits, &limit, &nlimits)) {
		free(port);
		return -1;
	}
	free(r->port);
	free(r->limit);
	r->port = port, r->nports = nports;
	r->limit = limit, r->nlimits = nlimits;
	return 0;
}

int rules_decompile(const struct xdpport_ruleset *rs, const struct xdpport_limits *limits,
		    struct rules *out)
{
	rules_init(out);
	memcpy(out->policy, rs->policy, sizeof(out->policy));
	out->fragments = rs->fragments;
	out->replies = rs->replies;
	memcpy(out->timeout, rs->timeout, sizeof(out->timeout));
	return read_lists(rs->entry, limits, out);
}

int rules_paint_init(struct rules_paint *p)
{
	/* calloc: fresh zero pages, each touched only when painted */
	p->port = calloc(XDPPORT_NPROTO, sizeof(*p->port));
	p->limits = calloc(1, sizeof(*p->limits));
	if (p->port && p->limits)
		return 0;
	rules_paint_free(p);
	return -1;
}

void rules_paint_free(struct rules_paint *p)
{
	free(p->port);
	free(p->limits);
	p->port = NULL;
	p->limits = NULL;
}

void rules_paint_limit(struct rules_paint *p, const struct port_range *range,
		       const struct xdpport_limit *l)
{
	for (int proto = 0; proto < XDPPORT_NPROTO; proto++) {
		__u8 *e = p->port[proto];

		if (!(range->protos & PROTO_BIT(proto)))
			continue;
		for (unsigned port = range->first; port <= range->last; port++) {
			e[port] = (e[port] & ~XDPPORT_ENTRY_LIMIT) | (l ? XDPPORT_ENTRY_LIMIT : 0);
			if (l)
				p->limits->port[proto][port] = *l;
		}
	}
}

int rules_paint_finish(const struct rules_paint *p, struct rules *r)
{
	return read_lists((const __u8(*)[XDPPORT_PORTS])p->port, p->limits, r);
}
