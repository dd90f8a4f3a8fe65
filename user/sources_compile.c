// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sources_compile(): the rules and sets into the data path's tables (bpf/sources.h).
 * IPv4 `from` prefixes are painted into a byte per /24, folded into two bits per /24
 * and per /16; IPv6 `from` prefixes and every port's rules become trie entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources.h"

struct item {
	struct prefix p;
	__u8 origin;
};

static int by_length_then_deny(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->p.len != y->p.len)
		return (int)x->p.len - y->p.len;
	return (int)(x->origin & 1) - (y->origin & 1);
}

static int by_net_then_length(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	__u32 nx = prefix_v4(&x->p) >> 8, ny = prefix_v4(&y->p) >> 8;

	if (nx != ny)
		return nx < ny ? -1 : 1;
	return by_length_then_deny(a, b);
}

/* Counting sort by (length, deny): stable and linear for a million prefixes. */
static int sort_by_length(struct item *v, size_t n)
{
	size_t start[2 * 33 + 1] = { 0 };
	struct item *out = malloc(sizeof(*out) * (n + 1));

	if (!out)
		return -1;
	for (size_t i = 0; i < n; i++)
		start[2 * v[i].p.len + (v[i].origin & 1) + 1]++;
	for (int k = 1; k <= 2 * 33; k++)
		start[k] += start[k - 1];
	for (size_t i = 0; i < n; i++)
		out[start[2 * v[i].p.len + (v[i].origin & 1)]++] = v[i];
	memcpy(v, out, sizeof(*v) * n);
	free(out);
	return 0;
}

/* The two bits of every /24: the commonest pass and drop answers get codes 1 and 2
 * (a blocklist: every /24 of it), anything else code 3, the byte table. */
static int compile_v4_bits(struct source_tables *t)
{
	size_t count[256] = { 0 };
	int best[2] = { -1, -1 };

	t->src4_bits = calloc(XDPPORT_SRC4_BITS_CHUNKS, sizeof(struct xdpport_src4_bits));
	if (!t->src4_bits)
		return -1;
	for (size_t net = 0; net < 1u << 24; net++)
		count[t->src4[net]]++;
	for (int v = 1; v < XDPPORT_SOURCE_LONGER; v++)
		if (count[v] && (best[v & 1] < 0 || count[v] > count[best[v & 1]]))
			best[v & 1] = v;
	t->src4_value[0] = best[0] > 0 ? best[0] : 0;
	t->src4_value[1] = best[1] > 0 ? best[1] : 0;
	for (size_t net = 0; net < 1u << 24; net++) {
		__u8 v = t->src4[net];
		__u64 code = v == XDPPORT_SOURCE_NONE	 ? 0
			     : v == t->src4_value[0] ? 1
			     : v == t->src4_value[1] ? 2
						     : XDPPORT_SRC4_BYTE;

		t->src4_bytes_used |= code == XDPPORT_SRC4_BYTE;
		t->src4_bits[net >> 5] |= code << 2 * (net & 31);
	}
	/* A /16 whose 256 /24s share a code (all 0, 1 or 2) is that code; else 3. */
	for (size_t n16 = 0; n16 < 1u << 16; n16++) {
		const __u64 *w = &t->src4_bits[n16 * 8];
		__u64 first = w[0] & 3, same = first * 0x5555555555555555ull, code = first;

		for (int i = 0; i < 8 && code != XDPPORT_SRC4_BYTE; i++)
			if (w[i] != same)
				code = XDPPORT_SRC4_BYTE;
		t->src4_bits_used |= code == XDPPORT_SRC4_BYTE;
		t->src16[n16 >> 5] |= code << 2 * (n16 & 31);
	}
	return 0;
}

/* The IPv4 `from` prefixes: painted shortest first (longer ones overwrite), /24 by
 * /24; a /24 with longer prefixes gets a block of its own. */
static int compile_v4(struct item *v4, size_t n, struct source_tables *t)
{
	size_t nlong = 0, first_long;

	t->src4 = calloc(1, 1 << 24);
	if (!t->src4 || sort_by_length(v4, n))
		return -1;
	for (first_long = 0; first_long < n && v4[first_long].p.len <= 24; first_long++) {
		__u32 net = prefix_v4(&v4[first_long].p) >> 8;

		memset(t->src4 + net, v4[first_long].origin, 1u << (24 - v4[first_long].p.len));
	}
	qsort(v4 + first_long, n - first_long, sizeof(*v4), by_net_then_length);
	t->longer = malloc(sizeof(*t->longer) * (n - first_long + 1));
	if (!t->longer)
		return -1;
	for (size_t i = first_long; i < n; i++) {
		__u32 addr = prefix_v4(&v4[i].p), net = addr >> 8;
		struct source_long *l = nlong ? &t->longer[nlong - 1] : NULL;

		if (!l || l->net != net) {
			l = &t->longer[nlong++];
			l->net = net;
			memset(l->block.origin, t->src4[net], sizeof(l->block.origin));
		}
		memset(l->block.origin + (addr & 0xff), v4[i].origin, 1u << (32 - v4[i].p.len));
	}
	for (size_t i = 0; i < nlong; i++)
		t->src4[t->longer[i].net] = XDPPORT_SOURCE_LONGER;
	t->nlonger = nlong;
	return compile_v4_bits(t);
}

static void trie_entry(struct source_trie_entry *e, const struct prefix *p, __u32 scope,
		       __u8 origin)
{
	memset(e, 0, sizeof(*e));
	e->key.prefixlen = 32 + p->len;
	e->key.scope = scope;
	memcpy(e->key.addr, p->addr, sizeof(e->key.addr));
	e->origin = origin;
}

static size_t port_entries(const struct sources *s)
{
	size_t total = 0;

	for (size_t i = 0; i < s->nrules; i++) {
		const struct port_range *r = &s->rule[i].range;
		size_t n;

		rule_prefixes(s, &s->rule[i], &n);
		if (r->protos)
			total += n * __builtin_popcount(r->protos) * (r->last - r->first + 1u);
	}
	return total;
}

/* Adds the trie entries of verdict `v`: pass first, so that a deny of the same key
 * written later wins. */
static void compile_trie(const struct sources *s, enum verdict v, struct source_tables *t)
{
	for (size_t i = 0; i < s->nrules; i++) {
		const struct source_rule *r = &s->rule[i];
		size_t n;
		const struct prefix *p = rule_prefixes(s, r, &n);

		if (r->verdict != v)
			continue;
		for (size_t k = 0; k < n; k++) {
			if (!r->range.protos) {
				if (p[k].family == 6)
					trie_entry(&t->trie[t->ntrie++], &p[k],
						   xdpport_source_scope(6, 0, 0, 0), rule_origin(r));
				continue;
			}
			for (int proto = 0; proto < XDPPORT_NPROTO; proto++)
				for (__u32 port = r->range.first;
				     (r->range.protos & PROTO_BIT(proto)) && port <= r->range.last; port++)
					trie_entry(&t->trie[t->ntrie++], &p[k],
						   xdpport_source_scope(p[k].family, 1, proto, port),
						   rule_origin(r));
		}
	}
}

static void mark_ports(const struct sources *s, struct xdpport_ruleset *rs)
{
	__u8 from = 0;

	for (size_t i = 0; i < s->nrules; i++)
		if (!s->rule[i].range.protos)
			from = XDPPORT_ENTRY_FROM;
	for (int proto = 0; proto < XDPPORT_NPROTO; proto++)
		for (int port = 0; port < XDPPORT_PORTS; port++)
			rs->entry[proto][port] = (rs->entry[proto][port] &
						  ~(XDPPORT_ENTRY_SOURCES | XDPPORT_ENTRY_FROM)) | from;
	for (size_t i = 0; i < s->nrules; i++) {
		const struct port_range *r = &s->rule[i].range;

		for (int proto = 0; proto < XDPPORT_NPROTO; proto++)
			for (__u32 port = r->first; (r->protos & PROTO_BIT(proto)) && port <= r->last;
			     port++)
				rs->entry[proto][port] |= XDPPORT_ENTRY_SOURCES;
	}
}

int sources_compile(const struct sources *s, struct xdpport_ruleset *rs,
		    struct source_tables *t, char *why, size_t why_len)
{
	size_t nv4 = 0, nv6 = 0, nports = port_entries(s);
	struct item *v4 = NULL;
	int err = -1;

	memset(t, 0, sizeof(*t));
	if (nports > SOURCES_TRIE_MAX) {
		snprintf(why, why_len, "the port rules expand to %zu (port, prefix) pairs, more than "
			 "%u: use fewer ports or smaller sets with them", nports, SOURCES_TRIE_MAX);
		return -1;
	}
	for (size_t i = 0; i < s->nrules; i++) {
		size_t n;
		const struct prefix *p = rule_prefixes(s, &s->rule[i], &n);

		for (size_t k = 0; k < n && !s->rule[i].range.protos; k++)
			*(p[k].family == 4 ? &nv4 : &nv6) += 1;
	}
	v4 = malloc(sizeof(*v4) * (nv4 + 1));
	t->trie = malloc(sizeof(*t->trie) * (nv6 + nports + 1));
	if (!v4 || !t->trie)
		goto out;
	nv4 = 0;
	for (size_t i = 0; i < s->nrules; i++) {
		size_t n;
		const struct prefix *p = rule_prefixes(s, &s->rule[i], &n);

		for (size_t k = 0; k < n && !s->rule[i].range.protos; k++)
			if (p[k].family == 4)
				v4[nv4++] = (struct item){ p[k], rule_origin(&s->rule[i]) };
	}
	if (nv4 && compile_v4(v4, nv4, t))
		goto out;
	compile_trie(s, VERDICT_PASS, t);
	compile_trie(s, VERDICT_DROP, t);
	t->flags = (nv4 ? XDPPORT_SOURCES_V4 : 0) | (nv6 ? XDPPORT_SOURCES_V6 : 0);
	mark_ports(s, rs);
	rs->sources = t->flags;
	rs->src4_value[0] = t->src4_value[0];
	rs->src4_value[1] = t->src4_value[1];
	memcpy(rs->src16, t->src16, sizeof(rs->src16));
	err = 0;
out:
	if (err) {
		snprintf(why, why_len, "out of memory");
		source_tables_free(t);
	}
	free(v4);
	return err;
}

void source_tables_free(struct source_tables *t)
{
	free(t->src4_bits);
	free(t->src4);
	free(t->longer);
	free(t->trie);
	memset(t, 0, sizeof(*t));
}

