/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Source addresses: `allow/deny from` (every IP frame) and a port's own source rules.
 *
 * IPv4 `allow/deny from` is two bits per /16 in the ruleset itself (16 KiB), which
 * decide the /16s a list covers whole or not at all (99% of libloc's); code 3, two
 * bits per /24 (4 MiB): one load for any list, whatever its size. Code 3 there
 * sends the rare /24 the two bits cannot say (another set's answer, prefixes longer
 * than /24) to a byte per /24 (16 MiB, a DIR-24-8 table), and a /24 that holds longer
 * prefixes from there to a hash with a byte per address. IPv6 and the ports' rules use the
 * kernel's LPM trie, keyed by scope and address. The CLI builds all of them from the
 * rules and sets, longest prefix first (include/xdpport.h). A ruleset without source
 * rules never reaches a lookup: the stages test a flag or the port's entry first.
 */
#ifndef XDPPORT_SOURCES_H
#define XDPPORT_SOURCES_H

#include <linux/bpf.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "parse.h"
#include "xdpport.h"

/* A stage's answer when no source rule matched: the next stage decides. */
#define SOURCE_UNDECIDED	XDPPORT_NREASONS

/* The inner maps' shapes. The CLI creates the maps themselves, sized to their
 * contents (BPF_F_INNER_MAP: an array may differ in size from this template).
 * Sizes, not types: clang's BTF only declares a type it reaches this deep. */
struct src4_table {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE | BPF_F_INNER_MAP);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct xdpport_src4_chunk));
};

struct src4_bits_table {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE | BPF_F_INNER_MAP);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct xdpport_src4_bits));
};

struct src4_long_table {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);	/* each inner map is sized by the CLI */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct xdpport_src4_long));
};

struct src_trie {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct xdpport_src_key));
	__uint(value_size, sizeof(__u8));
};

/* Not read here: the source rules and sets as the CLI wrote them, per source slot
 * (user/sources_store.c), so that list, save and the next change know them. */
struct src_model {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE | BPF_F_INNER_MAP);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct xdpport_src4_chunk));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, struct src4_bits_table);
} xdpport_src4_bits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, struct src4_table);
} xdpport_src4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, struct src4_long_table);
} xdpport_src4_long SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, struct src_trie);
} xdpport_src_trie SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, struct src_model);
} xdpport_src_model SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPPORT_SOURCE_ORIGINS);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdpport_set_hits SEC(".maps");

/* The byte table, then the /24's own bytes when it holds longer prefixes. */
static __always_inline __u8 source_lookup4_byte(__u32 slot, __u32 addr)
{
	__u32 chunk = addr >> 20, net = addr >> 8;
	struct xdpport_src4_chunk *c;
	struct xdpport_src4_long *l;
	void *table;
	__u8 origin;

	table = bpf_map_lookup_elem(&xdpport_src4, &slot);
	if (!table)
		return XDPPORT_SOURCE_NONE;
	c = bpf_map_lookup_elem(table, &chunk);
	if (!c)
		return XDPPORT_SOURCE_NONE;
	origin = c->origin[net & (XDPPORT_SRC4_CHUNK - 1)];
	if (origin != XDPPORT_SOURCE_LONGER)
		return origin;
	table = bpf_map_lookup_elem(&xdpport_src4_long, &slot);
	if (!table)
		return XDPPORT_SOURCE_NONE;
	l = bpf_map_lookup_elem(table, &net);
	return l ? l->origin[addr & 0xff] : XDPPORT_SOURCE_NONE;
}

/* The two bits of the /16, of the /24, and what they stand for. */
static __always_inline __u8 source_lookup4(const struct xdpport_ruleset *rs, __u32 slot,
					   __u32 addr)
{
	__u32 net = addr >> 8, chunk = net >> 14, n16 = addr >> 16;
	struct xdpport_src4_bits *bits;
	void *table;
	__u32 code;

	code = rs->src16[(n16 >> 5) & (XDPPORT_SRC16_WORDS - 1)] >> 2 * (n16 & 31) & 3;
	if (code == XDPPORT_SOURCE_NONE)
		return XDPPORT_SOURCE_NONE;
	if (code != XDPPORT_SRC4_BYTE)
		return rs->src4_value[(code - 1) & 1];
	table = bpf_map_lookup_elem(&xdpport_src4_bits, &slot);
	if (!table)
		return XDPPORT_SOURCE_NONE;
	bits = bpf_map_lookup_elem(table, &chunk);
	if (!bits)
		return XDPPORT_SOURCE_NONE;
	code = bits->word[(net >> 5) & (XDPPORT_SRC4_BITS_WORDS - 1)] >> 2 * (net & 31) & 3;
	if (code == XDPPORT_SOURCE_NONE)
		return XDPPORT_SOURCE_NONE;
	if (code != XDPPORT_SRC4_BYTE)
		return rs->src4_value[(code - 1) & 1];
	return source_lookup4_byte(slot, addr);
}

/* The trie's longest match for the frame's source in `scope`. */
static __always_inline __u8 source_lookup_trie(__u32 slot, const struct frame *f,
					       void *data_end, __u32 scope)
{
	struct xdpport_src_key key = { .prefixlen = 32 + 128, .scope = scope };
	void *trie = bpf_map_lookup_elem(&xdpport_src_trie, &slot);
	__u8 *origin;

	if (!trie)
		return XDPPORT_SOURCE_NONE;
	if (f->family == 4) {
		struct iphdr *ip = f->l3;

		if ((void *)(ip + 1) > data_end)
			return XDPPORT_SOURCE_NONE;
		__builtin_memcpy(key.addr, &ip->saddr, 4);
	} else {
		struct ipv6hdr *ip6 = f->l3;

		if ((void *)(ip6 + 1) > data_end)
			return XDPPORT_SOURCE_NONE;
		__builtin_memcpy(key.addr, &ip6->saddr, 16);
	}
	origin = bpf_map_lookup_elem(trie, &key);
	return origin ? *origin : XDPPORT_SOURCE_NONE;
}

/* Counts a match on its origin (set), and turns it into a reason. */
static __always_inline __u32 source_reason(__u8 origin)
{
	__u32 key = origin >> 1;
	__u64 *hits;

	if (origin == XDPPORT_SOURCE_NONE)
		return SOURCE_UNDECIDED;
	hits = bpf_map_lookup_elem(&xdpport_set_hits, &key);
	if (hits)
		(*hits)++;
	return XDPPORT_PASS_SOURCE | (origin & XDPPORT_REASON_DROP);
}

/* Stage 2, `allow from` / `deny from`: for every IPv4 or IPv6 frame (f->family set),
 * whatever its protocol. */
static __always_inline __u32 source_global(const struct xdpport_ruleset *rs,
					   const struct frame *f, void *data_end)
{
	__u32 slot = rs->source_slot & 1;

	if (!(rs->sources & (XDPPORT_SOURCES_V4 | XDPPORT_SOURCES_V6)))
		return SOURCE_UNDECIDED;
	if (f->family == 4 && (rs->sources & XDPPORT_SOURCES_V4)) {
		struct iphdr *ip = f->l3;

		if ((void *)(ip + 1) > data_end)
			return SOURCE_UNDECIDED;
		return source_reason(source_lookup4(rs, slot, bpf_ntohl(ip->saddr)));
	}
	if (f->family == 6 && (rs->sources & XDPPORT_SOURCES_V6))
		return source_reason(source_lookup_trie(slot, f, data_end,
							xdpport_source_scope(6, 0, 0, 0)));
	return SOURCE_UNDECIDED;
}

/* Stage 3, a port with source rules (XDPPORT_ENTRY_SOURCES in its entry): its
 * longest matching prefix, else its own rule or the policy (the entry). */
static __always_inline __u32 source_port(const struct xdpport_ruleset *rs,
					 const struct frame *f, void *data_end, __u8 entry)
{
	__u32 reason = SOURCE_UNDECIDED;

	if (entry & XDPPORT_ENTRY_SOURCES)
		reason = source_reason(source_lookup_trie(
			rs->source_slot & 1, f, data_end,
			xdpport_source_scope(f->family, 1, f->proto & 1, f->port & 0xffff)));
	return reason == SOURCE_UNDECIDED ? entry & XDPPORT_ENTRY_REASON : reason;
}

#endif /* XDPPORT_SOURCES_H */
