/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The replies tests' frames (replies_test, replies_table_test): one flow between the
 * host, 198.18.0.1 (2001:db8::1), and its peer, 198.18.0.2 (::2), sent outbound
 * through the harness's egress program and inbound through its XDP program, and the
 * flow table read back.
 */
#ifndef TEST_FLOWFRAMES_H
#define TEST_FLOWFRAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "harness.h"
#include "packet.h"

#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define ACK 0x10

#define LOCAL_PORT	43210
#define REMOTE_PORT	80

struct flow_tuple {
	int v6;			/* 0: IPv4, 1: IPv6 */
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t local_port, remote_port;
	int vlans;
};

extern const struct flow_tuple tcp4, udp4, tcp6, udp6;

/* The harness every function below runs on (a test may swap its contents). */
void flowframes_use(struct harness *h);

/* Builds the packet of `t` in one direction: outbound from the host (the builder's
 * source address), or inbound to it (addresses swapped), with TCP `flags`. */
struct pkt flow_frame(const struct flow_tuple *t, bool inbound, uint8_t flags);
/* The inbound frame of `t` from another peer: the source address's last byte. */
struct pkt flow_frame_from(const struct flow_tuple *t, uint8_t flags, uint8_t last_byte);
/* The flow table key of `t`, written out by hand from the header's documentation. */
struct xdpport_flow_key flow_key_of(const struct flow_tuple *t);

int flow_count(void);
/* Empties the flow table and the ports' expiries. */
void flows_forget(void);

/* Sends `t` outbound with `flags`; checks the program lets it go on untouched. */
void send_out(const struct flow_tuple *t, uint8_t flags);
/* Runs the inbound frame `p`; true when it got `reason` and only that counter moved
 * (else it prints what happened and the frame). */
bool inbound_gets(const struct pkt *p, int reason);
/* The case "NAME: REASON": inbound_gets(p, reason). */
void expect_in(const char *name, const struct pkt *p, int reason);

/* policy drop, replies on with the default timeouts, as a user would set it up. */
void rules_policy_drop(void);

/* CLOCK_MONOTONIC in ns: the clock the flows' ages are measured against. */
uint64_t now_ns(void);

#endif
