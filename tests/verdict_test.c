// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Verdict tests: frames built in C go through the real XDP program with
 * BPF_PROG_TEST_RUN. Each case sets a ruleset in the maps, runs one frame and checks
 * the verdict, that exactly the expected reason counter moved (packets and bytes),
 * and for TCP/UDP frames that the port counter moved. A failure prints the frame.
 */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "packet.h"
#include "report.h"

#define NO_RULE	(-1)

struct ruleset_spec {
	int policy;		/* 0 pass, 1 drop: both protocols */
	int fragments;		/* 0 pass, 1 drop */
	int rule;		/* entry for the frame's (proto, dport), or NO_RULE */
};

static struct harness h;

static const char *reason_name[XDPPORT_NREASONS] = {
	"pass-policy", "drop-policy", "pass-rule", "drop-rule",
	"pass-fragment", "drop-fragment", "pass-unfiltered", "drop-malformed",
};

static int proto_index(uint8_t proto)
{
	return proto == IPPROTO_UDP ? XDPPORT_UDP : XDPPORT_TCP;
}

static void set_ruleset(struct xdpport_ruleset *rs, const struct pkt_spec *s,
			const struct ruleset_spec *r)
{
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		rs->policy[p] = r->policy;
		memset(rs->entry[p], r->policy, XDPPORT_PORTS);
	}
	rs->fragments = r->fragments;
	if (r->rule != NO_RULE)
		rs->entry[proto_index(s->proto)][s->dport] = r->rule;
}

static bool counters_moved(const struct xdpport_totals *before,
			   const struct xdpport_totals *after, int reason, size_t len)
{
	for (int r = 0; r < XDPPORT_NREASONS; r++) {
		uint64_t dp = after->reason[r].packets - before->reason[r].packets;
		uint64_t db = after->reason[r].bytes - before->reason[r].bytes;

		if (dp != (r == reason) || db != (r == reason ? len : 0)) {
			printf("    counter %s moved by %llu packets, %llu bytes\n", reason_name[r],
			       (unsigned long long)dp, (unsigned long long)db);
			return false;
		}
	}
	return true;
}

/* Runs `len` bytes of `p` and checks verdict and counters against `reason`. */
static bool expect(const char *name, const struct pkt_spec *s, const struct pkt *p, size_t len,
		   int reason)
{
	struct xdpport_totals before, after;
	struct xdpport_port_count port_before, port_after;
	bool by_port = reason <= XDPPORT_DROP_RULE, ok;
	int proto = proto_index(s->proto);
	int want = reason & XDPPORT_REASON_DROP ? XDP_DROP : XDP_PASS;
	int got;

	harness_totals(&h, 0, &before);
	harness_port(&h, proto, s->dport, &port_before);
	got = harness_run(&h, p->data, len, 1, NULL);
	harness_totals(&h, 0, &after);
	harness_port(&h, proto, s->dport, &port_after);

	ok = got == want;
	if (!ok)
		printf("    verdict %d, want %d (%s)\n", got, want, reason_name[reason]);
	ok = counters_moved(&before, &after, reason, len) && ok;
	if (by_port) {
		uint32_t dpass = port_after.passed - port_before.passed;
		uint32_t ddrop = port_after.dropped - port_before.dropped;
		bool drop = reason & XDPPORT_REASON_DROP;

		if (dpass != !drop || ddrop != drop) {
			printf("    port %u counters moved passed +%u dropped +%u\n", s->dport, dpass,
			       ddrop);
			ok = false;
		}
	}
	if (!report(ok, "%s", name))
		pkt_hexdump(p->data, len, "    ");
	return ok;
}

static void check(const char *name, const struct pkt_spec *s, const struct ruleset_spec *r,
		  int reason)
{
	struct pkt p;

	if (!pkt_build(s, &p)) {
		report(false, "%s: frame does not build", name);
		return;
	}
	set_ruleset(h.rs, s, r);
	expect(name, s, &p, p.len, reason);
}

static const struct pkt_spec ipv4_tcp = {
	.ethertype = ETH_P_IP, .proto = IPPROTO_TCP, .sport = 40000, .dport = 443, .payload = 16,
};
static const struct pkt_spec ipv6_udp = {
	.ethertype = ETH_P_IPV6, .proto = IPPROTO_UDP, .sport = 40000, .dport = 53, .payload = 16,
};

/* IPv4/IPv6 x TCP/UDP x rule pass / rule drop / policy pass / policy drop, on ports
 * including 0 and 65535. */
static void test_matrix(void)
{
	static const uint16_t ports[] = { 0, 22, 443, 65535 };
	static const struct {
		const char *name;
		struct ruleset_spec r;
		int reason;
	} paths[] = {
		{ "rule pass under policy drop", { 1, 0, XDPPORT_ENTRY_RULE_PASS }, XDPPORT_PASS_RULE },
		{ "rule drop under policy pass", { 0, 0, XDPPORT_ENTRY_RULE_DROP }, XDPPORT_DROP_RULE },
		{ "policy pass", { 0, 0, NO_RULE }, XDPPORT_PASS_POLICY },
		{ "policy drop", { 1, 0, NO_RULE }, XDPPORT_DROP_POLICY },
	};
	char name[128];

	for (int fam = 0; fam < 2; fam++)
		for (int proto = 0; proto < 2; proto++)
			for (size_t port = 0; port < sizeof(ports) / sizeof(ports[0]); port++)
				for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
					struct pkt_spec s = {
						.ethertype = fam ? ETH_P_IPV6 : ETH_P_IP,
						.proto = proto ? IPPROTO_UDP : IPPROTO_TCP,
						.sport = 40000, .dport = ports[port], .payload = 10,
					};

					snprintf(name, sizeof(name), "%s/%s port %u: %s",
						 fam ? "ipv6" : "ipv4", proto ? "udp" : "tcp",
						 ports[port], paths[i].name);
					check(name, &s, &paths[i].r, paths[i].reason);
				}
}

/* A rule for one protocol leaves the other protocol on the same port alone, and a
 * rule on a neighbouring port does not leak. */
static void test_rule_isolation(void)
{
	struct pkt_spec udp = ipv4_tcp;
	struct ruleset_spec deny_tcp = { 0, 0, XDPPORT_ENTRY_RULE_DROP };
	struct pkt p;

	udp.proto = IPPROTO_UDP;
	pkt_build(&udp, &p);
	set_ruleset(h.rs, &ipv4_tcp, &deny_tcp);	/* drop tcp/443 */
	expect("udp/443 passes while tcp/443 is denied", &udp, &p, p.len, XDPPORT_PASS_POLICY);

	struct pkt_spec next = ipv4_tcp;

	next.dport = 444;
	pkt_build(&next, &p);
	expect("tcp/444 passes while tcp/443 is denied", &next, &p, p.len, XDPPORT_PASS_POLICY);
}

static void test_encapsulations(void)
{
	struct ruleset_spec deny = { 0, 0, XDPPORT_ENTRY_RULE_DROP };
	struct ruleset_spec allow = { 1, 0, XDPPORT_ENTRY_RULE_PASS };
	struct pkt_spec s;

	for (int vlans = 1; vlans <= 2; vlans++) {
		char name[64];

		s = ipv4_tcp, s.vlans = vlans;
		snprintf(name, sizeof(name), "%s ipv4/tcp rule drop", vlans == 1 ? "vlan" : "qinq");
		check(name, &s, &deny, XDPPORT_DROP_RULE);
		s = ipv6_udp, s.vlans = vlans;
		snprintf(name, sizeof(name), "%s ipv6/udp rule pass", vlans == 1 ? "vlan" : "qinq");
		check(name, &s, &allow, XDPPORT_PASS_RULE);
		s = ipv4_tcp, s.vlans = vlans, s.proto = IPPROTO_UDP;
		snprintf(name, sizeof(name), "%s ipv4/udp policy drop", vlans == 1 ? "vlan" : "qinq");
		check(name, &s, &(struct ruleset_spec){ 1, 0, NO_RULE }, XDPPORT_DROP_POLICY);
	}
	/* A third tag is beyond what the parser looks into, and Linux would strip stacked
	 * priority tags and deliver the inside: never let it through unfiltered. */
	s = ipv4_tcp, s.vlans = 3;
	check("three vlan tags drop as malformed", &s, &deny, XDPPORT_DROP_MALFORMED);
	s = (struct pkt_spec){ .ethertype = ETH_P_ARP, .vlans = 3 };
	check("three vlan tags around arp drop as malformed", &s, &deny, XDPPORT_DROP_MALFORMED);

	for (int opt = 4; opt <= 40; opt += 12) {
		char name[64];

		s = ipv4_tcp, s.ip_options = opt;
		snprintf(name, sizeof(name), "ipv4 with %d bytes of options, rule drop", opt);
		check(name, &s, &deny, XDPPORT_DROP_RULE);
		s.ip_options = opt, s.proto = IPPROTO_UDP;
		snprintf(name, sizeof(name), "ipv4/udp with %d bytes of options, rule pass", opt);
		check(name, &s, &allow, XDPPORT_PASS_RULE);
	}

	static const struct {
		const char *name;
		uint8_t ext;
	} exts[] = {
		{ "hop-by-hop", IPPROTO_HOPOPTS },
		{ "routing", IPPROTO_ROUTING },
		{ "destination options", IPPROTO_DSTOPTS },
		{ "first fragment", IPPROTO_FRAGMENT },
	};
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		char name[96];

		s = ipv6_udp, s.n_ext = 1, s.ext[0] = exts[i].ext, s.more_fragments = true;
		snprintf(name, sizeof(name), "ipv6 %s header, udp rule drop", exts[i].name);
		check(name, &s, &deny, XDPPORT_DROP_RULE);
		s.proto = IPPROTO_TCP;
		snprintf(name, sizeof(name), "ipv6 %s header, tcp rule pass", exts[i].name);
		check(name, &s, &allow, XDPPORT_PASS_RULE);
	}

	s = ipv6_udp;
	s.n_ext = 4;
	memcpy(s.ext, (uint8_t[]){ IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING,
				   IPPROTO_FRAGMENT }, 4);
	check("ipv6 chain of four extension headers, rule drop", &s, &deny, XDPPORT_DROP_RULE);
	s.n_ext = 8;
	memcpy(s.ext + 4, (uint8_t[]){ IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS,
				       IPPROTO_DSTOPTS }, 4);
	check("ipv6 chain of eight extension headers, rule pass", &s, &allow, XDPPORT_PASS_RULE);
	s.n_ext = 9;
	s.ext[8] = IPPROTO_DSTOPTS;
	check("ipv6 chain of nine extension headers drops as malformed", &s,
	      &(struct ruleset_spec){ 0, 0, NO_RULE }, XDPPORT_DROP_MALFORMED);
}

static void test_fragments(void)
{
	for (int fam = 0; fam < 2; fam++)
		for (int setting = 0; setting < 2; setting++) {
			struct pkt_spec s = fam ? ipv6_udp : ipv4_tcp;
			struct ruleset_spec r = { 0, setting, XDPPORT_ENTRY_RULE_DROP };
			char name[128];

			if (fam)
				s.n_ext = 1, s.ext[0] = IPPROTO_FRAGMENT;
			s.more_fragments = true;
			snprintf(name, sizeof(name), "%s first fragment, fragments %s: filtered by port",
				 fam ? "ipv6" : "ipv4", setting ? "drop" : "pass");
			check(name, &s, &r, XDPPORT_DROP_RULE);

			s.frag_offset = 185;
			r.rule = XDPPORT_ENTRY_RULE_PASS;
			snprintf(name, sizeof(name), "%s non-first fragment, fragments %s",
				 fam ? "ipv6" : "ipv4", setting ? "drop" : "pass");
			check(name, &s, &r, XDPPORT_PASS_FRAGMENT | setting);

			s.more_fragments = false;
			snprintf(name, sizeof(name), "%s last fragment, fragments %s",
				 fam ? "ipv6" : "ipv4", setting ? "drop" : "pass");
			check(name, &s, &r, XDPPORT_PASS_FRAGMENT | setting);
		}
}

static void test_unfiltered(void)
{
	struct ruleset_spec drop_all = { 1, 1, NO_RULE };
	struct pkt_spec s;

	s = (struct pkt_spec){ .ethertype = ETH_P_IP, .proto = IPPROTO_ICMP, .payload = 56 };
	check("icmp passes under policy drop", &s, &drop_all, XDPPORT_PASS_UNFILTERED);
	s = (struct pkt_spec){ .ethertype = ETH_P_IPV6, .proto = IPPROTO_ICMPV6, .payload = 24 };
	check("icmpv6 passes under policy drop", &s, &drop_all, XDPPORT_PASS_UNFILTERED);
	s.n_ext = 1, s.ext[0] = IPPROTO_HOPOPTS;	/* MLD reports carry hop-by-hop */
	check("icmpv6 after hop-by-hop passes under policy drop", &s, &drop_all,
	      XDPPORT_PASS_UNFILTERED);
	s = (struct pkt_spec){ .ethertype = ETH_P_ARP };
	check("arp passes under policy drop", &s, &drop_all, XDPPORT_PASS_UNFILTERED);
	s = (struct pkt_spec){ .ethertype = 0x88b5 };
	check("unknown ethertype passes under policy drop", &s, &drop_all, XDPPORT_PASS_UNFILTERED);
	s = (struct pkt_spec){ .ethertype = ETH_P_IP, .proto = 132 /* SCTP */, .payload = 40 };
	check("sctp passes under policy drop", &s, &drop_all, XDPPORT_PASS_UNFILTERED);
	s = (struct pkt_spec){ .ethertype = ETH_P_ARP, .vlans = 2 };
	check("qinq arp passes under policy drop", &s, &drop_all, XDPPORT_PASS_UNFILTERED);
}

/* Header fields that lie about lengths. */
static void test_malformed_fields(void)
{
	struct ruleset_spec pass = { 0, 0, NO_RULE };
	struct pkt p;

	for (int ihl = 0; ihl < 5; ihl++) {
		char name[64];

		pkt_build(&ipv4_tcp, &p);
		p.data[p.l3_off] = 0x40 | ihl;
		set_ruleset(h.rs, &ipv4_tcp, &pass);
		snprintf(name, sizeof(name), "ipv4 ihl %d is malformed", ihl);
		expect(name, &ipv4_tcp, &p, p.len, XDPPORT_DROP_MALFORMED);
	}

	pkt_build(&ipv4_tcp, &p);
	p.data[p.l3_off] = 0x4f;	/* 60-byte header in a frame that has less after it */
	expect("ipv4 ihl 15 beyond the frame is malformed", &ipv4_tcp, &p, 14 + 40,
	       XDPPORT_DROP_MALFORMED);

	pkt_build(&ipv4_tcp, &p);
	p.data[p.l3_off + 2] = 0, p.data[p.l3_off + 3] = 19;
	expect("ipv4 total length shorter than its header is malformed", &ipv4_tcp, &p, p.len,
	       XDPPORT_DROP_MALFORMED);

	pkt_build(&ipv4_tcp, &p);
	p.data[p.l3_off + 2] = 0, p.data[p.l3_off + 3] = 20 + 8;
	expect("ipv4 total length ending inside the tcp header is malformed", &ipv4_tcp, &p, p.len,
	       XDPPORT_DROP_MALFORMED);

	pkt_build(&ipv4_tcp, &p);
	p.data[p.l3_off + 2] = 0x05, p.data[p.l3_off + 3] = 0xdc;	/* claims 1500 bytes */
	expect("ipv4 total length beyond the frame still filters by port", &ipv4_tcp, &p, p.len,
	       XDPPORT_PASS_POLICY);

	pkt_build(&ipv6_udp, &p);
	p.data[p.l3_off + 4] = 0, p.data[p.l3_off + 5] = 4;
	expect("ipv6 payload length ending inside the udp header is malformed", &ipv6_udp, &p,
	       p.len, XDPPORT_DROP_MALFORMED);

	pkt_build(&ipv6_udp, &p);
	p.data[p.l3_off + 4] = 0, p.data[p.l3_off + 5] = 0;
	set_ruleset(h.rs, &ipv6_udp, &pass);
	expect("ipv6 payload length 0 (jumbogram) is bounded by the frame", &ipv6_udp, &p, p.len,
	       XDPPORT_PASS_POLICY);

	struct pkt_spec s = ipv6_udp;

	s.n_ext = 1, s.ext[0] = IPPROTO_DSTOPTS;
	pkt_build(&s, &p);
	p.data[p.l3_off + 40 + 1] = 200;	/* extension header claims 1608 bytes */
	set_ruleset(h.rs, &s, &pass);
	expect("ipv6 extension header longer than the frame is malformed", &s, &p, p.len,
	       XDPPORT_DROP_MALFORMED);
}

/* Every prefix of a valid frame: inside a claimed header it is malformed; from the end
 * of the L4 header on, it gets the frame's normal verdict. */
static void test_truncation(const char *name, const struct pkt_spec *s)
{
	struct ruleset_spec r = { 0, 0, XDPPORT_ENTRY_RULE_DROP };
	unsigned bad = 0, cases = 0;
	struct pkt p;

	pkt_build(s, &p);
	set_ruleset(h.rs, s, &r);
	for (size_t len = ETH_HLEN; len <= p.len; len++) {
		char case_name[128];
		int reason = len < p.l4_end ? XDPPORT_DROP_MALFORMED : XDPPORT_DROP_RULE;

		snprintf(case_name, sizeof(case_name), "%s truncated to %zu of %zu bytes", name, len,
			 p.len);
		cases++;
		if (!expect(case_name, s, &p, len, reason))
			bad++;
	}
	(void)bad, (void)cases;
}

/* Changes made through the maps apply to the very next frame, including a whole
 * ruleset switched by flipping the active slot. */
static void test_live_changes(void)
{
	struct pkt_spec s = ipv4_tcp;
	struct ruleset_spec pass = { 0, 0, NO_RULE };
	struct pkt p;

	pkt_build(&s, &p);
	set_ruleset(h.rs, &s, &pass);
	expect("live: tcp/443 passes by policy", &s, &p, p.len, XDPPORT_PASS_POLICY);
	h.rs->entry[XDPPORT_TCP][443] = XDPPORT_ENTRY_RULE_DROP;
	expect("live: deny tcp/443 drops the next frame", &s, &p, p.len, XDPPORT_DROP_RULE);
	h.rs->entry[XDPPORT_TCP][443] = XDPPORT_ENTRY_RULE_PASS;
	expect("live: allow tcp/443 passes the next frame", &s, &p, p.len, XDPPORT_PASS_RULE);

	set_ruleset(&h.rules->slot[1], &s, &(struct ruleset_spec){ 1, 0, NO_RULE });
	harness_activate(&h, 1);
	expect("live: flipping to slot 1 applies its policy drop", &s, &p, p.len,
	       XDPPORT_DROP_POLICY);
	harness_activate(&h, 0);
	expect("live: flipping back to slot 0 applies its rule pass", &s, &p, p.len,
	       XDPPORT_PASS_RULE);
}

int main(void)
{
	harness_open(&h);
	test_matrix();
	test_rule_isolation();
	test_encapsulations();
	test_fragments();
	test_unfiltered();
	test_malformed_fields();
	test_truncation("ipv4/tcp", &ipv4_tcp);
	test_truncation("ipv6/udp", &ipv6_udp);
	{
		struct pkt_spec s = ipv6_udp;

		s.vlans = 2, s.n_ext = 2, s.ext[0] = IPPROTO_HOPOPTS, s.ext[1] = IPPROTO_FRAGMENT;
		test_truncation("qinq ipv6 hop-by-hop+fragment/udp", &s);
		s = ipv4_tcp, s.vlans = 1, s.ip_options = 8;
		test_truncation("vlan ipv4+options/tcp", &s);
	}
	test_live_changes();
	harness_close(&h);
	return report_summary();
}
