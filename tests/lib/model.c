// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The verdict spec, step by step, reading the frame by absolute offsets. Every
 * "is it in the frame" question is asked as `end <= len` on a size_t offset, so a
 * header that would run past the frame is never read.
 */
#include <string.h>

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

/* Where the last frame's IP and TCP/UDP headers were, when it had both. */
static struct {
	int found;
	size_t ip, l4;
	unsigned family, proto;
} last;

struct model_flow *model_find_flow(struct model_flows *flows, const struct xdpport_flow_key *key)
{
	for (size_t i = 0; i < flows->n; i++)
		if (!memcmp(&flows->flow[i].key, key, sizeof(*key)))
			return &flows->flow[i];
	return NULL;
}

/* The flow the frame answers: addresses and ports swapped, so the host is "local". */
static void reply_key(const uint8_t *frame, struct xdpport_flow_key *k)
{
	size_t alen = last.family == 4 ? 4 : 16;
	size_t src = last.ip + (last.family == 4 ? 12 : 8), dst = src + alen;

	memset(k, 0, sizeof(*k));
	memcpy(k->local, frame + dst, alen);
	memcpy(k->remote, frame + src, alen);
	memcpy(&k->local_port, frame + last.l4 + 2, 2);
	memcpy(&k->remote_port, frame + last.l4, 2);
	k->proto = last.proto == PROTO_TCP ? XDPPORT_TCP : XDPPORT_UDP;
	k->family = last.family;
	/* DHCP: the ports alone (client 68 <- server 67, DHCPv6 546 <- 547) */
	if (last.proto == PROTO_UDP &&
	    ((last.family == 4 && get16(frame, last.l4 + 2) == 68 && get16(frame, last.l4) == 67) ||
	     (last.family == 6 && get16(frame, last.l4 + 2) == 546 &&
	      get16(frame, last.l4) == 547))) {
		memset(k->local, 0, sizeof(k->local));
		memset(k->remote, 0, sizeof(k->remote));
	}
}

/* Does the frame answer a live flow? Moves the flow on as the answer does. */
static int is_reply(const uint8_t *frame, const struct xdpport_ruleset *rs,
		    struct model_flows *flows)
{
	unsigned flags = last.proto == PROTO_TCP ? frame[last.l4 + 13] : 0;
	struct xdpport_flow_key k;
	struct model_flow *f;
	unsigned state;

	if ((flags & 0x12) == 0x02)	/* SYN without ACK: someone opening to us */
		return 0;
	reply_key(frame, &k);
	f = model_find_flow(flows, &k);
	if (!f || f->flow.state >= XDPPORT_FLOW_NSTATES)
		return 0;
	state = f->flow.state;
	if ((int64_t)(flows->now_ns - f->flow.seen_ns) > (int64_t)rs->timeout[state] * 1000000000LL)
		return 0;
	if (state == XDPPORT_FLOW_UDP)
		f->flow.state = XDPPORT_FLOW_UDP_ANSWERED;
	else if (state <= XDPPORT_FLOW_TCP_CLOSING && (flags & 0x05))	/* FIN, RST */
		f->flow.state = XDPPORT_FLOW_TCP_CLOSING;
	else if (state == XDPPORT_FLOW_TCP_SYN && (flags & 0x02))
		f->flow.state = XDPPORT_FLOW_TCP;
	if (f->flow.state != state)
		f->flow.seen_ns = flows->now_ns;
	return 1;
}

/* The L4 header at `off`; `room` is what the IP header says is left for it. A frame
 * the port would drop passes when it answers a flow (replies on). */
static int port_reason(const uint8_t *frame, size_t len, size_t ip, unsigned family,
		       size_t off, size_t room, unsigned proto, const struct xdpport_ruleset *rs,
		       struct model_flows *flows)
{
	size_t need = proto == PROTO_TCP ? TCP_HEADER : UDP_HEADER;
	unsigned row = proto == PROTO_TCP ? XDPPORT_TCP : XDPPORT_UDP;
	int reason;

	if (!have(len, off, need) || room < need)
		return XDPPORT_DROP_MALFORMED;
	last.found = 1, last.ip = ip, last.l4 = off, last.family = family, last.proto = proto;
	reason = rs->entry[row][get16(frame, off + 2)] & 3;
	if ((reason & 1) && rs->replies && flows && is_reply(frame, rs, flows))
		return XDPPORT_PASS_REPLY;
	return reason;
}

static int ipv4_reason(const uint8_t *frame, size_t len, size_t ip,
		       const struct xdpport_ruleset *rs, struct model_flows *flows)
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
		return port_reason(frame, len, ip, 4, ip + header, total - header, proto, rs,
				   flows);
	return XDPPORT_PASS_UNFILTERED;
}

static int is_ipv6_ext(unsigned next)
{
	return next == PROTO_HOPOPTS || next == PROTO_ROUTING || next == PROTO_DSTOPTS ||
	       next == PROTO_FRAGMENT;
}

static int ipv6_reason(const uint8_t *frame, size_t len, size_t ip,
		       const struct xdpport_ruleset *rs, struct model_flows *flows)
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
	return port_reason(frame, len, ip, 6, off, room, next, rs, flows);
}

int model_reason(const uint8_t *frame, size_t len, const struct xdpport_ruleset *rs,
		 struct model_flows *flows)
{
	size_t l3 = ETHER_HEADER;
	unsigned type;

	last.found = 0;
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
		return ipv4_reason(frame, len, l3, rs, flows);
	if (type == TYPE_IPV6)
		return ipv6_reason(frame, len, l3, rs, flows);
	return XDPPORT_PASS_UNFILTERED;
}

bool model_reply_key(const uint8_t *frame, size_t len, struct xdpport_flow_key *key,
		     size_t *l4)
{
	static const struct xdpport_ruleset none;	/* no flows looked up */

	model_reason(frame, len, &none, NULL);
	if (!last.found)
		return false;
	reply_key(frame, key);
	*l4 = last.l4;
	return true;
}
