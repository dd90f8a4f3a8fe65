/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Replies: the flows the host sends out, and the frames that answer them.
 *
 * The TC egress program records every outbound TCP/UDP packet's tuple in
 * xdpport_flows (flow_record); the XDP program, for a frame it would drop, looks up
 * the reversed tuple (flow_is_reply). Both avoid map writes: a flow is written when it
 * is new, when its state changes, or when its timestamp is stale by a coarse step.
 * Frames that pass never get here, so they pay nothing for replies.
 */
#ifndef XDPPORT_FLOWS_H
#define XDPPORT_FLOWS_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "parse.h"
#include "xdpport.h"

#define NSEC_PER_SEC		1000000000ULL
#define FLOW_REFRESH_MAX_NS	NSEC_PER_SEC	/* refresh step: at most 1 s stale */
/* Ethernet, two VLAN tags, IPv6 and eight 8-byte extension headers, TCP: what the
 * egress parser may need in the linear part of an skb. */
#define FLOW_HEADERS_MAX	(14 + 8 + 40 + 64 + 20)

/* TCP flags, byte 13 of the header. */
#define TCP_FLAG_FIN	0x01
#define TCP_FLAG_SYN	0x02
#define TCP_FLAG_RST	0x04
#define TCP_FLAG_ACK	0x10

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XDPPORT_FLOWS_DEFAULT);	/* `replies table-size` recreates it */
	__type(key, struct xdpport_flow_key);
	__type(value, struct xdpport_flow);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdpport_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpport_flow_counts);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdpport_flowstats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpport_flowports);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdpport_flowports SEC(".maps");

/* The expiry of local port `port` (host order) of `proto`. */
static __always_inline __u64 *flow_port_expiry(__u32 proto, __u16 port)
{
	__u32 zero = 0;
	struct xdpport_flowports *fp = bpf_map_lookup_elem(&xdpport_flowports, &zero);

	return fp ? &fp->expiry[proto & 1][port] : NULL;
}

/* Raises the port's expiry to cover a flow refreshed at `now` for `timeout_s`; a
 * compare-and-swap so that two CPUs never lower it. */
static __always_inline void flow_port_extend(__u32 proto, __u16 port_be, __u64 now,
					     __u32 timeout_s)
{
	__u64 *expiry = flow_port_expiry(proto, bpf_ntohs(port_be));
	__u64 want = now + timeout_s * NSEC_PER_SEC;

	if (!expiry)
		return;
#pragma unroll
	for (int tries = 0; tries < 4; tries++) {
		__u64 old = *expiry;

		if (old >= want || __sync_val_compare_and_swap(expiry, old, want) == old)
			return;
	}
}

/* DHCP answers go to addresses the request did not name (broadcast, an address not
 * assigned yet) from a server it may not have named: keyed by the ports alone. */
static __always_inline bool flow_is_dhcp(const struct xdpport_flow_key *k)
{
	if (k->proto != XDPPORT_UDP)
		return false;
	if (k->family == 4)
		return k->local_port == bpf_htons(68) && k->remote_port == bpf_htons(67);
	return k->local_port == bpf_htons(546) && k->remote_port == bpf_htons(547);
}

/*
 * Fills `k` (zeroed by the caller) with the tuple of a FRAME_PORT frame seen from the
 * host: the host is the destination of `inbound` frames, the source of outbound ones.
 * *flags gets the TCP flags (0 for UDP). False when a header is not in the frame.
 */
static __always_inline bool flow_key(const struct frame *f, void *end, bool inbound,
				     struct xdpport_flow_key *k, __u8 *flags)
{
	__be16 *ports = f->l4;	/* source, destination: the same in TCP and UDP */

	if ((void *)(ports + 2) > end)
		return false;
	*flags = 0;
	if (f->proto == XDPPORT_TCP) {
		__u8 *tcp = f->l4;

		if ((void *)(tcp + 14) > end)
			return false;
		*flags = tcp[13];
	}
	if (f->family == 4) {
		struct iphdr *ip = f->l3;

		if ((void *)(ip + 1) > end)
			return false;
		k->local[0] = inbound ? ip->daddr : ip->saddr;
		k->remote[0] = inbound ? ip->saddr : ip->daddr;
	} else {
		struct ipv6hdr *ip6 = f->l3;

		if ((void *)(ip6 + 1) > end)
			return false;
		__builtin_memcpy(k->local, inbound ? &ip6->daddr : &ip6->saddr, 16);
		__builtin_memcpy(k->remote, inbound ? &ip6->saddr : &ip6->daddr, 16);
	}
	k->local_port = ports[inbound ? 1 : 0];
	k->remote_port = ports[inbound ? 0 : 1];
	k->proto = f->proto;
	k->family = f->family;
	if (flow_is_dhcp(k)) {
		__builtin_memset(k->local, 0, sizeof(k->local));
		__builtin_memset(k->remote, 0, sizeof(k->remote));
	}
	return true;
}

static __always_inline bool flow_expired(const struct xdpport_flow *flow, __u32 state,
					 const struct xdpport_ruleset *rs, __u64 now)
{
	return (__s64)(now - flow->seen_ns) > (__s64)(rs->timeout[state] * NSEC_PER_SEC);
}

/* The state an inbound answer moves a flow to: UDP answered, TCP established by the
 * SYN-ACK, closing by FIN or RST. */
static __always_inline __u32 flow_answered(__u32 state, __u8 flags)
{
	if (state == XDPPORT_FLOW_UDP)
		return XDPPORT_FLOW_UDP_ANSWERED;
	if (state >= XDPPORT_FLOW_UDP)
		return state;
	if (flags & (TCP_FLAG_FIN | TCP_FLAG_RST))
		return XDPPORT_FLOW_TCP_CLOSING;
	if (state == XDPPORT_FLOW_TCP_SYN && (flags & TCP_FLAG_SYN))
		return XDPPORT_FLOW_TCP;
	return state;
}

/* True when the inbound FRAME_PORT frame answers a live flow the host sent out.
 * Cheapest first: a SYN is never an answer, and a port with no live flow has none. */
static __always_inline bool flow_is_reply(const struct frame *f, void *end,
					  const struct xdpport_ruleset *rs)
{
	struct xdpport_flow_key k = {};
	struct xdpport_flow *flow;
	__u64 now, *port_expiry;
	__u32 state, next;
	__u8 flags = 0;

	if (f->proto == XDPPORT_TCP) {
		__u8 *tcp = f->l4;

		if ((void *)(tcp + 14) > end)
			return false;
		flags = tcp[13];
		/* Whoever opens a connection to us is never a reply, whatever the tuple. */
		if ((flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN)
			return false;
	}
	port_expiry = flow_port_expiry(f->proto, f->port);
	if (!port_expiry || !*port_expiry)
		return false;
	now = bpf_ktime_get_coarse_ns();
	if (now > *port_expiry)
		return false;
	if (!flow_key(f, end, true, &k, &flags))
		return false;
	flow = bpf_map_lookup_elem(&xdpport_flows, &k);
	if (!flow)
		return false;
	state = flow->state;
	if (state >= XDPPORT_FLOW_NSTATES)
		return false;
	if (flow_expired(flow, state, rs, now))
		return false;
	next = flow_answered(state, flags);
	if (next != state) {
		flow->seen_ns = now;
		flow->state = next;
		flow_port_extend(f->proto, k.local_port, now, rs->timeout[next]);
	}
	return true;
}

/* The state an outbound packet gives a flow that was in `state` (`known`: the flow
 * exists). Any segment but a SYN records a TCP connection as established, so those
 * opened before attach are tracked from their next packet. */
static __always_inline __u32 flow_sent(bool known, __u32 state, __u32 proto, __u8 flags)
{
	if (proto == XDPPORT_UDP)
		return known ? state : XDPPORT_FLOW_UDP;
	if (flags & (TCP_FLAG_FIN | TCP_FLAG_RST))
		return XDPPORT_FLOW_TCP_CLOSING;
	if (flags & TCP_FLAG_SYN)
		return XDPPORT_FLOW_TCP_SYN;
	if (known && state == XDPPORT_FLOW_TCP_CLOSING)
		return state;	/* the ACKs of a close */
	return XDPPORT_FLOW_TCP;
}

static __always_inline void flow_count(bool inserted)
{
	__u32 zero = 0;
	struct xdpport_flow_counts *c = bpf_map_lookup_elem(&xdpport_flowstats, &zero);

	if (!c)
		return;
	if (inserted)
		c->inserts++;
	else
		c->insert_failures++;
}

/* How stale a flow's timestamp may get before an outbound packet refreshes it: an
 * eighth of its timeout, at most FLOW_REFRESH_MAX_NS. */
static __always_inline __s64 flow_refresh_ns(__u32 timeout_s)
{
	__u64 step = timeout_s * (NSEC_PER_SEC / 8);

	return step < FLOW_REFRESH_MAX_NS ? step : FLOW_REFRESH_MAX_NS;
}

/*
 * Records the outbound FRAME_PORT packet's flow. Not recorded: what answers inbound
 * traffic on a port the host serves (a SYN-ACK, or a local port the ruleset passes
 * inbound anyway): a flood of SYNs to an open port must not fill the table.
 */
static __always_inline void flow_record(const struct frame *f, void *end,
					const struct xdpport_ruleset *rs)
{
	struct xdpport_flow_key k = {};
	struct xdpport_flow *flow, fresh = {};
	__u32 state, next;
	__u64 now;
	__u8 flags;
	long err;

	if (!flow_key(f, end, false, &k, &flags))
		return;
	if ((flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == (TCP_FLAG_SYN | TCP_FLAG_ACK))
		return;
	if (!(rs->entry[f->proto & 1][bpf_ntohs(k.local_port)] & XDPPORT_ENTRY_DROP))
		return;
	now = bpf_ktime_get_coarse_ns();
	flow = bpf_map_lookup_elem(&xdpport_flows, &k);
	if (flow) {
		state = flow->state;
		if (state >= XDPPORT_FLOW_NSTATES)
			state = XDPPORT_FLOW_TCP;	/* junk written by hand: overwrite */
		next = flow_sent(true, state, f->proto, flags);
		if (next == state &&
		    (__s64)(now - flow->seen_ns) <= flow_refresh_ns(rs->timeout[state]))
			return;
		flow->seen_ns = now;
		flow->state = next;
		flow_port_extend(f->proto, k.local_port, now, rs->timeout[next]);
		return;
	}
	fresh.seen_ns = now;
	fresh.state = flow_sent(false, 0, f->proto, flags);
	/* The port first: the flow must never be in the table with its port still shut. */
	flow_port_extend(f->proto, k.local_port, now, rs->timeout[fresh.state]);
	err = bpf_map_update_elem(&xdpport_flows, &k, &fresh, BPF_NOEXIST);
	if (err != -17)		/* -EEXIST: another CPU recorded it first */
		flow_count(err == 0);
}

#endif /* XDPPORT_FLOWS_H */
