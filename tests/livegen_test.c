// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Exact counts through the real veth driver. The live-frames generator sends exactly
 * K frames from one end of a veth pair; xdpport, attached in native mode to the other
 * end, must count exactly K: in the one reason the ruleset gives them, on exactly the
 * ports they were sent to (every other port unchanged), with the driver's own XDP
 * counters agreeing. This is what later tests (exact per-port stats, atomicity under
 * load) stand on.
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

#include "ethstats.h"
#include "flood.h"
#include "harness.h"
#include "livegen.h"
#include "packet.h"
#include "report.h"
#include "vethpair.h"

#define NKEYS		(XDPPORT_NPROTO * XDPPORT_PORTS)
#define NO_RULE		(-1)

static struct veth_pair vp;
static struct harness h;
static struct livegen *gen;

static const char *reason_name[XDPPORT_NREASONS] = {
	"pass-policy", "drop-policy", "pass-rule", "drop-rule",
	"pass-fragment", "drop-fragment", "pass-unfiltered", "drop-malformed",
};

struct live_case {
	const char *name;
	struct pkt_spec spec;
	uint64_t count;
	uint32_t span;		/* ports dport .. dport + span - 1 (0: just dport) */
	int nthreads;		/* sending threads on CPUs 0..n-1 (0: one) */
	int policy;		/* both protocols: 0 pass, 1 drop */
	int rule;		/* entry for ports rule_lo..rule_hi of the frame's protocol */
	uint16_t rule_lo, rule_hi;
};

/* What the receiver should count, worked out from the case alone. */
struct expected {
	uint64_t reason[XDPPORT_NREASONS];
	uint64_t drops;
	struct xdpport_port_count *ports;	/* [NKEYS] */
};

struct driver_counts {
	uint64_t xdp_packets, xdp_drops;
};

static void cleanup(void)
{
	veth_pair_destroy(&vp);
}

static void on_signal(int sig)
{
	exit(128 + sig);	/* runs cleanup() */
}

static int proto_index(uint8_t proto)
{
	return proto == IPPROTO_UDP ? XDPPORT_UDP : XDPPORT_TCP;
}

static bool has_ports(const struct pkt_spec *s)
{
	return s->proto == IPPROTO_TCP || s->proto == IPPROTO_UDP;
}

static void set_ruleset(const struct live_case *c)
{
	struct xdpport_ruleset *rs = h.rs;

	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		rs->policy[p] = c->policy;
		memset(rs->entry[p], c->policy, XDPPORT_PORTS);
	}
	rs->fragments = 0;
	if (c->rule != NO_RULE && has_ports(&c->spec))
		for (unsigned port = c->rule_lo; port <= c->rule_hi; port++)
			rs->entry[proto_index(c->spec.proto)][port] = c->rule;
}

/* Per-port counters summed over CPUs, for every key, in one batch walk. */
static bool read_ports(struct xdpport_port_count *sum)
{
	int ncpus = libbpf_num_possible_cpus();
	__u32 keys[4096], out_batch, count;
	struct xdpport_port_count *vals = calloc(4096 * (size_t)ncpus, sizeof(*vals));
	void *in = NULL;
	bool ok = false;
	int err;

	memset(sum, 0, NKEYS * sizeof(*sum));
	if (!vals)
		return false;
	do {
		count = 4096;
		err = bpf_map_lookup_batch(h.ports_fd, in, &out_batch, keys, vals, &count, NULL);
		if (err && errno != ENOENT) {
			printf("    read xdpport_ports: %s\n", strerror(errno));
			goto out;
		}
		for (__u32 i = 0; i < count; i++)
			for (int c = 0; c < ncpus; c++) {
				sum[keys[i]].passed += vals[i * ncpus + c].passed;
				sum[keys[i]].dropped += vals[i * ncpus + c].dropped;
			}
		in = &out_batch;
	} while (!err);
	ok = true;
out:
	free(vals);
	return ok;
}

/* The receiving end's XDP counters, read from its own namespace. */
static bool read_driver(struct driver_counts *d)
{
	bool ok = veth_pair_enter_rx(&vp) == 0 &&
		  ethstats_sum(vp.rx_dev, "rx_queue_", "_xdp_packets", &d->xdp_packets) > 0 &&
		  ethstats_sum(vp.rx_dev, "rx_queue_", "_xdp_drops", &d->xdp_drops) > 0;

	return veth_pair_enter_tx(&vp) == 0 && ok;
}

static void expect_case(const struct live_case *c, struct expected *e)
{
	int n = c->nthreads ? c->nthreads : 1;
	uint32_t span = c->span > 1 ? c->span : 1;

	memset(e->reason, 0, sizeof(e->reason));
	memset(e->ports, 0, NKEYS * sizeof(*e->ports));
	e->drops = 0;
	if (!has_ports(&c->spec)) {
		e->reason[XDPPORT_PASS_UNFILTERED] = c->count;
		return;
	}
	/* Thread t sends count/n (+1 for the first count%n) frames, round robin over
	 * the span from its first port. */
	for (int t = 0; t < n; t++) {
		uint64_t frames = c->count / n + ((uint64_t)t < c->count % n);

		for (uint32_t k = 0; k < span; k++) {
			unsigned port = c->spec.dport + k;
			uint64_t hits = frames / span + (k < frames % span);
			bool ruled = c->rule != NO_RULE && port >= c->rule_lo && port <= c->rule_hi;
			int reason = ruled ? c->rule : c->policy;
			struct xdpport_port_count *pc =
				&e->ports[proto_index(c->spec.proto) * XDPPORT_PORTS + port];

			e->reason[reason] += hits;
			if (reason & XDPPORT_REASON_DROP) {
				pc->dropped += hits;
				e->drops += hits;
			} else {
				pc->passed += hits;
			}
		}
	}
}

static bool check_reasons(const struct xdpport_totals *before, const struct xdpport_totals *after,
			  const struct expected *e, size_t len)
{
	bool ok = true;

	for (int r = 0; r < XDPPORT_NREASONS; r++) {
		uint64_t dp = after->reason[r].packets - before->reason[r].packets;
		uint64_t db = after->reason[r].bytes - before->reason[r].bytes;

		if (dp != e->reason[r] || db != e->reason[r] * len) {
			printf("    %s: +%llu packets +%llu bytes, want +%llu and +%llu\n",
			       reason_name[r], (unsigned long long)dp, (unsigned long long)db,
			       (unsigned long long)e->reason[r],
			       (unsigned long long)(e->reason[r] * len));
			ok = false;
		}
	}
	return ok;
}

static bool check_ports(const struct xdpport_port_count *before,
			const struct xdpport_port_count *after, const struct expected *e)
{
	int wrong = 0;

	for (int k = 0; k < NKEYS; k++) {
		uint32_t dp = after[k].passed - before[k].passed;
		uint32_t dd = after[k].dropped - before[k].dropped;

		if (dp == e->ports[k].passed && dd == e->ports[k].dropped)
			continue;
		if (wrong++ < 5)
			printf("    %s/%d: passed +%u dropped +%u, want +%u and +%u\n",
			       k / XDPPORT_PORTS == XDPPORT_UDP ? "udp" : "tcp", k % XDPPORT_PORTS,
			       dp, dd, e->ports[k].passed, e->ports[k].dropped);
	}
	if (wrong > 5)
		printf("    ... %d ports wrong in all\n", wrong);
	return !wrong;
}

static void run_case(const struct live_case *c, struct xdpport_port_count *ports_before,
		     struct xdpport_port_count *ports_after, struct expected *e)
{
	struct xdpport_totals before, after;
	struct driver_counts d0, d1;
	struct livegen_result res;
	struct pkt p;
	int64_t sent;
	bool ok;

	if (!pkt_build(&c->spec, &p)) {
		report(false, "%s: frame does not build", c->name);
		return;
	}
	struct livegen_opts o = {
		.port_offset = p.l4_off + 2,
		.port_base = c->spec.dport,
		.port_span = c->span,
		.nthreads = c->nthreads,
	};

	set_ruleset(c);
	expect_case(c, e);
	harness_totals(&h, 0, &before);
	if (!read_ports(ports_before) || !read_driver(&d0)) {
		report(false, "%s: read counters before", c->name);
		return;
	}
	sent = livegen_send(gen, vp.tx_ifindex, p.data, p.len, c->count, &o, &res);
	/* The last batch is polled before the send returns; a short pause covers a
	 * poll that was deferred to ksoftirqd. */
	usleep(50 * 1000);
	harness_totals(&h, 0, &after);
	if (!read_ports(ports_after) || !read_driver(&d1)) {
		report(false, "%s: read counters after", c->name);
		return;
	}

	ok = sent == (int64_t)c->count && (res.accepted < 0 || res.accepted == (int64_t)c->count);
	if (!ok)
		printf("    livegen_send: %lld (%s), driver accepted %lld\n", (long long)sent,
		       sent < 0 ? strerror(-sent) : "sent", (long long)res.accepted);
	report(ok, "%s: %llu frames sent and accepted by the driver", c->name,
	       (unsigned long long)c->count);

	ok = d1.xdp_packets - d0.xdp_packets == c->count && d1.xdp_drops - d0.xdp_drops == e->drops;
	if (!ok)
		printf("    receiver driver: xdp_packets +%llu xdp_drops +%llu, want +%llu and +%llu\n",
		       (unsigned long long)(d1.xdp_packets - d0.xdp_packets),
		       (unsigned long long)(d1.xdp_drops - d0.xdp_drops),
		       (unsigned long long)c->count, (unsigned long long)e->drops);
	report(ok, "%s: receiver driver saw all of them, dropped %llu", c->name,
	       (unsigned long long)e->drops);

	if (!report(check_reasons(&before, &after, e, p.len), "%s: exact reason counters", c->name))
		pkt_hexdump(p.data, p.len, "    ");
	report(check_ports(ports_before, ports_after, e), "%s: exact port counters, others unchanged",
	       c->name);
}

static const struct live_case cases[] = {
	{ "ipv4/udp 53 rule drop",
	  { .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .sport = 40000, .dport = 53, .payload = 18 },
	  .count = 100000, .policy = 0, .rule = XDPPORT_ENTRY_RULE_DROP, .rule_lo = 53, .rule_hi = 53 },
	{ "ipv4/tcp 443 rule pass under policy drop",
	  { .ethertype = ETH_P_IP, .proto = IPPROTO_TCP, .sport = 40000, .dport = 443, .payload = 6 },
	  .count = 100000, .policy = 1, .rule = XDPPORT_ENTRY_RULE_PASS, .rule_lo = 443, .rule_hi = 443 },
	{ "ipv6/udp 5353 policy drop",
	  { .ethertype = ETH_P_IPV6, .proto = IPPROTO_UDP, .sport = 40000, .dport = 5353 },
	  .count = 100000, .policy = 1, .rule = NO_RULE },
	{ "ipv6/tcp 22 policy pass",
	  { .ethertype = ETH_P_IPV6, .proto = IPPROTO_TCP, .sport = 40000, .dport = 22 },
	  .count = 100000, .policy = 0, .rule = NO_RULE },
	{ "vlan ipv4/udp 0 rule drop",
	  { .ethertype = ETH_P_IP, .vlans = 1, .proto = IPPROTO_UDP, .sport = 1, .dport = 0 },
	  .count = 50000, .policy = 0, .rule = XDPPORT_ENTRY_RULE_DROP, .rule_lo = 0, .rule_hi = 0 },
	{ "ipv4/icmp passes unfiltered under policy drop",
	  { .ethertype = ETH_P_IP, .proto = IPPROTO_ICMP, .payload = 18 },
	  .count = 50000, .policy = 1, .rule = NO_RULE },
	/* 16 ports, half dropped by a rule, half passed by policy; 100003 frames so the
	 * spread is uneven: the first 3 ports get one frame more. */
	{ "ipv4/udp spread over 65520..65535, rules on the lower half",
	  { .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .sport = 40000, .dport = 65520, .payload = 18 },
	  .count = 100003, .span = 16, .policy = 0, .rule = XDPPORT_ENTRY_RULE_DROP,
	  .rule_lo = 65520, .rule_hi = 65527 },
};

/* Two senders on two CPUs into a two-queue veth: each frame still counted once. */
static const struct live_case two_cpu_case = {
	"two CPUs, ipv4/tcp spread over 8000..8063, policy drop",
	{ .ethertype = ETH_P_IP, .proto = IPPROTO_TCP, .sport = 40000, .dport = 8000, .payload = 6 },
	.count = 200001, .span = 64, .nthreads = 2, .policy = 1, .rule = NO_RULE,
};

static bool setup(void)
{
	char why[128];

	gen = livegen_open();
	if (!gen) {
		report_skip("live frames: cannot load the generator: %s", strerror(errno));
		return false;
	}
	if (!livegen_supported(gen, why, sizeof(why))) {
		report_skip("live frames unavailable: %s", why);
		return false;
	}
	return flood_setup(&vp, "lgt", 2, &h);
}

int main(void)
{
	struct xdpport_port_count *before = calloc(NKEYS, sizeof(*before));
	struct xdpport_port_count *after = calloc(NKEYS, sizeof(*after));
	struct expected e = { .ports = calloc(NKEYS, sizeof(*e.ports)) };

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!before || !after || !e.ports || sandbox_enter()) {
		report(false, "set up the test process");
		return report_summary();
	}
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);

	if (setup()) {
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			run_case(&cases[i], before, after, &e);
		if (sysconf(_SC_NPROCESSORS_ONLN) >= 2)
			run_case(&two_cpu_case, before, after, &e);
		else
			report_skip("%s: needs two online CPUs", two_cpu_case.name);
	}
	livegen_close(gen);
	free(before);
	free(after);
	free(e.ports);
	return report_summary();
}
