// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The ruleset functions (user/ruleset.c): rules and policies become the one byte per
 * port the data path reads, verdicts follow rule-then-policy, the listing merges
 * ranges and protocols, and listing then re-applying a ruleset gives the same bytes.
 * Flood limits (user/limit.c) ride on the same bytes: rule and policy changes keep
 * them, and they list and rebuild the same way.
 */
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limit.h"
#include "report.h"
#include "ruleset.h"

#define TCP XDPPORT_TCP
#define UDP XDPPORT_UDP

static struct xdpport_ruleset rs, copy;
static struct xdpport_limits lt, lt_copy;

static struct port_range range(uint32_t protos, uint16_t first, uint16_t last)
{
	return (struct port_range){ .protos = protos, .first = first, .last = last };
}

static void test_reset(void)
{
	memset(&rs, 0xff, sizeof(rs));
	ruleset_reset(&rs);
	report(check_true(ruleset_is_valid(&rs)) && check_eq(ruleset_count(&rs, TCP), 0) &&
		       check_eq(ruleset_count(&rs, UDP), 0) &&
		       check_eq(ruleset_verdict(&rs, TCP, 0), VERDICT_PASS) &&
		       check_eq(ruleset_verdict(&rs, UDP, 65535), VERDICT_PASS) &&
		       check_eq(rs.fragments, 0),
	       "reset: no rules, everything passes");
}

static void test_rules_and_policy(void)
{
	struct port_range r;

	ruleset_reset(&rs);
	r = range(PROTOS_ALL, 443, 443);
	ruleset_set_rule(&rs, &r, VERDICT_PASS);
	report(check_eq(rs.entry[TCP][443], XDPPORT_ENTRY_RULE_PASS) &&
		       check_eq(rs.entry[UDP][443], XDPPORT_ENTRY_RULE_PASS) &&
		       check_eq(rs.entry[TCP][442], 0) && check_eq(rs.entry[TCP][444], 0),
	       "allow 443 writes a pass rule for both protocols, nothing around it");

	r = range(PROTO_BIT(UDP), 8000, 8100);
	ruleset_set_rule(&rs, &r, VERDICT_DROP);
	report(check_eq(rs.entry[UDP][8000], XDPPORT_ENTRY_RULE_DROP) &&
		       check_eq(rs.entry[UDP][8100], XDPPORT_ENTRY_RULE_DROP) &&
		       check_eq(rs.entry[UDP][8101], 0) && check_eq(rs.entry[UDP][7999], 0) &&
		       check_eq(rs.entry[TCP][8050], 0) && check_eq(ruleset_count(&rs, UDP), 102) &&
		       check_eq(ruleset_count(&rs, TCP), 1),
	       "deny 8000-8100/udp: 101 udp drop rules, inclusive bounds, tcp untouched");

	ruleset_set_policy(&rs, PROTO_BIT(TCP), VERDICT_DROP);
	report(check_eq(rs.policy[TCP], 1) && check_eq(rs.policy[UDP], 0) &&
		       check_eq(ruleset_verdict(&rs, TCP, 80), VERDICT_DROP) &&
		       check_eq(ruleset_verdict(&rs, TCP, 443), VERDICT_PASS) &&
		       check_eq(ruleset_verdict(&rs, UDP, 80), VERDICT_PASS) &&
		       check_eq(rs.entry[TCP][80], XDPPORT_ENTRY_POLICY_DROP) &&
		       check_true(ruleset_is_valid(&rs)),
	       "policy drop tcp: unruled tcp ports drop, rules and udp unchanged");

	r = range(PROTOS_ALL, 443, 443);
	ruleset_delete_rule(&rs, &r);
	report(check_eq(ruleset_verdict(&rs, TCP, 443), VERDICT_DROP) &&
		       check_eq(ruleset_verdict(&rs, UDP, 443), VERDICT_PASS) &&
		       check_eq(rs.entry[TCP][443], XDPPORT_ENTRY_POLICY_DROP) &&
		       check_eq(rs.entry[UDP][443], XDPPORT_ENTRY_POLICY_PASS) &&
		       check_true(ruleset_is_valid(&rs)),
	       "delete 443: each protocol falls back to its own policy");

	ruleset_set_policy(&rs, PROTOS_ALL, VERDICT_PASS);
	report(check_eq(ruleset_verdict(&rs, TCP, 80), VERDICT_PASS) &&
		       check_eq(ruleset_verdict(&rs, UDP, 8050), VERDICT_DROP) &&
		       check_true(ruleset_is_valid(&rs)),
	       "policy pass: unruled ports pass, drop rules still drop");

	r = range(PROTOS_ALL, 0, 65535);
	ruleset_set_rule(&rs, &r, VERDICT_DROP);
	report(check_eq(ruleset_count(&rs, TCP), 65536) &&
		       check_eq(ruleset_count(&rs, UDP), 65536) &&
		       check_eq(ruleset_verdict(&rs, TCP, 0), VERDICT_DROP) &&
		       check_eq(ruleset_verdict(&rs, UDP, 65535), VERDICT_DROP),
	       "deny 0-65535 covers both ends");
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

static bool rule_is(const struct rule *r, uint32_t protos, int first, int last, enum verdict v)
{
	return r->range.protos == protos && r->range.first == first && r->range.last == last &&
	       r->verdict == v;
}

static void test_listing(void)
{
	struct port_range r;
	struct rule *rules;
	long n;

	ruleset_reset(&rs);
	r = range(PROTOS_ALL, 443, 443);
	ruleset_set_rule(&rs, &r, VERDICT_PASS);
	r = range(PROTOS_ALL, 444, 450);
	ruleset_set_rule(&rs, &r, VERDICT_DROP);
	r = range(PROTO_BIT(UDP), 0, 10);
	ruleset_set_rule(&rs, &r, VERDICT_PASS);
	r = range(PROTO_BIT(TCP), 0, 5);
	ruleset_set_rule(&rs, &r, VERDICT_PASS);
	r = range(PROTO_BIT(TCP), 65535, 65535);
	ruleset_set_rule(&rs, &r, VERDICT_DROP);
	n = ruleset_rules(&rs, &rules);
	if (!report(check_eq(n, 5) &&
			    check_true(rule_is(&rules[0], PROTO_BIT(TCP), 0, 5, VERDICT_PASS)) &&
			    check_true(rule_is(&rules[1], PROTO_BIT(UDP), 0, 10, VERDICT_PASS)) &&
			    check_true(rule_is(&rules[2], PROTOS_ALL, 443, 443, VERDICT_PASS)) &&
			    check_true(rule_is(&rules[3], PROTOS_ALL, 444, 450, VERDICT_DROP)) &&
			    check_true(rule_is(&rules[4], PROTO_BIT(TCP), 65535, 65535, VERDICT_DROP)),
		    "listing: sorted, runs split by verdict, same rule for both protocols merged"))
		for (long i = 0; i < n; i++)
			printf("    %#x %u-%u %d\n", rules[i].range.protos, rules[i].range.first,
			       rules[i].range.last, rules[i].verdict);
	free(rules);
}

static void test_limit_bits(void)
{
	struct xdpport_limit l = { .interval_ns = 1000, .rate = 1000000, .burst = 5 };
	struct port_range r = range(PROTOS_ALL, 53, 53), wide = range(PROTO_BIT(TCP), 0, 65535);
	struct limit_rule *limits;
	struct rule *rules;
	long n, nl;

	ruleset_reset(&rs);
	limits_set(&rs, &lt, &r, &l);
	ruleset_set_rule(&rs, &r, VERDICT_DROP);
	report(rs.entry[TCP][53] == (XDPPORT_ENTRY_LIMIT | XDPPORT_ENTRY_RULE_DROP),
	       "deny keeps the limit bit (%#x)", rs.entry[TCP][53]);
	ruleset_delete_rule(&rs, &r);
	ruleset_set_policy(&rs, PROTOS_ALL, VERDICT_DROP);
	report(check_eq(rs.entry[UDP][53], XDPPORT_ENTRY_LIMIT | XDPPORT_ENTRY_POLICY_DROP) &&
		       check_eq(rs.entry[UDP][54], XDPPORT_ENTRY_POLICY_DROP) &&
		       check_true(ruleset_is_valid(&rs)),
	       "delete and policy keep it too (%#x)", rs.entry[UDP][53]);
	ruleset_set_rule(&rs, &wide, VERDICT_PASS);
	n = ruleset_rules(&rs, &rules);
	nl = limits_list(&rs, &lt, &limits);
	report(check_eq(n, 1) && check_eq(rules[0].range.first, 0) &&
		       check_eq(rules[0].range.last, 65535) && check_eq(nl, 1) &&
		       check_eq(limits[0].range.protos, PROTOS_ALL) &&
		       check_eq(limits[0].range.first, 53) && check_eq(limits_count(&rs, TCP), 1),
	       "a limit splits no rule; it lists as one limit for both protocols (%ld, %ld)", n, nl);
	free(rules);
	free(limits);
	limits_set(&rs, &lt, &r, NULL);
	report(check_eq(limits_count(&rs, TCP) + limits_count(&rs, UDP), 0) &&
		       check_eq(rs.entry[TCP][53], XDPPORT_ENTRY_RULE_PASS),
	       "limit off clears the bit and keeps the rule");
}

/* Rebuilds a ruleset from its listing: the listing must say everything. */
static void rebuild(const struct xdpport_ruleset *from, struct xdpport_ruleset *to)
{
	struct limit_rule *limits;
	struct rule *rules;
	long n = ruleset_rules(from, &rules), nl = limits_list(from, &lt, &limits);


	ruleset_reset(to);
	to->fragments = from->fragments;
	ruleset_set_policy(to, PROTO_BIT(TCP), from->policy[TCP]);
	ruleset_set_policy(to, PROTO_BIT(UDP), from->policy[UDP]);
	for (long i = 0; i < n; i++)
		ruleset_set_rule(to, &rules[i].range, rules[i].verdict);
	free(rules);
	for (long i = 0; i < nl; i++)
		limits_set(to, &lt_copy, &limits[i].range, &limits[i].limit);
	free(limits);
}

static void test_round_trip(void)
{
	unsigned seed = 12345, bad = 0;

	for (int round = 0; round < 200; round++) {
		ruleset_reset(&rs);
		for (int op = 0; op < 20; op++) {
			uint16_t first = rand_r(&seed) % 65536;
			uint16_t span = rand_r(&seed) % 4 == 0 ? rand_r(&seed) % 2000 : 0;
			struct port_range r = range(1 + rand_r(&seed) % 3, first,
						    first + span > 65535 ? 65535 : first + span);

			struct xdpport_limit l = { .rate = 1 + rand_r(&seed) % 3,
						   .burst = 1 + rand_r(&seed) % 2,
						   .per_source = rand_r(&seed) % 2 };

			switch (rand_r(&seed) % 6) {
			case 4:
				limits_set(&rs, &lt, &r, &l);
				break;
			case 5:
				limits_set(&rs, &lt, &r, NULL);
				break;
			case 0:
				ruleset_set_rule(&rs, &r, VERDICT_PASS);
				break;
			case 1:
				ruleset_set_rule(&rs, &r, VERDICT_DROP);
				break;
			case 2:
				ruleset_delete_rule(&rs, &r);
				break;
			default:
				ruleset_set_policy(&rs, r.protos, rand_r(&seed) % 2);
			}
		}
		rebuild(&rs, &copy);
		bad += !ruleset_is_valid(&rs) || memcmp(&rs, &copy, sizeof(rs));
		for (int p = 0; p < XDPPORT_NPROTO; p++)
			for (int port = 0; port < XDPPORT_PORTS; port++)
				bad += (rs.entry[p][port] & XDPPORT_ENTRY_LIMIT) &&
				       memcmp(&lt.port[p][port], &lt_copy.port[p][port],
					      sizeof(lt.port[p][port]));
	}
	report(bad == 0, "200 random rulesets with limits stay valid and survive list-then-apply "
			 "(%u differ)",
	       bad);
}

int main(void)
{
	test_reset();
	test_rules_and_policy();
	test_validity();
	test_listing();
	test_limit_bits();
	test_round_trip();
	return report_summary();
}
