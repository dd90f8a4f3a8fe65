// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The rules file writer (user/rulesfile.h): what `save` prints. */
#include <stdio.h>
#include <stdlib.h>

#include "limit.h"
#include "portspec.h"
#include "ruleset.h"
#include "rulesfile.h"
#include "source_args.h"

static const char *verdict_word(int v)
{
	return v == VERDICT_DROP ? "drop" : "pass";
}

/* "443", "8000-8100/udp": a range as PORTSPEC. */
static void write_range(FILE *out, const struct port_range *range)
{
	if (range->first == range->last)
		fprintf(out, "%u", range->first);
	else
		fprintf(out, "%u-%u", range->first, range->last);
	if (range->protos != PROTOS_ALL)
		fprintf(out, "/%s",
			proto_name(range->protos == PROTO_BIT(XDPPORT_UDP) ? XDPPORT_UDP
									     : XDPPORT_TCP));
}

static void write_rule(FILE *out, const struct rule *r)
{
	fputs(r->verdict == VERDICT_DROP ? "deny " : "allow ", out);
	write_range(out, &r->range);
	fputc('\n', out);
}

static int write_limits(FILE *out, const struct xdpport_ruleset *rs,
			const struct xdpport_limits *limits)
{
	struct limit_rule *l;
	long n = limits_list(rs, limits, &l);

	if (n < 0)
		return -1;
	for (long i = 0; i < n; i++) {
		char text[64];

		limit_format(&l[i].limit, text, sizeof(text));
		fputs("limit ", out);
		write_range(out, &l[i].range);
		fprintf(out, " %s\n", text);
	}
	free(l);
	return 0;
}

#define SET_LINE_PREFIXES	8	/* a set's members per saved line */

static void write_sources(FILE *out, const struct sources *src)
{
	for (size_t i = 0; i < src->nsets; i++) {
		const struct source_set *set = &src->set[i];

		if (!set->n)
			fprintf(out, "set %s\n", set->name);
		for (size_t k = 0; k < set->n; k++) {
			char text[PREFIX_TEXT_MAX];

			prefix_format(&set->prefix[k], text, sizeof(text));
			fprintf(out, "%s%s%s", k % SET_LINE_PREFIXES ? " " : "set ",
				k % SET_LINE_PREFIXES ? "" : set->name, k % SET_LINE_PREFIXES ? "" : " ");
			fputs(text, out);
			if (k % SET_LINE_PREFIXES == SET_LINE_PREFIXES - 1 || k == set->n - 1)
				fputc('\n', out);
		}
	}
	for (size_t i = 0; i < src->nrules; i++) {
		char line[128];

		source_rule_format(src, &src->rule[i], line, sizeof(line));
		fprintf(out, "%s\n", line);
	}
}

int rulesfile_write(FILE *out, const struct xdpport_ruleset *rs,
		    const struct xdpport_limits *limits)
{
	return rulesfile_write_sources(out, rs, limits, NULL);
}

int rulesfile_write_sources(FILE *out, const struct xdpport_ruleset *rs,
			    const struct xdpport_limits *limits, const struct sources *src)
{
	struct rule *rules;
	long n = ruleset_rules(rs, &rules);

	if (n < 0)
		return -1;
	if (rs->policy[XDPPORT_TCP] == rs->policy[XDPPORT_UDP])
		fprintf(out, "policy %s\n", verdict_word(rs->policy[XDPPORT_TCP]));
	else
		for (int proto = 0; proto < XDPPORT_NPROTO; proto++)
			fprintf(out, "policy %s %s\n", verdict_word(rs->policy[proto]),
				proto_name(proto));
	fprintf(out, "fragments %s\n", verdict_word(rs->fragments));
	if (!rs->replies)
		fprintf(out, "replies off\n");
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		if (rs->timeout[s] != ruleset_timeout_default(s))
			fprintf(out, "replies timeout %s %u\n", ruleset_timeout_name(s),
				rs->timeout[s]);
	for (long i = 0; i < n; i++)
		write_rule(out, &rules[i]);
	free(rules);
	if (limits && write_limits(out, rs, limits))
		return -1;
	if (src)
		write_sources(out, src);
	return ferror(out) ? -1 : 0;
}
