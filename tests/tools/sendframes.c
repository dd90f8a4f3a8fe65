// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sendframes: exactly COUNT raw Ethernet frames out of an interface, for tests that
 * check counters to the packet.
 *
 *   sendframes IFACE COUNT KIND [PORT] [PAYLOAD]
 *     KIND  tcp4 tcp6 udp4 udp6  TCP/UDP to PORT (default 9)
 *           frag4 frag6          a non-first UDP fragment (no port)
 *           short4 short6        TCP cut inside its header (malformed)
 *           icmp4 arp            not filtered
 *     PAYLOAD  bytes after the L4 header (default 18)
 *   Prints "sent COUNT frames of LEN bytes".
 *
 * Frames go through an AF_PACKET socket that bypasses the qdisc, so a frame the
 * device cannot take comes back as an error at once (ENOBUFS when a veth peer's
 * ring is full) and is sent again: every frame counted was delivered exactly once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "packet.h"

static int usage(void)
{
	fprintf(stderr, "usage: sendframes IFACE COUNT tcp4|tcp6|udp4|udp6|frag4|frag6|"
			"short4|short6|icmp4|arp [PORT] [PAYLOAD]\n");
	return 2;
}

static bool build(const char *kind, unsigned port, size_t payload, struct pkt *p)
{
	struct pkt_spec s = { .ethertype = kind[strlen(kind) - 1] == '6' ? ETH_P_IPV6 : ETH_P_IP,
			      .sport = 40000, .dport = port, .payload = payload };

	if (!strncmp(kind, "tcp", 3) || !strncmp(kind, "short", 5)) {
		s.proto = IPPROTO_TCP;
	} else if (!strncmp(kind, "udp", 3)) {
		s.proto = IPPROTO_UDP;
	} else if (!strncmp(kind, "frag", 4)) {
		s.proto = IPPROTO_UDP;
		s.frag_offset = 1;
		if (s.ethertype == ETH_P_IPV6)
			s.ext[s.n_ext++] = IPPROTO_FRAGMENT;
	} else if (!strcmp(kind, "icmp4")) {
		s.proto = IPPROTO_ICMP;
	} else if (!strcmp(kind, "arp")) {
		s.ethertype = ETH_P_ARP;
	} else {
		return false;
	}
	if (strcmp(kind + strlen(kind) - 1, "4") && strcmp(kind + strlen(kind) - 1, "6") &&
	    strcmp(kind, "arp"))
		return false;
	if (!pkt_build(&s, p))
		return false;
	if (!strncmp(kind, "short", 5))	/* ports readable, the rest of the header missing */
		p->len = p->l4_off + 8;
	return true;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET };
	unsigned long count, port = 9, payload = 18, sent = 0, retries = 0;
	int one = 1, fd;
	struct pkt p;

	if (argc < 4 || argc > 6)
		return usage();
	count = strtoul(argv[2], NULL, 10);
	if (argc > 4)
		port = strtoul(argv[4], NULL, 10);
	if (argc > 5)
		payload = strtoul(argv[5], NULL, 10);
	if (port > 65535 || payload > 1400 || !build(argv[3], port, payload, &p))
		return usage();
	to.sll_ifindex = if_nametoindex(argv[1]);
	to.sll_halen = ETH_ALEN;
	memcpy(to.sll_addr, p.data, ETH_ALEN);
	if (!to.sll_ifindex) {
		fprintf(stderr, "sendframes: no interface %s\n", argv[1]);
		return 1;
	}
	fd = socket(AF_PACKET, SOCK_RAW, 0);	/* protocol 0: sends only, receives nothing */
	if (fd < 0 || setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one))) {
		perror("sendframes: socket");
		return 1;
	}
	while (sent < count) {
		if (sendto(fd, p.data, p.len, 0, (struct sockaddr *)&to, sizeof(to)) ==
		    (ssize_t)p.len) {
			sent++;
			continue;
		}
		if ((errno != ENOBUFS && errno != EAGAIN) || ++retries > 100000) {
			fprintf(stderr, "sendframes: sent %lu of %lu: %s\n", sent, count,
				strerror(errno));
			return 1;
		}
		nanosleep(&(struct timespec){ 0, 100000 }, NULL);	/* let the peer drain */
	}
	printf("sent %lu frames of %zu bytes\n", sent, p.len);
	return 0;
}
