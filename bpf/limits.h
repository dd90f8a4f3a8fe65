/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flood limits: a token bucket per limited port, or per (port, source address).
 * Only frames to ports whose entry byte has XDPPORT_ENTRY_LIMIT and whose rule or
 * policy passes come here. TCP counts new connection attempts (SYN without ACK)
 * only: a limit never touches the segments of an established connection. UDP
 * counts every datagram. A frame over the limit gets XDPPORT_DROP_LIMIT.
 *
 * Buckets are shared by every CPU (one 64-bit word, compare-and-swap): under a
 * flood almost every frame is over the limit and only reads the word, so the cache
 * line stays shared and the CPUs do not fight over it (README, Flood limits).
 */
#ifndef XDPPORT_LIMITS_H
#define XDPPORT_LIMITS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "parse.h"
#include "xdpport.h"

#define LIMIT_CAS_TRIES	4	/* each lost race is a token another CPU took */
#define TCP_FLAG_SYN	0x02
#define TCP_FLAG_ACK	0x10
#define TCP_FLAGS_OFF	13	/* byte of the TCP header holding SYN and ACK */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 2 * XDPPORT_NPROTO * XDPPORT_PORTS);
	__type(key, __u32);
	__type(value, struct xdpport_limit);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdpport_limits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDPPORT_NPROTO * XDPPORT_PORTS);
	__type(key, __u32);
	__type(value, struct xdpport_bucket);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdpport_buckets SEC(".maps");

/* Its size is set when the maps are first created (`limit --table N`). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XDPPORT_SOURCES_DEFAULT);
	__type(key, struct xdpport_source_key);
	__type(value, struct xdpport_bucket);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdpport_sources SEC(".maps");

/* Takes a token from bucket `b` at time `now`; 0 when there is none. */
static __always_inline int bucket_take(struct xdpport_bucket *b,
					const struct xdpport_limit *cfg, __u64 now)
{
	__u64 interval = cfg->interval_ns;
	__u64 tolerance = (__u64)(cfg->burst ? cfg->burst - 1 : 0) * interval;

	for (int i = 0; i < LIMIT_CAS_TRIES; i++) {
		__u64 old = *(volatile __u64 *)&b->tat;
		__u64 tat = old > now ? old : now;

		if (tat - now > tolerance) {
			/* More debt than this config can run up: its rate or burst was
			 * changed. Go on from an empty bucket under the new one. */
			if (tat - now > tolerance + interval)
				__sync_val_compare_and_swap(&b->tat, old,
							    now + tolerance + interval);
			return 0;
		}
		if (__sync_val_compare_and_swap(&b->tat, old, tat + interval) == old)
			return 1;
	}
	return 0;
}

/* The bucket of the frame's source address (IPv6: its /64), created on first use. */
static __always_inline struct xdpport_bucket *source_bucket(const struct frame *f,
							    void *data_end)
{
	struct xdpport_source_key key = { .port = f->port, .proto = f->proto };
	struct xdpport_bucket fresh = {}, *b;

	if (f->family == 4) {
		struct iphdr *ip = f->l3;

		if ((void *)(ip + 1) > data_end)
			return NULL;
		key.family = 4;
		key.addr[0] = ip->saddr;
	} else {
		struct ipv6hdr *ip6 = f->l3;

		if ((void *)(ip6 + 1) > data_end)
			return NULL;
		key.family = 6;
		key.addr[0] = ip6->saddr.in6_u.u6_addr32[0];
		key.addr[1] = ip6->saddr.in6_u.u6_addr32[1];
	}
	b = bpf_map_lookup_elem(&xdpport_sources, &key);
	if (b)
		return b;
	bpf_map_update_elem(&xdpport_sources, &key, &fresh, BPF_NOEXIST);
	return bpf_map_lookup_elem(&xdpport_sources, &key);
}

/* The limit stage: `reason` (a pass) if the frame is within the port's limit or not
 * counted by it, XDPPORT_DROP_LIMIT if it is over. `slot` is the active ruleset. */
static __always_inline __u32 limit_frame(const struct frame *f, void *data_end, __u32 slot,
					 __u32 reason)
{
	__u32 proto = f->proto & 1, port = f->port & 0xffff;
	__u32 key = (slot * XDPPORT_NPROTO + proto) * XDPPORT_PORTS + port;
	const struct xdpport_limit *cfg;
	struct xdpport_bucket *b;

	if (proto == XDPPORT_TCP) {
		__u8 *tcp = f->l4;

		if ((void *)(tcp + TCP_FLAGS_OFF + 1) > data_end)
			return reason;	/* parse_l4 checked 20 bytes: cannot happen */
		if ((tcp[TCP_FLAGS_OFF] & (TCP_FLAG_SYN | TCP_FLAG_ACK)) != TCP_FLAG_SYN)
			return reason;
	}
	cfg = bpf_map_lookup_elem(&xdpport_limits, &key);
	if (!cfg)
		return reason;
	if (cfg->per_source) {
		b = source_bucket(f, data_end);
	} else {
		key = proto * XDPPORT_PORTS + port;
		b = bpf_map_lookup_elem(&xdpport_buckets, &key);
	}
	/* No bucket (the LRU table could not make room): the frame passes as the
	 * ruleset says rather than be dropped for our lack of memory. */
	if (!b)
		return reason;
	return bucket_take(b, cfg, bpf_ktime_get_ns()) ? reason : XDPPORT_DROP_LIMIT;
}

#endif /* XDPPORT_LIMITS_H */
