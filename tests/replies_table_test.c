// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Replies, the flow table over time and size, with the real TC egress and XDP
 * programs on built frames (tests/lib/flowframes.h) as in replies_test.c: timeouts
 * (ages written into the map, and a 1 s timeout waited out), the per-port expiry in
 * front of the table, the insert counters, a full table evicting its oldest flows;
 * and the egress program's cost per packet, for the bench log.
 */
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stdio.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "flowframes.h"
#include "harness.h"
#include "report.h"

static struct harness h;

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

/* Moves a flow's last refresh `secs` into the past. */
static void age_flow(const struct flow_tuple *t, unsigned secs)
{
	struct xdpport_flow_key k = flow_key_of(t);
	struct xdpport_flow v;

	if (bpf_map_lookup_elem(h.flows_fd, &k, &v))
		return;
	v.seen_ns = now_ns() - secs * 1000000000ULL;
	bpf_map_update_elem(h.flows_fd, &k, &v, BPF_EXIST);
}

static void test_timeouts(void)
{
	struct pkt udp = flow_frame(&udp4, true, 0), tcp = flow_frame(&tcp4, true, ACK);

	rules_policy_drop();
	flows_forget();
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

	flows_forget();
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
	flows_forget();
	send_out(&udp6, 0);
	{
		struct timespec wait = { 1, 300 * 1000 * 1000 };
		struct pkt p = flow_frame(&udp6, true, 0);

		nanosleep(&wait, NULL);
		expect_in("udp 1 s: answer after 1.3 s (waited)", &p, XDPPORT_DROP_POLICY);
	}
}

/* The egress program keeps each local port's expiry at least its flows' expiry. */
static void test_port_expiry(void)
{
	uint64_t t0, e1, e2;

	rules_policy_drop();
	flows_forget();
	h.rs->timeout[XDPPORT_FLOW_UDP] = 30;
	h.rs->timeout[XDPPORT_FLOW_UDP_ANSWERED] = 120;
	t0 = now_ns();
	send_out(&udp4, 0);
	e1 = h.flowports->expiry[XDPPORT_UDP][udp4.local_port];
	report(check_op(e1, >=, t0 + 29 * 1000000000ULL) &&
		       check_op(e1, <=, now_ns() + 30 * 1000000000ULL),
	       "a new udp flow opens its local port for its 30 s timeout");
	{
		struct pkt reply = flow_frame(&udp4, true, 0);

		inbound_gets(&reply, XDPPORT_PASS_REPLY);
	}
	e2 = h.flowports->expiry[XDPPORT_UDP][udp4.local_port];
	report(e2 >= e1 + 89 * 1000000000ULL, "the answer moves it to udp-answered's 120 s");
	h.rs->timeout[XDPPORT_FLOW_UDP] = 1;
	{
		struct flow_tuple other = udp4;

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
	struct pkt reply = flow_frame(&tcp4, true, ACK);

	rules_policy_drop();
	flows_forget();
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
		struct flow_tuple t = { 0, IPPROTO_UDP, 20000 + i, 53, 0 };

		send_out(&t, 0);
	}
	n = flow_count();
	c = flow_counters();
	report(check_op(n, <=, 64) && check_op(n, >, 0) && check_eq(c.inserts, 200) &&
		       check_eq(c.insert_failures, 0),
	       "table of 64: 200 flows sent, %d kept, 200 inserts counted (%llu), evictions = "
	       "inserts - entries", n, (unsigned long long)c.inserts);
	{
		struct flow_tuple last = { 0, IPPROTO_UDP, 20199, 53, 0 };
		struct pkt p = flow_frame(&last, true, 0);

		expect_in("table of 64: the newest flow's answer", &p, XDPPORT_PASS_REPLY);
	}
	harness_close(&full);
	h = saved;
}

/* Reads the egress program's cost per packet for the bench log (not a target). */
static void egress_cost(void)
{
	struct pkt p = flow_frame(&tcp4, false, ACK);
	uint64_t ns = 0;

	rules_policy_drop();
	harness_run_egress(&h, p.data, p.len, 100000, &ns);
	printf("    egress program: %llu ns per packet of a known flow (informational)\n",
	       (unsigned long long)ns);
}

int main(void)
{
	harness_open(&h);
	flowframes_use(&h);
	test_timeouts();
	test_port_expiry();
	test_counters();
	test_full_table();
	egress_cost();
	harness_close(&h);
	return report_summary();
}
