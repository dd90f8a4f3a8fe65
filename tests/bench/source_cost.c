// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * source_cost: per-frame cost of source rules with BPF_PROG_TEST_RUN, next to the
 * same frame with no source rules, all in one run.
 *
 *   source_cost --set FILE [--set6 FILE] [--rounds N] [--repeat N]
 *
 * FILE is a set file (one address or CIDR a line). Cases: `deny from @big` missed
 * and hit (a /24 entry, and a /24 holding longer prefixes when the list has them),
 * the same with IPv6 from --set6 (the trie), and a port's own source rules (a few
 * prefixes in the trie). Every frame is udp/9 under `deny 9/udp`, so every case
 * ends in a drop and only the source stage differs. The kernel's ns per frame is
 * the median over rounds; TEST_RUN repeats one frame, so the tables sit in the
 * cache: the cache misses of random sources are what bench-sources.sh measures
 * end to end.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>

#include "harness.h"
#include "packet.h"
#include "rulesfile.h"
#include "setfile.h"
#include "sources_store.h"
#include "xdpport.skel.h"

#define MAX_ROUNDS	101

static struct harness h;
static struct source_maps maps;
static unsigned slot;

static void die(const char *what)
{
	fprintf(stderr, "source_cost: %s\n", what);
	exit(1);
}

/* `rules` (a rules file) and, when `set` is given, `deny from @big` with it as @big,
 * in the other slot. */
static void install(const char *rules, const struct source_set *set)
{
	static struct xdpport_ruleset rs;
	struct rules parsed;
	struct sources *src = &parsed.sources;
	char why[256];

	if (rulesfile_parse(rules, strlen(rules), "bench", &parsed, NULL, NULL))
		die("bad rules");
	rules_compile(&parsed, &rs, NULL);
	if (set) {
		struct source_set copy = *set;
		struct source_rule deny = { .verdict = VERDICT_DROP };

		copy.prefix = malloc(sizeof(*copy.prefix) * (set->n + 1));
		if (!copy.prefix)
			die("out of memory");
		memcpy(copy.prefix, set->prefix, sizeof(*copy.prefix) * set->n);
		if (sources_put_set(src, &copy, why, sizeof(why)))
			die(why);
		deny.set = sources_find_set(src, "big")->origin;
		sources_add_rule(src, &deny);
	}
	slot ^= 1;
	if (sources_install(&maps, slot, src, &rs, why, sizeof(why)))
		die(why);
	h.rules->slot[slot] = rs;
	harness_activate(&h, slot);
	rules_free(&parsed);
}

static void read_set(const char *path, struct source_set *set)
{
	FILE *in = fopen(path, "r");
	char why[256];

	if (!in || setfile_read(in, path, set, why, sizeof(why)))
		die(in ? why : "cannot open the set file");
	fclose(in);
	snprintf(set->name, sizeof(set->name), "big");
	source_set_sort(set);
}

static void frame_from(const struct prefix *from, struct pkt *p)
{
	struct pkt_spec s = {
		.ethertype = from->family == 4 ? ETH_P_IP : ETH_P_IPV6, .proto = IPPROTO_UDP,
		.sport = 40000, .dport = 9, .payload = 18,
	};

	if (!pkt_build(&s, p))
		die("frame");
	memcpy(p->data + p->l3_off + (from->family == 4 ? 12 : 8), from->addr,
	       from->family == 4 ? 4 : 16);
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median_ns(const struct prefix *from, int rounds, uint32_t repeat)
{
	double ns[MAX_ROUNDS];
	struct pkt p;

	frame_from(from, &p);
	for (int r = 0; r < rounds; r++) {
		uint64_t per;

		if (harness_run(&h, p.data, p.len, repeat, &per) != XDP_DROP)
			die("the frame was not dropped");
		ns[r] = per;
	}
	qsort(ns, rounds, sizeof(*ns), by_double);
	return ns[rounds / 2];
}

/* An address of `family` no prefix of `set` holds: 198.18.0.1 or 2001:db8::1, else
 * the first of a simple sequence of addresses that is outside. */
static struct prefix outside(const struct source_set *set, int family)
{
	struct prefix p = { .family = family, .len = family == 4 ? 32 : 128 };

	if (family == 4)
		memcpy(p.addr, (uint8_t[]){ 198, 18, 0, 1 }, 4);
	else
		memcpy(p.addr, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 16);
	for (unsigned tries = 0; tries < 1000; tries++) {
		bool held = false;

		for (size_t i = 0; i < set->n && !held; i++)
			held = prefix_contains(&set->prefix[i], family, p.addr);
		if (!held)
			return p;
		p.addr[0] += 7;	/* another /8 */
		p.addr[1] += 13;
	}
	die("no address outside the set");
	return p;
}

/* The first prefix of `family` longer (or not) than /24, or NULL. */
static const struct prefix *member(const struct source_set *set, int family, bool longer)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->prefix[i].family == family &&
		    (family == 6 || (set->prefix[i].len > 24) == longer))
			return &set->prefix[i];
	return NULL;
}

static void row(const char *name, double ns, double base)
{
	printf("| %-52s | %7.1f | %+7.1f | %5.2f |\n", name, ns, ns - base, ns / base);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "set", required_argument, NULL, 's' }, { "set6", required_argument, NULL, '6' },
		{ "rounds", required_argument, NULL, 'r' }, { "repeat", required_argument, NULL, 'n' },
		{ 0 },
	};
	struct source_set set4 = { 0 }, set6 = { 0 };
	const char *path4 = NULL, *path6 = NULL;
	int rounds = 11, c;
	uint32_t repeat = 200000;
	struct prefix miss4, miss6;
	const struct prefix *hit;
	double base;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			path4 = optarg;
		else if (c == '6')
			path6 = optarg;
		else if (c == 'r')
			rounds = atoi(optarg);
		else if (c == 'n')
			repeat = strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	if (!path4 || rounds < 1 || rounds > MAX_ROUNDS || !repeat)
		die("usage: source_cost --set FILE [--set6 FILE] [--rounds N] [--repeat N]");
	read_set(path4, &set4);
	if (path6)
		read_set(path6, &set6);
	harness_open(&h);
	harness_source_maps(&h, &maps);
	miss4 = outside(&set4, 4);
	miss6 = outside(&set6, 6);

	printf("| frame: udp/9 under `deny 9/udp`, %zu IPv4 / %zu IPv6 prefixes | ns/frame | vs none "
	       "| ratio |\n|---|---:|---:|---:|\n", set4.n, set6.n);
	install("deny 9/udp\n", NULL);
	base = median_ns(&miss4, rounds, repeat);
	row("no source rules (IPv4)", base, base);
	install("deny 9/udp\n", &set4);
	row("deny from @big (IPv4): miss", median_ns(&miss4, rounds, repeat), base);
	if ((hit = member(&set4, 4, false)))
		row("deny from @big (IPv4): hit, the 2-bit tables", median_ns(hit, rounds, repeat), base);
	if ((hit = member(&set4, 4, true)))
		row("deny from @big (IPv4): hit, /24 with longer prefixes",
		    median_ns(hit, rounds, repeat), base);
	install("deny 9/udp\nallow 9/udp from 198.51.100.0/24 203.0.113.0/25 192.0.2.7\n", NULL);
	row("port 9 with 3 source rules (trie): miss", median_ns(&miss4, rounds, repeat), base);
	if (set6.n) {
		double base6;

		install("deny 9/udp\n", NULL);
		base6 = median_ns(&miss6, rounds, repeat);
		row("no source rules (IPv6)", base6, base6);
		install("deny 9/udp\n", &set6);
		row("deny from @big6 (IPv6, trie): miss", median_ns(&miss6, rounds, repeat), base6);
		if ((hit = member(&set6, 6, false)))
			row("deny from @big6 (IPv6, trie): hit", median_ns(hit, rounds, repeat), base6);
	}
	free(set4.prefix);
	free(set6.prefix);
	harness_close(&h);
	return 0;
}
