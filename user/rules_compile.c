// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The model and the one byte per port: rules_compile() writes the entries the data
 * path reads, rules_decompile() reads them back, and the paint buffer (the rules
 * file's way of building rules) is read back the same way. Reading back finds the
 * runs of equal entries, a 64-bit word at a time where a run is long.
 */
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "rules_list.h"

#define BYTES(b)	((b) * 0x0101010101010101ull)	/* `b` in every byte of a word */

static __u8 rule_entry(int verdict)
{
	return XDPPORT_ENTRY_RULE | verdict;
}

void rules_compile(const struct rules *r, struct xdpport_ruleset *rs,
		   struct xdpport_limits *limits)
{
	memset(rs, 0, sizeof(*rs));
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
				memset(&rs->entry[p][range->first], rule_entry(r->port[i].verdict),
				       range->last - range->first + 1u);
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
	__u8 entry = rule == RULE_NONE ? r->policy[proto] : rule_entry(rule);

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

/* A list that grows as items are found: a read-back cannot know how many first
 * without reading twice. */
struct growing {
	void *items;
	size_t n, cap, size;
};

static void *grow(struct growing *g)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 64;
		void *items = realloc(g->items, cap * g->size);

		if (!items)
			return NULL;
		g->items = items;
		g->cap = cap;
	}
	return (char *)g->items + g->n++ * g->size;
}

/* The rules of one protocol's entries: runs of the same rule bits. */
static int read_rules(const __u8 *e, int proto, struct growing *out)
{
	for (unsigned port = 0; port < XDPPORT_PORTS;) {
		__u8 reason = e[port] & XDPPORT_ENTRY_REASON;
		unsigned first = port;
		struct port_rule *rule;

		port = run_end(e, port + 1, XDPPORT_ENTRY_REASON, reason);
		if (!(reason & XDPPORT_ENTRY_RULE))
			continue;
		rule = grow(out);
		if (!rule)
			return -1;
		*rule = (struct port_rule){ { PROTO_BIT(proto), first, port - 1 },
					    reason & XDPPORT_ENTRY_DROP };
	}
	return 0;
}

/* The limits of one protocol: runs of limited ports with the same config. */
static int read_limits(const __u8 *e, const struct xdpport_limit *cfg, int proto,
		       struct growing *out)
{
	for (unsigned port = 0; port < XDPPORT_PORTS;) {
		unsigned first = port;
		struct limit_rule *l;

		if (!(e[port] & XDPPORT_ENTRY_LIMIT)) {
			port = run_end(e, port, XDPPORT_ENTRY_LIMIT, 0);
			continue;
		}
		while (++port < XDPPORT_PORTS && (e[port] & XDPPORT_ENTRY_LIMIT) &&
		       !memcmp(&cfg[port], &cfg[first], sizeof(cfg[first])))
			;
		l = grow(out);
		if (!l)
			return -1;
		*l = (struct limit_rule){ { PROTO_BIT(proto), first, port - 1 }, cfg[first] };
	}
	return 0;
}

/* Both protocols' lists merged into the normal form, into *items. */
static int merge(struct growing g[XDPPORT_NPROTO], void **items, size_t *n)
{
	size_t size = g[0].size;
	void *out = malloc(size * (g[0].n + g[1].n + 1));

	if (!out)
		return -1;
	*n = range_list_merge(g[XDPPORT_TCP].items, g[XDPPORT_TCP].n, g[XDPPORT_UDP].items,
			      g[XDPPORT_UDP].n, size, out);
	*items = out;
	return 0;
}

/* The port rules and limits of per-port bytes (limits: NULL for none) into `r`. */
static int read_lists(const __u8 (*entry)[XDPPORT_PORTS], const struct xdpport_limits *limits,
		      struct rules *r)
{
	struct growing rules[XDPPORT_NPROTO], lims[XDPPORT_NPROTO];
	struct port_rule *port = NULL;
	struct limit_rule *limit = NULL;
	size_t nports = 0, nlimits = 0;
	int err = 0;

	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		rules[p] = (struct growing){ .size = sizeof(struct port_rule) };
		lims[p] = (struct growing){ .size = sizeof(struct limit_rule) };
		err |= read_rules(entry[p], p, &rules[p]);
		if (limits)
			err |= read_limits(entry[p], limits->port[p], p, &lims[p]);
	}
	if (!err)
		err = merge(rules, (void **)&port, &nports);
	if (!err && (err = merge(lims, (void **)&limit, &nlimits)))
		free(port);
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		free(rules[p].items);
		free(lims[p].items);
	}
	if (err)
		return -1;
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

void rules_paint_ports(struct rules_paint *p, const struct port_range *range, int verdict)
{
	for (int proto = 0; proto < XDPPORT_NPROTO; proto++) {
		__u8 *e = p->port[proto];

		if (!(range->protos & PROTO_BIT(proto)))
			continue;
		for (unsigned port = range->first; port <= range->last; port++)
			e[port] = (e[port] & XDPPORT_ENTRY_LIMIT) |
				  (verdict == RULE_NONE ? 0 : rule_entry(verdict));
	}
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
