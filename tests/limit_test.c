// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Flood limits through the real program with BPF_PROG_TEST_RUN: exact counts of
 * frames passed and dropped by a limit (`repeat` runs the same frame N times in a
 * row, far faster than any bucket refills at 1/min), TCP SYNs counted and every
 * other segment untouched, UDP counted, refills after a pause, `off`, denied ports,
 * per-source buckets (IPv6 by /64), a changed rate, and slot switches that carry
 * limit configs while keeping bucket state.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "harness.h"
#include "packet.h"
#include "report.h"

static struct harness h;

#define TCP_FLAGS(p)	((p)->data[(p)->l4_off + 13])
#define MINUTE_NS	60000000000ull

static const struct pkt_spec ipv4_tcp = {
	.ethertype = ETH_P_IP, .proto = IPPROTO_TCP, .sport = 40000, .dport = 443,
};
static const struct pkt_spec ipv6_udp = {
	.ethertype = ETH_P_IPV6, .proto = IPPROTO_UDP, .sport = 40000, .dport = 53, .payload = 8,
};

static int proto_of(const struct pkt_spec *s)
{
	return s->proto == IPPROTO_UDP ? XDPPORT_UDP : XDPPORT_TCP;
}

/* Everything passes by policy; the port of `s` gets the limit (rate per minute). */
static void limit_port(unsigned slot, const struct pkt_spec *s, __u32 per_minute, __u16 burst,
		       bool per_source)
{
	struct xdpport_ruleset *rs = &h.rules->slot[slot];

	memset(rs, 0, sizeof(*rs));
	rs->entry[proto_of(s)][s->dport] = XDPPORT_ENTRY_LIMIT;
	h.limits[slot].port[proto_of(s)][s->dport] = (struct xdpport_limit){
		.interval_ns = MINUTE_NS / per_minute, .rate = per_minute, .burst = burst,
		.per_minute = 1, .per_source = per_source,
	};
}

static void empty_buckets(void)
{
	struct xdpport_bucket zero = {};
	struct xdpport_source_key key, next;

	for (__u32 k = 0; k < XDPPORT_NPROTO * XDPPORT_PORTS; k++)
		bpf_map_update_elem(h.buckets_fd, &k, &zero, BPF_ANY);
	while (!bpf_map_get_next_key(h.sources_fd, NULL, &next)) {
		key = next;
		bpf_map_delete_elem(h.sources_fd, &key);
	}
}

struct counts {
	uint64_t passed, limited, other;	/* pass-*, drop-limit, any other reason */
	uint32_t port_passed, port_dropped;
};

/* Runs `p` `n` times in a row; what the counters say happened to those frames. */
static struct counts run(const struct pkt_spec *s, const struct pkt *p, uint32_t n)
{
	struct xdpport_totals before, after;
	struct xdpport_port_count pb, pa;
	struct counts c = {};

	harness_totals(&h, 0, &before);
	harness_port(&h, proto_of(s), s->dport, &pb);
	if (harness_run(&h, p->data, p->len, n, NULL) < 0)
		printf("    BPF_PROG_TEST_RUN failed\n");
	harness_totals(&h, 0, &after);
	harness_port(&h, proto_of(s), s->dport, &pa);
	for (int r = 0; r < XDPPORT_NREASONS; r++) {
		uint64_t d = after.reason[r].packets - before.reason[r].packets;

		if (r == XDPPORT_DROP_LIMIT)
			c.limited += d;
		else if (!(r & XDPPORT_REASON_DROP))
			c.passed += d;
		else
			c.other += d;
	}
	c.port_passed = pa.passed - pb.passed;
	c.port_dropped = pa.dropped - pb.dropped;
	return c;
}

static bool expect(const char *name, struct counts c, uint64_t passed, uint64_t limited)
{
	bool ok = c.passed == passed && c.limited == limited && c.other == 0 &&
		  c.port_passed == passed && c.port_dropped == limited;

	if (!ok)
		printf("    passed %llu, drop-limit %llu, other drops %llu, port +%u/+%u; want %llu "
		       "and %llu\n",
		       (unsigned long long)c.passed, (unsigned long long)c.limited,
		       (unsigned long long)c.other, c.port_passed, c.port_dropped,
		       (unsigned long long)passed, (unsigned long long)limited);
	return report(ok, "%s", name);
}

static void test_tcp(void)
{
	struct pkt p;

	pkt_build(&ipv4_tcp, &p);
	empty_buckets();
	limit_port(0, &ipv4_tcp, 1, 5, false);
	harness_activate(&h, 0);
	TCP_FLAGS(&p) = 0x02;
	expect("tcp: 100 SYNs under 1/min burst 5: 5 pass, 95 drop-limit", run(&ipv4_tcp, &p, 100),
	       5, 95);
	TCP_FLAGS(&p) = 0x10;
	expect("tcp: ACK segments of an empty bucket all pass", run(&ipv4_tcp, &p, 100), 100, 0);
	TCP_FLAGS(&p) = 0x12;
	expect("tcp: SYN-ACKs are not counted", run(&ipv4_tcp, &p, 50), 50, 0);
	TCP_FLAGS(&p) = 0x18;
	expect("tcp: PSH-ACK data segments are not counted", run(&ipv4_tcp, &p, 50), 50, 0);
	TCP_FLAGS(&p) = 0x04;
	expect("tcp: RSTs are not counted", run(&ipv4_tcp, &p, 50), 50, 0);
	TCP_FLAGS(&p) = 0x03;
	expect("tcp: SYN-FIN (no ACK) is counted", run(&ipv4_tcp, &p, 10), 0, 10);
}

static void test_udp_and_refill(void)
{
	struct pkt p;

	pkt_build(&ipv6_udp, &p);
	empty_buckets();
	limit_port(0, &ipv6_udp, 1, 3, false);
	harness_activate(&h, 0);
	expect("udp: every datagram counts: 3 of 40 pass at burst 3", run(&ipv6_udp, &p, 40), 3, 37);
	/* 6000/min is one token per 10 ms: after 50 ms the bucket (burst 3) is full. */
	limit_port(0, &ipv6_udp, 6000, 3, false);
	empty_buckets();
	expect("refill: a fresh bucket at 6000/min passes its burst", run(&ipv6_udp, &p, 20), 3, 17);
	usleep(50 * 1000);
	expect("refill: after 50 ms (5 tokens) a bucket of 3 passes 3", run(&ipv6_udp, &p, 20), 3,
	       17);
	/* 600/min: 100 ms a token. Sleeping may take longer on a busy machine: the
	 * tokens are those of the time that really passed. */
	limit_port(0, &ipv6_udp, 600, 3, false);
	run(&ipv6_udp, &p, 20);
	{
		struct timespec t0, t1;
		uint64_t tokens, want;
		struct counts c;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		usleep(120 * 1000);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		c = run(&ipv6_udp, &p, 20);
		tokens = ((t1.tv_sec - t0.tv_sec) * 1000000000ull + t1.tv_nsec - t0.tv_nsec) /
			 100000000ull;
		want = tokens < 3 ? tokens : 3;
		report((check_eq(c.passed, want) || check_eq(c.passed, want + 1)) &&
			       check_op(c.passed, <=, 3) && check_eq(c.passed + c.limited, 20),
		       "refill: a pause of %llu whole tokens' time at 600/min passes %llu (%llu)",
		       (unsigned long long)tokens, (unsigned long long)want,
		       (unsigned long long)c.passed);
	}
}

static void test_off_and_denied(void)
{
	struct pkt p;

	pkt_build(&ipv6_udp, &p);
	empty_buckets();
	limit_port(0, &ipv6_udp, 1, 1, false);
	harness_activate(&h, 0);
	expect("limited: 1 of 10", run(&ipv6_udp, &p, 10), 1, 9);
	h.rules->slot[0].entry[XDPPORT_UDP][53] = XDPPORT_ENTRY_POLICY_PASS;
	expect("off (bit cleared): every frame passes again", run(&ipv6_udp, &p, 10), 10, 0);
	h.rules->slot[0].entry[XDPPORT_UDP][53] = XDPPORT_ENTRY_LIMIT | XDPPORT_ENTRY_RULE_DROP;
	{
		struct counts c = run(&ipv6_udp, &p, 10);

		report(check_eq(c.passed, 0) && check_eq(c.limited, 0) && check_eq(c.other, 10),
		       "a denied port with a limit is dropped by its rule, not the limit");
	}
	h.rules->slot[0].entry[XDPPORT_UDP][53] = XDPPORT_ENTRY_LIMIT | XDPPORT_ENTRY_RULE_PASS;
	expect("allowed again: the limit holds (bucket still empty)", run(&ipv6_udp, &p, 10), 0, 10);
	/* A limit config of zeros (what a fresh map holds) limits nothing, once the
	 * first frame has found the old debt too deep for it and reset it. */
	memset(&h.limits[0].port[XDPPORT_UDP][53], 0, sizeof(struct xdpport_limit));
	expect("a zero config: one frame resets the old debt, then all pass",
	       run(&ipv6_udp, &p, 10), 9, 1);
	expect("a zero config passes everything", run(&ipv6_udp, &p, 10), 10, 0);
}

static void set_ipv4_source(struct pkt *p, uint8_t last)
{
	p->data[p->l3_off + 15] = last;
	p->data[p->l3_off + 10] = p->data[p->l3_off + 11] = 0;	/* checksum: not read */
}

static void test_per_source(void)
{
	struct pkt a, b;
	struct pkt_spec s6 = ipv6_udp;
	struct pkt c6, d6, e6;

	pkt_build(&ipv4_tcp, &a);
	b = a;
	set_ipv4_source(&a, 10);
	set_ipv4_source(&b, 11);
	empty_buckets();
	limit_port(0, &ipv4_tcp, 1, 4, true);
	harness_activate(&h, 0);
	expect("per-source: source A gets its burst of 4", run(&ipv4_tcp, &a, 20), 4, 16);
	expect("per-source: source B gets its own 4", run(&ipv4_tcp, &b, 20), 4, 16);
	expect("per-source: A stays limited", run(&ipv4_tcp, &a, 5), 0, 5);

	s6.dport = 5353;
	pkt_build(&s6, &c6);
	d6 = c6;
	e6 = c6;
	d6.data[d6.l3_off + 8 + 15] ^= 0x55;	/* same /64, another host */
	e6.data[e6.l3_off + 8 + 7] ^= 0x01;	/* another /64 */
	limit_port(0, &s6, 1, 2, true);
	expect("per-source ipv6: a source gets 2", run(&s6, &c6, 10), 2, 8);
	expect("per-source ipv6: another host of its /64 shares the bucket", run(&s6, &d6, 10), 0,
	       10);
	expect("per-source ipv6: the next /64 has its own", run(&s6, &e6, 10), 2, 8);
	{
		struct xdpport_source_key key, next;
		int n = 0;

		for (int err = bpf_map_get_next_key(h.sources_fd, NULL, &next); !err;
		     err = bpf_map_get_next_key(h.sources_fd, &key, &next)) {
			key = next;
			n++;
		}
		report(n == 4, "per-source table: 4 buckets (2 ipv4, 2 ipv6 /64s), found %d", n);
	}
}

static void test_slots_and_rate_change(void)
{
	struct pkt p;

	pkt_build(&ipv6_udp, &p);
	empty_buckets();
	limit_port(0, &ipv6_udp, 1, 2, false);
	limit_port(1, &ipv6_udp, 1, 2, false);
	harness_activate(&h, 0);
	expect("slot 0: 2 pass", run(&ipv6_udp, &p, 10), 2, 8);
	harness_activate(&h, 1);
	expect("switch to slot 1 with the same limit: the bucket is not refilled",
	       run(&ipv6_udp, &p, 10), 0, 10);
	h.rules->slot[0].entry[XDPPORT_UDP][53] = XDPPORT_ENTRY_POLICY_PASS;
	harness_activate(&h, 0);
	expect("switch to slot 0 without the limit: all pass", run(&ipv6_udp, &p, 10), 10, 0);
	/* Slot 1 (inactive) gets a faster rate, then is switched in: the debt of the
	 * old 1/min bucket must not hold it back for minutes. */
	limit_port(1, &ipv6_udp, 60000, 1, false);	/* 1 ms a token */
	harness_activate(&h, 1);
	run(&ipv6_udp, &p, 10);
	usleep(5 * 1000);
	expect("a faster rate switched in: passes within ms, not after the old debt",
	       run(&ipv6_udp, &p, 10), 1, 9);
}

int main(void)
{
	harness_open(&h);
	test_tcp();
	test_udp_and_refill();
	test_off_and_denied();
	test_per_source();
	test_slots_and_rate_change();
	harness_close(&h);
	return report_summary();
}
