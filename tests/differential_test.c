// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Differential test of the data path: generated frames (tests/lib/framegen) go through
 * the real XDP program with BPF_PROG_TEST_RUN and through the reference model
 * (tests/lib/model), under generated rules: the model decides by the rules, the
 * program runs them as the CLI's compiler (user/rules_compile.c, sources_install)
 * makes them. Every frame must get the same verdict and the same reason from both. The kernel's reason is the xdpport_totals counter
 * (interface slot 0) that moved: exactly one, by one packet of the frame's length.
 *
 *   differential_test [--frames N] [--seed S|time] [--only INDEX] [--oversize]
 *
 * Without --seed: N frames (default 100000) with a fixed seed, then N with a seed from
 * the clock (printed). --only replays frame INDEX of the seed and prints it.
 * --oversize runs only frames larger than one XDP buffer (see oversize()); they are
 * not in the default run because the program and the spec disagree on them.
 */
#include <errno.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "framegen.h"
#include "framegen_sources.h"
#include "harness.h"
#include "model.h"
#include "packet.h"
#include "report.h"
#include "rng.h"
#include "rules.h"
#include "sources_store.h"
#include "xdpport.skel.h"

#define DEFAULT_FRAMES	100000
#define FIXED_SEED	0x7864707030727431ULL
#define SHOWN_PER_BATCH	5	/* mismatches printed in full; the rest are counted */
#define NO_REASON	(-1)

static struct harness h;
static struct source_maps maps;
static struct rules rules;	/* the current ruleset's, read by the model too */

/* The flows planted for the frames of one ruleset, as the model keeps them. */
#define STREAM_FLOWS	3	/* after framegen's streams */
static struct model_flow planted[FRAMEGEN_PER_RULESET];
static struct model_flows flows = { planted, 0, FRAMEGEN_PER_RULESET, 0 };

struct outcome {
	int model;	/* enum xdpport_reason */
	int kernel;	/* the counter that moved, or NO_REASON */
	int verdict;	/* XDP action, or -errno */
};

struct batch {
	uint64_t seed, frames;
	uint64_t unsent, mismatches, flows_differ;
	uint64_t reasons[XDPPORT_NREASONS];	/* model's reasons, all frames */
	uint64_t limited;			/* frames the model says a limit counts */
	struct xdpport_totals totals;		/* kernel counters after the last frame */
};

static const char *reason_name(int reason)
{
	static const char *names[XDPPORT_NREASONS] = {
		"pass-policy", "drop-policy", "pass-rule", "drop-rule",
		"pass-fragment", "drop-fragment", "pass-unfiltered", "drop-malformed",
		[XDPPORT_PASS_REPLY] = "pass-reply", [XDPPORT_DROP_LIMIT] = "drop-limit",
		[XDPPORT_PASS_SOURCE] = "pass-source", [XDPPORT_DROP_SOURCE] = "drop-source",
	};

	if (reason & MODEL_OR_LIMIT) {
		static char either[48];

		snprintf(either, sizeof(either), "%s or drop-limit", reason_name(MODEL_REASON(reason)));
		return either;
	}

	return reason >= 0 && reason < XDPPORT_NREASONS ? names[reason] : "(no single counter)";
}

static const char *verdict_name(int verdict)
{
	return verdict == XDP_PASS ? "XDP_PASS" : verdict == XDP_DROP ? "XDP_DROP" : "error";
}

/* The one reason whose counter moved by one packet of `len` bytes, all others still. */
static int moved_reason(const struct xdpport_totals *before, const struct xdpport_totals *after,
			size_t len)
{
	int moved = NO_REASON;

	for (int r = 0; r < XDPPORT_NREASONS; r++) {
		uint64_t packets = after->reason[r].packets - before->reason[r].packets;
		uint64_t bytes = after->reason[r].bytes - before->reason[r].bytes;

		if (!packets && !bytes)
			continue;
		if (packets != 1 || bytes != len || moved != NO_REASON)
			return NO_REASON;
		moved = r;
	}
	return moved;
}

/* The rules frame `index` runs under: compiled into the program's maps, and given
 * to the model. */
static void load_rules(uint64_t seed, uint64_t index)
{
	static struct xdpport_ruleset scratch;
	uint64_t n = index / FRAMEGEN_PER_RULESET;
	struct xdpport_ruleset *rs;
	char why[256];

	rules_free(&rules);
	framegen_rules(seed, n, &rules, h.rules, h.limits);
	rs = &h.rules->slot[h.rules->active & 1];
	framegen_sources(seed, n, &rules.sources);
	if (rules.sources.nrules || rules.sources.nsets) {
		if (sources_install(&maps, n & 1, &rules.sources, rs, why, sizeof(why)))
			report(false, "ruleset %llu: sources: %s", (unsigned long long)n, why);
	} else {
		/* No source tables at all; the entries keep any junk in their high bits. */
		sources_install(&maps, 0, &rules.sources, &scratch, why, sizeof(why));
		sources_install(&maps, 1, &rules.sources, &scratch, why, sizeof(why));
		rs->sources = 0;
	}
	model_set_rules(&rules);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Writes a flow into the program's table and the model's list alike, and raises its
 * local port's expiry to the flow's own, as the egress program would: the port check
 * in front of the table must then change no verdict. */
static void plant(const struct xdpport_flow_key *k, const struct xdpport_flow *v)
{
	struct model_flow *f = model_find_flow(&flows, k);
	__u64 *expiry = &h.flowports->expiry[k->proto & 1][ntohs(k->local_port)];

	if (!f && flows.n < flows.max)
		f = &flows.flow[flows.n++];
	if (!f)
		return;
	f->key = *k;
	f->flow = *v;
	bpf_map_update_elem(h.flows_fd, k, v, BPF_ANY);
	if (v->state < XDPPORT_FLOW_NSTATES &&
	    *expiry < v->seen_ns + rules.timeout[v->state] * 1000000000ULL)
		*expiry = v->seen_ns + rules.timeout[v->state] * 1000000000ULL;
}

/*
 * Frame `index` of `seed`, and for about a third of the frames with ports, a flow it
 * answers planted first: in a state of its protocol (now and then none at all), fresh
 * or long expired (generated timeouts are 10..1009 s), and the TCP flags varied.
 */
static size_t frame_with_flow(uint64_t seed, uint64_t index, uint8_t *frame)
{
	static const uint8_t flags[] = { 0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x01, 0x00 };
	size_t len = framegen_frame(seed, index, frame), l4;
	struct xdpport_flow_key k;
	struct xdpport_flow v = {};
	struct rng r;

	framegen_source_address(seed, index, frame, len);	/* before the flow's key */
	rng_init(&r, seed, STREAM_FLOWS, index);
	if (!rng_percent(&r, 35) || !model_reply_key(frame, len, &k, &l4))
		return len;
	/* A limited port's frames are its bucket's to decide: a flow there would let the
	 * bucket decide the flow's state too. None is planted on them. */
	if (model_limited(k.proto & 1, ntohs(k.local_port)))
		return len;
	if (k.proto == XDPPORT_TCP) {
		frame[l4 + 13] = rng_percent(&r, 80) ? RNG_PICK(&r, flags) : rng_below(&r, 256);
		v.state = XDPPORT_FLOW_TCP_SYN + rng_below(&r, 3);
	} else {
		v.state = XDPPORT_FLOW_UDP + rng_below(&r, 2);
	}
	if (rng_percent(&r, 5))
		v.state = rng_below(&r, 256);
	v.seen_ns = now_ns() - (rng_percent(&r, 70) ? rng_below(&r, 5) : 1100 + rng_below(&r, 99999)) *
			       1000000000ULL;
	plant(&k, &v);
	return len;
}

/* The model and the program moved every planted flow to the same state; both forget
 * them for the next ruleset. Returns the flows whose states differ. */
static uint64_t compare_flows(void)
{
	struct xdpport_flow_key k;
	uint64_t differ = 0;

	for (size_t i = 0; i < flows.n; i++) {
		struct xdpport_flow v;

		if (bpf_map_lookup_elem(h.flows_fd, &flows.flow[i].key, &v) ||
		    v.state != flows.flow[i].flow.state)
			differ++;
	}
	while (!bpf_map_get_next_key(h.flows_fd, NULL, &k))
		bpf_map_delete_elem(h.flows_fd, &k);
	memset(h.flowports, 0, sizeof(*h.flowports));
	flows.n = 0;
	return differ;
}

/* Runs one frame both ways; `totals` holds the counters before and gets them after.
 * Returns false when the frame was not sent to the kernel. */
static bool run_both(const uint8_t *frame, size_t len, struct xdpport_totals *totals,
		     struct outcome *o)
{
	struct xdpport_totals after;

	flows.now_ns = now_ns();
	o->model = model_reason(frame, len, &flows);
	/* BPF_PROG_TEST_RUN refuses XDP frames shorter than an Ethernet header, so these
	 * only exercise the model (which calls them malformed). */
	if (len < ETH_HLEN)
		return false;
	o->verdict = harness_run(&h, frame, len, 1, NULL);
	harness_totals(&h, 0, &after);
	o->kernel = moved_reason(totals, &after, len);
	*totals = after;
	return true;
}

static bool agree(const struct outcome *o)
{
	int reason = MODEL_REASON(o->model);

	if ((o->model & MODEL_OR_LIMIT) && o->kernel == XDPPORT_DROP_LIMIT)
		return o->verdict == XDP_DROP;
	return o->kernel == reason && o->verdict == (reason & XDPPORT_REASON_DROP ? XDP_DROP
										   : XDP_PASS);
}

/* Prints both outcomes and the first `shown` bytes of the frame. */
static void show(const uint8_t *frame, size_t len, size_t shown, const struct outcome *o)
{
	printf("    %zu bytes: model %s (%s), kernel %s (%s)\n", len, reason_name(o->model),
	       verdict_name(o->model & XDPPORT_REASON_DROP ? XDP_DROP : XDP_PASS),
	       reason_name(o->kernel), verdict_name(o->verdict));
	pkt_hexdump(frame, shown < len ? shown : len, "    ");
}

static void show_generated(uint64_t seed, uint64_t index, const uint8_t *frame, size_t len,
			   const struct outcome *o)
{
	printf("    frame %llu of seed 0x%llx:\n", (unsigned long long)index,
	       (unsigned long long)seed);
	show(frame, len, len, o);
	printf("    reproduce: tests/sandbox.sh build/tests/differential_test --seed 0x%llx --only %llu\n",
	       (unsigned long long)seed, (unsigned long long)index);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run_batch(struct batch *b)
{
	static uint8_t frame[FRAMEGEN_MAX];
	double start = now(), secs;

	harness_totals(&h, 0, &b->totals);
	for (uint64_t i = 0; i < b->frames; i++) {
		struct outcome o;
		size_t len;

		if (i % FRAMEGEN_PER_RULESET == 0) {
			b->flows_differ += compare_flows();
			load_rules(b->seed, i);
		}
		len = frame_with_flow(b->seed, i, frame);
		if (!run_both(frame, len, &b->totals, &o)) {
			b->unsent++;
		} else if (!agree(&o) && b->mismatches++ < SHOWN_PER_BATCH) {
			show_generated(b->seed, i, frame, len, &o);
		}
		b->reasons[MODEL_REASON(o.model)]++;
		b->limited += !!(o.model & MODEL_OR_LIMIT);
	}
	b->flows_differ += compare_flows();
	secs = now() - start;
	report(!b->flows_differ, "seed 0x%llx: every flow the frames answered in the same state "
	       "in the model and the program (%llu differ)", (unsigned long long)b->seed,
	       (unsigned long long)b->flows_differ);
	report(!b->mismatches,
	       "%llu frames, seed 0x%llx: %llu mismatches (%llu under 14 bytes not sent), "
	       "%.0f frames/s",
	       (unsigned long long)b->frames, (unsigned long long)b->seed,
	       (unsigned long long)b->mismatches, (unsigned long long)b->unsent,
	       secs > 0 ? b->frames / secs : 0.0);
}

/* The generator must keep reaching every reason, or the comparison proves little. */
static void check_coverage(const struct batch *b)
{
	uint64_t least = b->frames / 200;	/* 0.5% */
	bool ok = true;

	printf("    reasons:");
	for (int r = 0; r < XDPPORT_NREASONS; r++) {
		if (r == XDPPORT_DROP_LIMIT)
			continue;
		printf(" %s %llu", reason_name(r), (unsigned long long)b->reasons[r]);
		ok &= b->reasons[r] >= least;
	}
	/* drop-limit is the kernel's choice among what the model allows: counted there */
	printf("; limited %llu, drop-limit %llu\n", (unsigned long long)b->limited,
	       (unsigned long long)b->totals.reason[XDPPORT_DROP_LIMIT].packets);
	ok &= b->limited >= least && b->totals.reason[XDPPORT_DROP_LIMIT].packets >= least;
	report(ok, "seed 0x%llx: every reason in at least 0.5%% of frames",
	       (unsigned long long)b->seed);
}

static void replay(uint64_t seed, uint64_t index)
{
	static uint8_t frame[FRAMEGEN_MAX];
	struct xdpport_totals totals;
	struct outcome o;
	size_t len;

	load_rules(seed, index);
	len = frame_with_flow(seed, index, frame);
	framegen_source_address(seed, index, frame, len);
	harness_totals(&h, 0, &totals);
	if (!run_both(frame, len, &totals, &o)) {
		printf("    frame %llu: %zu bytes, model %s; too short for BPF_PROG_TEST_RUN\n",
		       (unsigned long long)index, len, reason_name(o.model));
		pkt_hexdump(frame, len, "    ");
		report(true, "frame %llu of seed 0x%llx not sent", (unsigned long long)index,
		       (unsigned long long)seed);
		return;
	}
	show_generated(seed, index, frame, len, &o);
	report(agree(&o), "frame %llu of seed 0x%llx: model %s, kernel %s",
	       (unsigned long long)index, (unsigned long long)seed, reason_name(o.model),
	       reason_name(o.kernel));
}

/*
 * Frames longer than one buffer: BPF_PROG_TEST_RUN (like a multi-buffer driver) puts
 * the first 3520 bytes between data and data_end and the rest in fragments. The spec
 * says a header counts when it is "in the frame"; the program only sees the first
 * buffer. IPv6/UDP to port 53 behind destination options filling up to `l4`, in a
 * frame of `len` bytes, under a ruleset that passes every port by rule.
 * Reproduce: tests/sandbox.sh build/tests/differential_test --oversize
 */
static void oversize(void)
{
	static const struct { size_t l4, len; } cases[] = {
		{ 3510, 6000 },	/* UDP header ends at 3518: first buffer */
		{ 3512, 6000 },	/* ends at 3520, the first buffer's last byte */
		{ 3518, 6000 },	/* straddles the buffers */
		{ 4150, 6000 },	/* wholly in the second buffer */
		{ 3600, 3608 },
	};
	static uint8_t frame[8192];
	struct port_range all = { PROTOS_ALL, 0, XDPPORT_PORTS - 1 };

	memset(h.rules, 0, sizeof(*h.rules));
	rules_init(&rules);
	rules_set_ports(&rules, &all, VERDICT_PASS);
	rules_compile(&rules, &h.rules->slot[0], &h.limits[0]);
	model_set_rules(&rules);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t off = 54, left = cases[i].l4 - off, len = cases[i].len;
		struct xdpport_totals totals;
		struct outcome o;

		memset(frame, 0, sizeof(frame));
		frame[12] = 0x86, frame[13] = 0xdd;	/* IPv6 */
		frame[14] = 0x60;
		frame[18] = (len - 54) >> 8, frame[19] = len - 54;
		frame[20] = IPPROTO_DSTOPTS;
		while (left) {	/* headers of up to 2 KiB, none under 8 bytes */
			size_t n = left > 2048 ? 2048 : left;

			if (left - n && left - n < 8)
				n -= 8;
			frame[off] = left - n ? IPPROTO_DSTOPTS : IPPROTO_UDP;
			frame[off + 1] = n / 8 - 1;
			off += n, left -= n;
		}
		frame[off + 3] = 53, frame[off + 5] = 8;	/* dport 53, UDP length 8 */
		harness_totals(&h, 0, &totals);
		run_both(frame, len, &totals, &o);
		if (!agree(&o))
			show(frame, len, 64, &o);	/* the rest is zeros and the UDP header */
		report(agree(&o), "oversize: UDP header at %zu..%zu of a %zu-byte frame: model %s, "
		       "kernel %s", cases[i].l4, cases[i].l4 + 8, len, reason_name(o.model),
		       reason_name(o.kernel));
	}
}

static uint64_t clock_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return rng_mix((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec) ^ getpid();
}

static uint64_t parse_number(const char *arg, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || !*arg || *end) {
		fprintf(stderr, "differential_test: bad %s '%s'\n", what, arg);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "frames", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "only", required_argument, NULL, 'o' },
		{ "oversize", no_argument, NULL, 'b' },
		{ 0 }
	};
	uint64_t frames = DEFAULT_FRAMES, seed = FIXED_SEED, only = 0;
	bool have_seed = false, have_only = false, big = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			frames = parse_number(optarg, "frame count");
			break;
		case 's':
			seed = strcmp(optarg, "time") ? parse_number(optarg, "seed") : clock_seed();
			have_seed = true;
			break;
		case 'o':
			only = parse_number(optarg, "frame index");
			have_only = true;
			break;
		case 'b':
			big = true;
			break;
		default:
			fprintf(stderr, "usage: %s [--frames N] [--seed S|time] [--only INDEX] "
				"[--oversize]\n", argv[0]);
			return 2;
		}
	}

	harness_open(&h);
	harness_source_maps(&h, &maps);
	if (big) {
		oversize();
	} else if (have_only) {
		replay(seed, only);
	} else {
		struct batch b = { .seed = seed, .frames = frames };

		run_batch(&b);
		if (frames >= 10000)
			check_coverage(&b);
		if (!have_seed) {
			b = (struct batch){ .seed = clock_seed(), .frames = frames };
			run_batch(&b);
		}
	}
	harness_close(&h);
	rules_free(&rules);
	return report_summary();
}
