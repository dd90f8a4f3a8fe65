// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Rules as data (user/rules.c) and their compiler (user/rules_compile.c): rules and
 * policies become the one byte per port the data path reads, verdicts follow
 * rule-then-policy, the lists keep their normal form (ranges merged, the same rule
 * for both protocols one rule), and reading compiled bytes back gives the same rules
 * and the same bytes again. Flood limits (limit lists, the entry's limit bit) ride
 * along: rule and policy changes keep them, and they read back the same way. The
 * rules file's way of building rules (painting) agrees with the command line's
 * (editing the lists).
 */
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limit.h"
#include "report.h"
#include "rules.h"

#define TCP XDPPORT_TCP
#define UDP XDPPORT_UDP

static struct xdpport_ruleset rs, copy;
static struct xdpport_limits lt, lt_copy;
static struct rules m;

static struct port_range range(uint32_t protos, uint16_t first, uint16_t last)
{
	return (struct port_range){ .protos = protos, .first = first, .last = last };
}

/* The verdict the data path reads from the compiled byte. */
static enum verdict verdict(int proto, int port)
{
	return rs.entry[proto][port] & XDPPORT_ENTRY_DROP ? VERDICT_DROP : VERDICT_PASS;
}

static void compile(void)
{
	rules_compile(&m, &rs, &lt);
}

static void test_reset(void)
{
	memset(&rs, 0xff, sizeof(rs));
	ruleset_reset(&rs);
	report(check_true(ruleset_is_valid(&rs)) && check_eq(ruleset_count(&rs, TCP), 0) &&
		       check_eq(ruleset_count(&rs, UDP), 0) &&
		       check_eq(verdict(TCP, 0), VERDICT_PASS) &&
		       check_eq(verdict(UDP, 65535), VERDICT_PASS) && check_eq(rs.fragments, 0),
	       "reset: no rules, everything passes");
	rules_init(&m);
	memset(&copy, 0xff, sizeof(copy));
	rules_compile(&m, &copy, NULL);
	report(check_true(!memcmp(&rs, &copy, sizeof(rs))) && check_eq(m.nports, 0) &&
		       check_eq(m.nlimits, 0),
	       "the clean rules compile to the clean ruleset a new filter starts with");
}

static void test_rules_and_policy(void)
{
	struct port_range r;

	rules_init(&m);
	r = range(PROTOS_ALL, 443, 443);
	rules_set_ports(&m, &r, VERDICT_PASS);
	compile();
	report(check_eq(rs.entry[TCP][443], XDPPORT_ENTRY_RULE_PASS) &&
		       check_eq(rs.entry[UDP][443], XDPPORT_ENTRY_RULE_PASS) &&
		       check_eq(rs.entry[TCP][442], 0) && check_eq(rs.entry[TCP][444], 0),
	       "allow 443 writes a pass rule for both protocols, nothing around it");

	r = range(PROTO_BIT(UDP), 8000, 8100);
	rules_set_ports(&m, &r, VERDICT_DROP);
	compile();
	report(check_eq(rs.entry[UDP][8000], XDPPORT_ENTRY_RULE_DROP) &&
		       check_eq(rs.entry[UDP][8100], XDPPORT_ENTRY_RULE_DROP) &&
		       check_eq(rs.entry[UDP][8101], 0) && check_eq(rs.entry[UDP][7999], 0) &&
		       check_eq(rs.entry[TCP][8050], 0) && check_eq(ruleset_count(&rs, UDP), 102) &&
		       check_eq(ruleset_count(&rs, TCP), 1) &&
		       check_eq(rules_port_count(&m, UDP), 102),
	       "deny 8000-8100/udp: 101 udp drop rules, inclusive bounds, tcp untouched");

	rules_set_policy(&m, PROTO_BIT(TCP), VERDICT_DROP);
	compile();
	report(check_eq(rs.policy[TCP], 1) && check_eq(rs.policy[UDP], 0) &&
		       check_eq(verdict(TCP, 80), VERDICT_DROP) &&
		       check_eq(verdict(TCP, 443), VERDICT_PASS) &&
		       check_eq(verdict(UDP, 80), VERDICT_PASS) &&
		       check_eq(rs.entry[TCP][80], XDPPORT_ENTRY_POLICY_DROP) &&
		       check_true(ruleset_is_valid(&rs)) &&
		       check_eq(rules_verdict(&m, TCP, 80), VERDICT_DROP),
	       "policy drop tcp: unruled tcp ports drop, rules and udp unchanged");

	r = range(PROTOS_ALL, 443, 443);
	rules_set_ports(&m, &r, RULE_NONE);
	compile();
	report(check_eq(verdict(TCP, 443), VERDICT_DROP) &&
		       check_eq(verdict(UDP, 443), VERDICT_PASS) &&
		       check_eq(rs.entry[TCP][443], XDPPORT_ENTRY_POLICY_DROP) &&
		       check_eq(rs.entry[UDP][443], XDPPORT_ENTRY_POLICY_PASS) &&
		       check_true(ruleset_is_valid(&rs)),
	       "delete 443: each protocol falls back to its own policy");

	rules_set_policy(&m, PROTOS_ALL, VERDICT_PASS);
	compile();
	report(check_eq(verdict(TCP, 80), VERDICT_PASS) &&
		       check_eq(verdict(UDP, 8050), VERDICT_DROP) &&
		       check_true(ruleset_is_valid(&rs)),
	       "policy pass: unruled ports pass, drop rules still drop");

	r = range(PROTOS_ALL, 0, 65535);
	rules_set_ports(&m, &r, VERDICT_DROP);
	compile();
	report(check_eq(ruleset_count(&rs, TCP), 65536) &&
		       check_eq(ruleset_count(&rs, UDP), 65536) &&
		       check_eq(verdict(TCP, 0), VERDICT_DROP) &&
		       check_eq(verdict(UDP, 65535), VERDICT_DROP) && check_eq(m.nports, 1),
	       "deny 0-65535 covers both ends");
	rules_free(&m);
}

static void test_validity(void)
{
	ruleset_reset(&rs);
	rs.entry[TCP][5] = 32;	/* bits 2-4 are limit, sources and from */
	report(!ruleset_is_valid(&rs), "invalid: an entry that is no verdict");
	ruleset_reset(&rs);
	rs.entry[TCP][5] = XDPPORT_ENTRY_LIMIT | XDPPORT_ENTRY_RULE_DROP;
	rs.entry[UDP][5] = XDPPORT_ENTRY_LIMIT;
	report(ruleset_is_valid(&rs), "valid: limit bit on a denied port and on a policy port");
	rs.entry[UDP][5] = XDPPORT_ENTRY_LIMIT | XDPPORT_ENTRY_POLICY_DROP;
	report(!ruleset_is_valid(&rs), "invalid: a limited unruled entry against the policy");
	ruleset_reset(&rs);
	rs.policy[UDP] = 1;
	report(!ruleset_is_valid(&rs), "invalid: unruled entries that disagree with the policy");
	ruleset_reset(&rs);
	rs.fragments = 2;
	report(!ruleset_is_valid(&rs), "invalid: fragments setting out of range");
}

static bool rule_is(const struct port_rule *r, uint32_t protos, int first, int last,
		    enum verdict v)
{
	return r->range.protos == protos && r->range.first == first && r->range.last == last &&
	       r->verdict == v;
}

static bool listed(const struct rules *l)
{
	return l->nports == 5 && rule_is(&l->port[0], PROTO_BIT(TCP), 0, 5, VERDICT_PASS) &&
	       rule_is(&l->port[1], PROTO_BIT(UDP), 0, 10, VERDICT_PASS) &&
	       rule_is(&l->port[2], PROTOS_ALL, 443, 443, VERDICT_PASS) &&
	       rule_is(&l->port[3], PROTOS_ALL, 444, 450, VERDICT_DROP) &&
	       rule_is(&l->port[4], PROTO_BIT(TCP), 65535, 65535, VERDICT_DROP);
}

static void test_listing(void)
{
	struct port_range r;
	struct rules back;

	rules_init(&m);
	r = range(PROTOS_ALL, 443, 443);
	rules_set_ports(&m, &r, VERDICT_PASS);
	r = range(PROTOS_ALL, 444, 450);
	rules_set_ports(&m, &r, VERDICT_DROP);
	r = range(PROTO_BIT(UDP), 0, 10);
	rules_set_ports(&m, &r, VERDICT_PASS);
	r = range(PROTO_BIT(TCP), 0, 5);
	rules_set_ports(&m, &r, VERDICT_PASS);
	r = range(PROTO_BIT(TCP), 65535, 65535);
	rules_set_ports(&m, &r, VERDICT_DROP);
	compile();
	rules_decompile(&rs, &lt, &back);
	if (!report(check_true(listed(&m)) && check_true(listed(&back)),
		    "listing: sorted, runs split by verdict, same rule for both protocols merged "
		    "(as edited and as read back from the bytes)"))
		for (size_t i = 0; i < m.nports; i++)
			printf("    %#x %u-%u %d\n", m.port[i].range.protos, m.port[i].range.first,
			       m.port[i].range.last, m.port[i].verdict);
	/* Neighbouring ranges with the same verdict become one. */
	r = range(PROTOS_ALL, 6, 442);
	rules_set_ports(&m, &r, VERDICT_PASS);
	report(check_eq(m.nports, 3) &&
		       check_true(rule_is(&m.port[0], PROTOS_ALL, 0, 443, VERDICT_PASS)) &&
		       check_true(rule_is(&m.port[1], PROTOS_ALL, 444, 450, VERDICT_DROP)) &&
		       check_eq(rules_port_count(&m, TCP), 452) &&
		       check_eq(rules_port_count(&m, UDP), 451),
	       "listing: an edit that closes a gap merges the ranges on both sides, and "
	       "protocols with the same range (%zu rules)", m.nports);
	r = range(PROTO_BIT(UDP), 0, 5);
	rules_set_ports(&m, &r, VERDICT_PASS);
	r = range(PROTOS_ALL, 0, 450);
	rules_set_ports(&m, &r, RULE_NONE);
	report(check_eq(m.nports, 1) &&
		       check_true(rule_is(&m.port[0], PROTO_BIT(TCP), 65535, 65535,
					  VERDICT_DROP)) &&
		       check_eq(rules_port_rule(&m, TCP, 65535), VERDICT_DROP) &&
		       check_eq(rules_port_rule(&m, UDP, 65535), RULE_NONE),
	       "listing: delete over several rules leaves only the others");
	rules_free(&back);
	rules_free(&m);
}

static void test_limit_bits(void)
{
	struct xdpport_limit l = { .interval_ns = 1000, .rate = 1000000, .burst = 5 };
	struct port_range r = range(PROTOS_ALL, 53, 53), wide = range(PROTO_BIT(TCP), 0, 65535);
	struct rules back;

	rules_init(&m);
	rules_set_limit(&m, &r, &l);
	rules_set_ports(&m, &r, VERDICT_DROP);
	compile();
	report(check_eq(rs.entry[TCP][53], XDPPORT_ENTRY_LIMIT | XDPPORT_ENTRY_RULE_DROP) &&
		       check_true(!memcmp(&lt.port[TCP][53], &l, sizeof(l))),
	       "deny keeps the limit bit (%#x)", rs.entry[TCP][53]);
	rules_set_ports(&m, &r, RULE_NONE);
	rules_set_policy(&m, PROTOS_ALL, VERDICT_DROP);
	compile();
	report(check_eq(rs.entry[UDP][53], XDPPORT_ENTRY_LIMIT | XDPPORT_ENTRY_POLICY_DROP) &&
		       check_eq(rs.entry[UDP][54], XDPPORT_ENTRY_POLICY_DROP) &&
		       check_true(ruleset_is_valid(&rs)) && check_true(rules_all_dropped(&m, &r)),
	       "delete and policy keep it too (%#x)", rs.entry[UDP][53]);
	rules_set_ports(&m, &wide, VERDICT_PASS);
	compile();
	rules_decompile(&rs, &lt, &back);
	report(check_eq(m.nports, 1) && check_eq(m.port[0].range.first, 0) &&
		       check_eq(m.port[0].range.last, 65535) && check_eq(m.nlimits, 1) &&
		       check_eq(m.limit[0].range.protos, PROTOS_ALL) &&
		       check_eq(m.limit[0].range.first, 53) &&
		       check_eq(limits_count(&rs, TCP), 1) &&
		       check_eq(rules_limit_count(&m, TCP), 1) && check_eq(back.nlimits, 1) &&
		       check_eq(back.nports, 1) && check_true(!rules_all_dropped(&m, &r)),
	       "a limit splits no rule; it lists as one limit for both protocols (%zu, %zu)",
	       m.nports, m.nlimits);
	rules_free(&back);
	rules_set_limit(&m, &r, NULL);
	compile();
	report(check_eq(limits_count(&rs, TCP) + limits_count(&rs, UDP), 0) &&
		       check_eq(rs.entry[TCP][53], XDPPORT_ENTRY_RULE_PASS) &&
		       check_eq(m.nlimits, 0),
	       "limit off clears the bit and keeps the rule");
	rules_free(&m);
}

static bool same_rules(const struct rules *a, const struct rules *b)
{
	return rules_settings_same(a, b) && rules_limits_same(a, b) && a->nports == b->nports &&
	       (!a->nports || !memcmp(a->port, b->port, sizeof(*a->port) * a->nports));
}

static void test_round_trip(void)
{
	unsigned seed = 12345, bad = 0, bad_paint = 0;
	struct rules_paint paint;

	rules_paint_init(&paint);
	for (int round = 0; round < 200; round++) {
		struct rules back, painted;

		rules_init(&m);
		rules_init(&painted);
		memset(paint.port, 0, sizeof(*paint.port) * XDPPORT_NPROTO);
		for (int op = 0; op < 20; op++) {
			uint16_t first = rand_r(&seed) % 65536;
			uint16_t span = rand_r(&seed) % 4 == 0 ? rand_r(&seed) % 2000 : 0;
			struct port_range r = range(1 + rand_r(&seed) % 3, first,
						    first + span > 65535 ? 65535 : first + span);

			struct xdpport_limit l = { .rate = 1 + rand_r(&seed) % 3,
						   .burst = 1 + rand_r(&seed) % 2,
						   .per_source = rand_r(&seed) % 2 };
			int kind = rand_r(&seed) % 6, rule;

			switch (kind) {
			case 4:
				rules_set_limit(&m, &r, &l);
				rules_paint_limit(&paint, &r, &l);
				break;
			case 5:
				rules_set_limit(&m, &r, NULL);
				rules_paint_limit(&paint, &r, NULL);
				break;
			case 0:
			case 1:
			case 2:
				rule = kind == 0 ? VERDICT_PASS : kind == 1 ? VERDICT_DROP : RULE_NONE;
				rules_set_ports(&m, &r, rule);
				rules_paint_ports(&paint, &r, rule);
				break;
			default:
				rules_set_policy(&m, r.protos, rand_r(&seed) % 2);
			}
		}
		memcpy(painted.policy, m.policy, sizeof(m.policy));
		rules_paint_finish(&paint, &painted);
		bad_paint += !same_rules(&m, &painted);
		rules_free(&painted);
		/* Compiled, read back, compiled again: the same rules, the same bytes. */
		rules_compile(&m, &rs, &lt);
		rules_decompile(&rs, &lt, &back);
		rules_compile(&back, &copy, &lt_copy);
		bad += !ruleset_is_valid(&rs) || !same_rules(&m, &back) ||
		       memcmp(&rs, &copy, sizeof(rs));
		for (int p = 0; p < XDPPORT_NPROTO; p++)
			for (int port = 0; port < XDPPORT_PORTS; port++)
				bad += (rs.entry[p][port] & XDPPORT_ENTRY_LIMIT) &&
				       memcmp(&lt.port[p][port], &lt_copy.port[p][port],
					      sizeof(lt.port[p][port]));
		rules_free(&back);
		rules_free(&m);
	}
	rules_paint_free(&paint);
	report(bad == 0, "200 random rulesets with limits stay valid and survive list-then-apply "
			 "(%u differ)",
	       bad);
	report(bad_paint == 0, "the same edits painted (the rules file's way) give the same rules "
			       "(%u differ)", bad_paint);
}

/* The questions a commit and the guard ask of two rulesets, against a port by port
 * reading of both. */
static void test_changes(void)
{
	unsigned seed = 777, bad = 0, one = 0;

	for (int round = 0; round < 300; round++) {
		struct rules a, b;
		int want = -1, edits = rand_r(&seed) % 3;
		bool drops = false;

		rules_init(&a);
		for (int op = 0; op < 6; op++) {
			uint16_t first = rand_r(&seed) % 64;
			struct port_range r = range(1 + rand_r(&seed) % 3, first,
						    first + rand_r(&seed) % 3);

			rules_set_ports(&a, &r, (int)(rand_r(&seed) % 3) - 1);
		}
		rules_copy(&b, &a);
		for (int op = 0; op < edits; op++) {
			uint16_t first = rand_r(&seed) % 64;
			struct port_range r = range(1 + rand_r(&seed) % 3, first,
						    first + (rand_r(&seed) % 4 == 0));

			if (rand_r(&seed) % 5 == 0)
				rules_set_policy(&b, r.protos, rand_r(&seed) % 2);
			else
				rules_set_ports(&b, &r, (int)(rand_r(&seed) % 3) - 1);
		}
		for (int p = 0; p < XDPPORT_NPROTO; p++)
			for (unsigned port = 0; port < 80; port++) {
				if (rules_port_rule(&a, p, port) != rules_port_rule(&b, p, port))
					want = want == -1 || want == (int)port ? (int)port : -2;
				drops |= p == TCP && rules_verdict(&a, p, port) == VERDICT_PASS &&
					 rules_verdict(&b, p, port) == VERDICT_DROP;
			}
		drops |= rules_verdict(&a, TCP, 1000) == VERDICT_PASS &&
			 rules_verdict(&b, TCP, 1000) == VERDICT_DROP;	/* the policy's ports */
		bad += rules_changed_port(&a, &b) != want || rules_starts_dropping(&a, &b, TCP) != drops;
		one += want >= 0;
		rules_free(&a);
		rules_free(&b);
	}
	report(check_eq(bad, 0) && check_op(one, >, 0),
	       "the one port that changed, and whether tcp starts dropping, as port by port "
	       "(300 random changes, %u of one port; %u differ)",
	       one, bad);
}

int main(void)
{
	test_reset();
	test_rules_and_policy();
	test_validity();
	test_listing();
	test_limit_bits();
	test_round_trip();
	test_changes();
	return report_summary();
}
