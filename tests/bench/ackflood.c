// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ackflood: a flood of TCP ACKs with no connection behind them, as live frames out of
 * a veth end (tests/lib/livegen.h), for tests/bench/bench-replies.sh. xdpgen sends SYNs;
 * an ACK is what a reply looks like, so xdpport looks each one up in its flow table.
 *
 *   ackflood DEV COUNT CPU DPORT
 *
 * The frame is tests/lib/packet's TCP frame (198.18.0.1:40000 -> 198.18.0.2, 60
 * bytes) with ACK instead of SYN. Prints the line xdpgen prints (sent=... ns=...).
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "livegen.h"
#include "packet.h"

#define TCP_FLAGS_OFF	13
#define TCP_ACK		0x10

int main(int argc, char **argv)
{
	struct pkt_spec s = { .ethertype = ETH_P_IP, .proto = IPPROTO_TCP, .sport = 40000 };
	struct livegen_result res;
	struct livegen_opts o = { 0 };
	struct livegen *gen;
	struct pkt p;
	int64_t sent;
	int ifindex, cpu;

	if (argc != 5) {
		fprintf(stderr, "usage: ackflood DEV COUNT CPU DPORT\n");
		return 2;
	}
	cpu = atoi(argv[3]);
	s.dport = atoi(argv[4]);
	s.payload = 6;	/* 60 bytes: 64 on the wire */
	if (!pkt_build(&s, &p))
		return 1;
	p.data[p.l4_off + TCP_FLAGS_OFF] = TCP_ACK;
	ifindex = if_nametoindex(argv[1]);
	gen = ifindex ? livegen_open() : NULL;
	if (!gen) {
		fprintf(stderr, "ackflood: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	o.nthreads = 1;
	o.cpus = &cpu;
	sent = livegen_send(gen, ifindex, p.data, p.len, strtoull(argv[2], NULL, 10), &o, &res);
	livegen_close(gen);
	if (sent < 0) {
		fprintf(stderr, "ackflood: send on %s: %s\n", argv[1], strerror(-sent));
		return 1;
	}
	printf("sent=%llu ns=%llu cpu_ns=%llu cpu_max_ns=%llu len=%zu\n",
	       (unsigned long long)res.sent, (unsigned long long)res.ns,
	       (unsigned long long)res.cpu_ns, (unsigned long long)res.cpu_max_ns, p.len);
	return 0;
}
