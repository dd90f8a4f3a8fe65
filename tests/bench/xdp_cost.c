// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdp_cost: per-packet cost of xdpport with BPF_PROG_TEST_RUN, next to the floor
 * (an empty program returning the same verdict) and xdp-filter's all-features
 * program from Debian's xdp-tools, for each class of frame and each verdict path.
 *
 *   xdp_cost [--rounds N] [--repeat N] [--cpu N] [--xdp-filter-dir DIR] [--data FILE]
 *            [--baseline OBJ]
 *
 * xdpport runs with replies on (the default) and an empty flow table, except on the
 * "reply" path, where the frame answers a flow in the table. --baseline OBJ also
 * measures another build's xdpport.bpf.o (the one before replies) on the same frames,
 * in the same rounds, and prints xdpport / baseline. A last table gives the egress
 * program's cost per packet (TC test run) next to an empty TC program.
 *
 * Each figure is the median over rounds of one test run of `repeat` frames; the three
 * programs are measured back to back within each round so that noise hits them alike,
 * and ratios are the median of the per-round ratios. Prints a Markdown table;
 * --data writes the same figures as tab-separated values for plotting.
 *
 * Timing: the kernel reports whole nanoseconds per frame, too coarse for programs
 * that cost a few. So each run is also timed by the calling thread's CPU time (the
 * test run executes in it), which like the kernel's figure and unlike the wall clock
 * leaves out the time other tasks had the CPU: on a shared machine, most of the noise.
 * A test run with repeat > 1 also costs a fixed ~1 ms of CPU outside its timed loop
 * (the kernel swaps the program into the XDP dispatcher and back), measured once with
 * repeat = 2 and subtracted.
 * The result must agree with the kernel's whole nanoseconds k, i.e. lie in [k, k + 1);
 * a run that lands above that by more than SLACK_NS is run again, and the final figure
 * is clamped into the kernel's bracket, so it is never worse than the kernel's own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <arpa/inet.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "harness.h"
#include "packet.h"
#include "stats.h"
#include "xdp_floor.skel.h"
#include "xdpfilter.h"

#define MAX_ROUNDS	101
#define SLACK_NS	0.5	/* ns per frame our clock may exceed the kernel's bracket */
#define MAX_ATTEMPTS	8

enum path { RULE_PASS, RULE_DROP, POLICY_PASS, POLICY_DROP, UNFILTERED, REPLY, NPATHS };
enum prog { FLOOR, XDPPORT, XDPFILTER, BASELINE, NPROGS };

static const char *path_name[NPATHS] = {
	"rule pass", "rule drop", "policy pass", "policy drop", "unfiltered pass",
	"reply (flow)",
};
static const char *prog_name[NPROGS] = { "floor", "xdpport", "xdp-filter", "baseline" };

struct klass {
	const char *name;
	struct pkt_spec spec;
	bool answer;		/* frames from a server's port: a no-flow and a reply row */
	uint8_t tcp_flags;	/* 0: the builder's SYN */
};

/* 60-byte frames where the headers allow (64 on the wire). */
static const struct klass classes[] = {
	{ .name = "IPv4/TCP", .spec = { .ethertype = ETH_P_IP, .proto = IPPROTO_TCP, .sport = 40000, .dport = 443, .payload = 6 } },
	{ .name = "IPv4/UDP", .spec = { .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .sport = 40000, .dport = 53, .payload = 18 } },
	{ .name = "IPv6/TCP", .spec = { .ethertype = ETH_P_IPV6, .proto = IPPROTO_TCP, .sport = 40000, .dport = 443 } },
	{ .name = "IPv6/UDP + dstopts", .spec = { .ethertype = ETH_P_IPV6, .proto = IPPROTO_UDP, .sport = 40000, .dport = 53,
				  .n_ext = 1, .ext = { IPPROTO_DSTOPTS } } },
	{ .name = "VLAN IPv4/UDP", .spec = { .ethertype = ETH_P_IP, .vlans = 1, .proto = IPPROTO_UDP, .sport = 40000, .dport = 53, .payload = 14 } },
	{ .name = "IPv4/ICMP", .spec = { .ethertype = ETH_P_IP, .proto = IPPROTO_ICMP, .payload = 18 } },
	/* What a flood of ACKs (which do look like replies) and a real answer cost. */
	{ .name = "IPv4/TCP ACK", .spec = { .ethertype = ETH_P_IP, .proto = IPPROTO_TCP, .sport = 443, .dport = 40000, .payload = 6 }, .answer = true, .tcp_flags = 0x10 },
	{ .name = "IPv6/UDP", .spec = { .ethertype = ETH_P_IPV6, .proto = IPPROTO_UDP, .sport = 53, .dport = 40000 }, .answer = true },
};
#define NCLASSES (sizeof(classes) / sizeof(classes[0]))

struct row {
	const struct klass *k;
	enum path path;
	struct pkt frame;
	double ns[NPROGS][MAX_ROUNDS];
};

struct options {
	int rounds, cpu;
	uint32_t repeat;
	const char *filter_dir, *data_file, *baseline;
};

static struct harness h;
static struct xdp_floor *floor_skel;
static struct xdpfilter filt_allow, filt_deny;	/* policy allow / policy deny */
static bool have_filter;

/* Another build of xdpport (--baseline): its program and its mmapped rules map. */
static struct bpf_object *base_obj;
static int base_fd = -1;
static void *base_rules;
static size_t base_rules_size;

static bool is_drop(enum path p)
{
	return p == RULE_DROP || p == POLICY_DROP;
}

/* The row's verdict from program `p`: a build without replies drops the reply. */
static bool drops(enum path path, enum prog p)
{
	return is_drop(path) || (path == REPLY && p == BASELINE);
}

static bool has_program(enum prog p)
{
	return (p != XDPFILTER || have_filter) && (p != BASELINE || base_obj);
}

static void forget_flows(void)
{
	struct xdpport_flow_key k;

	while (!bpf_map_get_next_key(h.flows_fd, NULL, &k))
		bpf_map_delete_elem(h.flows_fd, &k);
	memset(h.flowports, 0, sizeof(*h.flowports));
}

/* The flow the row's frame answers (it comes from the peer to the host). */
static void plant_flow(const struct row *r)
{
	const uint8_t *ip = r->frame.data + r->frame.l3_off, *l4 = r->frame.data + r->frame.l4_off;
	bool v6 = r->k->spec.ethertype == ETH_P_IPV6;
	struct xdpport_flow_key k = { .proto = r->k->spec.proto == IPPROTO_UDP ? XDPPORT_UDP
									   : XDPPORT_TCP,
				      .family = v6 ? 6 : 4 };
	struct timespec now;
	struct xdpport_flow v = { .state = k.proto == XDPPORT_UDP ? XDPPORT_FLOW_UDP_ANSWERED
								  : XDPPORT_FLOW_TCP };

	memcpy(k.local, ip + (v6 ? 24 : 16), v6 ? 16 : 4);
	memcpy(k.remote, ip + (v6 ? 8 : 12), v6 ? 16 : 4);
	memcpy(&k.local_port, l4 + 2, 2);
	memcpy(&k.remote_port, l4, 2);
	clock_gettime(CLOCK_MONOTONIC, &now);
	v.seen_ns = now.tv_sec * 1000000000ULL + now.tv_nsec;
	bpf_map_update_elem(h.flows_fd, &k, &v, BPF_ANY);
	h.flowports->expiry[k.proto][ntohs(k.local_port)] = v.seen_ns + 3600 * 1000000000ULL;
}

static bool has_ports(const struct klass *k)
{
	return k->spec.proto == IPPROTO_TCP || k->spec.proto == IPPROTO_UDP;
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The xdpport ruleset and the xdp-filter maps that give this row's verdict path. */
static int configure(const struct row *r)
{
	int policy = r->path == RULE_PASS || r->path == POLICY_DROP;
	int proto = r->k->spec.proto == IPPROTO_UDP ? XDPPORT_UDP : XDPPORT_TCP;
	uint16_t port = r->k->spec.dport;
	uint8_t flags = XDPFILTER_FLAG_DST |
			(proto == XDPPORT_UDP ? XDPFILTER_FLAG_UDP : XDPFILTER_FLAG_TCP);
	bool rule = r->path == RULE_PASS || r->path == RULE_DROP;
	int err = 0;

	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		h.rs->policy[p] = policy;
		memset(h.rs->entry[p], policy, XDPPORT_PORTS);
	}
	if (rule && has_ports(r->k))
		h.rs->entry[proto][port] = r->path == RULE_PASS ? XDPPORT_ENTRY_RULE_PASS
								 : XDPPORT_ENTRY_RULE_DROP;
	if (r->path == REPLY) {
		for (int p = 0; p < XDPPORT_NPROTO; p++) {
			h.rs->policy[p] = 1;
			memset(h.rs->entry[p], 1, XDPPORT_PORTS);
		}
		plant_flow(r);
	} else {
		forget_flows();
	}
	/* The baseline's ruleset: entries, policies and fragments are where they were. */
	if (base_rules)
		memcpy(base_rules, h.rules, base_rules_size);
	if (have_filter && has_ports(r->k)) {
		err = xdpfilter_set_port(&filt_allow, port, rule ? flags : 0);
		if (!err)
			err = xdpfilter_set_port(&filt_deny, port, rule ? flags : 0);
	}
	return err;
}

static int prog_fd(const struct row *r, enum prog p)
{
	switch (p) {
	case FLOOR:
		return bpf_program__fd(drops(r->path, XDPPORT) ? floor_skel->progs.floor_drop
							       : floor_skel->progs.floor_pass);
	case XDPPORT:
		return h.prog_fd;
	case BASELINE:
		return base_fd;
	default:	/* xdp-filter: a rule that passes needs its deny-policy variant */
		return r->path == RULE_PASS || r->path == POLICY_DROP ? filt_deny.prog_fd
								      : filt_allow.prog_fd;
	}
}

static int test_run(int fd, const struct pkt *f, uint32_t repeat, uint32_t *retval,
		    uint32_t *kernel_ns)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = f->data,
		.data_size_in = f->len,
		.repeat = repeat,
	);

	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	*retval = opts.retval;
	*kernel_ns = opts.duration;
	return 0;
}

static double run_overhead_ns;	/* CPU time of a test run beyond its frames */

/* The fixed cost of one test run: the median of a few two-frame runs (with one frame
 * the kernel skips the dispatcher swap that longer runs pay for). */
static int calibrate(int fd, const struct pkt *f)
{
	double v[9];
	uint32_t retval, kernel_ns;

	for (int i = 0; i < 9; i++) {
		double t0 = cpu_ns();
		int err = test_run(fd, f, 2, &retval, &kernel_ns);

		if (err)
			return err;
		v[i] = cpu_ns() - t0;
	}
	run_overhead_ns = summarize(v, 9).median;
	return 0;
}

static int measure(int fd, const struct pkt *f, uint32_t repeat, double *ns)
{
	uint32_t retval, k = 0;
	double ours = 0;

	for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		double t0 = cpu_ns();
		int err = test_run(fd, f, repeat, &retval, &k);

		if (err)
			return err;
		ours = (cpu_ns() - t0 - run_overhead_ns) / repeat;
		if (ours < k + 1 + SLACK_NS)
			break;
	}
	/* Inside the kernel's bracket [k, k + 1): never less precise than k itself. */
	*ns = ours < k ? k : ours >= k + 1 ? k + 0.999 : ours;
	return 0;
}

/* Every program must give the row's verdict, or the comparison means nothing. */
static bool verify(const struct row *r)
{
	uint32_t got, ns;
	bool ok = true;

	for (int p = 0; p < NPROGS; p++) {
		uint32_t want = drops(r->path, p) ? XDP_DROP : XDP_PASS;

		if (!has_program(p) || (p == XDPFILTER && r->path == REPLY))
			continue;
		if (test_run(prog_fd(r, p), &r->frame, 1, &got, &ns) || got != want) {
			fprintf(stderr, "xdp_cost: %s %s: %s returns %u, want %u\n", r->k->name,
				path_name[r->path], prog_name[p], got, want);
			ok = false;
		}
	}
	return ok;
}

/* Another build's xdpport.bpf.o, with private maps like the harness's. */
static void load_baseline(const char *path)
{
	struct bpf_program *prog;
	struct bpf_map *map;

	base_obj = bpf_object__open_file(path, NULL);
	if (!base_obj) {
		fprintf(stderr, "xdp_cost: open %s: %s\n", path, strerror(errno));
		exit(1);
	}
	bpf_object__for_each_map(map, base_obj)
		bpf_map__set_pin_path(map, NULL);
	if (bpf_object__load(base_obj)) {
		fprintf(stderr, "xdp_cost: load %s: %s\n", path, strerror(errno));
		exit(1);
	}
	prog = bpf_object__find_program_by_name(base_obj, "xdpport");
	map = bpf_object__find_map_by_name(base_obj, "xdpport_rules");
	base_rules_size = map ? bpf_map__value_size(map) : 0;
	/* The header, then slot 0 up to the source fields: entries, policies, fragments,
	 * replies and timeouts sit where they did in layout 2 (slot 1 moved when the
	 * ruleset grew, and a baseline of layout 2 has no source fields). */
	if (base_rules_size > offsetof(struct xdpport_rules, slot) +
				      offsetof(struct xdpport_ruleset, sources))
		base_rules_size = offsetof(struct xdpport_rules, slot) +
				  offsetof(struct xdpport_ruleset, sources);
	if (!prog || !map || (base_rules = mmap(NULL, bpf_map__value_size(map), PROT_READ |
					       PROT_WRITE, MAP_SHARED, bpf_map__fd(map), 0)) ==
				     MAP_FAILED) {
		fprintf(stderr, "xdp_cost: %s is not an xdpport build\n", path);
		exit(1);
	}
	base_fd = bpf_program__fd(prog);
}

static void load_programs(const struct options *o)
{
	int err;

	harness_open(&h);
	/* Replies on, as a user gets them, with the default timeouts. */
	h.rs->replies = 1;
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		h.rs->timeout[s] = 120;
	if (o->baseline)
		load_baseline(o->baseline);
	floor_skel = xdp_floor__open_and_load();
	if (!floor_skel) {
		fprintf(stderr, "xdp_cost: load the floor programs: %s\n", strerror(errno));
		exit(1);
	}
	err = xdpfilter_load(&filt_allow, o->filter_dir, "xdpfilt_alw_all");
	if (!err)
		err = xdpfilter_load(&filt_deny, o->filter_dir, "xdpfilt_dny_all");
	have_filter = !err;
	if (err)
		fprintf(stderr, "xdp_cost: xdp-filter all-features programs %s: %s; "
			"leaving them out\n", err == -ENOENT ? "not found" : "do not load",
			strerror(-err));
}

static size_t make_rows(struct row *rows)
{
	size_t n = 0;

	for (size_t c = 0; c < NCLASSES; c++) {
		int first = has_ports(&classes[c]) ? RULE_PASS : UNFILTERED;
		int last = has_ports(&classes[c]) ? POLICY_DROP : UNFILTERED;

		if (classes[c].answer)	/* no flow, and a flow */
			first = POLICY_DROP, last = REPLY;
		for (int p = first; p <= last; p++) {
			if (p == UNFILTERED && has_ports(&classes[c]))
				continue;
			rows[n].k = &classes[c];
			rows[n].path = p;
			if (!pkt_build(&classes[c].spec, &rows[n].frame)) {
				fprintf(stderr, "xdp_cost: %s does not build\n", classes[c].name);
				exit(1);
			}
			if (classes[c].tcp_flags)
				rows[n].frame.data[rows[n].frame.l4_off + 13] = classes[c].tcp_flags;
			n++;
		}
	}
	return n;
}

static struct summary summary_of(const double *v, int n)
{
	double copy[MAX_ROUNDS];

	memcpy(copy, v, n * sizeof(*v));
	return summarize(copy, n);
}

static struct summary ratio_of(const double *num, const double *den, int n)
{
	double r[MAX_ROUNDS];

	for (int i = 0; i < n; i++)
		r[i] = num[i] / den[i];
	return summarize(r, n);
}

static void print_table(const struct row *rows, size_t n, const struct options *o, FILE *data)
{
	int worst_floor_row = 0, worst_filter_row = 0;
	double worst_floor = 0, worst_filter = 1e9;

	printf("| class | verdict path | floor ns | xdpport ns | xdp-filter ns "
	       "| xdpport / floor (≤ 2) | xdp-filter / xdpport (≥ 3) |\n");
	printf("|---|---|--:|--:|--:|--:|--:|\n");
	if (data)
		fprintf(data, "# class\tpath\tfloor_ns\tfloor_spread\txdpport_ns\txdpport_spread"
			"\txdpfilter_ns\txdpfilter_spread\tratio_floor\tratio_filter\n");
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		struct summary s[NPROGS], rf = ratio_of(r->ns[XDPPORT], r->ns[FLOOR], o->rounds);
		struct summary rx = { 0 };
		char filt[64] = "n/a", rxs[64] = "n/a";

		for (int p = 0; p < NPROGS; p++)
			s[p] = summary_of(r->ns[p], o->rounds);
		if (have_filter && r->path != REPLY) {
			rx = ratio_of(r->ns[XDPFILTER], r->ns[XDPPORT], o->rounds);
			snprintf(filt, sizeof(filt), "%.2f ±%.2f", s[XDPFILTER].median,
				 s[XDPFILTER].spread);
			snprintf(rxs, sizeof(rxs), "%.2f ±%.2f %s", rx.median, rx.spread,
				 rx.median >= 3 ? "✓" : "✗");
			if (rx.median < worst_filter)
				worst_filter = rx.median, worst_filter_row = i;
		}
		if (rf.median > worst_floor)
			worst_floor = rf.median, worst_floor_row = i;
		printf("| %s | %s | %.2f ±%.2f | %.2f ±%.2f | %s | %.2f ±%.2f %s | %s |\n",
		       r->k->name, path_name[r->path], s[FLOOR].median, s[FLOOR].spread,
		       s[XDPPORT].median, s[XDPPORT].spread, filt, rf.median, rf.spread,
		       rf.median <= 2 ? "✓" : "✗", rxs);
		if (data)
			fprintf(data, "%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n",
				r->k->name, path_name[r->path], s[FLOOR].median, s[FLOOR].spread,
				s[XDPPORT].median, s[XDPPORT].spread,
				have_filter ? s[XDPFILTER].median : 0,
				have_filter ? s[XDPFILTER].spread : 0, rf.median, rx.median);
	}
	printf("\n- Worst xdpport / floor: %.2f (%s, %s); target ≤ 2: %s.\n", worst_floor,
	       rows[worst_floor_row].k->name, path_name[rows[worst_floor_row].path],
	       worst_floor <= 2 ? "met" : "missed");
	if (have_filter)
		printf("- Worst xdp-filter / xdpport: %.2f (%s, %s); target ≥ 3: %s.\n",
		       worst_filter, rows[worst_filter_row].k->name,
		       path_name[rows[worst_filter_row].path], worst_filter >= 3 ? "met" : "missed");
	else
		printf("- xdp-filter: not installed, not compared.\n");
}

/* xdpport against the build before it, frame by frame; the target is the issue's:
 * frames that pass, and drops with no flow, within 10% of the previous build. */
static void print_baseline(const struct row *rows, size_t n, const struct options *o)
{
	double worst = 0;
	int worst_row = -1;

	printf("\n| class | verdict path | baseline ns | xdpport ns | xdpport / baseline (≤ 1.10) |\n");
	printf("|---|---|--:|--:|--:|\n");
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		struct summary b = summary_of(r->ns[BASELINE], o->rounds);
		struct summary x = summary_of(r->ns[XDPPORT], o->rounds);
		struct summary q = ratio_of(r->ns[XDPPORT], r->ns[BASELINE], o->rounds);
		bool target = r->path != REPLY;

		printf("| %s | %s | %.2f ±%.2f | %.2f ±%.2f | %.2f ±%.2f %s |\n", r->k->name,
		       path_name[r->path], b.median, b.spread, x.median, x.spread, q.median,
		       q.spread, !target ? "(baseline drops it)" : q.median <= 1.10 ? "✓" : "✗");
		if (target && q.median > worst)
			worst = q.median, worst_row = i;
	}
	if (worst_row >= 0)
		printf("\n- Worst xdpport / baseline: %.2f (%s, %s); target ≤ 1.10: %s.\n", worst,
		       rows[worst_row].k->name, path_name[rows[worst_row].path],
		       worst <= 1.10 ? "met" : "missed");
}

/* The egress program per outbound packet, next to an empty TC program. */
static void print_egress(const struct options *o)
{
	static const struct {
		const char *name;
		struct pkt_spec spec;
		uint8_t flags;
		int served;	/* 1: the source port passes inbound (not recorded) */
		int replies;
	} cases[] = {
		{ "IPv4/TCP ACK, known flow", { .ethertype = ETH_P_IP, .proto = IPPROTO_TCP,
		  .sport = 40000, .dport = 443, .payload = 6 }, 0x10, 0, 1 },
		{ "IPv6/UDP, known flow", { .ethertype = ETH_P_IPV6, .proto = IPPROTO_UDP,
		  .sport = 40000, .dport = 53 }, 0, 0, 1 },
		{ "IPv4/TCP from a served port", { .ethertype = ETH_P_IP, .proto = IPPROTO_TCP,
		  .sport = 443, .dport = 40000, .payload = 6 }, 0x10, 1, 1 },
		{ "IPv4/TCP, replies off", { .ethertype = ETH_P_IP, .proto = IPPROTO_TCP,
		  .sport = 40000, .dport = 443, .payload = 6 }, 0x10, 0, 0 },
	};
	int tc_floor = bpf_program__fd(floor_skel->progs.floor_tc);

	printf("\n| egress packet | empty TC program ns | egress program ns | egress / empty |\n");
	printf("|---|--:|--:|--:|\n");
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		double fl[MAX_ROUNDS], eg[MAX_ROUNDS];
		struct pkt p;

		if (!pkt_build(&cases[c].spec, &p))
			continue;
		if (cases[c].spec.proto == IPPROTO_TCP)
			p.data[p.l4_off + 13] = cases[c].flags;
		for (int x = 0; x < XDPPORT_NPROTO; x++) {
			h.rs->policy[x] = 1;
			memset(h.rs->entry[x], 1, XDPPORT_PORTS);
			h.rs->entry[x][cases[c].spec.sport] = cases[c].served ? XDPPORT_ENTRY_RULE_PASS
									      : 1;
		}
		h.rs->replies = cases[c].replies;
		forget_flows();
		harness_run_egress(&h, p.data, p.len, 1, NULL);	/* records it */
		for (int round = 0; round < o->rounds; round++)
			if (measure(tc_floor, &p, o->repeat, &fl[round]) ||
			    measure(h.egress_fd, &p, o->repeat, &eg[round]))
				return;
		struct summary sf = summary_of(fl, o->rounds), se = summary_of(eg, o->rounds);
		struct summary q = ratio_of(eg, fl, o->rounds);

		printf("| %s | %.2f ±%.2f | %.2f ±%.2f | %.2f ±%.2f |\n", cases[c].name, sf.median,
		       sf.spread, se.median, se.spread, q.median, q.spread);
	}
	h.rs->replies = 1;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static void usage(FILE *to)
{
	fprintf(to, "usage: xdp_cost [--rounds N] [--repeat N] [--cpu N] "
		    "[--xdp-filter-dir DIR] [--data FILE] [--baseline OBJ]\n");
}

static void parse_args(struct options *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "xdp-filter-dir", required_argument, NULL, 'x' },
		{ "data", required_argument, NULL, 'd' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*o = (struct options){ .rounds = 5, .repeat = 5000000, .cpu = -1 };
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': o->rounds = atoi(optarg); break;
		case 'n': o->repeat = strtoul(optarg, NULL, 0); break;
		case 'c': o->cpu = atoi(optarg); break;
		case 'x': o->filter_dir = optarg; break;
		case 'd': o->data_file = optarg; break;
		case 'b': o->baseline = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc || o->rounds < 1 || o->rounds > MAX_ROUNDS || o->repeat < 1000) {
		usage(stderr);
		exit(2);
	}
}

/* One CPU for the whole run, so every program sees the same caches and clock. */
static void pin(struct options *o)
{
	cpu_set_t set;

	if (o->cpu < 0)
		o->cpu = sched_getcpu();
	CPU_ZERO(&set);
	CPU_SET(o->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "xdp_cost: pin to CPU %d: %s\n", o->cpu, strerror(errno));
		exit(2);
	}
}

int main(int argc, char **argv)
{
	static struct row rows[NCLASSES * NPATHS];
	struct options o;
	FILE *data = NULL;
	size_t n;

	libbpf_set_print(quiet);
	parse_args(&o, argc, argv);
	pin(&o);
	load_programs(&o);
	n = make_rows(rows);
	for (size_t i = 0; i < n; i++)
		if (configure(&rows[i]) || !verify(&rows[i]))
			return 1;
	if (calibrate(h.prog_fd, &rows[0].frame)) {
		fprintf(stderr, "xdp_cost: test run: %s\n", strerror(errno));
		return 1;
	}

	for (int round = 0; round < o.rounds; round++)
		for (size_t i = 0; i < n; i++) {
			if (configure(&rows[i]))
				return 1;
			for (int p = 0; p < NPROGS; p++) {
				int err;

				if (!has_program(p) || (p == XDPFILTER && rows[i].path == REPLY))
					continue;
				err = measure(prog_fd(&rows[i], p), &rows[i].frame, o.repeat,
					      &rows[i].ns[p][round]);
				if (err) {
					fprintf(stderr, "xdp_cost: test run: %s\n", strerror(-err));
					return 1;
				}
			}
		}

	if (o.data_file && !(data = fopen(o.data_file, "w"))) {
		fprintf(stderr, "xdp_cost: %s: %s\n", o.data_file, strerror(errno));
		return 1;
	}
	printf("BPF_PROG_TEST_RUN, %u frames per run, median of %d rounds ± half their "
	       "range, CPU %d, %.0f µs fixed cost per run subtracted%s%s.\n\n", o.repeat,
	       o.rounds, o.cpu, run_overhead_ns / 1e3,
	       have_filter ? "; xdp-filter from " : "", have_filter ? filt_allow.path : "");
	print_table(rows, n, &o, data);
	if (base_obj)
		print_baseline(rows, n, &o);
	print_egress(&o);
	if (data)
		fclose(data);
	xdp_floor__destroy(floor_skel);
	if (have_filter) {
		xdpfilter_close(&filt_allow);
		xdpfilter_close(&filt_deny);
	}
	harness_close(&h);
	return 0;
}
