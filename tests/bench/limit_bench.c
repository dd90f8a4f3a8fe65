// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * limit_bench: what flood limits cost and how exact they are (README, Flood limits).
 * Prints Markdown tables, every figure the median of --rounds rounds:
 *  1. ns per frame under BPF_PROG_TEST_RUN: the floor, xdpport on a port without a
 *     limit, on a limited port over its limit (the flood case) and under it (every
 *     frame takes a token), per source, and the per-CPU alternative
 *     (tests/bpf/limit_percpu.bpf.c);
 *  2. a flood through veth at full speed (live frames), one and two sending CPUs:
 *     Mpps and frames passed against burst + rate x time, for the shared bucket
 *     (xdpport) and for per-CPU buckets with the rate split between the CPUs;
 *  3. per source under a spoofed flood (a new source address every frame, 65,535 of
 *     them) with the table larger and smaller than that: Mpps, and whether a real
 *     source flooding at the same time still gets its rate.
 *
 *   limit_bench [--rounds N] [--frames N] [--repeat N]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "flood.h"
#include "harness.h"
#include "limit_percpu.skel.h"
#include "packet.h"
#include "stats.h"
#include "vethpair.h"
#include "xdp_floor.skel.h"

#define MAX_ROUNDS	51
#define RATE		50000u		/* per second, for the floods */
#define BURST		10000u		/* 200 ms of it: see tests/limit_live_test.c */
#define PORT		9

static int rounds = 5, repeat = 2000000;
static uint64_t frames = 5000000;
static struct veth_pair vp;

static const struct pkt_spec udp9 = {
	.ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .sport = 40000, .dport = PORT, .payload = 18,
};

static double median(double *v, int n)
{
	return summarize(v, n).median;
}

static void cleanup(void)
{
	veth_pair_destroy(&vp);
}

static void limit_port(struct harness *h, unsigned port, __u32 rate, __u16 burst,
		       bool per_source)
{
	int slot = h->rules->active & 1;

	h->limits[slot].port[XDPPORT_UDP][port] = (struct xdpport_limit){
		.interval_ns = 1000000000ull / rate, .rate = rate, .burst = burst,
		.per_source = per_source,
	};
	h->rs->entry[XDPPORT_UDP][port] = XDPPORT_ENTRY_LIMIT;
}

/* Only udp/PORT limited, everything else passes by policy. */
static void limit(struct harness *h, __u32 rate, __u16 burst, bool per_source)
{
	memset(h->rs, 0, sizeof(*h->rs));
	limit_port(h, PORT, rate, burst, per_source);
}

static void fresh_buckets(struct harness *h)
{
	struct xdpport_bucket zero = {};
	__u32 key = XDPPORT_UDP * XDPPORT_PORTS + PORT;

	bpf_map_update_elem(h->buckets_fd, &key, &zero, BPF_ANY);
}

/* Kernel ns per frame of `repeat` runs, median of the rounds. */
static double cost(int prog_fd, const struct pkt *p)
{
	double v[MAX_ROUNDS];

	for (int r = 0; r < rounds; r++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->data, .data_size_in = p->len,
			    .repeat = repeat);
		v[r] = bpf_prog_test_run_opts(prog_fd, &o) ? -1.0 : (double)o.duration;
	}
	return median(v, rounds);
}

static struct limit_percpu *percpu_load(__u32 rate, __u32 burst, int ncpus)
{
	struct limit_percpu *skel = limit_percpu__open();
	__u64 interval = 1000000000ull / rate * ncpus;	/* each CPU gets rate / ncpus */
	__u32 per_cpu_burst = burst / ncpus ? burst / ncpus : 1;

	if (!skel)
		return NULL;
	skel->rodata->interval_ns = interval;
	skel->rodata->tolerance_ns = (per_cpu_burst - 1) * interval;
	skel->rodata->limited_port = PORT;
	if (limit_percpu__load(skel)) {
		limit_percpu__destroy(skel);
		return NULL;
	}
	return skel;
}

static void per_frame_costs(void)
{
	struct xdp_floor *floor = xdp_floor__open_and_load();
	struct limit_percpu *pc = percpu_load(1, 5, 1);
	struct harness h;
	struct pkt p;

	pkt_build(&udp9, &p);
	harness_open(&h);
	printf("### Per frame (BPF_PROG_TEST_RUN, %d x %d frames, kernel ns)\n\n", rounds, repeat);
	printf("| program | ns per frame |\n|---|--:|\n");
	if (floor)
		printf("| floor (empty XDP_PASS) | %.0f |\n",
		       cost(bpf_program__fd(floor->progs.floor_pass), &p));
	printf("| xdpport, port without a limit (pass by policy) | %.0f |\n", cost(h.prog_fd, &p));
	limit(&h, 1, 5, false);
	printf("| xdpport, limited port over its limit (shared bucket: a read) | %.0f |\n",
	       cost(h.prog_fd, &p));
	limit(&h, 10000000, 5, false);
	printf("| xdpport, limited port under its limit (10 M/s: a token each, compare-and-swap) "
	       "| %.0f |\n", cost(h.prog_fd, &p));
	limit(&h, 1, 5, true);
	printf("| xdpport, per-source, one source over its limit (LRU hash lookup) | %.0f |\n",
	       cost(h.prog_fd, &p));
	if (pc)
		printf("| per-CPU buckets (tests/bpf/limit_percpu.bpf.c), over the limit | %.0f |\n",
		       cost(bpf_program__fd(pc->progs.limit_percpu), &p));
	printf("\n");
	harness_close(&h);
	if (floor)
		xdp_floor__destroy(floor);
	if (pc)
		limit_percpu__destroy(pc);
}

static int attach(int prog_fd)
{
	int err;

	if (veth_pair_enter_rx(&vp))
		return -1;
	bpf_xdp_detach(vp.rx_ifindex, XDP_FLAGS_DRV_MODE, NULL);
	err = bpf_xdp_attach(vp.rx_ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL);
	return veth_pair_enter_tx(&vp) || err;
}

struct accuracy {
	double mpps, passed, want;
};

/* Floods udp/9 from `ncpus` CPUs (all frames on CPU 0 with ncpus 0: the per-CPU
 * buckets' bad case); passed is read by `passed_now`. */
static struct accuracy flood_port(struct livegen **gen, int ncpus, uint64_t (*passed_now)(void *),
				  void *ctx)
{
	struct sender s[2] = {};
	int n = ncpus ? ncpus : 1;
	uint64_t before = passed_now(ctx);
	double secs = 0;

	for (int i = 0; i < n; i++) {
		s[i] = (struct sender){ .gen = gen[i], .cpu = i, .count = frames / n };
		pkt_build(&udp9, &s[i].p);
	}
	flood_send(s, n, vp.tx_ifindex);
	usleep(50 * 1000);
	for (int i = 0; i < n; i++)
		secs = flood_seconds(&s[i]) > secs ? flood_seconds(&s[i]) : secs;
	return (struct accuracy){ frames / secs / 1e6, (double)(passed_now(ctx) - before),
				  BURST + RATE * secs };
}

static uint64_t xdpport_passed(void *ctx)
{
	struct harness *h = ctx;
	struct xdpport_totals t;

	harness_totals(h, 0, &t);
	return t.reason[XDPPORT_PASS_POLICY].packets;
}

static uint64_t percpu_passed(void *ctx)
{
	struct limit_percpu *skel = ctx;
	int ncpus = libbpf_num_possible_cpus();
	__u64 v[ncpus], sum = 0;
	__u32 key = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.counts), &key, v))
		return 0;
	for (int c = 0; c < ncpus; c++)
		sum += v[c];
	return sum;
}

static void print_accuracy(const char *bucket, const char *cpus, struct accuracy *a)
{
	double mpps[MAX_ROUNDS], err[MAX_ROUNDS];
	struct summary e;

	for (int r = 0; r < rounds; r++) {
		mpps[r] = a[r].mpps;
		err[r] = 100 * (a[r].passed - a[r].want) / a[r].want;
	}
	e = summarize(err, rounds);
	printf("| %s | %s | %.2f | %+.1f%% | %+.1f%% .. %+.1f%% |\n", bucket, cpus,
	       median(mpps, rounds), e.median, e.min, e.max);
}

static void accuracy(struct livegen **gen)
{
	static const struct { int ncpus; const char *label; } runs[] = {
		{ 1, "1 (one sender)" }, { 2, "2 (two senders at once)" },
	};
	struct accuracy a[MAX_ROUNDS];
	struct harness h;

	printf("### Accuracy under a flood (live frames through veth, %llu frames a round)\n\n",
	       (unsigned long long)frames);
	printf("Limit %u/s burst %u on udp/%d; error = passed against burst + rate x time.\n\n",
	       RATE, BURST, PORT);
	printf("| bucket | sending CPUs | Mpps | error (median) | error (range) |\n"
	       "|---|---|--:|--:|--:|\n");
	harness_open(&h);
	attach(h.prog_fd);
	for (size_t k = 0; k < 2; k++) {
		for (int r = 0; r < rounds; r++) {
			limit(&h, RATE, BURST, false);
			fresh_buckets(&h);
			a[r] = flood_port(gen, runs[k].ncpus, xdpport_passed, &h);
		}
		print_accuracy("shared (xdpport)", runs[k].label, a);
	}
	harness_close(&h);
	for (size_t k = 0; k < 2; k++) {
		/* split for two CPUs; with one sender all its frames meet one half */
		for (int r = 0; r < rounds; r++) {
			struct limit_percpu *pc = percpu_load(RATE, BURST, 2);

			if (!pc || attach(bpf_program__fd(pc->progs.limit_percpu))) {
				printf("| per-CPU, rate split in 2 | - | cannot load |\n");
				return;
			}
			a[r] = flood_port(gen, runs[k].ncpus, percpu_passed, pc);
			limit_percpu__destroy(pc);
		}
		print_accuracy("per-CPU, rate split in 2", runs[k].label, a);
	}
	printf("\n");
}

#define SPOOF_RATE	1u	/* per source and second: 65,535 x 1/s is far below the flood */
#define SPOOF_BURST	2u
#define REAL_PORT	(PORT + 1)

/* A spoofed flood (the source address changes every frame) to udp/PORT on CPU 0
 * and, with `real`, one real source flooding udp/REAL_PORT (its own per-source limit
 * in the same table) on CPU 1 at once. */
static void spoofed(struct livegen **gen, uint32_t table, bool real, double *mpps,
		    double *share_passed, double *real_error)
{
	struct sender s[2] = {};
	struct xdpport_totals t0, t1;
	struct xdpport_port_count p0, p1, r0, r1;
	struct harness h;

	harness_open_sized(&h, table);
	attach(h.prog_fd);
	limit(&h, SPOOF_RATE, SPOOF_BURST, true);
	limit_port(&h, REAL_PORT, RATE, BURST, true);
	s[0] = (struct sender){ .gen = gen[0], .cpu = 0, .count = frames / 2 };
	pkt_build(&udp9, &s[0].p);
	/* The generator's port spread, pointed at the low 16 bits of the source address:
	 * 198.18.0.0 .. 198.18.255.254, a new one every frame. */
	s[0].opts = (struct livegen_opts){ .port_offset = s[0].p.l3_off + 14, .port_span = 65535,
					   .nthreads = 1, .cpus = &s[0].cpu };
	s[1] = (struct sender){ .gen = gen[1], .cpu = 1, .count = frames / 4 };
	pkt_build(&udp9, &s[1].p);
	s[1].p.data[s[1].p.l4_off + 3] = REAL_PORT;
	harness_totals(&h, 0, &t0);
	harness_port(&h, XDPPORT_UDP, PORT, &p0);
	harness_port(&h, XDPPORT_UDP, REAL_PORT, &r0);
	flood_send(s, real ? 2 : 1, vp.tx_ifindex);
	usleep(50 * 1000);
	harness_totals(&h, 0, &t1);
	harness_port(&h, XDPPORT_UDP, PORT, &p1);
	harness_port(&h, XDPPORT_UDP, REAL_PORT, &r1);
	*mpps = s[0].count / flood_seconds(&s[0]) / 1e6;
	*share_passed = 100.0 * (p1.passed - p0.passed) / s[0].count;
	if (real) {
		double want = BURST + RATE * flood_seconds(&s[1]);

		*real_error = 100 * ((double)(r1.passed - r0.passed) - want) / want;
	}
	(void)t0, (void)t1;
	harness_close(&h);
}

static void spoofing(struct livegen **gen)
{
	static const uint32_t tables[] = { 131072, 4096 };
	double mpps[MAX_ROUNDS], share[MAX_ROUNDS], err[MAX_ROUNDS], alone[MAX_ROUNDS];
	double share_alone[MAX_ROUNDS], x;

	printf("### Per source under a spoofed flood (live frames)\n\n");
	printf("udp/%d: per-source %u/s burst %u, flooded from CPU %d with a new source address "
	       "every frame, 65,535 in turn (65,535 x %u/s is far less than the flood). udp/%d: "
	       "per-source %u/s burst %u, flooded by one real source from CPU 1 at the same "
	       "time, in the same table; its error is against burst + rate x time.\n\n",
	       PORT, SPOOF_RATE, SPOOF_BURST, 0, SPOOF_RATE, REAL_PORT, RATE, BURST);
	printf("| per-source table | spoofed Mpps (alone) | spoofed frames passed (alone) | "
	       "spoofed Mpps (with the real source) | spoofed passed | real source's error |\n"
	       "|--:|--:|--:|--:|--:|--:|\n");
	for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++) {
		for (int r = 0; r < rounds; r++) {
			spoofed(gen, tables[k], false, &alone[r], &share_alone[r], &x);
			spoofed(gen, tables[k], true, &mpps[r], &share[r], &err[r]);
		}
		printf("| %u%s | %.2f | %.0f%% | %.2f | %.0f%% | %+.1f%% |\n", tables[k],
		       tables[k] < 65535 ? " (churns)" : " (holds all)", median(alone, rounds),
		       median(share_alone, rounds), median(mpps, rounds), median(share, rounds),
		       median(err, rounds));
	}
	{
		struct harness h;
		struct sender s = { .gen = gen[0], .cpu = 0, .count = frames / 2 };

		harness_open(&h);
		attach(h.prog_fd);
		limit(&h, 1, 5, true);
		pkt_build(&udp9, &s.p);
		for (int r = 0; r < rounds; r++) {
			flood_send(&s, 1, vp.tx_ifindex);
			alone[r] = s.count / flood_seconds(&s) / 1e6;
		}
		printf("| for scale: one source, over its limit | %.2f | 0%% | | | |\n\n",
		       median(alone, rounds));
		harness_close(&h);
	}
}

int main(int argc, char **argv)
{
	struct livegen *gen[2];
	int c;

	while ((c = getopt_long(argc, argv, "", (struct option[]){
			{ "rounds", required_argument, NULL, 'r' },
			{ "frames", required_argument, NULL, 'f' },
			{ "repeat", required_argument, NULL, 'n' }, {} }, NULL)) != -1) {
		if (c == 'r')
			rounds = atoi(optarg);
		else if (c == 'f')
			frames = strtoull(optarg, NULL, 10);
		else if (c == 'n')
			repeat = atoi(optarg);
		else
			return 2;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || !frames || repeat < 1)
		return fprintf(stderr, "limit_bench: bad --rounds, --frames or --repeat\n"), 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sandbox_enter())
		return 1;
	atexit(cleanup);
	per_frame_costs();
	gen[0] = livegen_open();
	gen[1] = livegen_open();
	if (!gen[0] || !gen[1] || veth_pair_create(&vp, "lbn", 2) || veth_pair_enter_tx(&vp)) {
		fprintf(stderr, "limit_bench: no live frames or veth pair\n");
		return 1;
	}
	accuracy(gen);
	spoofing(gen);
	return 0;
}
