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
 * The frames come from bpf/trafficgen.bpf.c run with BPF_F_TEST_XDP_LIVE_FRAMES on one
 * end of a veth pair (XDP_TX), spread round-robin over the probe ports; xdpport is
 * attached natively to the other end. Everything lives in a network namespace this
 * test creates and that dies with it; run it through tests/run.sh (private bpffs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "packet.h"
#include "report.h"
#include "trafficgen.skel.h"
#include "xdpport.h"

#define APPLIES		200
#define PROBE_BASE	20000
#define PROBE_SPAN	64
#define GROUPS		4
#define TX_IF		"xpload0"	/* the generator sends out of this end */
#define RX_IF		"xpload1"	/* xdpport filters here */
#define REPEAT		(1u << 14)	/* frames per test run */

static char xdpport[256] = "build/xdpport";
static char dir[] = "/tmp/xdpport-load.XXXXXX";
static char file_a[64], file_b[64];

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

/* A veth pair in a namespace of our own, IPv6 off so the kernel sends nothing. */
static void make_veth(void)
{
	if (unshare(CLONE_NEWNET))
		bail("unshare(CLONE_NEWNET) failed");
	if (sh("ip link add " TX_IF " type veth peer name " RX_IF) ||
	    sh("echo 1 > /proc/sys/net/ipv6/conf/" TX_IF "/disable_ipv6") ||
	    sh("echo 1 > /proc/sys/net/ipv6/conf/" RX_IF "/disable_ipv6") ||
	    sh("ip link set " TX_IF " up && ip link set " RX_IF " up"))
		bail("cannot create the veth pair");
	for (int tries = 0; sh("ip -br link show " TX_IF " | grep -q ' UP '") ||
			    sh("ip -br link show " RX_IF " | grep -q ' UP '");
	     tries++) {
		if (tries > 100)
			bail("the veth pair never came up");
		usleep(50 * 1000);
	}
}

struct generator {
	pthread_t thread;
	int prog_fd, ifindex;
	struct pkt frame;
	volatile bool stop;
	unsigned long long sent;
	int err;
};

static void *generate(void *arg)
{
	struct generator *g = arg;
	struct xdp_md ctx = { .data_end = g->frame.len, .ingress_ifindex = g->ifindex };

	while (!g->stop) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = g->frame.data,
			    .data_size_in = g->frame.len, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
			    .repeat = REPEAT, .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
			    .batch_size = 64);

		if (bpf_prog_test_run_opts(g->prog_fd, &opts)) {
			g->err = errno;
			break;
		}
		g->sent += REPEAT;
	}
	return NULL;
}

static struct trafficgen *load_generator(struct generator *g)
{
	struct pkt_spec spec = { .ethertype = ETH_P_IP, .proto = IPPROTO_TCP, .sport = 40000,
				 .dport = PROBE_BASE };
	struct trafficgen *skel = trafficgen__open();

	if (!skel || !pkt_build(&spec, &g->frame))
		bail("cannot open the traffic generator");
	skel->rodata->port_offset = g->frame.l4_off + 2;	/* TCP destination port */
	skel->rodata->port_base = PROBE_BASE;
	skel->rodata->port_span = PROBE_SPAN;
	if (trafficgen__load(skel))
		bail("cannot load the traffic generator");
	g->prog_fd = bpf_program__fd(skel->progs.trafficgen);
	g->ifindex = if_nametoindex(TX_IF);
	return skel;
}

struct counts {
	unsigned long long passed[PROBE_SPAN], dropped[PROBE_SPAN];
	unsigned long long reason[XDPPORT_NREASONS];
};

/* Reads the pinned counters, summed over CPUs (and interface slots). */
static void read_counts(struct counts *c)
{
	int ncpus = libbpf_num_possible_cpus();
	int ports = bpf_obj_get(XDPPORT_PIN_DIR "/xdpport_ports");
	int totals = bpf_obj_get(XDPPORT_PIN_DIR "/xdpport_totals");
	struct xdpport_port_count pc[ncpus];
	struct xdpport_totals t[ncpus];

	memset(c, 0, sizeof(*c));
	if (ports < 0 || totals < 0)
		bail("cannot open the pinned counters");
	for (int i = 0; i < PROBE_SPAN; i++) {
		__u32 key = XDPPORT_TCP * XDPPORT_PORTS + PROBE_BASE + i;

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
	report(by_group[0][0] && by_group[0][1] && by_group[1][0] && by_group[1][1] &&
		       by_group[3][0] && by_group[3][1],
	       "load: frames saw both A and B (else the test proves nothing)");
	report(by_group[2][0] == 0, "load: ports both rulesets deny never passed a frame");
	report(rule_reason == rule_frames,
	       "load: every frame to a port with a rule in A and B was judged by a rule");
	report(policy_reason == policy_frames,
	       "load: every frame to a port without a rule in A and B was judged by a policy");
}

int main(void)
{
	struct generator g = {};
	struct trafficgen *skel;
	struct counts c;
	int applies = 0, failed_applies = 0;

	if (!getenv("XDPPORT_TEST_SANDBOX")) {
		printf("apply_load_test uses the real pin directory: run it through tests/run.sh\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	/* tests/run.sh exports BUILD (build/sanitize for SANITIZE=1); XDPPORT wins. */
	if (getenv("BUILD"))
		snprintf(xdpport, sizeof(xdpport), "%s/xdpport", getenv("BUILD"));
	if (getenv("XDPPORT"))
		snprintf(xdpport, sizeof(xdpport), "%s", getenv("XDPPORT"));
	if (!mkdtemp(dir))
		bail("mkdtemp failed");
	write_rulesets();
	make_veth();
	sh("%s detach --all >/dev/null 2>&1; %s flush >/dev/null 2>&1", xdpport, xdpport);
	if (apply(file_a) || sh("%s attach " RX_IF " --mode native >/dev/null", xdpport))
		bail("cannot apply A and attach natively to " RX_IF);
	skel = load_generator(&g);
	if (pthread_create(&g.thread, NULL, generate, &g))
		bail("cannot start the generator");
	usleep(100 * 1000);	/* traffic flows before the first switch */
	for (applies = 0; applies < APPLIES && !g.err; applies++)
		failed_applies += apply(applies % 2 ? file_a : file_b) != 0;
	usleep(100 * 1000);	/* and after the last */
	g.stop = true;
	pthread_join(g.thread, NULL);
	usleep(100 * 1000);	/* frames still in the veth ring */
	report(!g.err, "load: the generator ran (%s)", g.err ? strerror(g.err) : "ok");
	report(!failed_applies, "load: %d applies alternating A and B all exited 0", applies);
	read_counts(&c);
	check(&c, g.sent, applies);

	trafficgen__destroy(skel);
	sh("%s detach --all >/dev/null 2>&1; %s flush >/dev/null 2>&1", xdpport, xdpport);
	unlink(file_a);
	unlink(file_b);
	rmdir(dir);
	return report_summary();
}
