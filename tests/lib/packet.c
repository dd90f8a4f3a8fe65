// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "packet.h"

static uint8_t *put(struct pkt *p, size_t n)
{
	uint8_t *at = p->data + p->len;

	if (p->len + n > PKT_MAX)
		return NULL;
	memset(at, 0, n);
	p->len += n;
	return at;
}

static void put16(uint8_t *at, uint16_t v)
{
	at[0] = v >> 8;
	at[1] = v;
}

static uint16_t ipv4_checksum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (h[i] << 8) | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static size_t l4_header_len(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 20;
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 8;
	default:
		return 0;
	}
}

static bool put_l4(struct pkt *p, const struct pkt_spec *s)
{
	size_t hlen = l4_header_len(s->proto);
	uint8_t *l4 = put(p, hlen);

	if (!l4 || !put(p, s->payload))
		return false;
	p->l4_off = l4 - p->data;
	p->l4_end = p->l4_off + hlen;
	memset(p->data + p->l4_end, 0xa5, s->payload);
	if (s->proto == IPPROTO_TCP) {
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		l4[12] = 5 << 4;	/* data offset: 20 bytes */
		l4[13] = 0x02;		/* SYN */
		put16(l4 + 14, 65535);
	} else if (s->proto == IPPROTO_UDP) {
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put16(l4 + 4, hlen + s->payload);
	} else if (s->proto == IPPROTO_ICMP || s->proto == IPPROTO_ICMPV6) {
		l4[0] = s->proto == IPPROTO_ICMP ? 8 : 128;	/* echo request */
	}
	return true;
}

static bool put_ipv4(struct pkt *p, const struct pkt_spec *s)
{
	size_t hlen = 20 + s->ip_options;
	uint8_t *ip = put(p, hlen);
	uint16_t frag;

	if (!ip || s->ip_options % 4 || s->ip_options > 40)
		return false;
	ip[0] = 0x40 | hlen / 4;
	ip[8] = 64;
	ip[9] = s->proto;
	memcpy(ip + 12, (uint8_t[]){ 198, 18, 0, 1 }, 4);
	memcpy(ip + 16, (uint8_t[]){ 198, 18, 0, 2 }, 4);
	if (s->ip_options)	/* NOPs, then end of options */
		memset(ip + 20, 1, s->ip_options - 1);
	frag = (s->frag_offset & 0x1fff) | (s->more_fragments ? 0x2000 : 0);
	put16(ip + 6, frag);
	if (s->frag_offset) {	/* a non-first fragment carries only payload */
		if (!put(p, 8 + s->payload))
			return false;
		p->l4_off = p->l4_end = hlen + (ip - p->data);
	} else if (!put_l4(p, s)) {
		return false;
	}
	put16(ip + 2, p->len - (ip - p->data));
	put16(ip + 10, ipv4_checksum(ip, hlen));
	return true;
}

/* Fills an options area with PadN options (Pad1 for a lone last byte). */
static void put_padding(uint8_t *at, size_t n)
{
	while (n > 1) {
		size_t opt = n - 2 > 255 ? 255 : n - 2;

		at[0] = 1;
		at[1] = opt;
		at += 2 + opt;
		n -= 2 + opt;
	}
	if (n)
		at[0] = 0;
}

static bool put_ipv6(struct pkt *p, const struct pkt_spec *s)
{
	uint8_t *ip6 = put(p, 40), *prev_next;
	bool non_first = false;

	if (!ip6 || s->n_ext > PKT_MAX_EXT)
		return false;
	ip6[0] = 0x60;
	ip6[7] = 64;
	memcpy(ip6 + 8, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 16);
	memcpy(ip6 + 24, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 2 }, 16);
	prev_next = ip6 + 6;
	for (int i = 0; i < s->n_ext; i++) {
		bool frag = s->ext[i] == IPPROTO_FRAGMENT;
		size_t ext_len = frag ? 8 : (s->ext_units[i] + 1) * 8;
		uint8_t *ext = put(p, ext_len);

		if (!ext)
			return false;
		*prev_next = s->ext[i];
		prev_next = ext;
		if (frag) {
			put16(ext + 2, (s->frag_offset << 3) | s->more_fragments);
			memcpy(ext + 4, "\x12\x34\x56\x78", 4);
			non_first |= s->frag_offset != 0;
		} else {	/* options/routing header: hdrlen, then PadN filler */
			ext[1] = s->ext_units[i];
			put_padding(ext + 2, ext_len - 2);
		}
	}
	*prev_next = s->proto;
	if (non_first) {
		if (!put(p, 8 + s->payload))
			return false;
		p->l4_off = p->l4_end = p->len - 8 - s->payload;
	} else if (!put_l4(p, s)) {
		return false;
	}
	put16(ip6 + 4, p->len - (ip6 + 40 - p->data));
	return true;
}

bool pkt_build(const struct pkt_spec *s, struct pkt *p)
{
	uint8_t *eth;
	uint16_t type = s->ethertype;

	memset(p, 0, sizeof(*p));
	eth = put(p, 14);
	memcpy(eth, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	for (int i = 0; i < s->vlans; i++) {
		uint8_t *tag = put(p, 4);

		if (!tag || s->vlans > 3)
			return false;
		/* outermost tag type goes in the Ethernet header, each inner one in the tag before */
		put16(tag - 2, i == 0 && s->vlans > 1 ? ETH_P_8021AD : ETH_P_8021Q);
		put16(tag, 100 + i);
	}
	put16(p->data + p->len - 2, type);
	p->l3_off = p->len;
	if (type == ETH_P_IP)
		return put_ipv4(p, s);
	if (type == ETH_P_IPV6)
		return put_ipv6(p, s);
	return put(p, 28 + s->payload) != NULL;	/* ARP-sized body of zeros */
}

void pkt_hexdump(const uint8_t *data, size_t len, const char *indent)
{
	for (size_t i = 0; i < len; i += 16) {
		printf("%s%04zx:", indent, i);
		for (size_t j = i; j < len && j < i + 16; j++)
			printf(" %02x", data[j]);
		printf("\n");
	}
}
