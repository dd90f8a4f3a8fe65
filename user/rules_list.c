// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>

#include "rules_list.h"

#define VALUE	sizeof(struct port_range)	/* where an item's value starts */

static const struct port_range *range_of(const void *items, size_t i, size_t size)
{
	return (const struct port_range *)((const char *)items + i * size);
}

bool range_value_same(const void *a, const void *b, size_t size)
{
	if (!a || !b)
		return a == b;
	return !memcmp((const char *)a + VALUE, (const char *)b + VALUE, size - VALUE);
}

/* Appends `item` as first..last of protos `protos` to out[0, k), merged into the
 * previous item when it continues it; returns the new count. */
static size_t push(void *out, size_t k, size_t size, const void *item, __u32 protos,
		   unsigned first, unsigned last)
{
	struct port_range *prev = k ? (struct port_range *)((char *)out + (k - 1) * size) : NULL;
	struct port_range *r = (struct port_range *)((char *)out + k * size);

	if (prev && prev->protos == protos && prev->last + 1u == first &&
	    range_value_same(prev, item, size)) {
		prev->last = last;
		return k;
	}
	memmove(r, item, size);
	r->protos = protos;
	r->first = first;
	r->last = last;
	return k + 1;
}

size_t range_list_split(const void *items, size_t n, size_t size, int proto, void *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct port_range *r = range_of(items, i, size);

		if (r->protos & PROTO_BIT(proto))
			k = push(out, k, size, r, PROTO_BIT(proto), r->first, r->last);
	}
	return k;
}

size_t range_list_merge(const void *tcp, size_t ntcp, const void *udp, size_t nudp,
			size_t size, void *out)
{
	size_t i = 0, j = 0, k = 0;

	while (i < ntcp || j < nudp) {
		const struct port_range *a = i < ntcp ? range_of(tcp, i, size) : NULL;
		const struct port_range *b = j < nudp ? range_of(udp, j, size) : NULL;

		if (a && b && a->first == b->first && a->last == b->last &&
		    range_value_same(a, b, size)) {
			memcpy((char *)out + k * size, a, size);
			((struct port_range *)((char *)out + k++ * size))->protos = PROTOS_ALL;
			i++, j++;
		} else if (a && (!b || a->first <= b->first)) {
			memcpy((char *)out + k++ * size, a, size);
			i++;
		} else {
			memcpy((char *)out + k++ * size, b, size);
			j++;
		}
	}
	return k;
}

size_t range_list_overwrite(const void *runs, size_t n, size_t size, unsigned first,
			    unsigned last, const void *item, void *out)
{
	size_t i = 0, k = 0;
	__u32 protos = n ? range_of(runs, 0, size)->protos : item ? range_of(item, 0, size)->protos
								     : 0;

	for (; i < n && range_of(runs, i, size)->last < first; i++)
		k = push(out, k, size, range_of(runs, i, size), protos, range_of(runs, i, size)->first,
			 range_of(runs, i, size)->last);
	/* The run the new range starts in keeps the ports before it. */
	if (i < n && range_of(runs, i, size)->first < first)
		k = push(out, k, size, range_of(runs, i, size), protos, range_of(runs, i, size)->first,
			 first - 1);
	if (item)
		k = push(out, k, size, item, protos, first, last);
	for (; i < n && range_of(runs, i, size)->first <= last; i++)
		if (range_of(runs, i, size)->last > last)	/* the one it ends in keeps the rest */
			k = push(out, k, size, range_of(runs, i, size), protos, last + 1,
				 range_of(runs, i, size)->last);
	for (; i < n; i++)
		k = push(out, k, size, range_of(runs, i, size), protos, range_of(runs, i, size)->first,
			 range_of(runs, i, size)->last);
	return k;
}

void range_cursor_init(struct range_cursor *c, const void *items, size_t n, size_t size,
		       int proto)
{
	*c = (struct range_cursor){ .items = items, .n = n, .size = size, .bit = PROTO_BIT(proto) };
}

const void *range_cursor_at(struct range_cursor *c, unsigned port, unsigned *last)
{
	const struct port_range *r;

	for (; c->i < c->n; c->i++) {
		r = range_of(c->items, c->i, c->size);
		if ((r->protos & c->bit) && r->last >= port)
			break;
	}
	if (c->i == c->n) {
		*last = XDPPORT_PORTS - 1;
		return NULL;
	}
	r = range_of(c->items, c->i, c->size);
	if (r->first > port) {
		*last = r->first - 1u;
		return NULL;
	}
	*last = r->last;
	return r;
}

unsigned range_list_count(const void *items, size_t n, size_t size, int proto)
{
	unsigned count = 0;

	for (size_t i = 0; i < n; i++) {
		const struct port_range *r = range_of(items, i, size);

		if (r->protos & PROTO_BIT(proto))
			count += r->last - r->first + 1u;
	}
	return count;
}
