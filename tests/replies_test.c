// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Replies, at the verdict level: outbound packets go through the real TC egress
 * program and inbound frames through the real XDP program, both with
 * BPF_PROG_TEST_RUN on built frames. The host is 198.18.0.1 (2001:db8::1), the peer
 * 198.18.0.2 (::2). Checked: the flow table's contents after each outbound packet,
 * and each inbound frame's verdict and the one reason counter that moved.
 */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "harness.h"
#include "packet.h"
#include "reasons.h"
#include "report.h"
#include "rules.h"

#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define ACK 0x10

#define LOCAL_PORT	43210
#define REMOTE_PORT	80

static struct harness h;

struct tuple {
	int v6;			/* 0: IPv4, 1: IPv6 */
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t local_port, remote_port;
	int vlans;
};

static const struct tuple tcp4 = { 0, IPPROTO_TCP, LOCAL_PORT, REMOTE_PORT, 0 };
static const struct tuple udp4 = { 0, IPPROTO_UDP, 5353, 53, 0 };
static const struct tuple tcp6 = { 1, IPPROTO_TCP, LOCAL_PORT, 443, 0 };
static const struct tuple udp6 = { 1, IPPROTO_UDP, 40000, 123, 0 };

/* Builds the packet of `t` in one direction: outbound from the host (the builder's
 * source address), or inbound to it (addresses swapped), with TCP `flags`. */
static struct pkt frame(const struct tuple *t, bool inbound, uint8_t flags)
{
	struct pkt_spec s = {
		.ethertype = t->v6 ? ETH_P_IPV6 : ETH_P_IP, .proto = t->proto, .vlans = t->vlans,
		.sport = inbound ? t->remote_port : t->local_port,
		.dport = inbound ? t->local_port : t->remote_port, .payload = 12,
	};
	size_t alen = t->v6 ? 16 : 4, src = t->v6 ? 8 : 12;
	struct pkt p;
	uint8_t tmp[16];

	if (!pkt_build(&s, &p))
		report(false, "frame builds");
	if (t->proto == IPPROTO_TCP)
		p.data[p.l4_off + 13] = flags;
	if (inbound) {
		memcpy(tmp, p.data + p.l3_off + src, alen);
		memcpy(p.data + p.l3_off + src, p.data + p.l3_off + src + alen, alen);
		memcpy(p.data + p.l3_off + src + alen, tmp, alen);
	}
	return p;
}

/* The inbound frame of `t` from another peer: the source address's last byte. */
static struct pkt frame_from(const struct tuple *t, uint8_t flags, uint8_t last_byte)
{
	struct pkt p = frame(t, true, flags);

	p.data[p.l3_off + (t->v6 ? 23 : 15)] = last_byte;
	return p;
}

/* The flow table key of `t`, written out by hand from the header's documentation. */
static struct xdpport_flow_key key_of(const struct tuple *t)
{
	struct xdpport_flow_key k = {
		.local_port = htons(t->local_port), .remote_port = htons(t->remote_port),
		.proto = t->proto == IPPROTO_UDP ? XDPPORT_UDP : XDPPORT_TCP,
		.family = t->v6 ? 6 : 4,
	};

	if (t->v6) {
		inet_pton(AF_INET6, "2001:db8::1", k.local);
		inet_pton(AF_INET6, "2001:db8::2", k.remote);
	} else {
		inet_pton(AF_INET, "198.18.0.1", k.local);
		inet_pton(AF_INET, "198.18.0.2", k.remote);
	}
	return k;
}

static const char *state_name(int state)
{
	static const char *names[] = { "tcp-syn", "established", "closing", "udp",
				       "udp-answered" };

	return state >= 0 && state < XDPPORT_FLOW_NSTATES ? names[state] : "none";
}

/* The state of `t`'s flow in the table, or -1 when there is none. */
static int flow_state(const struct tuple *t)
{
	struct xdpport_flow_key k = key_of(t);
	struct xdpport_flow v;

	return bpf_map_lookup_elem(h.flows_fd, &k, &v) ? -1 : v.state;
}

static int flow_count(void)
{
	struct xdpport_flow_key k, next;
	int n = 0;

	for (void *prev = NULL; !bpf_map_get_next_key(h.flows_fd, prev, &next); prev = &k) {
		k = next;
		n++;
	}
	return n;
}

static void forget_flows(void)
{
	struct xdpport_flow_key k;

	while (!bpf_map_get_next_key(h.flows_fd, NULL, &k))
		bpf_map_delete_elem(h.flows_fd, &k);
	memset(h.flowports, 0, sizeof(*h.flowports));
}

static struct xdpport_flow_counts flow_counters(void)
{
	int n = libbpf_num_possible_cpus();
	struct xdpport_flow_counts per_cpu[n], sum = {};
	__u32 zero = 0;

	bpf_map_lookup_elem(h.flowstats_fd, &zero, per_cpu);
	for (int c = 0; c < n; c++) {
		sum.inserts += per_cpu[c].inserts;
		sum.insert_failures += per_cpu[c].insert_failures;
	}
	return sum;
}

/* Sends `t` outbound with `flags`; checks the program lets it go on untouched. */
static void send_out(const struct tuple *t, uint8_t flags)
{
	struct pkt p = frame(t, false, flags), copy = p;
	int ret = harness_run_egress(&h, p.data, p.len, 1, NULL);

	if (ret != TC_ACT_UNSPEC || memcmp(&p, &copy, sizeof(p)))
		report(false, "egress returned %d (want TC_ACT_UNSPEC, %d) and left the packet "
		       "as it was", ret, TC_ACT_UNSPEC);
}

/* Runs the inbound frame `p`; true when it got `reason` and only that counter moved. */
static bool inbound_gets(const struct pkt *p, int reason)
{
	struct xdpport_totals before, after;
	int got, moved = -1, want = reason & XDPPORT_REASON_DROP ? XDP_DROP : XDP_PASS;

	harness_totals(&h, 0, &before);
	got = harness_run(&h, p->data, p->len, 1, NULL);
	harness_totals(&h, 0, &after);
	for (int r = 0; r < XDPPORT_NREASONS; r++)
		if (after.reason[r].packets != before.reason[r].packets)
			moved = moved == -1 ? r : -2;
	if (got == want && moved == reason)
		return true;
	printf("    verdict %d (want %d), counter moved: %s (want %s)\n", got, want,
	       moved == -2 ? "several" : reason_name(moved), reason_name(reason));
	pkt_hexdump(p->data, p->len, "    ");
	return false;
}

static void expect_in(const char *name, const struct pkt *p, int reason)
{
	report(inbound_gets(p, reason), "%s: %s", name, reason_name(reason));
}

static void expect_state(const char *name, const struct tuple *t, int state)
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

/* policy drop, replies on with the default timeouts, as a user would set it up. */
static void rules_policy_drop(void)
{
	struct rules r;

	rules_init(&r);
	rules_set_policy(&r, PROTOS_ALL, VERDICT_DROP);
	rules_compile(&r, h.rs, NULL);
}

static const char *name_of(const struct tuple *t)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s%s/%s", t->vlans ? "vlan " : "", t->v6 ? "ipv6" : "ipv4",
		 t->proto == IPPROTO_TCP ? "tcp" : "udp");
	return buf;
}

/* A TCP connection the host opens: SYN out, SYN-ACK in, data both ways, FIN. */
static void test_tcp(const struct tuple *t)
{
	char name[160];

	rules_policy_drop();
	forget_flows();
	snprintf(name, sizeof(name), "%s", name_of(t));
	{
		struct pkt synack = frame(t, true, SYN | ACK);

		expect_in(strcat(name, " SYN-ACK before any SYN"), &synack, XDPPORT_DROP_POLICY);
	}
	send_out(t, SYN);
	snprintf(name, sizeof(name), "%s outbound SYN", name_of(t));
	expect_state(name, t, XDPPORT_FLOW_TCP_SYN);

	struct pkt synack = frame(t, true, SYN | ACK), syn = frame(t, true, SYN);
	struct pkt ack = frame(t, true, ACK), other = frame_from(t, ACK, 9);

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
		struct tuple wrong = *t;

		wrong.remote_port++;
		struct pkt p = frame(&wrong, true, ACK);

		snprintf(name, sizeof(name), "%s from another remote port", name_of(t));
		expect_in(name, &p, XDPPORT_DROP_POLICY);
		wrong = *t, wrong.local_port++;
		p = frame(&wrong, true, ACK);
		snprintf(name, sizeof(name), "%s to another local port", name_of(t));
		expect_in(name, &p, XDPPORT_DROP_POLICY);
		wrong = *t, wrong.proto = IPPROTO_UDP;
		p = frame(&wrong, true, 0);
		snprintf(name, sizeof(name), "%s same ports over udp", name_of(t));
		expect_in(name, &p, XDPPORT_DROP_POLICY);
	}
	struct pkt fin = frame(t, true, FIN | ACK);

	snprintf(name, sizeof(name), "%s FIN from the peer", name_of(t));
	expect_in(name, &fin, XDPPORT_PASS_REPLY);
	expect_state(name, t, XDPPORT_FLOW_TCP_CLOSING);
	send_out(t, ACK);
	snprintf(name, sizeof(name), "%s the host's ACK of the FIN", name_of(t));
	expect_state(name, t, XDPPORT_FLOW_TCP_CLOSING);
	snprintf(name, sizeof(name), "%s last ACK while closing", name_of(t));
	expect_in(name, &ack, XDPPORT_PASS_REPLY);
}

static void test_udp(const struct tuple *t)
{
	struct pkt reply = frame(t, true, 0), other = frame_from(t, 0, 9);
	char name[160];

	rules_policy_drop();
	forget_flows();
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
	struct pkt ack = frame(&tcp4, true, ACK);

	rules_policy_drop();
	forget_flows();
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
	struct tuple served = { 0, IPPROTO_TCP, 22, 40000, 0 };
	struct tuple served_udp = { 1, IPPROTO_UDP, 53, 40001, 0 };
	struct port_range ssh = { PROTO_BIT(XDPPORT_TCP), 22, 22 };
	struct port_range dns = { PROTO_BIT(XDPPORT_UDP), 53, 53 };

	rules_policy_drop();
	forget_flows();
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
	struct pkt reply = frame(&udp4, true, 0);

	rules_policy_drop();
	forget_flows();
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

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Moves a flow's last refresh `secs` into the past. */
static void age_flow(const struct tuple *t, unsigned secs)
{
	struct xdpport_flow_key k = key_of(t);
	struct xdpport_flow v;

	if (bpf_map_lookup_elem(h.flows_fd, &k, &v))
		return;
	v.seen_ns = now_ns() - secs * 1000000000ULL;
	bpf_map_update_elem(h.flows_fd, &k, &v, BPF_EXIST);
}

static void test_timeouts(void)
{
	struct pkt udp = frame(&udp4, true, 0), tcp = frame(&tcp4, true, ACK);

	rules_policy_drop();
	forget_flows();
	h.rs->timeout[XDPPORT_FLOW_UDP] = 5;
	h.rs->timeout[XDPPORT_FLOW_UDP_ANSWERED] = 20;
	h.rs->timeout[XDPPORT_FLOW_TCP] = 60;
	send_out(&udp4, 0);
	age_flow(&udp4, 3);
	expect_in("udp 5 s: answer 3 s after the request", &udp, XDPPORT_PASS_REPLY);
	age_flow(&udp4, 15);
	expect_in("udp-answered 20 s: answer 15 s later", &udp, XDPPORT_PASS_REPLY);
	age_flow(&udp4, 25);
	expect_in("udp-answered 20 s: answer 25 s later", &udp, XDPPORT_DROP_POLICY);
	send_out(&udp4, 0);
	expect_in("udp: a new request refreshes the flow", &udp, XDPPORT_PASS_REPLY);

	forget_flows();
	send_out(&udp4, 0);
	age_flow(&udp4, 6);
	expect_in("udp 5 s: no answer 6 s after the request", &udp, XDPPORT_DROP_POLICY);

	send_out(&tcp4, ACK);
	age_flow(&tcp4, 59);
	expect_in("tcp 60 s: segment 59 s after the host's last", &tcp, XDPPORT_PASS_REPLY);
	age_flow(&tcp4, 61);
	expect_in("tcp 60 s: segment 61 s after it", &tcp, XDPPORT_DROP_POLICY);
	send_out(&tcp4, ACK);
	expect_in("tcp: the host's next segment refreshes a stale flow", &tcp,
		  XDPPORT_PASS_REPLY);

	/* For real: a 1 s timeout, waited out. */
	h.rs->timeout[XDPPORT_FLOW_UDP] = 1;
	forget_flows();
	send_out(&udp6, 0);
	{
		struct timespec wait = { 1, 300 * 1000 * 1000 };
		struct pkt p = frame(&udp6, true, 0);

		nanosleep(&wait, NULL);
		expect_in("udp 1 s: answer after 1.3 s (waited)", &p, XDPPORT_DROP_POLICY);
	}
}

/* DHCP answers come to the port from addresses the request did not name. */
static void test_dhcp(void)
{
	struct tuple v4 = { 0, IPPROTO_UDP, 68, 67, 0 }, v6 = { 1, IPPROTO_UDP, 546, 547, 0 };
	struct tuple v4_other = { 0, IPPROTO_UDP, 68, 68, 0 };
	struct xdpport_flow_key k = { .local_port = htons(68), .remote_port = htons(67),
				      .proto = XDPPORT_UDP, .family = 4 };
	struct xdpport_flow v;
	struct pkt offer = frame_from(&v4, 0, 254), reply6 = frame_from(&v6, 0, 99);
	struct pkt not_dhcp = frame_from(&v4_other, 0, 254);

	rules_policy_drop();
	forget_flows();
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
	struct tuple t = { 1, IPPROTO_TCP, 50000, 8443, 1 };
	struct xdpport_flow_key k = key_of(&t);
	struct xdpport_flow v = { .seen_ns = now_ns(), .state = XDPPORT_FLOW_TCP };
	struct pkt p = frame(&t, true, ACK);

	rules_policy_drop();
	forget_flows();
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

/* The egress program keeps each local port's expiry at least its flows' expiry. */
static void test_port_expiry(void)
{
	uint64_t t0, e1, e2;

	rules_policy_drop();
	forget_flows();
	h.rs->timeout[XDPPORT_FLOW_UDP] = 30;
	h.rs->timeout[XDPPORT_FLOW_UDP_ANSWERED] = 120;
	t0 = now_ns();
	send_out(&udp4, 0);
	e1 = h.flowports->expiry[XDPPORT_UDP][udp4.local_port];
	report(check_op(e1, >=, t0 + 29 * 1000000000ULL) &&
		       check_op(e1, <=, now_ns() + 30 * 1000000000ULL),
	       "a new udp flow opens its local port for its 30 s timeout");
	{
		struct pkt reply = frame(&udp4, true, 0);

		inbound_gets(&reply, XDPPORT_PASS_REPLY);
	}
	e2 = h.flowports->expiry[XDPPORT_UDP][udp4.local_port];
	report(e2 >= e1 + 89 * 1000000000ULL, "the answer moves it to udp-answered's 120 s");
	h.rs->timeout[XDPPORT_FLOW_UDP] = 1;
	{
		struct tuple other = udp4;

		other.remote_port = 5353;
		send_out(&other, 0);
	}
	report(h.flowports->expiry[XDPPORT_UDP][udp4.local_port] == e2,
	       "a shorter flow on the same port never lowers it");
}

static void test_counters(void)
{
	struct xdpport_flow_counts before, after;
	struct xdpport_port_count pc0, pc1;
	struct pkt reply = frame(&tcp4, true, ACK);

	rules_policy_drop();
	forget_flows();
	before = flow_counters();
	send_out(&tcp4, SYN);
	send_out(&tcp4, SYN);
	send_out(&tcp4, ACK);
	send_out(&udp4, 0);
	after = flow_counters();
	report(check_eq(after.inserts - before.inserts, 2) &&
		       check_eq(after.insert_failures, before.insert_failures),
	       "two flows, four packets: 2 inserts, no failures (%llu, %llu)",
	       (unsigned long long)(after.inserts - before.inserts),
	       (unsigned long long)(after.insert_failures - before.insert_failures));
	harness_port(&h, XDPPORT_TCP, LOCAL_PORT, &pc0);
	inbound_gets(&reply, XDPPORT_PASS_REPLY);
	harness_port(&h, XDPPORT_TCP, LOCAL_PORT, &pc1);
	report(check_eq(pc1.passed, pc0.passed + 1) && check_eq(pc1.dropped, pc0.dropped),
	       "a reply counts as passed on its port");
}

/* A full table evicts its least recently used flows; the inserts counter keeps counting. */
static void test_full_table(void)
{
	struct harness full;
	struct harness saved = h;
	struct xdpport_flow_counts c;
	int n;

	harness_open_flows(&full, 64);
	h = full;
	rules_policy_drop();
	for (int i = 0; i < 200; i++) {
		struct tuple t = { 0, IPPROTO_UDP, 20000 + i, 53, 0 };

		send_out(&t, 0);
	}
	n = flow_count();
	c = flow_counters();
	report(check_op(n, <=, 64) && check_op(n, >, 0) && check_eq(c.inserts, 200) &&
		       check_eq(c.insert_failures, 0),
	       "table of 64: 200 flows sent, %d kept, 200 inserts counted (%llu), evictions = "
	       "inserts - entries", n, (unsigned long long)c.inserts);
	{
		struct tuple last = { 0, IPPROTO_UDP, 20199, 53, 0 };
		struct pkt p = frame(&last, true, 0);

		expect_in("table of 64: the newest flow's answer", &p, XDPPORT_PASS_REPLY);
	}
	harness_close(&full);
	h = saved;
}

/* Reads the egress program's cost per packet for the bench log (not a target). */
static void egress_cost(void)
{
	struct pkt p = frame(&tcp4, false, ACK);
	uint64_t ns = 0;

	rules_policy_drop();
	harness_run_egress(&h, p.data, p.len, 100000, &ns);
	printf("    egress program: %llu ns per packet of a known flow (informational)\n",
	       (unsigned long long)ns);
}

int main(void)
{
	const struct tuple *tcps[] = { &tcp4, &tcp6 }, *udps[] = { &udp4, &udp6 };

	harness_open(&h);
	for (int vlans = 0; vlans < 2; vlans++)
		for (int i = 0; i < 2; i++) {
			struct tuple t = *tcps[i], u = *udps[i];

			t.vlans = u.vlans = vlans;
			test_tcp(&t);
			test_udp(&u);
		}
	{
		struct tuple q = tcp6;

		q.vlans = 2;
		test_tcp(&q);
	}
	test_existing_connection();
	test_not_recorded();
	test_replies_off();
	test_timeouts();
	test_dhcp();
	test_written_flow();
	test_port_expiry();
	test_counters();
	test_full_table();
	egress_cost();
	harness_close(&h);
	return report_summary();
}
