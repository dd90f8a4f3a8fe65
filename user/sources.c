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

const struct prefix *rule_prefixes(const struct sources *s, const struct source_rule *r,
				   size_t *n)
{
	const struct source_set *set = r->set ? sources_set_by_origin(s, r->set) : NULL;

	*n = set ? set->n : r->set ? 0 : 1;
	return set ? set->prefix : &r->prefix;
}

__u8 rule_origin(const struct source_rule *r)
{
	return (r->set ? r->set : XDPPORT_SOURCE_LITERAL) << 1 | r->verdict;
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
