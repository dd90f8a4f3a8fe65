// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdpgen: send test frames out of a veth end with the live-frames generator
 * (tests/lib/livegen.h), for shell tests and benchmarks.
 *
 *   xdpgen --dev IF [--netns NAME] [--count N] [--proto tcp|udp|icmp] [--dport P]
 *          [--span N] [--ipv6] [--vlan] [--len BYTES] [--cpus N | --cpu-list A,B]
 *          [--batch N] [--dst-mac MAC] [--src-mac MAC] [--random-source]
 *
 * Prints one line of key=value pairs: sent, accepted (frames the driver handed to
 * the peer; -1 if it does not say), ns (wall time), cpu_ns and cpu_max_ns (CPU time
 * of the sending threads, summed and the largest: see livegen.h), mpps (sent / wall
 * time) and len. Exit status: 0 sent, 1 failed, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "livegen.h"
#include "packet.h"

#define DEFAULT_LEN	60	/* 64 bytes on the wire with the FCS */

struct args {
	const char *dev, *netns;
	uint64_t count;
	struct pkt_spec spec;
	uint32_t span, batch;
	size_t len;
	int nthreads, cpus[LIVEGEN_MAX_THREADS];
	bool cpu_list, random_source;
	const char *dst_mac, *src_mac;
};

static void usage(FILE *to)
{
	fprintf(to,
		"usage: xdpgen --dev IF [options]\n"
		"  --dev IF           veth end to send from (its peer must run an XDP program)\n"
		"  --netns NAME       enter /run/netns/NAME first\n"
		"  --count N          frames to send in all (default 1000000)\n"
		"  --proto P          tcp, udp (default) or icmp\n"
		"  --dport P          destination port (default 9)\n"
		"  --sport P          source port (default 40000)\n"
		"  --span N           spread over ports dport..dport+N-1, round robin per CPU\n"
		"  --ipv6             IPv6 instead of IPv4\n"
		"  --random-source    a random IPv4 source address per frame\n"
		"  --vlan             one 802.1Q tag\n"
		"  --len BYTES        frame length without FCS (default %d; at least the headers)\n"
		"  --cpus N           N sending threads on CPUs 0..N-1 (default 1)\n"
		"  --cpu-list A,B,..  one sending thread per listed CPU\n"
		"  --batch N          frames per kernel batch, 1..256 (default %d)\n"
		"  --dst-mac MAC      destination MAC (default 02:00:00:00:00:02)\n"
		"  --src-mac MAC      source MAC (default 02:00:00:00:00:01)\n",
		DEFAULT_LEN, LIVEGEN_DEFAULT_BATCH);
}

static void usage_error(const char *fmt, const char *what)
{
	fprintf(stderr, "xdpgen: ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, "\n");
	usage(stderr);
	exit(2);
}

static unsigned long long number(const char *s, unsigned long long max, const char *opt)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end || v > max || *s == '-')
		usage_error("bad number for %s", opt);
	return v;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return false;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return false;
		mac[i] = b[i];
	}
	return true;
}

static void parse_cpu_list(struct args *a, const char *list)
{
	char *copy = strdup(list), *save = NULL;

	a->nthreads = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (a->nthreads == LIVEGEN_MAX_THREADS)
			usage_error("%s: too many CPUs", "--cpu-list");
		a->cpus[a->nthreads++] = number(tok, CPU_SETSIZE - 1, "--cpu-list");
	}
	free(copy);
	if (!a->nthreads)
		usage_error("%s: no CPU", "--cpu-list");
	a->cpu_list = true;
}

static void parse_args(struct args *a, int argc, char **argv)
{
	enum { DEV = 256, NETNS, COUNT, PROTO, DPORT, SPORT, SPAN, IPV6, VLAN, LEN, CPUS,
	       CPU_LIST, BATCH, DST_MAC, SRC_MAC, RANDOM_SOURCE, HELP };
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, DEV },
		{ "netns", required_argument, NULL, NETNS },
		{ "count", required_argument, NULL, COUNT },
		{ "proto", required_argument, NULL, PROTO },
		{ "dport", required_argument, NULL, DPORT },
		{ "sport", required_argument, NULL, SPORT },
		{ "span", required_argument, NULL, SPAN },
		{ "ipv6", no_argument, NULL, IPV6 },
		{ "vlan", no_argument, NULL, VLAN },
		{ "len", required_argument, NULL, LEN },
		{ "cpus", required_argument, NULL, CPUS },
		{ "cpu-list", required_argument, NULL, CPU_LIST },
		{ "batch", required_argument, NULL, BATCH },
		{ "dst-mac", required_argument, NULL, DST_MAC },
		{ "src-mac", required_argument, NULL, SRC_MAC },
		{ "random-source", no_argument, NULL, RANDOM_SOURCE },
		{ "help", no_argument, NULL, HELP },
		{ 0 },
	};
	int c;

	*a = (struct args){
		.count = 1000000, .len = DEFAULT_LEN, .nthreads = 1,
		.spec = { .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .sport = 40000, .dport = 9 },
	};
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case DEV: a->dev = optarg; break;
		case NETNS: a->netns = optarg; break;
		case COUNT: a->count = number(optarg, UINT64_MAX, "--count"); break;
		case DPORT: a->spec.dport = number(optarg, 65535, "--dport"); break;
		case SPORT: a->spec.sport = number(optarg, 65535, "--sport"); break;
		case SPAN: a->span = number(optarg, 65536, "--span"); break;
		case IPV6: a->spec.ethertype = ETH_P_IPV6; break;
		case VLAN: a->spec.vlans = 1; break;
		case LEN: a->len = number(optarg, PKT_MAX, "--len"); break;
		case CPUS: a->nthreads = number(optarg, LIVEGEN_MAX_THREADS, "--cpus"); break;
		case CPU_LIST: parse_cpu_list(a, optarg); break;
		case BATCH: a->batch = number(optarg, 256, "--batch"); break;
		case DST_MAC: a->dst_mac = optarg; break;
		case SRC_MAC: a->src_mac = optarg; break;
		case RANDOM_SOURCE: a->random_source = true; break;
		case HELP: usage(stdout); exit(0);
		case PROTO:
			if (!strcmp(optarg, "tcp"))
				a->spec.proto = IPPROTO_TCP;
			else if (!strcmp(optarg, "udp"))
				a->spec.proto = IPPROTO_UDP;
			else if (!strcmp(optarg, "icmp"))
				a->spec.proto = IPPROTO_ICMP;
			else
				usage_error("unknown protocol %s", optarg);
			break;
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument %s", argv[optind]);
	if (!a->dev)
		usage_error("%s is required", "--dev");
	if (!a->count || !a->nthreads)
		usage_error("%s", "--count and --cpus must be at least 1");
	if (a->spec.proto == IPPROTO_ICMP && a->span > 1)
		usage_error("%s: ICMP has no ports to spread", "--span");
	if (a->spec.proto == IPPROTO_ICMP && a->spec.ethertype == ETH_P_IPV6)
		a->spec.proto = IPPROTO_ICMPV6;
	if (a->random_source && a->spec.ethertype != ETH_P_IP)
		usage_error("%s: IPv4 only", "--random-source");
	if (a->span > 1 && (unsigned)a->spec.dport + a->span > 65536)
		usage_error("%s: dport + span exceeds 65536", "--span");
}

/* Builds the template: the headers, then payload up to --len. */
static void build_frame(const struct args *a, struct pkt *p)
{
	struct pkt_spec s = a->spec;
	uint8_t mac[6];

	if (!pkt_build(&s, p))
		usage_error("%s", "frame does not build");
	if (a->len < p->len) {
		fprintf(stderr, "xdpgen: --len %zu is shorter than the headers (%zu)\n", a->len,
			p->len);
		exit(2);
	}
	s.payload = a->len - p->len;
	pkt_build(&s, p);
	if (a->dst_mac) {
		if (!parse_mac(a->dst_mac, mac))
			usage_error("bad MAC %s", a->dst_mac);
		memcpy(p->data, mac, 6);
	}
	if (a->src_mac) {
		if (!parse_mac(a->src_mac, mac))
			usage_error("bad MAC %s", a->src_mac);
		memcpy(p->data + 6, mac, 6);
	}
}

static void enter_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "xdpgen: enter netns %s: %s\n", name, strerror(errno));
		exit(1);
	}
	close(fd);
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	struct livegen_result res;
	struct livegen_opts o;
	struct livegen *gen;
	struct args a;
	struct pkt p;
	int64_t sent;
	int ifindex;

	libbpf_set_print(quiet);
	parse_args(&a, argc, argv);
	build_frame(&a, &p);
	if (a.netns)
		enter_netns(a.netns);
	ifindex = if_nametoindex(a.dev);
	if (!ifindex) {
		fprintf(stderr, "xdpgen: no device %s here: %s\n", a.dev, strerror(errno));
		return 1;
	}
	gen = livegen_open();
	if (!gen) {
		fprintf(stderr, "xdpgen: load the generator: %s\n", strerror(errno));
		return 1;
	}
	o = (struct livegen_opts){
		.port_offset = p.l4_off + 2,
		.port_base = a.spec.dport,
		.port_span = a.span,
		.ipv4_offset = a.random_source ? p.l3_off : 0,
		.batch_size = a.batch,
		.nthreads = a.nthreads,
		.cpus = a.cpu_list ? a.cpus : NULL,
	};
	sent = livegen_send(gen, ifindex, p.data, p.len, a.count, &o, &res);
	livegen_close(gen);
	if (sent < 0) {
		fprintf(stderr, "xdpgen: send on %s: %s\n", a.dev, strerror(-sent));
		return 1;
	}
	printf("sent=%llu accepted=%lld ns=%llu cpu_ns=%llu cpu_max_ns=%llu mpps=%.3f len=%zu\n",
	       (unsigned long long)res.sent, (long long)res.accepted,
	       (unsigned long long)res.ns, (unsigned long long)res.cpu_ns,
	       (unsigned long long)res.cpu_max_ns, res.ns ? res.sent * 1e3 / res.ns : 0.0, p.len);
	return 0;
}
