// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Atomicity under load: real frames flow through the real filter while `apply`
 * switches between two rulesets, A and B, hundreds of times. Every frame must get
 * the verdict *and reason* A or B gives its port: never one that neither gives.
 *
 * The probe ports (tcp PROBE_BASE.., PROBE_SPAN of them) come in four groups:
 *
 *   group  A              B              a state neither A nor B is, e.g. the clean
 *   0      allow (rule)   deny (rule)    ruleset apply starts from, or the policy
 *   1      deny (rule)    allow (rule)   set before the rules, gives ports of groups
 *   2      deny (rule)    deny (rule)    0-2 a policy reason (and group 2 a pass),
 *   3      no rule: policy drop / pass   or ports of group 3 a rule reason.
 *
 * The data path counts each frame per port (passed/dropped) and per reason (rule or
 * policy), so: group 2 never passes, and the rule-reason count equals the frames to
 * groups 0-2 while the policy-reason count equals the frames to group 3. A and B also
 * differ on thousands of other ports, their policies and fragments setting, so that
 * every apply rewrites most of the ruleset.
 *
 * Then the same for a change that spans every map of a ruleset: C and D differ in
 * port rules, per-port source rules (a set and the trie), a flood limit (the limits
 * slot) and their `deny from` tables (src4 tables), so every apply builds new source
 * tables, switches rules, limits and sources in one flip, and frees the old tables.
 * UDP frames from 198.18.0.1 to PROBE2_SPAN ports, in four groups:
 *
 *   group  C                              D
 *   0      allow (pass-rule)              deny (drop-rule)
 *   1      allow, deny from @s: drop      deny (drop-rule)
 *   2      deny (drop-rule)               allow, deny from @s: drop
 *   3      allow, limit 1/min: drop       deny (drop-rule)
 *
 * Groups 1-3 never pass in C or in D, but would with half a change: C's rules with
 * D's source tables or none (group 1 passes by its allow rule), D's with C's (group
 * 2), C's rules with a limits slot that is not C's (group 3 passes unlimited). So:
 * groups 1 and 2 never pass, each port of group 3 passes at most once a minute (plus
 * its burst of one), every pass is a pass-rule and every drop a rule, source or limit
 * one.
 *
 * The frames come from tests/lib/livegen (live frames out of one end of a veth pair,
 * spread round-robin over the probe ports), sent in chunks by a thread for as long as
 * the applies last; xdpport is attached natively to the other end. The pair lives in
 * two network namespaces of tests/lib/vethpair; outside tests/run.sh the test makes
 * its own sandbox (private bpffs), so the pin directory is always its own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "livegen.h"
#include "packet.h"
#include "report.h"
#include "vethpair.h"
#include "xdpport.h"

#define APPLIES		200
/* More while no frame has met both A and B yet: a loaded machine can starve the
 * generator while the applies run, and the check needs frames under both. */
#define APPLIES_MAX	1000
#define PROBE_BASE	20000
#define PROBE_SPAN	64
#define GROUPS		4
#define CHUNK		(1u << 14)	/* frames per livegen_send: a multiple of PROBE_SPAN */
#define APPLIES2	40	/* each builds 20 MiB of source tables: slower */
#define PROBE2_BASE	21000	/* udp */
#define PROBE2_SPAN	64
#define SOURCE		"198.18.0.1"	/* tests/lib/packet's IPv4 source */

static char xdpport[256] = "build/xdpport";
static char dir[] = "/tmp/xdpport-load.XXXXXX";
static char file_a[64], file_b[64], file_c[64], file_d[64];
static struct veth_pair vp;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void bail(const char *what)
{
	printf("apply_load_test: %s\n", what);
	report(false, "setup: %s", what);
	veth_pair_destroy(&vp);
	exit(report_summary());
}

static int group(int i)
{
	return i % GROUPS;
}

/* A and B as described at the top. */
static void write_rulesets(void)
{
	FILE *a, *b;

	snprintf(file_a, sizeof(file_a), "%s/a.rules", dir);
	snprintf(file_b, sizeof(file_b), "%s/b.rules", dir);
	a = fopen(file_a, "w");
	b = fopen(file_b, "w");
	if (!a || !b)
		bail("cannot write the rulesets");
	fprintf(a, "policy drop\nfragments drop\nallow 22/tcp\ndeny 0-19999/udp\n");
	fprintf(b, "policy pass\nfragments pass\nallow 22/tcp\nallow 30000-65535\n");
	for (int i = 0; i < PROBE_SPAN; i++) {
		static const char *const in_a[] = { "allow", "deny", "deny", NULL };
		static const char *const in_b[] = { "deny", "allow", "deny", NULL };

		if (in_a[group(i)])
			fprintf(a, "%s %d/tcp\n", in_a[group(i)], PROBE_BASE + i);
		if (in_b[group(i)])
			fprintf(b, "%s %d/tcp\n", in_b[group(i)], PROBE_BASE + i);
	}
	for (int port = 1000; port < 9000; port += 2)	/* many small differences */
		fprintf(port % 4 ? a : b, "deny %d\n", port);
	fclose(a);
	fclose(b);
}

/* A line of C or D: `verb P/udp P/udp ...tail` for the ports of group g. */
static void line(FILE *out, const char *verb, int g, const char *tail)
{
	fputs(verb, out);
	for (int i = g; i < PROBE2_SPAN; i += GROUPS)
		fprintf(out, " %d/udp", PROBE2_BASE + i);
	fprintf(out, "%s\n", tail);
}

/* C and D as described at the top. */
static void write_rulesets_cd(void)
{
	FILE *c, *d;

	snprintf(file_c, sizeof(file_c), "%s/c.rules", dir);
	snprintf(file_d, sizeof(file_d), "%s/d.rules", dir);
	c = fopen(file_c, "w");
	d = fopen(file_d, "w");
	if (!c || !d)
		bail("cannot write the rulesets");
	/* The `deny from` of another address puts both in the /24 tables. */
	fprintf(c, "policy drop\nallow 22/tcp\nset s %s 198.19.1.0/24\ndeny from 198.18.0.2\n",
		SOURCE);
	line(c, "allow", 0, "");
	line(c, "allow", 1, "");
	line(c, "deny", 1, " from @s");
	line(c, "deny", 2, "");
	line(c, "allow", 3, "");
	for (int i = 3; i < PROBE2_SPAN; i += GROUPS)	/* limit takes one portspec */
		fprintf(c, "limit %d/udp 1/min burst 1\n", PROBE2_BASE + i);
	fprintf(d, "policy pass\nallow 22/tcp\nset s %s 198.19.2.0/24\ndeny from 198.18.0.3\n",
		SOURCE);
	line(d, "deny", 0, "");
	line(d, "deny", 1, "");
	line(d, "allow", 2, "");
	line(d, "deny", 2, " from @s");
	line(d, "deny", 3, "");
	fclose(c);
	fclose(d);
}

static int apply(const char *file)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execl(xdpport, "xdpport", "apply", file, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct generator {
	pthread_t thread;
	struct livegen *gen;
	struct pkt frame;
	struct livegen_opts opts;
	volatile bool stop;
	unsigned long long sent;
	int err;
};

/* Sends CHUNK after CHUNK from the sending namespace until told to stop. */
static void *generate(void *arg)
{
	struct generator *g = arg;

	if (veth_pair_enter_tx(&vp)) {
		g->err = EINVAL;
		return NULL;
	}
	while (!g->stop) {
		int64_t sent = livegen_send(g->gen, vp.tx_ifindex, g->frame.data, g->frame.len,
					    CHUNK, &g->opts, NULL);

		if (sent < 0) {
			g->err = -sent;
			break;
		}
		g->sent += sent;
	}
	return NULL;
}

/* Frames of `proto` to ports base.. (span of them), from the generator `gen`. */
static void start_generator(struct generator *g, struct livegen *gen, __u8 proto, __u16 base,
			    __u32 span)
{
	struct pkt_spec spec = { .ethertype = ETH_P_IP, .proto = proto, .sport = 40000,
				 .dport = base };

	g->gen = gen;
	if (!pkt_build(&spec, &g->frame))
		bail("cannot build the frame");
	g->opts = (struct livegen_opts){ .port_offset = g->frame.l4_off + 2, .port_base = base,
					 .port_span = span };
	if (pthread_create(&g->thread, NULL, generate, g))
		bail("cannot start the generator");
}

static void stop_generator(struct generator *g)
{
	usleep(100 * 1000);	/* traffic flows after the last switch */
	g->stop = true;
	pthread_join(g->thread, NULL);
	usleep(100 * 1000);	/* frames still in the veth ring */
}

struct counts {
	unsigned long long passed[PROBE_SPAN], dropped[PROBE_SPAN];
	unsigned long long reason[XDPPORT_NREASONS];
};

/* Reads the pinned counters of `span` ports from proto/base, summed over CPUs (and
 * interface slots). */
static void read_counts(struct counts *c, int proto, int base, int span)
{
	int ncpus = libbpf_num_possible_cpus();
	int ports = bpf_obj_get(XDPPORT_PIN_DIR "/xdpport_ports");
	int totals = bpf_obj_get(XDPPORT_PIN_DIR "/xdpport_totals");
	struct xdpport_port_count pc[ncpus];
	struct xdpport_totals t[ncpus];

	memset(c, 0, sizeof(*c));
	if (ports < 0 || totals < 0)
		bail("cannot open the pinned counters");
	for (int i = 0; i < span; i++) {
		__u32 key = proto * XDPPORT_PORTS + base + i;

		if (bpf_map_lookup_elem(ports, &key, pc))
			bail("cannot read the port counters");
		for (int cpu = 0; cpu < ncpus; cpu++) {
			c->passed[i] += pc[cpu].passed;
			c->dropped[i] += pc[cpu].dropped;
		}
	}
	for (__u32 slot = 0; slot < XDPPORT_IFACE_SLOTS; slot++) {
		if (bpf_map_lookup_elem(totals, &slot, t))
			bail("cannot read the totals");
		for (int cpu = 0; cpu < ncpus; cpu++)
			for (int r = 0; r < XDPPORT_NREASONS; r++)
				c->reason[r] += t[cpu].reason[r].packets;
	}
	close(ports);
	close(totals);
}

static void check(const struct counts *c, unsigned long long sent, int applies)
{
	unsigned long long by_group[GROUPS][2] = {}, rule_frames = 0, policy_frames = 0;
	unsigned long long rule_reason = c->reason[XDPPORT_PASS_RULE] + c->reason[XDPPORT_DROP_RULE];
	unsigned long long policy_reason =
		c->reason[XDPPORT_PASS_POLICY] + c->reason[XDPPORT_DROP_POLICY];

	for (int i = 0; i < PROBE_SPAN; i++) {
		by_group[group(i)][0] += c->passed[i];
		by_group[group(i)][1] += c->dropped[i];
		if (group(i) == 3)
			policy_frames += c->passed[i] + c->dropped[i];
		else
			rule_frames += c->passed[i] + c->dropped[i];
	}
	printf("    %d applies, %llu frames sent, %llu filtered; passed/dropped by group: "
	       "%llu/%llu %llu/%llu %llu/%llu %llu/%llu\n",
	       applies, sent, rule_frames + policy_frames, by_group[0][0], by_group[0][1],
	       by_group[1][0], by_group[1][1], by_group[2][0], by_group[2][1], by_group[3][0],
	       by_group[3][1]);
	printf("    reasons: pass-rule %llu, drop-rule %llu, pass-policy %llu, drop-policy %llu\n",
	       c->reason[XDPPORT_PASS_RULE], c->reason[XDPPORT_DROP_RULE],
	       c->reason[XDPPORT_PASS_POLICY], c->reason[XDPPORT_DROP_POLICY]);

	report(rule_frames + policy_frames >= 100000,
	       "load: at least 100000 frames went through the filter while it switched");
	report(rule_frames + policy_frames == sent,
	       "load: every frame sent was counted once, on its port (livegen loses none)");
	report(check_true(by_group[0][0]) && check_true(by_group[0][1]) &&
		       check_true(by_group[1][0]) && check_true(by_group[1][1]) &&
		       check_true(by_group[3][0]) && check_true(by_group[3][1]),
	       "load: frames saw both A and B (else the test proves nothing)");
	report(by_group[2][0] == 0, "load: ports both rulesets deny never passed a frame");
	report(rule_reason == rule_frames,
	       "load: every frame to a port with a rule in A and B was judged by a rule");
	report(policy_reason == policy_frames,
	       "load: every frame to a port without a rule in A and B was judged by a policy");
}

/* `after` minus `before`. */
static void subtract(struct counts *after, const struct counts *before)
{
	for (int i = 0; i < PROBE_SPAN; i++) {
		after->passed[i] -= before->passed[i];
		after->dropped[i] -= before->dropped[i];
	}
	for (int r = 0; r < XDPPORT_NREASONS; r++)
		after->reason[r] -= before->reason[r];
}

static void check_cd(const struct counts *c, unsigned long long sent, int applies, double secs)
{
	unsigned long long by_group[GROUPS][2] = {}, passed = 0, dropped = 0;
	const unsigned long long *r = c->reason;
	/* Per port of group 3: its burst of one, and one a minute (started or not). */
	unsigned long long limit_passes = PROBE2_SPAN / GROUPS * (2 + (unsigned)(secs / 60));

	for (int i = 0; i < PROBE2_SPAN; i++) {
		by_group[group(i)][0] += c->passed[i];
		by_group[group(i)][1] += c->dropped[i];
		passed += c->passed[i];
		dropped += c->dropped[i];
	}
	printf("    %d applies in %.1f s, %llu frames sent, %llu filtered; passed/dropped by "
	       "group: %llu/%llu %llu/%llu %llu/%llu %llu/%llu\n",
	       applies, secs, sent, passed + dropped, by_group[0][0], by_group[0][1],
	       by_group[1][0], by_group[1][1], by_group[2][0], by_group[2][1], by_group[3][0],
	       by_group[3][1]);
	printf("    reasons: pass-rule %llu, drop-rule %llu, drop-source %llu, drop-limit %llu, "
	       "pass-source %llu, pass-policy %llu, drop-policy %llu\n",
	       r[XDPPORT_PASS_RULE], r[XDPPORT_DROP_RULE], r[XDPPORT_DROP_SOURCE],
	       r[XDPPORT_DROP_LIMIT], r[XDPPORT_PASS_SOURCE], r[XDPPORT_PASS_POLICY],
	       r[XDPPORT_DROP_POLICY]);

	report(passed + dropped >= 100000,
	       "rules+limits+sources: at least 100000 frames went through while it switched");
	report(passed + dropped == sent,
	       "rules+limits+sources: every frame sent was counted once, on its port");
	report(check_true(by_group[0][0]) && check_true(by_group[0][1]) &&
		       check_true(r[XDPPORT_DROP_SOURCE]) && check_true(r[XDPPORT_DROP_LIMIT]),
	       "rules+limits+sources: frames saw both C and D, source and limit drops too");
	report(by_group[1][0] == 0,
	       "rules+limits+sources: C's source rule was never missing under C's rules");
	report(by_group[2][0] == 0,
	       "rules+limits+sources: D's source rule was never missing under D's rules");
	report(by_group[3][0] <= limit_passes,
	       "rules+limits+sources: C's limit held under C's rules (%llu passed, at most %llu)",
	       by_group[3][0], limit_passes);
	report(r[XDPPORT_PASS_RULE] == passed,
	       "rules+limits+sources: every frame that passed was passed by a rule");
	report(r[XDPPORT_DROP_RULE] + r[XDPPORT_DROP_SOURCE] + r[XDPPORT_DROP_LIMIT] == dropped,
	       "rules+limits+sources: every frame that dropped was dropped by a rule, a source "
	       "rule or a limit");
	report(r[XDPPORT_PASS_SOURCE] + r[XDPPORT_PASS_POLICY] + r[XDPPORT_DROP_POLICY] == 0,
	       "rules+limits+sources: no frame was judged by a policy or passed by a source");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The second phase: C and D, rules, limits and sources switched together. */
static void run_cd(struct livegen *gen)
{
	struct generator g = {};
	struct counts before, after;
	int applies, failed_applies = 0;
	double start;

	if (apply(file_c))
		bail("cannot apply C");
	read_counts(&before, XDPPORT_UDP, PROBE2_BASE, PROBE2_SPAN);
	start_generator(&g, gen, IPPROTO_UDP, PROBE2_BASE, PROBE2_SPAN);
	usleep(100 * 1000);	/* traffic flows before the first switch */
	start = now_s();
	for (applies = 0; applies < APPLIES2 && !g.err; applies++)
		failed_applies += apply(applies % 2 ? file_c : file_d) != 0;
	stop_generator(&g);
	report(!g.err, "rules+limits+sources: the generator ran (%s)",
	       g.err ? strerror(g.err) : "ok");
	report(!failed_applies, "rules+limits+sources: %d applies alternating C and D all "
	       "exited 0", applies);
	read_counts(&after, XDPPORT_UDP, PROBE2_BASE, PROBE2_SPAN);
	subtract(&after, &before);
	check_cd(&after, g.sent, applies, now_s() - start);
}

/* Whether frames to group 0 (A passes, B drops them) have met both rulesets. */
static bool group0_saw_both(void)
{
	unsigned long long passed = 0, dropped = 0;
	struct counts c;

	read_counts(&c, XDPPORT_TCP, PROBE_BASE, PROBE_SPAN);
	for (int i = 0; i < PROBE_SPAN; i++)
		if (group(i) == 0) {
			passed += c.passed[i];
			dropped += c.dropped[i];
		}
	return passed && dropped;
}

int main(void)
{
	struct generator g = {};
	struct counts c;
	int applies = 0, failed_applies = 0;
	struct livegen *gen;
	char why[128];

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* tests/run.sh exports BUILD (build/sanitize for SANITIZE=1); XDPPORT wins. */
	if (getenv("BUILD"))
		snprintf(xdpport, sizeof(xdpport), "%s/xdpport", getenv("BUILD"));
	if (getenv("XDPPORT"))
		snprintf(xdpport, sizeof(xdpport), "%s", getenv("XDPPORT"));
	if (sandbox_enter())
		bail("cannot make a sandbox (root?)");
	if (!mkdtemp(dir))
		bail("mkdtemp failed");
	write_rulesets();
	write_rulesets_cd();
	if (veth_pair_create(&vp, "load", 1))
		bail("cannot create the veth pair");
	sh("%s detach --all >/dev/null 2>&1; %s flush >/dev/null 2>&1", xdpport, xdpport);
	if (apply(file_a) || sh("nsenter --net=/run/netns/%s %s attach %s --mode native >/dev/null",
				vp.rx_ns, xdpport, vp.rx_dev))
		bail("cannot apply A and attach natively to the receiving end");
	gen = livegen_open();
	if (!gen)
		bail("cannot load the traffic generator");
	if (!livegen_supported(gen, why, sizeof(why)))
		bail(why);
	start_generator(&g, gen, IPPROTO_TCP, PROBE_BASE, PROBE_SPAN);
	usleep(100 * 1000);	/* traffic flows before the first switch */
	for (applies = 0; applies < APPLIES_MAX && !g.err; applies++) {
		if (applies >= APPLIES && applies % 20 == 0 && group0_saw_both())
			break;
		failed_applies += apply(applies % 2 ? file_a : file_b) != 0;
	}
	stop_generator(&g);
	report(!g.err, "load: the generator ran (%s)", g.err ? strerror(g.err) : "ok");
	report(!failed_applies, "load: %d applies alternating A and B all exited 0", applies);
	read_counts(&c, XDPPORT_TCP, PROBE_BASE, PROBE_SPAN);
	check(&c, g.sent, applies);
	run_cd(gen);

	livegen_close(gen);
	sh("%s detach --all >/dev/null 2>&1; %s flush >/dev/null 2>&1", xdpport, xdpport);
	veth_pair_destroy(&vp);
	unlink(file_a);
	unlink(file_b);
	unlink(file_c);
	unlink(file_d);
	rmdir(dir);
	return report_summary();
}
