// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources.h"

void sources_init(struct sources *s)
{
	memset(s, 0, sizeof(*s));
}

void sources_free(struct sources *s)
{
	for (size_t i = 0; i < s->nsets; i++)
		free(s->set[i].prefix);
	free(s->set);
	free(s->rule);
	sources_init(s);
}

int sources_copy(struct sources *dst, const struct sources *src)
{
	sources_init(dst);
	dst->rule = malloc(sizeof(*dst->rule) * (src->nrules + 1));
	dst->set = calloc(src->nsets + 1, sizeof(*dst->set));
	if (!dst->rule || !dst->set)
		goto oom;
	if (src->nrules)
		memcpy(dst->rule, src->rule, sizeof(*dst->rule) * src->nrules);
	dst->nrules = src->nrules;
	for (size_t i = 0; i < src->nsets; i++) {
		struct source_set *to = &dst->set[i];

		*to = src->set[i];
		to->cap = to->n;
		to->prefix = malloc(sizeof(*to->prefix) * (to->n + 1));
		if (!to->prefix)
			goto oom;
		if (to->n)
			memcpy(to->prefix, src->set[i].prefix, sizeof(*to->prefix) * to->n);
		dst->nsets++;
	}
	return 0;
oom:
	sources_free(dst);
	return -1;
}

bool set_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > SET_NAME_MAX || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_-.", name[i]))
			return false;
	return true;
}

struct source_set *sources_find_set(const struct sources *s, const char *name)
{
	for (size_t i = 0; i < s->nsets; i++)
		if (!strcmp(s->set[i].name, name))
			return &s->set[i];
	return NULL;
}

struct source_set *sources_set_by_origin(const struct sources *s, __u8 origin)
{
	for (size_t i = 0; i < s->nsets; i++)
		if (s->set[i].origin == origin)
			return &s->set[i];
	return NULL;
}

int source_set_append(struct source_set *set, const struct prefix *p)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		struct prefix *grown = realloc(set->prefix, sizeof(*grown) * cap);

		if (!grown)
			return -1;
		set->prefix = grown;
		set->cap = cap;
	}
	set->prefix[set->n++] = *p;
	return 0;
}

static int by_prefix(const void *a, const void *b)
{
	return prefix_compare(a, b);
}

/* LSD radix sort of 40-bit keys, 16 bits a pass: linear, where qsort of a million
 * costs most of a `set`. Returns -1 when out of memory (keys unsorted). */
static int radix_sort40(uint64_t *keys, size_t n)
{
	uint64_t *tmp = malloc(sizeof(*tmp) * (n + 1)), *from = keys, *to = tmp;
	size_t *count = calloc(1 << 16, sizeof(*count));

	if (!tmp || !count) {
		free(tmp);
		free(count);
		return -1;
	}
	for (int shift = 0; shift < 48; shift += 16) {
		size_t sum = 0;

		memset(count, 0, sizeof(*count) << 16);
		for (size_t i = 0; i < n; i++)
			count[from[i] >> shift & 0xffff]++;
		for (size_t d = 0; d < 1 << 16; d++) {
			size_t c = count[d];

			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			to[count[from[i] >> shift & 0xffff]++] = from[i];
		from = to;
		to = from == keys ? tmp : keys;
	}
	if (from != keys)
		memcpy(keys, from, sizeof(*keys) * n);
	free(tmp);
	free(count);
	return 0;
}

static int by_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool sorted_unique(const struct source_set *set)
{
	for (size_t i = 1; i < set->n; i++)
		if (prefix_compare(&set->prefix[i - 1], &set->prefix[i]) >= 0)
			return false;
	return true;
}

/* IPv4 sorts as 64-bit keys (address, length): a million in a fraction of the time
 * 20-byte records take. IPv4 comes first, as prefix_compare() orders them. */
static void sort_prefixes(struct source_set *set)
{
	uint64_t *keys = malloc(sizeof(*keys) * (set->n + 1));
	size_t n4 = 0, n6 = 0;

	if (!keys) {
		qsort(set->prefix, set->n, sizeof(*set->prefix), by_prefix);
		return;
	}
	for (size_t i = 0; i < set->n; i++)
		if (set->prefix[i].family == 4)
			keys[n4++] = (uint64_t)prefix_v4(&set->prefix[i]) << 8 | set->prefix[i].len;
		else
			set->prefix[n6++] = set->prefix[i];
	memmove(set->prefix + n4, set->prefix, sizeof(*set->prefix) * n6);
	if (radix_sort40(keys, n4))
		qsort(keys, n4, sizeof(*keys), by_u64);
	for (size_t i = 0; i < n4; i++) {
		uint32_t a = keys[i] >> 8;
		struct prefix p = { 4, keys[i] & 0xff, { 0 }, { a >> 24, a >> 16, a >> 8, a } };

		set->prefix[i] = p;
	}
	qsort(set->prefix + n4, n6, sizeof(*set->prefix), by_prefix);
	free(keys);
}

void source_set_sort(struct source_set *set)
{
	size_t kept = 0;

	if (sorted_unique(set))
		return;
	sort_prefixes(set);
	for (size_t i = 0; i < set->n; i++)
		if (!kept || prefix_compare(&set->prefix[kept - 1], &set->prefix[i]))
			set->prefix[kept++] = set->prefix[i];
	set->n = kept;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct source_set *)a)->name, ((const struct source_set *)b)->name);
}

int sources_put_set(struct sources *s, struct source_set *set, char *why, size_t why_len)
{
	struct source_set *old = sources_find_set(s, set->name), *grown;
	bool taken[XDPPORT_SOURCE_ORIGINS] = {};

	source_set_sort(set);
	if (old) {
		set->origin = old->origin;
		free(old->prefix);
		*old = *set;
		return 0;
	}
	for (size_t i = 0; i < s->nsets; i++)
		taken[s->set[i].origin] = true;
	set->origin = 0;
	for (int o = XDPPORT_SOURCE_SET_FIRST; o < XDPPORT_SOURCE_ORIGINS && !set->origin; o++)
		if (!taken[o])
			set->origin = o;
	if (!set->origin) {
		snprintf(why, why_len, "there are %d sets already, the most there can be", SETS_MAX);
		return -1;
	}
	grown = realloc(s->set, sizeof(*grown) * (s->nsets + 1));
	if (!grown) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	s->set = grown;
	s->set[s->nsets++] = *set;
	qsort(s->set, s->nsets, sizeof(*s->set), by_name);	/* nsets >= 1 */
	return 0;
}

bool sources_set_used(const struct sources *s, __u8 origin)
{
	for (size_t i = 0; i < s->nrules; i++)
		if (s->rule[i].set == origin)
			return true;
	return false;
}

int sources_delete_set(struct sources *s, const char *name, char *why, size_t why_len)
{
	struct source_set *set = sources_find_set(s, name);

	if (!set) {
		snprintf(why, why_len, "no set called '%s'", name);
		return -1;
	}
	if (sources_set_used(s, set->origin)) {
		snprintf(why, why_len, "rules use @%s: delete them first", name);
		return -2;
	}
	free(set->prefix);
	memmove(set, set + 1, sizeof(*set) * (s->nsets - (set - s->set) - 1));
	s->nsets--;
	return 0;
}

static bool same_range(const struct port_range *a, const struct port_range *b)
{
	return a->protos == b->protos && (!a->protos || (a->first == b->first && a->last == b->last));
}

static bool same_source(const struct source_rule *r, __u8 set, const struct prefix *p)
{
	return r->set == set && (set || !prefix_compare(&r->prefix, p));
}

int sources_add_rule(struct sources *s, const struct source_rule *r)
{
	struct source_rule *grown;

	sources_delete_rule(s, &r->range, r->set, &r->prefix);
	grown = realloc(s->rule, sizeof(*grown) * (s->nrules + 1));
	if (!grown)
		return -1;
	s->rule = grown;
	s->rule[s->nrules++] = *r;
	return 0;
}

size_t sources_delete_rule(struct sources *s, const struct port_range *range, __u8 set,
			   const struct prefix *prefix)
{
	size_t kept = 0, n = s->nrules;

	for (size_t i = 0; i < n; i++)
		if (!same_range(&s->rule[i].range, range) || !same_source(&s->rule[i], set, prefix))
			s->rule[kept++] = s->rule[i];
	s->nrules = kept;
	return n - kept;
}

/* The prefixes of a rule's source, and the byte the tables hold for a match. */
static const struct prefix *rule_prefixes(const struct sources *s, const struct source_rule *r,
					  size_t *n)
{
	const struct source_set *set = r->set ? sources_set_by_origin(s, r->set) : NULL;

	*n = set ? set->n : r->set ? 0 : 1;
	return set ? set->prefix : &r->prefix;
}

static __u8 rule_origin(const struct source_rule *r)
{
	return (r->set ? r->set : XDPPORT_SOURCE_LITERAL) << 1 | r->verdict;
}

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
	for (int proto = 0; proto < XDPPORT_NPROTO; proto++)
		for (int port = 0; port < XDPPORT_PORTS; port++)
			rs->entry[proto][port] &= ~XDPPORT_ENTRY_SOURCES;
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

/* The longest prefix of the rules `in_scope` accepts that holds addr; deny wins ties. */
static int longest_match(const struct sources *s, int family, const uint8_t *addr,
			 bool has_port, int proto, int port, __u8 *origin)
{
	int best = -1;

	for (size_t i = 0; i < s->nrules; i++) {
		const struct source_rule *r = &s->rule[i];
		size_t n;
		const struct prefix *p = rule_prefixes(s, r, &n);

		if (has_port ? !(r->range.protos & PROTO_BIT(proto)) || port < r->range.first ||
				       port > r->range.last
			     : r->range.protos != 0)
			continue;
		for (size_t k = 0; k < n; k++) {
			if (!prefix_contains(&p[k], family, addr) || p[k].len < best)
				continue;
			if (p[k].len == best && !(rule_origin(r) & 1))
				continue;
			best = p[k].len;
			*origin = rule_origin(r);
		}
	}
	return best;
}

int sources_decide(const struct sources *s, int family, const uint8_t *addr, bool has_port,
		   int proto, int port, __u8 *origin)
{
	if (longest_match(s, family, addr, false, 0, 0, origin) >= 0 ||
	    (has_port && longest_match(s, family, addr, true, proto, port, origin) >= 0))
		return XDPPORT_PASS_SOURCE | (*origin & 1);
	return -1;
}
