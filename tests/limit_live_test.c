// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Flood limits under live frames at full speed through a real veth pair: the
 * live-frames generator floods one port, xdpport (native XDP on the other end)
 * limits it, and what passed must be burst + rate x time within 10%, with one
 * sending CPU and with two at once (one shared bucket: two CPUs must not double the
 * rate). Per source: two senders with two addresses flood at once and each gets the
 * full rate (told apart by frame length: the reason counters count bytes too).
 * TCP: a SYN flood is limited, a flood of ACK segments to the same port is not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "flood.h"
#include "harness.h"
#include "livegen.h"
#include "packet.h"
#include "report.h"
#include "vethpair.h"

#define RATE		50000u		/* per second */
/* 200 ms of the rate: a sender the busy machine deschedules for less than that
 * loses no tokens (they wait in the bucket), so passed = burst + rate x wall time
 * holds even when the flood has gaps. */
#define BURST		10000u
#define FRAMES		5000000u	/* per case: over a second of flood at 4 Mpps */
#define TOLERANCE	0.10

static struct veth_pair vp;
static struct harness h;
static struct livegen *gen[2];

static void cleanup(void)
{
	veth_pair_destroy(&vp);
}

static void on_signal(int sig)
{
	exit(128 + sig);	/* runs cleanup() */
}

static void limit_port(int proto, unsigned port, bool per_source)
{
	struct xdpport_ruleset *rs = &h.rules->slot[h.rules->active & 1];

	h.limits[h.rules->active & 1].port[proto][port] = (struct xdpport_limit){
		.interval_ns = 1000000000ull / RATE, .rate = RATE, .burst = BURST,
		.per_source = per_source,
	};
	rs->entry[proto][port] = XDPPORT_ENTRY_LIMIT;	/* policy pass + limit */
}

/* burst + rate x time within TOLERANCE. The time is the sender's: at most its wall
 * time, and at least its CPU time. On a loaded machine a sender can lose its CPU for
 * a while: no frame is offered then, the bucket fills to its burst and the rest of
 * that time's tokens are rightly lost, so fewer pass than wall time x rate. */
static bool within(double got, double cpu_secs, double wall_secs)
{
	return got >= (BURST + RATE * cpu_secs) * (1 - TOLERANCE) &&
	       got <= (BURST + RATE * wall_secs) * (1 + TOLERANCE);
}

static double cpu_seconds(const struct sender *s)
{
	return s->res.cpu_max_ns / 1e9;
}

/* Passed and limited frames (packets, bytes) of the limited port's pass reason. */
struct outcome {
	uint64_t passed, passed_bytes, limited;
};

static struct outcome delta(const struct xdpport_totals *a, const struct xdpport_totals *b)
{
	const struct xdpport_count *pa = &a->reason[XDPPORT_PASS_POLICY];
	const struct xdpport_count *pb = &b->reason[XDPPORT_PASS_POLICY];

	return (struct outcome){
		.passed = pb->packets - pa->packets,
		.passed_bytes = pb->bytes - pa->bytes,
		.limited = b->reason[XDPPORT_DROP_LIMIT].packets - a->reason[XDPPORT_DROP_LIMIT].packets,
	};
}

/* One port flooded from `nsenders` CPUs at once, each with its own frame. */
static void flood(const char *name, struct sender *s, int nsenders, struct outcome *out)
{
	struct xdpport_totals before, after;
	bool ok = true;

	harness_totals(&h, 0, &before);
	ok = flood_send(s, nsenders, vp.tx_ifindex);
	/* the driver's count is the device's: one sender's only when alone */
	if (nsenders == 1)
		ok &= s[0].res.accepted < 0 || s[0].res.accepted == (int64_t)s[0].count;
	usleep(50 * 1000);
	harness_totals(&h, 0, &after);
	*out = delta(&before, &after);
	if (!report(ok, "%s: every frame sent and accepted by the driver", name))
		for (int i = 0; i < nsenders; i++)
			printf("    sender %d: %lld sent, %lld accepted\n", i, (long long)s[i].sent,
			       (long long)s[i].res.accepted);
}

/* A flood on one port from `ncpus` CPUs sharing the bucket. */
static void test_port(const char *name, int ncpus, unsigned port)
{
	struct pkt_spec spec = { .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .sport = 40000,
				 .dport = port, .payload = 18 };
	struct sender s[2] = {};
	struct outcome o;
	double secs = 0, cpu = 0, want, mpps;

	for (int i = 0; i < ncpus; i++) {
		s[i] = (struct sender){ .gen = gen[i], .cpu = i, .count = FRAMES / ncpus };
		pkt_build(&spec, &s[i].p);
	}
	limit_port(XDPPORT_UDP, port, false);
	flood(name, s, ncpus, &o);
	for (int i = 0; i < ncpus; i++) {
		secs = flood_seconds(&s[i]) > secs ? flood_seconds(&s[i]) : secs;
		cpu = cpu_seconds(&s[i]) > cpu ? cpu_seconds(&s[i]) : cpu;
	}
	want = BURST + RATE * secs;
	mpps = FRAMES / secs / 1e6;
	report(check_eq(o.passed + o.limited, FRAMES) && check_op(mpps * 1e6, >, 3 * RATE),
	       "%s: a flood of %.2f Mpps (over 3x the rate), every frame passed or limited", name,
	       mpps);
	report(within(o.passed, cpu, secs),
	       "%s: passed %llu in %.3f s = burst + rate x time (%.0f) within 10%% (%+.2f%%)", name,
	       (unsigned long long)o.passed, secs, want, 100.0 * (o.passed - want) / want);
}

static void test_per_source(void)
{
	struct pkt_spec spec = { .ethertype = ETH_P_IP, .proto = IPPROTO_TCP, .sport = 40000,
				 .dport = 8443 };
	struct sender s[2] = {};
	struct outcome o;
	double want[2], got[2];

	for (int i = 0; i < 2; i++) {
		spec.payload = i ? 40 : 0;	/* two frame lengths tell the senders apart */
		s[i] = (struct sender){ .gen = gen[i], .cpu = i, .count = FRAMES / 2 };
		pkt_build(&spec, &s[i].p);
		s[i].p.data[s[i].p.l3_off + 15] = 100 + i;	/* 198.18.0.100, .101 */
	}
	limit_port(XDPPORT_TCP, spec.dport, true);
	flood("per-source, two senders at once", s, 2, &o);
	/* a + b = passed, a * len0 + b * len1 = passed bytes */
	got[1] = (double)(o.passed_bytes - o.passed * s[0].p.len) / (s[1].p.len - s[0].p.len);
	got[0] = o.passed - got[1];
	for (int i = 0; i < 2; i++) {
		want[i] = BURST + RATE * flood_seconds(&s[i]);
		report(within(got[i], cpu_seconds(&s[i]), flood_seconds(&s[i])),
		       "per-source: sender %d (198.18.0.%d) passed %.0f in %.3f s, its own full "
		       "rate (%.0f) within 10%% (%+.2f%%)",
		       i, 100 + i, got[i], flood_seconds(&s[i]), want[i],
		       100.0 * (got[i] - want[i]) / want[i]);
	}
}

static void test_tcp_flags(void)
{
	struct pkt_spec spec = { .ethertype = ETH_P_IPV6, .proto = IPPROTO_TCP, .sport = 40000,
				 .dport = 443 };
	struct sender s = { .gen = gen[0], .cpu = 0, .count = FRAMES / 3 };
	struct outcome o;
	double want;

	pkt_build(&spec, &s.p);
	limit_port(XDPPORT_TCP, spec.dport, false);
	flood("tcp SYN flood", &s, 1, &o);
	want = BURST + RATE * flood_seconds(&s);
	report(check_true(within(o.passed, cpu_seconds(&s), flood_seconds(&s))) &&
		       check_op(o.limited, >, 0),
	       "tcp SYN flood: limited: %llu passed in %.3f s (%.0f, %+.2f%%), %llu dropped",
	       (unsigned long long)o.passed, flood_seconds(&s), want,
	       100.0 * (o.passed - want) / want, (unsigned long long)o.limited);
	s.p.data[s.p.l4_off + 13] = 0x10;	/* ACK: a segment of an established connection */
	flood("tcp ACK flood to the limited port", &s, 1, &o);
	report(check_eq(o.passed, s.count) && check_eq(o.limited, 0),
	       "tcp ACK flood to the limited port: every segment passes (%llu of %llu)",
	       (unsigned long long)o.passed, (unsigned long long)s.count);
}

static bool setup(void)
{
	char why[128];

	gen[0] = livegen_open();
	gen[1] = livegen_open();
	if (!gen[0] || !gen[1]) {
		report_skip("live frames: cannot load the generator: %s", strerror(errno));
		return false;
	}
	if (!livegen_supported(gen[0], why, sizeof(why))) {
		report_skip("live frames unavailable: %s", why);
		return false;
	}
	return flood_setup(&vp, "lim", 2, &h);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sandbox_enter()) {
		report(false, "set up the test process");
		return report_summary();
	}
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);

	if (setup()) {
		test_port("one CPU, udp/53", 1, 53);
		test_tcp_flags();
		if (sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
			test_port("two CPUs at once, udp/54", 2, 54);
			test_per_source();
		} else {
			report_skip("two CPUs and per-source: needs two online CPUs");
		}
	}
	for (int i = 0; i < 2; i++)
		if (gen[i])
			livegen_close(gen[i]);
	return report_summary();
}
