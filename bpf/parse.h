/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Frame parsing for the XDP program: Ethernet, up to two VLAN tags, IPv4 or IPv6 with
 * its extension headers, then TCP or UDP. Every read is preceded by a bounds check;
 * a frame that ends inside a header it claims to carry is FRAME_MALFORMED.
 */
#ifndef XDPPORT_PARSE_H
#define XDPPORT_PARSE_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xdpport.h"

#define VLAN_MAX_DEPTH		2	/* 802.1Q and QinQ; a third tag is malformed */
#define IPV6_EXT_MAX_CHAIN	8	/* extension headers walked before giving up */

#define IPV4_OFFSET_MASK	0x1fff	/* fragment offset bits of frag_off */
#define IPV6_OFFSET_MASK	0xfff8	/* fragment offset bits of frag_off */

enum frame_kind {
	FRAME_PORT,		/* TCP or UDP with its header: filter by port */
	FRAME_FRAGMENT,		/* non-first fragment: carries no port */
	FRAME_UNFILTERED,	/* not TCP/UDP over IP */
	FRAME_MALFORMED,	/* ends inside a header it claims to carry */
};

/* For FRAME_PORT: what the port stage reads, and where later stages (replies,
 * limits) find addresses, source port and flags. They read through l3 and l4 with
 * their own bounds checks: the parser only vouches for the header it read. */
struct frame {
	__u32 proto;		/* enum xdpport_proto */
	__u32 port;		/* destination port in host order */
	void *l3;		/* the IPv4 or IPv6 header */
	void *l4;		/* the TCP or UDP header */
	__u32 family;		/* 4 or 6 */
};

struct cursor {
	void *pos;
	void *end;
};

struct vlan_tag {
	__be16 tci;
	__be16 encapsulated_proto;
};

struct ipv6_frag {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;
	__be32 identification;
};

/* Skips Ethernet and up to VLAN_MAX_DEPTH VLAN tags; returns the EtherType (network
 * order), or -1 for a truncated header or more tags than we look into. */
static __always_inline int parse_ethernet(struct cursor *c)
{
	struct ethhdr *eth = c->pos;
	__be16 type;

	if ((void *)(eth + 1) > c->end)
		return -1;
	type = eth->h_proto;
	c->pos = eth + 1;

#pragma unroll
	for (int i = 0; i < VLAN_MAX_DEPTH; i++) {
		struct vlan_tag *tag = c->pos;

		if (type != bpf_htons(ETH_P_8021Q) && type != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(tag + 1) > c->end)
			return -1;
		type = tag->encapsulated_proto;
		c->pos = tag + 1;
	}
	/* The stack strips any number of priority (VID 0) tags and delivers what is
	 * inside untagged: a tag we did not look past could hide a port from us. */
	if (type == bpf_htons(ETH_P_8021Q) || type == bpf_htons(ETH_P_8021AD))
		return -1;
	return type;
}

/* Reads the destination port of a TCP or UDP header that must fit in both the frame
 * and `room`, the bytes the IP header says are left for it. */
static __always_inline enum frame_kind parse_l4(struct cursor *c, __u8 proto, __u32 room,
						struct frame *f)
{
	if (proto == IPPROTO_TCP) {
		struct tcphdr *tcp = c->pos;

		if ((void *)(tcp + 1) > c->end || room < sizeof(*tcp))
			return FRAME_MALFORMED;
		f->proto = XDPPORT_TCP;
		f->port = bpf_ntohs(tcp->dest);
		f->l4 = tcp;
		return FRAME_PORT;
	}
	if (proto == IPPROTO_UDP) {
		struct udphdr *udp = c->pos;

		if ((void *)(udp + 1) > c->end || room < sizeof(*udp))
			return FRAME_MALFORMED;
		f->proto = XDPPORT_UDP;
		f->port = bpf_ntohs(udp->dest);
		f->l4 = udp;
		return FRAME_PORT;
	}
	return FRAME_UNFILTERED;
}

static __always_inline enum frame_kind parse_ipv4(struct cursor *c, struct frame *f)
{
	struct iphdr *ip = c->pos;
	__u32 hdr_len, tot_len;

	if ((void *)(ip + 1) > c->end)
		return FRAME_MALFORMED;
	hdr_len = ip->ihl * 4;
	tot_len = bpf_ntohs(ip->tot_len);
	if (hdr_len < sizeof(*ip) || tot_len < hdr_len || c->pos + hdr_len > c->end)
		return FRAME_MALFORMED;
	if (ip->frag_off & bpf_htons(IPV4_OFFSET_MASK))
		return FRAME_FRAGMENT;
	f->l3 = ip;
	f->family = 4;
	c->pos += hdr_len;
	return parse_l4(c, ip->protocol, tot_len - hdr_len, f);
}

/* Hop-by-hop (0), routing (43), fragment (44), destination options (60): all below
 * 64, so one shift and mask tests all four. */
#define IPV6_EXTENSIONS ((1ULL << IPPROTO_HOPOPTS) | (1ULL << IPPROTO_ROUTING) | \
			 (1ULL << IPPROTO_FRAGMENT) | (1ULL << IPPROTO_DSTOPTS))

static __always_inline int ipv6_is_extension(__u8 nexthdr)
{
	return nexthdr < 64 && (IPV6_EXTENSIONS >> nexthdr) & 1;
}

static __always_inline enum frame_kind parse_ipv6(struct cursor *c, struct frame *f)
{
	struct ipv6hdr *ip6 = c->pos;
	__u32 payload_len, ext_len = 0;
	__u8 nexthdr;

	if ((void *)(ip6 + 1) > c->end)
		return FRAME_MALFORMED;
	payload_len = bpf_ntohs(ip6->payload_len);
	nexthdr = ip6->nexthdr;
	c->pos = ip6 + 1;
	f->l3 = ip6;
	f->family = 6;

#pragma unroll
	for (int i = 0; i < IPV6_EXT_MAX_CHAIN; i++) {
		struct ipv6_opt_hdr *ext = c->pos;
		struct ipv6_frag *frag = c->pos;
		__u32 len;

		if (!ipv6_is_extension(nexthdr))
			break;
		/* Every extension header is at least 8 bytes (a fragment header exactly):
		 * one check covers the fixed part of all four. */
		if ((void *)(frag + 1) > c->end)
			return FRAME_MALFORMED;
		if (nexthdr == IPPROTO_FRAGMENT) {
			if (frag->frag_off & bpf_htons(IPV6_OFFSET_MASK))
				return FRAME_FRAGMENT;
			len = sizeof(*frag);
		} else {
			len = (ext->hdrlen + 1) * 8;
			if (c->pos + len > c->end)
				return FRAME_MALFORMED;
		}
		nexthdr = ext->nexthdr;
		c->pos += len;
		ext_len += len;
	}
	/* A longer chain hides its port from us; passing it would be a way around
	 * every rule, so it is dropped as malformed. */
	if (ipv6_is_extension(nexthdr))
		return FRAME_MALFORMED;
	/* payload_len 0 is a jumbogram (or junk the stack drops): the frame bounds it. */
	if (payload_len && ext_len > payload_len)
		return FRAME_MALFORMED;
	return parse_l4(c, nexthdr, payload_len ? payload_len - ext_len : 0xffff, f);
}

static __always_inline enum frame_kind parse_frame(void *data, void *data_end, struct frame *f)
{
	struct cursor c = { .pos = data, .end = data_end };
	int ethertype = parse_ethernet(&c);

	if (ethertype == -1)
		return FRAME_MALFORMED;
	if (ethertype == bpf_htons(ETH_P_IP))
		return parse_ipv4(&c, f);
	if (ethertype == bpf_htons(ETH_P_IPV6))
		return parse_ipv6(&c, f);
	return FRAME_UNFILTERED;
}

#endif /* XDPPORT_PARSE_H */
