// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Source rules through the real XDP program (BPF_PROG_TEST_RUN): rules files with
 * `from` lines and sets, built into the program's own maps by the CLI's compiler
 * (sources_install), frames from chosen source addresses. Each case checks the
 * verdict and that exactly the expected reason counter moved; sets their hit
 * counter. The last cases compare the kernel with the rules read directly
 * (sources_decide, a linear longest-prefix scan) over random prefixes and addresses.
 */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "harness.h"
#include "packet.h"
#include "report.h"
#include "rng.h"
#include "rulesfile.h"
#include "sources_store.h"
#include "xdpport.skel.h"

static struct harness h;
static struct source_maps maps;
static struct rules parsed;	/* the running rules: their sources decide */
#define src (parsed.sources)
static unsigned slot;

static void print_error(void *ctx, const char *name, unsigned long line, const char *message)
{
	(void)ctx;
	printf("    %s:%lu: %s\n", name, line, message);
}

/* Makes `text` (a rules file) the running ruleset, through the other slot. */
static bool install(const char *text)
{
	static struct xdpport_ruleset rs;
	char why[256];

	rules_free(&parsed);
	if (rulesfile_parse(text, strlen(text), "rules", &parsed, print_error, NULL))
		return report(false, "rules parse");
	rules_compile(&parsed, &rs, NULL);
	slot ^= 1;
	if (sources_install(&maps, slot, &src, &rs, why, sizeof(why)))
		return report(false, "install: %s", why);
	h.rules->slot[slot] = rs;
	harness_activate(&h, slot);
	return true;
}

/* A frame from `from` (IPv4 or IPv6 text) of protocol `proto` to `dport`. */
static bool frame(const char *from, uint8_t proto, uint16_t dport, struct pkt *p)
{
	bool v6 = strchr(from, ':');
	struct pkt_spec s = {
		.ethertype = v6 ? ETH_P_IPV6 : ETH_P_IP,
		.proto = proto == IPPROTO_ICMP && v6 ? IPPROTO_ICMPV6 : proto,
		.sport = 40000, .dport = dport, .payload = 16,
	};

	if (!pkt_build(&s, p))
		return false;
	return inet_pton(v6 ? AF_INET6 : AF_INET, from, p->data + p->l3_off + (v6 ? 8 : 12)) == 1;
}

static __u64 hits(__u8 origin)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 per[ncpus > 0 ? ncpus : 1], sum = 0;
	__u32 key = origin;

	if (bpf_map_lookup_elem(bpf_map__fd(h.skel->maps.xdpport_set_hits), &key, per))
		return 0;
	for (int i = 0; i < ncpus; i++)
		sum += per[i];
	return sum;
}

/* The reason whose counter moved by one packet, or -1. */
static int run(const struct pkt *p, int *verdict)
{
	struct xdpport_totals before, after;
	int moved = -1;

	harness_totals(&h, 0, &before);
	*verdict = harness_run(&h, p->data, p->len, 1, NULL);
	harness_totals(&h, 0, &after);
	for (int r = 0; r < XDPPORT_NREASONS; r++)
		if (after.reason[r].packets != before.reason[r].packets)
			moved = moved == -1 ? r : -2;
	return moved;
}

static void expect(const char *from, uint8_t proto, uint16_t dport, int reason)
{
	int verdict, got;
	struct pkt p;
	const char *pname = proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : "icmp";

	if (!frame(from, proto, dport, &p)) {
		report(false, "frame from %s", from);
		return;
	}
	got = run(&p, &verdict);
	report(check_eq(got, reason) && check_eq(verdict, reason & 1 ? XDP_DROP : XDP_PASS),
	       "%s/%u from %s: reason %d (want %d), verdict %d", pname, dport, from, got, reason,
	       verdict);
}

static void test_port_rules(void)
{
	if (!install("policy drop\nallow 22/tcp from 198.18.0.0/25\n"))
		return;
	expect("198.18.0.5", IPPROTO_TCP, 22, XDPPORT_PASS_SOURCE);
	expect("198.18.0.127", IPPROTO_TCP, 22, XDPPORT_PASS_SOURCE);
	expect("198.18.0.128", IPPROTO_TCP, 22, XDPPORT_DROP_POLICY);
	expect("198.18.0.5", IPPROTO_UDP, 22, XDPPORT_DROP_POLICY);
	expect("198.18.0.5", IPPROTO_TCP, 80, XDPPORT_DROP_POLICY);

	/* the port's own rule when no source matches */
	if (!install("allow 22\ndeny 22/tcp from 198.18.0.0/24\nallow 22/tcp from 198.18.0.128/25\n"))
		return;
	expect("198.18.0.200", IPPROTO_TCP, 22, XDPPORT_PASS_SOURCE);
	expect("198.18.0.5", IPPROTO_TCP, 22, XDPPORT_DROP_SOURCE);
	expect("198.18.1.5", IPPROTO_TCP, 22, XDPPORT_PASS_RULE);
	expect("198.18.0.5", IPPROTO_UDP, 22, XDPPORT_PASS_RULE);

	if (!install("policy drop\nallow 22/tcp from 2001:db8:1::/48\n"))
		return;
	expect("2001:db8:1::5", IPPROTO_TCP, 22, XDPPORT_PASS_SOURCE);
	expect("2001:db8:2::5", IPPROTO_TCP, 22, XDPPORT_DROP_POLICY);
	expect("198.18.0.5", IPPROTO_TCP, 22, XDPPORT_DROP_POLICY);
}

static void test_global_rules(void)
{
	if (!install("deny from 198.19.0.0/16\ndeny from 2001:db8:bad::/48\nallow 443\n"))
		return;
	expect("198.19.1.1", IPPROTO_ICMP, 0, XDPPORT_DROP_SOURCE);
	expect("198.19.1.1", IPPROTO_TCP, 443, XDPPORT_DROP_SOURCE);
	expect("198.19.1.1", IPPROTO_UDP, 53, XDPPORT_DROP_SOURCE);
	expect("198.18.1.1", IPPROTO_ICMP, 0, XDPPORT_PASS_UNFILTERED);
	expect("198.18.1.1", IPPROTO_TCP, 443, XDPPORT_PASS_RULE);
	expect("2001:db8:bad::1", IPPROTO_ICMP, 0, XDPPORT_DROP_SOURCE);
	expect("2001:db8:bad::1", IPPROTO_TCP, 443, XDPPORT_DROP_SOURCE);
	expect("2001:db8:bae::1", IPPROTO_TCP, 443, XDPPORT_PASS_RULE);

	/* `allow from` passes any port under policy drop, and beats a port's rule */
	if (!install("policy drop\ndeny 22\nallow from 198.18.5.0/24\n"))
		return;
	expect("198.18.5.9", IPPROTO_TCP, 1234, XDPPORT_PASS_SOURCE);
	expect("198.18.5.9", IPPROTO_UDP, 9, XDPPORT_PASS_SOURCE);
	expect("198.18.5.9", IPPROTO_TCP, 22, XDPPORT_PASS_SOURCE);
	expect("198.18.6.9", IPPROTO_TCP, 1234, XDPPORT_DROP_POLICY);

	/* `from` rules decide before a port's source rules */
	if (!install("allow 22 from 198.18.0.0/16\ndeny from 198.18.7.0/24\n"))
		return;
	expect("198.18.7.1", IPPROTO_TCP, 22, XDPPORT_DROP_SOURCE);
	expect("198.18.8.1", IPPROTO_TCP, 22, XDPPORT_PASS_SOURCE);
}

/* Prefixes longer than /24 under shorter ones: the /24's own block. */
static void test_longest_prefix(void)
{
	if (!install("deny from 198.18.0.0/16\nallow from 198.18.0.7\nallow from 198.18.0.64/26\n"
		     "deny from 198.18.0.96/30\nallow from 198.18.3.0/24\n"))
		return;
	expect("198.18.0.7", IPPROTO_TCP, 80, XDPPORT_PASS_SOURCE);
	expect("198.18.0.6", IPPROTO_TCP, 80, XDPPORT_DROP_SOURCE);
	expect("198.18.0.8", IPPROTO_TCP, 80, XDPPORT_DROP_SOURCE);
	expect("198.18.0.64", IPPROTO_TCP, 80, XDPPORT_PASS_SOURCE);
	expect("198.18.0.95", IPPROTO_TCP, 80, XDPPORT_PASS_SOURCE);
	expect("198.18.0.97", IPPROTO_TCP, 80, XDPPORT_DROP_SOURCE);
	expect("198.18.0.100", IPPROTO_TCP, 80, XDPPORT_PASS_SOURCE);
	expect("198.18.0.128", IPPROTO_TCP, 80, XDPPORT_DROP_SOURCE);
	expect("198.18.3.3", IPPROTO_TCP, 80, XDPPORT_PASS_SOURCE);
	expect("198.19.0.7", IPPROTO_TCP, 80, XDPPORT_PASS_POLICY);
	/* equal prefixes: deny wins */
	if (!install("set a 198.18.9.0/24\nallow from @a\ndeny from 198.18.9.0/24\n"))
		return;
	expect("198.18.9.1", IPPROTO_TCP, 80, XDPPORT_DROP_SOURCE);
}

static void test_set_hits(void)
{
	__u64 before;
	__u8 origin;

	if (!install("set bad 198.18.200.0/24 198.18.201.1 2001:db8:bad::/64\ndeny from @bad\n"
		     "set ok 198.18.202.0/24\nallow 22 from @ok\npolicy drop\n"))
		return;
	origin = sources_find_set(&src, "bad")->origin;
	before = hits(origin);
	expect("198.18.200.1", IPPROTO_TCP, 22, XDPPORT_DROP_SOURCE);
	expect("198.18.201.1", IPPROTO_UDP, 22, XDPPORT_DROP_SOURCE);
	expect("2001:db8:bad::9", IPPROTO_TCP, 22, XDPPORT_DROP_SOURCE);
	expect("198.18.201.2", IPPROTO_TCP, 22, XDPPORT_DROP_POLICY);
	report(hits(origin) - before == 3, "set bad counted 3 hits (%llu)",
	       (unsigned long long)(hits(origin) - before));
	origin = sources_find_set(&src, "ok")->origin;
	before = hits(origin);
	expect("198.18.202.1", IPPROTO_TCP, 22, XDPPORT_PASS_SOURCE);
	report(hits(origin) - before == 1, "set ok counted 1 hit");
}

/* Several answers among /24s: the commonest pass and drop ones are in the 2-bit table,
 * the others (code 3) in the byte table; each counts on its own set. */
static void test_many_origins(void)
{
	__u64 a, b;

	if (!install("set a 198.18.10.0/24 198.18.11.0/24 198.18.16.0/24\nset b 198.18.12.0/24\n"
		     "deny from @a\ndeny from @b\ndeny from 198.18.13.0/24\n"
		     "allow from 198.18.14.0/24\n"))
		return;
	a = hits(sources_find_set(&src, "a")->origin);
	b = hits(sources_find_set(&src, "b")->origin);
	expect("198.18.10.1", IPPROTO_TCP, 80, XDPPORT_DROP_SOURCE);
	expect("198.18.12.1", IPPROTO_TCP, 80, XDPPORT_DROP_SOURCE);
	expect("198.18.13.1", IPPROTO_TCP, 80, XDPPORT_DROP_SOURCE);
	expect("198.18.14.1", IPPROTO_TCP, 80, XDPPORT_PASS_SOURCE);
	expect("198.18.15.1", IPPROTO_TCP, 80, XDPPORT_PASS_POLICY);
	report(check_eq(hits(sources_find_set(&src, "a")->origin) - a, 1) &&
		       check_eq(hits(sources_find_set(&src, "b")->origin) - b, 1),
	       "sets a and b (2-bit code and byte table) counted their own hits");
}

/* Random prefixes in 198.18.0.0/15 (all lengths, both verdicts, global and on a
 * port), random addresses: the kernel agrees with the rules read directly. */
static void test_random(void)
{
	static char text[1 << 20];
	unsigned mismatches = 0, checked = 0;
	struct rng r;

	for (unsigned round = 0; round < 8; round++) {
		size_t n = 0;

		rng_init(&r, 0x5eed, 1, round);
		for (int i = 0; i < 400; i++) {
			unsigned len = 15 + rng_below(&r, 18);
			uint32_t addr = (198u << 24 | 18u << 16 | (uint32_t)rng_below(&r, 1u << 17)) &
					(len ? ~0u << (32 - len) : 0);

			n += snprintf(text + n, sizeof(text) - n, "%s %sfrom %u.%u.%u.%u/%u\n",
				      rng_below(&r, 2) ? "deny" : "allow",
				      rng_below(&r, 3) ? "" : "22/tcp ", addr >> 24, addr >> 16 & 255,
				      addr >> 8 & 255, addr & 255, len);
		}
		if (!install(text))
			return;
		for (int i = 0; i < 500; i++) {
			uint32_t a = 198u << 24 | 18u << 16 | (uint32_t)rng_below(&r, 1u << 17);
			uint8_t addr[16] = { a >> 24, a >> 16, a >> 8, a };
			char from[32];
			__u8 origin;
			int want = sources_decide(&src, 4, addr, true, XDPPORT_TCP, 22, &origin), got,
			    verdict;
			struct pkt p;

			if (want < 0)
				want = XDPPORT_PASS_POLICY;
			snprintf(from, sizeof(from), "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255,
				 a & 255);
			frame(from, IPPROTO_TCP, 22, &p);
			got = run(&p, &verdict);
			checked++;
			if (got != want && mismatches++ < 5)
				printf("    round %u: tcp/22 from %s: kernel %d, rules %d\n", round, from,
				       got, want);
		}
	}
	report(mismatches == 0, "random prefixes: %u of %u addresses differ", mismatches, checked);
}

int main(void)
{
	harness_open(&h);
	harness_source_maps(&h, &maps);
	test_port_rules();
	test_global_rules();
	test_longest_prefix();
	test_set_hits();
	test_many_origins();
	test_random();
	rules_free(&parsed);
	harness_close(&h);
	return report_summary();
}
