// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The verdict spec, step by step, reading the frame by absolute offsets. Every
 * "is it in the frame" question is asked as `end <= len` on a size_t offset, so a
 * header that would run past the frame is never read.
 */
#include "model.h"

#define ETHER_HEADER	14
#define VLAN_TAG	4
#define MAX_VLAN_TAGS	2	/* a tag type after two tags is malformed: Linux strips
				 * stacked priority tags and would deliver the inside */
#define IPV4_MIN_HEADER	20
#define IPV6_HEADER	40
#define IPV6_MAX_EXT	8	/* extension headers walked before giving up */
#define IPV6_FRAG_HDR	8
#define TCP_HEADER	20
#define UDP_HEADER	8
#define TCP_SYN		0x02
#define TCP_ACK		0x10

enum {
	TYPE_IPV4 = 0x0800,
	TYPE_IPV6 = 0x86dd,
	TYPE_CTAG = 0x8100,	/* IEEE 802.1Q */
	TYPE_STAG = 0x88a8,	/* IEEE 802.1ad */
};

enum {
	PROTO_HOPOPTS = 0,
	PROTO_TCP = 6,
	PROTO_UDP = 17,
	PROTO_ROUTING = 43,
	PROTO_FRAGMENT = 44,
	PROTO_DSTOPTS = 60,
};

static unsigned get16(const uint8_t *frame, size_t off)
{
	return (unsigned)frame[off] << 8 | frame[off + 1];
}

/* Does the frame hold `need` bytes starting at `off`? */
static int have(size_t len, size_t off, size_t need)
{
	return off <= len && need <= len - off;
}

static int fragment_reason(const struct xdpport_ruleset *rs)
{
	return XDPPORT_PASS_FRAGMENT | (rs->fragments & 1);
}

/* The L4 header at `off`; `room` is what the IP header says is left for it. */
static int port_reason(const uint8_t *frame, size_t len, size_t off, size_t room,
		       unsigned proto, const struct xdpport_ruleset *rs)
{
	size_t need = proto == PROTO_TCP ? TCP_HEADER : UDP_HEADER;
	unsigned row = proto == PROTO_TCP ? XDPPORT_TCP : XDPPORT_UDP;

	unsigned entry, reason;

	if (!have(len, off, need) || room < need)
		return XDPPORT_DROP_MALFORMED;
	entry = rs->entry[row][get16(frame, off + 2)];
	reason = entry & 3;
	/* A limit counts on a port that passes: every UDP datagram, and TCP segments
	 * that open a connection (SYN without ACK), nothing else. */
	if ((entry & 4) && !(reason & 1) &&
	    (proto == PROTO_UDP || (frame[off + 13] & (TCP_SYN | TCP_ACK)) == TCP_SYN))
		return reason | MODEL_OR_LIMIT;
	return reason;
}

static int ipv4_reason(const uint8_t *frame, size_t len, size_t ip,
		       const struct xdpport_ruleset *rs)
{
	size_t header, total;
	unsigned proto;

	if (!have(len, ip, IPV4_MIN_HEADER))
		return XDPPORT_DROP_MALFORMED;
	header = (size_t)(frame[ip] & 0x0f) * 4;
	total = get16(frame, ip + 2);
	if (header < IPV4_MIN_HEADER || !have(len, ip, header) || total < header)
		return XDPPORT_DROP_MALFORMED;
	if (get16(frame, ip + 6) & 0x1fff)	/* not the first fragment: no L4 header */
		return fragment_reason(rs);
	proto = frame[ip + 9];
	if (proto == PROTO_TCP || proto == PROTO_UDP)
		return port_reason(frame, len, ip + header, total - header, proto, rs);
	return XDPPORT_PASS_UNFILTERED;
}

static int is_ipv6_ext(unsigned next)
{
	return next == PROTO_HOPOPTS || next == PROTO_ROUTING || next == PROTO_DSTOPTS ||
	       next == PROTO_FRAGMENT;
}

static int ipv6_reason(const uint8_t *frame, size_t len, size_t ip,
		       const struct xdpport_ruleset *rs)
{
	size_t payload, off, ext_total = 0, room;
	unsigned next;

	if (!have(len, ip, IPV6_HEADER))
		return XDPPORT_DROP_MALFORMED;
	payload = get16(frame, ip + 4);
	next = frame[ip + 6];
	off = ip + IPV6_HEADER;

	for (int walked = 0; walked < IPV6_MAX_EXT && is_ipv6_ext(next); walked++) {
		size_t ext_len;

		if (!have(len, off, 2))
			return XDPPORT_DROP_MALFORMED;
		if (next == PROTO_FRAGMENT) {
			if (!have(len, off, IPV6_FRAG_HDR))
				return XDPPORT_DROP_MALFORMED;
			if (get16(frame, off + 2) >> 3)	/* offset != 0: non-first fragment */
				return fragment_reason(rs);
			ext_len = IPV6_FRAG_HDR;
		} else {
			ext_len = ((size_t)frame[off + 1] + 1) * 8;
			if (!have(len, off, ext_len))
				return XDPPORT_DROP_MALFORMED;
		}
		next = frame[off];
		off += ext_len;
		ext_total += ext_len;
	}
	if (is_ipv6_ext(next))	/* longer chain than we walk: refuse to guess */
		return XDPPORT_DROP_MALFORMED;
	if (payload != 0 && ext_total > payload)
		return XDPPORT_DROP_MALFORMED;
	if (next != PROTO_TCP && next != PROTO_UDP)
		return XDPPORT_PASS_UNFILTERED;
	room = payload != 0 ? payload - ext_total : SIZE_MAX;	/* 0: jumbogram, frame bounds */
	return port_reason(frame, len, off, room, next, rs);
}

int model_reason(const uint8_t *frame, size_t len, const struct xdpport_ruleset *rs)
{
	size_t l3 = ETHER_HEADER;
	unsigned type;

	if (len < ETHER_HEADER)
		return XDPPORT_DROP_MALFORMED;
	type = get16(frame, 12);
	for (int tags = 0; tags < MAX_VLAN_TAGS && (type == TYPE_CTAG || type == TYPE_STAG);
	     tags++) {
		if (!have(len, l3, VLAN_TAG))
			return XDPPORT_DROP_MALFORMED;
		type = get16(frame, l3 + 2);
		l3 += VLAN_TAG;
	}
	if (type == TYPE_CTAG || type == TYPE_STAG)
		return XDPPORT_DROP_MALFORMED;
	if (type == TYPE_IPV4)
		return ipv4_reason(frame, len, l3, rs);
	if (type == TYPE_IPV6)
		return ipv6_reason(frame, len, l3, rs);
	return XDPPORT_PASS_UNFILTERED;
}
