// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The verdict spec, step by step, reading the frame by absolute offsets. Every
 * "is it in the frame" question is asked as `end <= len` on a size_t offset, so a
 * header that would run past the frame is never read.
 */
#include <string.h>

#include "model.h"
#include "rules.h"

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

/* The rules, and which port has which rule and limit: 0 none, else item + 1. */
static struct rules clean;
static const struct rules *model_rules = &clean;
static int rule_of[XDPPORT_NPROTO][XDPPORT_PORTS], limit_of[XDPPORT_NPROTO][XDPPORT_PORTS];

/* Spec: a port's rule (limit) is the one whose protocols and range hold it. */
static void index_ranges(int (*of)[XDPPORT_PORTS], const void *items, size_t n, size_t size)
{
	memset(of, 0, sizeof(int) * XDPPORT_NPROTO * XDPPORT_PORTS);
	for (size_t i = 0; i < n; i++) {
		const struct port_range *r = (const void *)((const char *)items + i * size);

		for (int p = 0; p < XDPPORT_NPROTO; p++)
			for (unsigned port = r->first; (r->protos >> p & 1) && port <= r->last; port++)
				of[p][port] = i + 1;
	}
}

void model_set_rules(const struct rules *r)
{
	if (!r) {
		rules_init(&clean);
		r = &clean;
	}
	model_rules = r;
	index_ranges(rule_of, r->port, r->nports, sizeof(*r->port));
	index_ranges(limit_of, r->limit, r->nlimits, sizeof(*r->limit));
}

bool model_limited(int proto, unsigned port)
{
	return limit_of[proto][port] != 0;
}

/* The frame's source address, as the spec names it. */
struct source {
	int family;
	uint8_t addr[16];
};

static bool holds(const struct prefix *p, const struct source *src)
{
	for (int bit = 0; bit < p->len; bit++) {
		int mask = 0x80 >> (bit % 8);

		if ((p->addr[bit / 8] & mask) != (src->addr[bit / 8] & mask))
			return false;
	}
	return p->family == src->family;
}

/* Whether a rule covers (proto, port); port < 0: the `allow/deny from` rules. */
static bool covers(const struct source_rule *r, unsigned row, int port)
{
	if (port < 0)
		return r->range.protos == 0;
	return (r->range.protos >> row & 1) && r->range.first <= port && port <= r->range.last;
}

/* Spec: among the rules that cover the port, the longest prefix holding the source
 * decides; of equal ones, deny. -1 when none holds it. */
static int source_decision(const struct source *src, unsigned row, int port)
{
	const struct sources *s = &model_rules->sources;
	int best_len = -1, reason = -1;

	for (size_t i = 0; s && src->family && i < s->nrules; i++) {
		const struct source_rule *r = &s->rule[i];
		const struct prefix *members = &r->prefix;
		size_t n = 1;

		if (!covers(r, row, port))
			continue;
		if (r->set) {
			n = 0;
			for (size_t k = 0; k < s->nsets; k++)
				if (s->set[k].origin == r->set) {
					members = s->set[k].prefix;
					n = s->set[k].n;
				}
		}
		for (size_t k = 0; k < n; k++) {
			int len = members[k].len;

			if (!holds(&members[k], src) || len < best_len ||
			    (len == best_len && r->verdict == VERDICT_PASS))
				continue;
			best_len = len;
			reason = r->verdict == VERDICT_DROP ? XDPPORT_DROP_SOURCE : XDPPORT_PASS_SOURCE;
		}
	}
	return reason;
}

static int fragment_reason(void)
{
	return model_rules->fragments == VERDICT_DROP ? XDPPORT_DROP_FRAGMENT
						      : XDPPORT_PASS_FRAGMENT;
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
static int is_reply(const uint8_t *frame, struct model_flows *flows)
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
	if ((int64_t)(flows->now_ns - f->flow.seen_ns) >
	    (int64_t)model_rules->timeout[state] * 1000000000LL)
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

/* The L4 header at `off`; `room` is what the IP header says is left for it. Source
 * rules first (`allow/deny from`, then the port's), then the port's rule or policy;
 * a frame that would drop passes when it answers a flow (replies on). */
/* Spec: the port's rule, else its protocol's policy. */
static int rule_reason(unsigned row, unsigned port)
{
	int i = rule_of[row][port];

	if (i)
		return model_rules->port[i - 1].verdict == VERDICT_DROP ? XDPPORT_DROP_RULE
								    : XDPPORT_PASS_RULE;
	return model_rules->policy[row] == VERDICT_DROP ? XDPPORT_DROP_POLICY : XDPPORT_PASS_POLICY;
}

static int port_reason(const uint8_t *frame, size_t len, size_t ip, unsigned family,
		       size_t off, size_t room, unsigned proto, struct model_flows *flows,
		       const struct source *src)
{
	size_t need = proto == PROTO_TCP ? TCP_HEADER : UDP_HEADER;
	unsigned row = proto == PROTO_TCP ? XDPPORT_TCP : XDPPORT_UDP;
	unsigned port;
	int reason, limited = 0;

	if (!have(len, off, need) || room < need)
		return XDPPORT_DROP_MALFORMED;
	last.found = 1, last.ip = ip, last.l4 = off, last.family = family, last.proto = proto;
	port = get16(frame, off + 2);
	reason = source_decision(src, row, -1);	/* `allow from` hosts are not limited */
	if (reason < 0) {
		reason = source_decision(src, row, port);
		if (reason < 0)
			reason = rule_reason(row, port);
		/* A limit counts on a port that passes: every UDP datagram, and TCP
		 * segments that open a connection (SYN without ACK), nothing else. */
		limited = model_limited(row, port) && !(reason & 1) &&
			  (proto == PROTO_UDP || (frame[off + 13] & (TCP_SYN | TCP_ACK)) == TCP_SYN);
	}
	if ((reason & 1) && model_rules->replies && flows && is_reply(frame, flows))
		return XDPPORT_PASS_REPLY;
	return limited ? reason | MODEL_OR_LIMIT : reason;
}

/* Not TCP/UDP: only `allow/deny from` can decide. */
static int unfiltered_reason(const struct source *src)
{
	int by_source = source_decision(src, 0, -1);

	return by_source >= 0 ? by_source : XDPPORT_PASS_UNFILTERED;
}

static int ipv4_reason(const uint8_t *frame, size_t len, size_t ip, struct model_flows *flows)
{
	size_t header, total;
	struct source src = { .family = 4 };
	unsigned proto;

	if (!have(len, ip, IPV4_MIN_HEADER))
		return XDPPORT_DROP_MALFORMED;
	header = (size_t)(frame[ip] & 0x0f) * 4;
	total = get16(frame, ip + 2);
	if (header < IPV4_MIN_HEADER || !have(len, ip, header) || total < header)
		return XDPPORT_DROP_MALFORMED;
	if (get16(frame, ip + 6) & 0x1fff)	/* not the first fragment: no L4 header */
		return fragment_reason();
	proto = frame[ip + 9];
	memcpy(src.addr, frame + ip + 12, 4);
	if (proto == PROTO_TCP || proto == PROTO_UDP)
		return port_reason(frame, len, ip, 4, ip + header, total - header, proto, flows,
				   &src);
	return unfiltered_reason(&src);
}

static int is_ipv6_ext(unsigned next)
{
	return next == PROTO_HOPOPTS || next == PROTO_ROUTING || next == PROTO_DSTOPTS ||
	       next == PROTO_FRAGMENT;
}

static int ipv6_reason(const uint8_t *frame, size_t len, size_t ip, struct model_flows *flows)
{
	size_t payload, off, ext_total = 0, room;
	struct source src = { .family = 6 };
	unsigned next;

	if (!have(len, ip, IPV6_HEADER))
		return XDPPORT_DROP_MALFORMED;
	memcpy(src.addr, frame + ip + 8, 16);
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
				return fragment_reason();
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
		return unfiltered_reason(&src);
	room = payload != 0 ? payload - ext_total : SIZE_MAX;	/* 0: jumbogram, frame bounds */
	return port_reason(frame, len, ip, 6, off, room, next, flows, &src);
}

int model_reason(const uint8_t *frame, size_t len, struct model_flows *flows)
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
		return ipv4_reason(frame, len, l3, flows);
	if (type == TYPE_IPV6)
		return ipv6_reason(frame, len, l3, flows);
	return XDPPORT_PASS_UNFILTERED;
}

bool model_reply_key(const uint8_t *frame, size_t len, struct xdpport_flow_key *key,
		     size_t *l4)
{
	model_reason(frame, len, NULL);	/* no flows looked up */
	if (!last.found)
		return false;
	reply_key(frame, key);
	*l4 = last.l4;
	return true;
}
