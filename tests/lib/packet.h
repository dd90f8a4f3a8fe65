/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Builds test frames byte by byte: Ethernet, VLAN tags, IPv4/IPv6 (+ options and
 * extension headers), TCP/UDP/ICMP. Used by the verdict tests, the fuzzer and the
 * benchmarks. Addresses are from 198.18.0.0/15 and 2001:db8::/32. */
#ifndef TEST_PACKET_H
#define TEST_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_MAX		2048
#define PKT_MAX_EXT	12

struct pkt_spec {
	uint16_t ethertype;	/* ETH_P_IP, ETH_P_IPV6, ETH_P_ARP, anything */
	int vlans;		/* 0, 1 (802.1Q) or 2 (802.1ad outer, 802.1Q inner); up to 3 */
	uint8_t proto;		/* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6, ... */
	uint16_t sport, dport;
	int ip_options;		/* IPv4: bytes of options (multiple of 4, up to 40) */
	int n_ext;		/* IPv6: extension headers, in order */
	uint8_t ext[PKT_MAX_EXT];	/* IPPROTO_HOPOPTS, _ROUTING, _DSTOPTS, _FRAGMENT */
	uint8_t ext_units[PKT_MAX_EXT];	/* non-fragment ext: Hdr Ext Len, (units + 1) * 8 bytes */
	int frag_offset;	/* fragment offset in 8-byte units (IPv4, or IPv6 with a fragment header) */
	bool more_fragments;
	size_t payload;		/* bytes after the L4 header */
};

struct pkt {
	uint8_t data[PKT_MAX];
	size_t len;
	size_t l3_off;		/* where the IP header starts */
	size_t l4_off;		/* where the TCP/UDP/ICMP header starts */
	size_t l4_end;		/* first byte after the L4 header */
};

/* Returns false when the spec does not fit PKT_MAX. */
bool pkt_build(const struct pkt_spec *spec, struct pkt *out);

/* Prints the frame as hex, 16 bytes a line, each line prefixed with `indent`. */
void pkt_hexdump(const uint8_t *data, size_t len, const char *indent);

#endif
