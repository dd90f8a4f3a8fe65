/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Lists of port ranges with a value, in the normal form user/rules.h keeps port rules
 * and limits in. An item is a struct port_range followed by its value (the rest of
 * the item, compared byte for byte); `size` is the item's size. Per protocol the
 * items of a list do not overlap; neighbouring ranges with the same value are one;
 * the list is sorted by first port, tcp before udp, and a tcp and a udp item with
 * the same range and value are one item for both (protos PROTOS_ALL).
 */
#ifndef XDPPORT_RULES_LIST_H
#define XDPPORT_RULES_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>
#include "portspec.h"
#include "xdpport.h"

/* The items of `proto` (`out`: room for n), each with only that protocol; returns
 * how many. */
size_t range_list_split(const void *items, size_t n, size_t size, int proto, void *out);

/* The normal form of a tcp and a udp list (each sorted, no overlaps, neighbours
 * merged), into `out` (room for ntcp + nudp); returns how many items. */
size_t range_list_merge(const void *tcp, size_t ntcp, const void *udp, size_t nudp,
			size_t size, void *out);

/* One protocol's list with the ports first..last set to `item`'s value (NULL: with
 * no item), into `out` (room for n + 2); returns how many items. */
size_t range_list_overwrite(const void *runs, size_t n, size_t size, unsigned first,
			    unsigned last, const void *item, void *out);

/*
 * Walks one protocol's ports upwards through a list: at_port() gives the item that
 * holds `port` (NULL: none) and in *last the last port of the stretch from `port` on
 * that is the same (that item's, or up to the next item). Ports may only go up.
 */
struct range_cursor {
	const char *items;
	size_t n, size, i;
	__u32 bit;		/* PROTO_BIT of the protocol */
};

void range_cursor_init(struct range_cursor *c, const void *items, size_t n, size_t size,
		       int proto);
const void *range_cursor_at(struct range_cursor *c, unsigned port, unsigned *last);

/* True when two items' values are the same (NULL: no item; two NULLs are the same). */
bool range_value_same(const void *a, const void *b, size_t size);

/* Ports of `proto` the items hold. */
unsigned range_list_count(const void *items, size_t n, size_t size, int proto);

#endif
