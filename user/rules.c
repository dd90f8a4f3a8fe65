// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The model's edits and questions; the lists' normal form is user/rules_list.c's. */
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "rules_list.h"

void rules_init(struct rules *r)
{
	memset(r, 0, sizeof(*r));	/* policies and fragments pass, no rules */
	r->replies = 1;
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		r->timeout[s] = ruleset_timeout_default(s);
	sources_init(&r->sources);
}

void rules_free(struct rules *r)
{
	free(r->port);
	free(r->limit);
	sources_free(&r->sources);
	rules_init(r);
}

static void *copy_items(const void *items, size_t n, size_t size)
{
	void *copy = malloc(size * (n + 1));

	if (copy && n)
		memcpy(copy, items, size * n);
	return copy;
}

int rules_copy(struct rules *dst, const struct rules *src)
{
	*dst = *src;
	dst->port = copy_items(src->port, src->nports, sizeof(*src->port));
	dst->limit = copy_items(src->limit, src->nlimits, sizeof(*src->limit));
	sources_init(&dst->sources);
	if (dst->port && dst->limit && !sources_copy(&dst->sources, &src->sources))
		return 0;
	free(dst->port);
	free(dst->limit);
	rules_init(dst);
	return -1;
}

/* Sets the ports of `range` to `item` (NULL: no item) in a list in normal form: each
 * protocol's items apart, the range written over them, then merged back. */
static int edit_list(void **items, size_t *n, size_t size, const struct port_range *range,
		     void *item)
{
	char *runs[XDPPORT_NPROTO] = { NULL }, *edited = malloc(size * (*n + 3)), *out = NULL;
	size_t nruns[XDPPORT_NPROTO];
	int err = -1;

	if (!edited)
		return -1;
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		runs[p] = malloc(size * (*n + 3));
		if (!runs[p])
			goto out;
		nruns[p] = range_list_split(*items, *n, size, p, runs[p]);
		if (!(range->protos & PROTO_BIT(p)))
			continue;
		if (item)
			((struct port_range *)item)->protos = PROTO_BIT(p);
		nruns[p] = range_list_overwrite(runs[p], nruns[p], size, range->first, range->last,
						item, edited);
		memcpy(runs[p], edited, size * nruns[p]);
	}
	out = malloc(size * (nruns[0] + nruns[1] + 1));
	if (!out)
		goto out;
	*n = range_list_merge(runs[XDPPORT_TCP], nruns[XDPPORT_TCP], runs[XDPPORT_UDP],
			      nruns[XDPPORT_UDP], size, out);
	free(*items);
	*items = out;
	err = 0;
out:
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		free(runs[p]);
	free(edited);
	return err;
}

int rules_set_ports(struct rules *r, const struct port_range *range, int verdict)
{
	struct port_rule item = { .range = *range, .verdict = verdict };

	return edit_list((void **)&r->port, &r->nports, sizeof(item), range,
			 verdict == RULE_NONE ? NULL : &item);
}

int rules_set_limit(struct rules *r, const struct port_range *range,
		    const struct xdpport_limit *l)
{
	struct limit_rule item = { .range = *range };

	if (l)
		item.limit = *l;
	return edit_list((void **)&r->limit, &r->nlimits, sizeof(item), range, l ? &item : NULL);
}

void rules_set_policy(struct rules *r, uint32_t protos, enum verdict v)
{
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		if (protos & PROTO_BIT(p))
			r->policy[p] = v;
}

static const void *item_at(const void *items, size_t n, size_t size, int proto, unsigned port)
{
	struct range_cursor c;
	unsigned last;

	range_cursor_init(&c, items, n, size, proto);
	return range_cursor_at(&c, port, &last);
}

int rules_port_rule(const struct rules *r, int proto, unsigned port)
{
	const struct port_rule *rule = item_at(r->port, r->nports, sizeof(*rule), proto, port);

	return rule ? (int)rule->verdict : RULE_NONE;
}

enum verdict rules_verdict(const struct rules *r, int proto, unsigned port)
{
	int rule = rules_port_rule(r, proto, port);

	return rule == RULE_NONE ? r->policy[proto] : rule;
}

const struct xdpport_limit *rules_port_limit(const struct rules *r, int proto, unsigned port)
{
	const struct limit_rule *l = item_at(r->limit, r->nlimits, sizeof(*l), proto, port);

	return l ? &l->limit : NULL;
}

bool rules_any_rule(const struct rules *r, const struct port_range *range)
{
	for (size_t i = 0; i < r->nports; i++)
		if ((r->port[i].range.protos & range->protos) && r->port[i].range.first <= range->last &&
		    range->first <= r->port[i].range.last)
			return true;
	return false;
}

bool rules_all_dropped(const struct rules *r, const struct port_range *range)
{
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		struct range_cursor c;
		unsigned last;

		if (!(range->protos & PROTO_BIT(p)))
			continue;
		range_cursor_init(&c, r->port, r->nports, sizeof(*r->port), p);
		for (unsigned port = range->first; port <= range->last; port = last + 1) {
			const struct port_rule *rule = range_cursor_at(&c, port, &last);

			if ((rule ? rule->verdict : r->policy[p]) == VERDICT_PASS)
				return false;
			if (last >= range->last)
				break;
		}
	}
	return true;
}

unsigned rules_port_count(const struct rules *r, int proto)
{
	return range_list_count(r->port, r->nports, sizeof(*r->port), proto);
}

unsigned rules_limit_count(const struct rules *r, int proto)
{
	return range_list_count(r->limit, r->nlimits, sizeof(*r->limit), proto);
}

bool rules_settings_same(const struct rules *a, const struct rules *b)
{
	return !memcmp(a->policy, b->policy, sizeof(a->policy)) && a->fragments == b->fragments &&
	       a->replies == b->replies && !memcmp(a->timeout, b->timeout, sizeof(a->timeout));
}

bool rules_limits_same(const struct rules *a, const struct rules *b)
{
	return a->nlimits == b->nlimits &&
	       (!a->nlimits || !memcmp(a->limit, b->limit, sizeof(*a->limit) * a->nlimits));
}

int rules_changed_port(const struct rules *a, const struct rules *b)
{
	int found = -1;

	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		struct range_cursor ca, cb;
		unsigned last;

		range_cursor_init(&ca, a->port, a->nports, sizeof(*a->port), p);
		range_cursor_init(&cb, b->port, b->nports, sizeof(*b->port), p);
		for (unsigned port = 0; port < XDPPORT_PORTS; port = last + 1) {
			unsigned la, lb;
			const void *x = range_cursor_at(&ca, port, &la), *y = range_cursor_at(&cb, port, &lb);

			last = la < lb ? la : lb;
			if (range_value_same(x, y, sizeof(*a->port)))
				continue;
			if (last != port || (found >= 0 && found != (int)port))
				return -2;
			found = port;
		}
	}
	return found;
}

bool rules_starts_dropping(const struct rules *before, const struct rules *after, int proto)
{
	struct range_cursor cb, ca;
	unsigned last;

	range_cursor_init(&cb, before->port, before->nports, sizeof(*before->port), proto);
	range_cursor_init(&ca, after->port, after->nports, sizeof(*after->port), proto);
	for (unsigned port = 0; port < XDPPORT_PORTS; port = last + 1) {
		unsigned lb, la;
		const struct port_rule *x = range_cursor_at(&cb, port, &lb);
		const struct port_rule *y = range_cursor_at(&ca, port, &la);

		last = lb < la ? lb : la;
		if ((x ? x->verdict : before->policy[proto]) == VERDICT_PASS &&
		    (y ? y->verdict : after->policy[proto]) == VERDICT_DROP)
			return true;
	}
	return false;
}
