// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Replies, at the verdict level: outbound packets go through the real TC egress
 * program and inbound frames through the real XDP program, both with
 * BPF_PROG_TEST_RUN on built frames (tests/lib/flowframes.h). Checked: the flow
 * table's contents after each outbound packet, and each inbound frame's verdict and
 * the one reason counter that moved. This file: which frames are replies (TCP, UDP,
 * DHCP, flows from before attach or written by hand) and which record nothing;
 * replies_table_test.c: the table over time and size.
 */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "flowframes.h"
#include "harness.h"
#include "reasons.h"
#include "report.h"
#include "rules.h"

static struct harness h;

static const char *state_name(int state)
{
	static const char *names[] = { "tcp-syn", "established", "closing", "udp",
				       "udp-answered" };

	return state >= 0 && state < XDPPORT_FLOW_NSTATES ? names[state] : "none";
}

/* The state of `t`'s flow in the table, or -1 when there is none. */
static int flow_state(const struct flow_tuple *t)
{
	struct xdpport_flow_key k = flow_key_of(t);
	struct xdpport_flow v;

	return bpf_map_lookup_elem(h.flows_fd, &k, &v) ? -1 : v.state;
}

static void expect_state(const char *name, const struct flow_tuple *t, int state)
{
	int got = flow_state(t);

	if (!report(got == state, "%s: flow %s", name, state_name(state)))
		printf("    flow is %s\n", state_name(got));
}

/* The running ruleset read back as rules, `edit`ed, and compiled again. */
static void change_rules(void (*edit)(struct rules *r, const struct port_range *range),
			 const struct port_range *range)
{
	struct rules r;

	rules_decompile(h.rs, NULL, &r);
	edit(&r, range);
	rules_compile(&r, h.rs, NULL);
	rules_free(&r);
}

static void allow(struct rules *r, const struct port_range *range)
{
	rules_set_ports(r, range, VERDICT_PASS);
}

static void policy_pass(struct rules *r, const struct port_range *range)
{
	(void)range;
	rules_set_policy(r, PROTOS_ALL, VERDICT_PASS);
}

static const char *name_of(const struct flow_tuple *t)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s%s/%s", t->vlans ? "vlan " : "", t->v6 ? "ipv6" : "ipv4",
		 t->proto == IPPROTO_TCP ? "tcp" : "udp");
	return buf;
}

/* A TCP connection the host opens: SYN out, SYN-ACK in, data both ways, FIN. */
static void test_tcp(const struct flow_tuple *t)
{
	char name[160];

	rules_policy_drop();
	flows_forget();
	snprintf(name, sizeof(name), "%s", name_of(t));
	{
		struct pkt synack = flow_frame(t, true, SYN | ACK);

		expect_in(strcat(name, " SYN-ACK before any SYN"), &synack, XDPPORT_DROP_POLICY);
	}
	send_out(t, SYN);
	snprintf(name, sizeof(name), "%s outbound SYN", name_of(t));
	expect_state(name, t, XDPPORT_FLOW_TCP_SYN);

	struct pkt synack = flow_frame(t, true, SYN | ACK), syn = flow_frame(t, true, SYN);
	struct pkt ack = flow_frame(t, true, ACK), other = flow_frame_from(t, ACK, 9);

	snprintf(name, sizeof(name), "%s SYN without ACK on the flow's tuple", name_of(t));
	expect_in(name, &syn, XDPPORT_DROP_POLICY);
	snprintf(name, sizeof(name), "%s SYN-ACK answers the SYN", name_of(t));
	expect_in(name, &synack, XDPPORT_PASS_REPLY);
	expect_state(name, t, XDPPORT_FLOW_TCP);
	send_out(t, ACK);
	snprintf(name, sizeof(name), "%s data", name_of(t));
	expect_in(name, &ack, XDPPORT_PASS_REPLY);
	snprintf(name, sizeof(name), "%s right ports from another address", name_of(t));
	expect_in(name, &other, XDPPORT_DROP_POLICY);
	{
		struct flow_tuple wrong = *t;

		wrong.remote_port++;
		struct pkt p = flow_frame(&wrong, true, ACK);

		snprintf(name, sizeof(name), "%s from another remote port", name_of(t));
		expect_in(name, &p, XDPPORT_DROP_POLICY);
		wrong = *t, wrong.local_port++;
		p = flow_frame(&wrong, true, ACK);
		snprintf(name, sizeof(name), "%s to another local port", name_of(t));
		expect_in(name, &p, XDPPORT_DROP_POLICY);
		wrong = *t, wrong.proto = IPPROTO_UDP;
		p = flow_frame(&wrong, true, 0);
		snprintf(name, sizeof(name), "%s same ports over udp", name_of(t));
		expect_in(name, &p, XDPPORT_DROP_POLICY);
	}
	struct pkt fin = flow_frame(t, true, FIN | ACK);

	snprintf(name, sizeof(name), "%s FIN from the peer", name_of(t));
	expect_in(name, &fin, XDPPORT_PASS_REPLY);
	expect_state(name, t, XDPPORT_FLOW_TCP_CLOSING);
	send_out(t, ACK);
	snprintf(name, sizeof(name), "%s the host's ACK of the FIN", name_of(t));
	expect_state(name, t, XDPPORT_FLOW_TCP_CLOSING);
	snprintf(name, sizeof(name), "%s last ACK while closing", name_of(t));
	expect_in(name, &ack, XDPPORT_PASS_REPLY);
}

static void test_udp(const struct flow_tuple *t)
{
	struct pkt reply = flow_frame(t, true, 0), other = flow_frame_from(t, 0, 9);
	char name[160];

	rules_policy_drop();
	flows_forget();
	snprintf(name, sizeof(name), "%s answer before any request", name_of(t));
	expect_in(name, &reply, XDPPORT_DROP_POLICY);
	send_out(t, 0);
	snprintf(name, sizeof(name), "%s request", name_of(t));
	expect_state(name, t, XDPPORT_FLOW_UDP);
	snprintf(name, sizeof(name), "%s answer from another address", name_of(t));
	expect_in(name, &other, XDPPORT_DROP_POLICY);
	snprintf(name, sizeof(name), "%s answer", name_of(t));
	expect_in(name, &reply, XDPPORT_PASS_REPLY);
	expect_state(name, t, XDPPORT_FLOW_UDP_ANSWERED);
	send_out(t, 0);
	snprintf(name, sizeof(name), "%s next request", name_of(t));
	expect_state(name, t, XDPPORT_FLOW_UDP_ANSWERED);
}

/* A connection that existed before attach: its next outbound segment records it. */
static void test_existing_connection(void)
{
	struct pkt ack = flow_frame(&tcp4, true, ACK);

	rules_policy_drop();
	flows_forget();
	expect_in("connection from before attach: peer's data before the host sends", &ack,
		  XDPPORT_DROP_POLICY);
	send_out(&tcp4, ACK | 0x08);
	expect_state("connection from before attach: host's data segment", &tcp4,
		     XDPPORT_FLOW_TCP);
	expect_in("connection from before attach: peer's data after it", &ack,
		  XDPPORT_PASS_REPLY);
}

/* What answers inbound traffic to a port the host serves is not a flow. */
static void test_not_recorded(void)
{
	struct flow_tuple served = { 0, IPPROTO_TCP, 22, 40000, 0 };
	struct flow_tuple served_udp = { 1, IPPROTO_UDP, 53, 40001, 0 };
	struct port_range ssh = { PROTO_BIT(XDPPORT_TCP), 22, 22 };
	struct port_range dns = { PROTO_BIT(XDPPORT_UDP), 53, 53 };

	rules_policy_drop();
	flows_forget();
	send_out(&tcp4, SYN | ACK);
	report(flow_count() == 0, "an outbound SYN-ACK records nothing");
	change_rules(allow, &ssh);
	change_rules(allow, &dns);
	send_out(&served, ACK);
	send_out(&served, FIN | ACK);
	report(flow_count() == 0, "segments from a port the rules pass (allow 22/tcp) record "
	       "nothing");
	send_out(&served_udp, 0);
	report(flow_count() == 0, "datagrams from a port the rules pass (allow 53/udp) record "
	       "nothing");
	change_rules(policy_pass, NULL);
	send_out(&tcp4, SYN);
	report(flow_count() == 0, "under policy pass nothing is recorded (every answer passes)");
	rules_policy_drop();
	h.rs->replies = 0;
	send_out(&tcp4, SYN);
	report(flow_count() == 0, "replies off: the egress program records nothing");
}

static void test_replies_off(void)
{
	struct pkt reply = flow_frame(&udp4, true, 0);

	rules_policy_drop();
	flows_forget();
	send_out(&udp4, 0);
	h.rs->replies = 0;
	expect_in("replies off: the answer to a recorded flow drops", &reply,
		  XDPPORT_DROP_POLICY);
	h.rs->replies = 1;
	expect_in("replies on again: it passes", &reply, XDPPORT_PASS_REPLY);
	{
		struct port_range r = { PROTO_BIT(XDPPORT_UDP), 5353, 5353 };

		change_rules(allow, &r);
		expect_in("a frame the rules pass is not looked up", &reply, XDPPORT_PASS_RULE);
	}
}

/* DHCP answers come to the port from addresses the request did not name. */
static void test_dhcp(void)
{
	struct flow_tuple v4 = { 0, IPPROTO_UDP, 68, 67, 0 }, v6 = { 1, IPPROTO_UDP, 546, 547, 0 };
	struct flow_tuple v4_other = { 0, IPPROTO_UDP, 68, 68, 0 };
	struct xdpport_flow_key k = { .local_port = htons(68), .remote_port = htons(67),
				      .proto = XDPPORT_UDP, .family = 4 };
	struct xdpport_flow v;
	struct pkt offer = flow_frame_from(&v4, 0, 254), reply6 = flow_frame_from(&v6, 0, 99);
	struct pkt not_dhcp = flow_frame_from(&v4_other, 0, 254);

	rules_policy_drop();
	flows_forget();
	expect_in("dhcpv4 offer before any discover", &offer, XDPPORT_DROP_POLICY);
	send_out(&v4, 0);
	send_out(&v6, 0);
	report(check_eq(bpf_map_lookup_elem(h.flows_fd, &k, &v), 0) &&
		       check_eq(v.state, XDPPORT_FLOW_UDP),
	       "dhcpv4 request: recorded by ports alone (addresses zero)");
	expect_in("dhcpv4 offer from a server the request did not name", &offer,
		  XDPPORT_PASS_REPLY);
	expect_in("dhcpv6 reply from another server address", &reply6, XDPPORT_PASS_REPLY);
	expect_in("udp 68->68 is no dhcp answer", &not_dhcp, XDPPORT_DROP_POLICY);
}

/* A flow written into the map by hand (not by the egress program) works alike. */
static void test_written_flow(void)
{
	struct flow_tuple t = { 1, IPPROTO_TCP, 50000, 8443, 1 };
	struct xdpport_flow_key k = flow_key_of(&t);
	struct xdpport_flow v = { .seen_ns = now_ns(), .state = XDPPORT_FLOW_TCP };
	struct pkt p = flow_frame(&t, true, ACK);

	rules_policy_drop();
	flows_forget();
	bpf_map_update_elem(h.flows_fd, &k, &v, BPF_NOEXIST);
	expect_in("a flow written without its port's expiry: the port check drops first", &p,
		  XDPPORT_DROP_POLICY);
	h.flowports->expiry[XDPPORT_TCP][t.local_port] = now_ns() - 1000000000ULL;
	expect_in("a port whose flows all expired: dropped before the table", &p,
		  XDPPORT_DROP_POLICY);
	h.flowports->expiry[XDPPORT_TCP][t.local_port] = now_ns() + 60 * 1000000000ULL;
	expect_in("flow written into the map: vlan ipv6/tcp reply", &p, XDPPORT_PASS_REPLY);
	v.state = 200;
	bpf_map_update_elem(h.flows_fd, &k, &v, BPF_EXIST);
	expect_in("a flow with a state out of range is no flow", &p, XDPPORT_DROP_POLICY);
}

int main(void)
{
	const struct flow_tuple *tcps[] = { &tcp4, &tcp6 }, *udps[] = { &udp4, &udp6 };

	harness_open(&h);
	flowframes_use(&h);
	for (int vlans = 0; vlans < 2; vlans++)
		for (int i = 0; i < 2; i++) {
			struct flow_tuple t = *tcps[i], u = *udps[i];

			t.vlans = u.vlans = vlans;
			test_tcp(&t);
			test_udp(&u);
		}
	{
		struct flow_tuple q = tcp6;

		q.vlans = 2;
		test_tcp(&q);
	}
	test_existing_connection();
	test_not_recorded();
	test_replies_off();
	test_dhcp();
	test_written_flow();
	harness_close(&h);
	return report_summary();
}
