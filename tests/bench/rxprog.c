// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * rxprog: the receiving side of the end-to-end benchmarks (tests/bench/bench.sh). Puts an
 * XDP program on a veth end and reads the counters that say what arrived there.
 *
 *   rxprog attach DEV floor_pass|floor_drop
 *   rxprog attach DEV xdpport --policy pass|drop [--drop SPEC]... [--pass SPEC]...
 *                 [--pin DIR]
 *       SPEC is PROTO/PORT or PROTO/LO-HI (tcp/9, udp/10000-10255). The program is
 *       attached in native mode and stays attached after rxprog exits; xdpport's
 *       totals map is pinned at DIR/xdpport_totals (default /sys/fs/bpf/rxprog).
 *   rxprog detach DEV
 *   rxprog totals [--pin DIR]     xdpport's reason counters, summed over CPUs
 *   rxprog devstats DEV           the driver's XDP counters (veth, via ethtool)
 *
 * The counters print as one line of name=value pairs. This stands in for the xdpport
 * CLI until it exists; then the benchmark can drive `xdpport attach` and its rules
 * instead (see the hook in tests/bench/bench.sh). Exit status: 0 ok, 1 failure, 2 usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ethstats.h"
#include "xdp_floor.skel.h"
#include "xdpport.h"
#include "xdpport.skel.h"

#define DEFAULT_PIN	"/sys/fs/bpf/rxprog"
#define MAX_SPECS	64

static const char *reason_name[XDPPORT_NREASONS] = {
	"pass_policy", "drop_policy", "pass_rule", "drop_rule",
	"pass_fragment", "drop_fragment", "pass_unfiltered", "drop_malformed",
};

struct port_spec {
	int proto;		/* XDPPORT_TCP or XDPPORT_UDP */
	unsigned lo, hi;
	int entry;		/* XDPPORT_ENTRY_RULE_PASS or _DROP */
};

static void usage(FILE *to)
{
	fprintf(to,
		"usage: rxprog attach DEV floor_pass|floor_drop\n"
		"       rxprog attach DEV xdpport --policy pass|drop [--drop SPEC]... "
		"[--pass SPEC]... [--pin DIR]\n"
		"       rxprog detach DEV\n"
		"       rxprog totals [--pin DIR]\n"
		"       rxprog devstats DEV\n"
		"SPEC: tcp/PORT, udp/PORT, tcp/LO-HI or udp/LO-HI\n");
}

static int fail(const char *what, const char *detail)
{
	fprintf(stderr, "rxprog: %s: %s\n", what, detail);
	return 1;
}

static int usage_error(const char *what)
{
	fprintf(stderr, "rxprog: %s\n", what);
	usage(stderr);
	return 2;
}

static int ifindex_of(const char *dev)
{
	int idx = if_nametoindex(dev);

	if (!idx)
		fprintf(stderr, "rxprog: no device %s here\n", dev);
	return idx;
}

static bool parse_spec(const char *s, int entry, struct port_spec *out)
{
	char proto[4];
	unsigned lo, hi;
	int n = 0;

	if (sscanf(s, "%3[a-z]/%u%n", proto, &lo, &n) != 2)
		return false;
	hi = lo;
	if (s[n] == '-' && sscanf(s + n + 1, "%u", &hi) != 1)
		return false;
	if (lo > hi || hi > 65535)
		return false;
	if (!strcmp(proto, "tcp"))
		out->proto = XDPPORT_TCP;
	else if (!strcmp(proto, "udp"))
		out->proto = XDPPORT_UDP;
	else
		return false;
	out->lo = lo;
	out->hi = hi;
	out->entry = entry;
	return true;
}

static int attach_fd(const char *dev, int prog_fd)
{
	int idx = ifindex_of(dev), err;

	if (!idx)
		return 1;
	/* Native only: a benchmark that silently fell back to generic would lie. */
	err = bpf_xdp_attach(idx, prog_fd, XDP_FLAGS_DRV_MODE, NULL);
	return err ? fail("attach in native mode", strerror(-err)) : 0;
}

static int attach_floor(const char *dev, const char *name)
{
	struct xdp_floor *skel = xdp_floor__open_and_load();
	int rc;

	if (!skel)
		return fail("load the floor programs", strerror(errno));
	rc = attach_fd(dev, bpf_program__fd(strcmp(name, "floor_drop") ? skel->progs.floor_pass
									: skel->progs.floor_drop));
	xdp_floor__destroy(skel);	/* the attachment keeps the program */
	return rc;
}

static void write_ruleset(struct xdpport_rules *rules, int policy, const struct port_spec *specs,
			  int n)
{
	struct xdpport_ruleset *rs = &rules->slot[0];

	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		rs->policy[p] = policy;
		memset(rs->entry[p], policy, XDPPORT_PORTS);
	}
	for (int i = 0; i < n; i++)
		for (unsigned port = specs[i].lo; port <= specs[i].hi; port++)
			rs->entry[specs[i].proto][port] = specs[i].entry;
	rules->layout = XDPPORT_LAYOUT;
	__atomic_store_n(&rules->active, 0, __ATOMIC_RELEASE);
}

static int pin_totals(struct xdpport *skel, const char *dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/xdpport_totals", dir);
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	unlink(path);	/* a previous run's map */
	return bpf_map__pin(skel->maps.xdpport_totals, path);
}

static int attach_xdpport(const char *dev, int policy, const struct port_spec *specs, int n,
			  const char *pin)
{
	struct xdpport *skel = xdpport__open();
	struct xdpport_rules *rules;
	struct bpf_map *map;
	int rc = 1, err;

	if (!skel)
		return fail("open xdpport", strerror(errno));
	bpf_object__for_each_map(map, skel->obj)
		bpf_map__set_pin_path(map, NULL);	/* private: never the host's filter */
	err = xdpport__load(skel);
	if (err) {
		fail("load xdpport", strerror(-err));
		goto out;
	}
	rules = mmap(NULL, sizeof(*rules), PROT_READ | PROT_WRITE, MAP_SHARED,
		     bpf_map__fd(skel->maps.xdpport_rules), 0);
	if (rules == MAP_FAILED) {
		fail("mmap xdpport_rules", strerror(errno));
		goto out;
	}
	write_ruleset(rules, policy, specs, n);
	munmap(rules, sizeof(*rules));
	err = pin_totals(skel, pin);
	if (err) {
		fail("pin xdpport_totals", strerror(-err));
		goto out;
	}
	rc = attach_fd(dev, bpf_program__fd(skel->progs.xdpport));
out:
	xdpport__destroy(skel);
	return rc;
}

static int cmd_attach(int argc, char **argv)
{
	struct port_spec specs[MAX_SPECS];
	const char *pin = DEFAULT_PIN;
	int n = 0, policy = -1;

	if (argc < 2)
		return usage_error("attach needs DEV and PROGRAM");
	if (!strcmp(argv[1], "floor_pass") || !strcmp(argv[1], "floor_drop"))
		return argc == 2 ? attach_floor(argv[0], argv[1]) : usage_error("floor takes no options");
	if (strcmp(argv[1], "xdpport"))
		return usage_error("PROGRAM is floor_pass, floor_drop or xdpport");
	for (int i = 2; i < argc; i += 2) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val)
			return usage_error("option without a value");
		if (!strcmp(opt, "--policy") && (!strcmp(val, "pass") || !strcmp(val, "drop"))) {
			policy = !strcmp(val, "drop");
		} else if (!strcmp(opt, "--pin")) {
			pin = val;
		} else if (!strcmp(opt, "--drop") || !strcmp(opt, "--pass")) {
			int entry = opt[2] == 'd' ? XDPPORT_ENTRY_RULE_DROP : XDPPORT_ENTRY_RULE_PASS;

			if (n == MAX_SPECS || !parse_spec(val, entry, &specs[n++]))
				return usage_error("bad port SPEC");
		} else {
			return usage_error("unknown option");
		}
	}
	if (policy < 0)
		return usage_error("xdpport needs --policy pass|drop");
	return attach_xdpport(argv[0], policy, specs, n, pin);
}

static int cmd_detach(int argc, char **argv)
{
	int idx, err;

	if (argc != 1)
		return usage_error("detach needs DEV");
	idx = ifindex_of(argv[0]);
	if (!idx)
		return 1;
	err = bpf_xdp_detach(idx, XDP_FLAGS_DRV_MODE, NULL);
	return err ? fail("detach", strerror(-err)) : 0;
}

static int cmd_totals(int argc, char **argv)
{
	const char *pin = argc == 2 && !strcmp(argv[0], "--pin") ? argv[1] : DEFAULT_PIN;
	int ncpus = libbpf_num_possible_cpus(), fd;
	char path[512];
	__u32 slot = 0;

	if (argc != 0 && argc != 2)
		return usage_error("totals takes only --pin DIR");
	snprintf(path, sizeof(path), "%s/xdpport_totals", pin);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return fail(path, strerror(errno));
	struct xdpport_totals per_cpu[ncpus > 0 ? ncpus : 1];

	if (bpf_map_lookup_elem(fd, &slot, per_cpu))
		return fail("read xdpport_totals", strerror(errno));
	for (int r = 0; r < XDPPORT_NREASONS; r++) {
		unsigned long long sum = 0;

		for (int c = 0; c < ncpus; c++)
			sum += per_cpu[c].reason[r].packets;
		printf("%s%s=%llu", r ? " " : "", reason_name[r], sum);
	}
	printf("\n");
	close(fd);
	return 0;
}

static int cmd_devstats(int argc, char **argv)
{
	static const char *const names[] = { "_xdp_packets", "_xdp_drops", "_xdp_tx",
					     "_xdp_redirect", "_drops" };
	uint64_t v;

	if (argc != 1)
		return usage_error("devstats needs DEV");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n = ethstats_sum(argv[0], "rx_queue_", names[i], &v);

		if (n < 0)
			return fail(argv[0], strerror(-n));
		printf("%s%s=%llu", i ? " " : "", names[i] + 1, (unsigned long long)v);
	}
	/* What this end handed to its peer, and what the peer's full ring refused. */
	if (ethstats_sum(argv[0], "tx_queue_", "_xdp_xmit", &v) > 0)
		printf(" tx_xdp_xmit=%llu", (unsigned long long)v);
	if (ethstats_sum(argv[0], "tx_queue_", "_xdp_xmit_errors", &v) > 0)
		printf(" tx_xdp_xmit_errors=%llu", (unsigned long long)v);
	printf("\n");
	return 0;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} cmds[] = {
		{ "attach", cmd_attach },
		{ "detach", cmd_detach },
		{ "totals", cmd_totals },
		{ "devstats", cmd_devstats },
	};

	libbpf_set_print(quiet);
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].run(argc - 2, argv + 2);
	return usage_error("unknown command");
}
