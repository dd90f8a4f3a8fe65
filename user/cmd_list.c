// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* list: the running rules (policies, settings, port rules, limits, source rules and
 * sets) as text or JSON. */
#include <stdio.h>

#include "cli.h"
#include "cli_lib.h"
#include "errors.h"
#include "filter.h"
#include "json.h"
#include "limit.h"
#include "rules_commit.h"
#include "source_args.h"
#include "sources_store.h"

static const char *verdict_name(int v)
{
	return v == VERDICT_DROP ? "drop" : "pass";
}

static size_t set_family_count(const struct source_set *set, int family)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n; i++)
		n += set->prefix[i].family == family;
	return n;
}

/* "first", "last" and "protocols" of a range, in the open object. */
static void range_json(const struct port_range *r)
{
	json_uint("first", r->first);
	json_uint("last", r->last);
	json_array_begin("protocols");
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		if (r->protos & PROTO_BIT(p))
			json_string(NULL, proto_name(p));
	json_array_end();
}

static void limits_json(const struct rules *r)
{
	json_array_begin("limits");
	for (size_t i = 0; i < r->nlimits; i++) {
		const struct limit_rule *l = &r->limit[i];

		json_object_begin(NULL);
		range_json(&l->range);
		json_uint("rate", l->limit.rate);
		json_string("per", l->limit.per_minute ? "minute" : "second");
		json_uint("burst", l->limit.burst);
		json_bool("per_source", l->limit.per_source);
		json_object_end();
	}
	json_array_end();
}

static void list_sources_json(const struct sources *src)
{
	json_array_begin("sources");
	for (size_t i = 0; i < src->nrules; i++) {
		const struct source_rule *r = &src->rule[i];
		char ports[32], from[PREFIX_TEXT_MAX + SET_NAME_MAX];

		json_object_begin(NULL);
		json_string("action", r->verdict == VERDICT_DROP ? "deny" : "allow");
		if (r->range.protos) {
			port_range_format(ports, sizeof(ports), &r->range);
			json_string("ports", ports);
		} else {
			json_null("ports");
		}
		source_format(src, r, from, sizeof(from));
		json_string("from", from);
		json_object_end();
	}
	json_array_end();
	json_array_begin("sets");
	for (size_t i = 0; i < src->nsets; i++) {
		json_object_begin(NULL);
		json_string("name", src->set[i].name);
		json_uint("ipv4", set_family_count(&src->set[i], 4));
		json_uint("ipv6", set_family_count(&src->set[i], 6));
		json_object_end();
	}
	json_array_end();
}

static void list_sources_text(const struct sources *src)
{
	if (!src->nrules && !src->nsets)
		return;
	printf("sources    %zu\n", src->nrules);
	for (size_t i = 0; i < src->nrules; i++) {
		char line[128];

		source_rule_format(src, &src->rule[i], line, sizeof(line));
		printf("  %s\n", line);
	}
	printf("sets       %zu\n", src->nsets);
	for (size_t i = 0; i < src->nsets; i++)
		printf("  %-20s %zu ipv4, %zu ipv6\n", src->set[i].name,
		       set_family_count(&src->set[i], 4), set_family_count(&src->set[i], 6));
}

static void list_json(const struct rules *r)
{
	json_object_begin(NULL);
	json_object_begin("policy");
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		json_string(proto_name(p), verdict_name(r->policy[p]));
	json_object_end();
	json_string("fragments", verdict_name(r->fragments));
	json_object_begin("replies");
	json_bool("enabled", r->replies);
	json_object_begin("timeouts");
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		json_uint(ruleset_timeout_name(s), r->timeout[s]);
	json_object_end();
	json_object_end();
	json_array_begin("rules");
	for (size_t i = 0; i < r->nports; i++) {
		json_object_begin(NULL);
		json_string("action", r->port[i].verdict == VERDICT_DROP ? "deny" : "allow");
		range_json(&r->port[i].range);
		json_object_end();
	}
	json_array_end();
	limits_json(r);
	list_sources_json(&r->sources);
	json_object_end();
}

static bool timeouts_default(const struct rules *r)
{
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		if (r->timeout[s] != ruleset_timeout_default(s))
			return false;
	return true;
}

static void list_text(const struct rules *r)
{
	printf("policy     tcp %s, udp %s\n", verdict_name(r->policy[XDPPORT_TCP]),
	       verdict_name(r->policy[XDPPORT_UDP]));
	printf("fragments  %s\n", verdict_name(r->fragments));
	printf("replies    %s\n", r->replies ? "on" : "off");
	for (int s = 0, shown = 0; s < XDPPORT_FLOW_NSTATES; s++)
		if (r->timeout[s] != ruleset_timeout_default(s))
			printf("%s%s %us", shown++ ? ", " : "timeouts   ", ruleset_timeout_name(s),
			       r->timeout[s]);
	if (!timeouts_default(r))
		printf("\n");
	printf("rules      %zu\n", r->nports);
	for (size_t i = 0; i < r->nports; i++) {
		char range[32];

		port_range_format(range, sizeof(range), &r->port[i].range);
		printf("  %-5s %s\n", r->port[i].verdict == VERDICT_DROP ? "deny" : "allow", range);
	}
	if (r->nlimits)	/* only when there are: the listing of a ruleset without stays as it was */
		printf("limits     %zu\n", r->nlimits);
	for (size_t i = 0; i < r->nlimits; i++) {
		const struct limit_rule *l = &r->limit[i];
		char range[32], text[64];

		port_range_format(range, sizeof(range), &l->range);
		limit_format(&l->limit, text, sizeof(text));
		printf("  limit %s %s%s\n", range, text,
		       rules_all_dropped(r, &l->range) ? " (inert: the port is dropped)" : "");
	}
	list_sources_text(&r->sources);
}

static int cmd_list(struct cmdline *cl)
{
	struct rules r;
	struct filter f;
	char why[256];
	int err = cli_filter_open(&f, 0, cl->cmd->name);

	if (err == NOT_SET_UP) {
		rules_init(&r);	/* nothing set yet: what attach would start with */
	} else if (err) {
		return err;
	} else if (rules_load(&f, &r)) {
		filter_close(&f);
		return fail(EXIT_FAIL, cl->cmd->name, "out of memory");
	} else if (sources_load(filter_live(&f), &r.sources, why, sizeof(why))) {
		rules_free(&r);
		filter_close(&f);
		return fail(EXIT_FAIL, cl->cmd->name, "%s", why);
	}
	if (cl->json)
		list_json(&r);
	else
		list_text(&r);
	rules_free(&r);
	filter_close(&f);
	return EXIT_OK;
}

const struct command cmd_list_def = {
	.name = "list", .run = cmd_list, .min_args = 0, .max_args = 0,
	.args = "",
	.summary = "show policies and rules",
	.takes = TAKES_JSON,
	.help = "Prints the policies, the fragments and replies settings (timeouts that are not\n"
		"the default) and every rule; neighbouring ports\n"
		"with the same rule show as one range, and a rule for both protocols shows once.\n"
		"Then the source rules, in the order given, and the sets.\n"
		"Works whether or not the filter is attached.\n",
};
