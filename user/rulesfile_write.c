// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The rules file writer (user/rulesfile.h): what `save` prints, from a struct rules. */
#include <stdio.h>

#include "limit.h"
#include "portspec.h"
#include "rulesfile.h"
#include "source_args.h"

#define SET_LINE_PREFIXES	8	/* a set's members per saved line */

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

static void write_settings(FILE *out, const struct rules *r)
{
	if (r->policy[XDPPORT_TCP] == r->policy[XDPPORT_UDP])
		fprintf(out, "policy %s\n", verdict_word(r->policy[XDPPORT_TCP]));
	else
		for (int proto = 0; proto < XDPPORT_NPROTO; proto++)
			fprintf(out, "policy %s %s\n", verdict_word(r->policy[proto]),
				proto_name(proto));
	fprintf(out, "fragments %s\n", verdict_word(r->fragments));
	if (!r->replies)
		fprintf(out, "replies off\n");
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		if (r->timeout[s] != ruleset_timeout_default(s))
			fprintf(out, "replies timeout %s %u\n", ruleset_timeout_name(s),
				r->timeout[s]);
}

static void write_ports(FILE *out, const struct rules *r)
{
	for (size_t i = 0; i < r->nports; i++) {
		fputs(r->port[i].verdict == VERDICT_DROP ? "deny " : "allow ", out);
		write_range(out, &r->port[i].range);
		fputc('\n', out);
	}
	for (size_t i = 0; i < r->nlimits; i++) {
		char text[64];

		limit_format(&r->limit[i].limit, text, sizeof(text));
		fputs("limit ", out);
		write_range(out, &r->limit[i].range);
		fprintf(out, " %s\n", text);
	}
}

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

int rulesfile_write(FILE *out, const struct rules *r)
{
	write_settings(out, r);
	write_ports(out, r);
	write_sources(out, &r->sources);
	return ferror(out) ? -1 : 0;
}
