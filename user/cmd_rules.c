// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Commands that change or show the ruleset: allow, deny, delete, policy, fragments,
 * list, flush. Each change is parsed and checked in full before anything is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_sources.h"
#include "errors.h"
#include "filter.h"
#include "guard.h"
#include "json.h"
#include "links.h"
#include "ruleset.h"
#include "source_args.h"
#include "sources_store.h"

enum port_action { ACTION_ALLOW, ACTION_DENY, ACTION_DELETE };

/* The ruleset a change builds: too big for a comfortable stack. Single-port changes,
 * the common case, build none: fresh memory costs page faults on every command. */
static struct xdpport_ruleset next;

static int parse_verdict(const char *text)
{
	if (!strcmp(text, "pass") || !strcmp(text, "allow"))
		return VERDICT_PASS;
	if (!strcmp(text, "drop") || !strcmp(text, "deny"))
		return VERDICT_DROP;
	return -1;
}

static const char *verdict_name(int v)
{
	return v == VERDICT_DROP ? "drop" : "pass";
}

/* Opens the filter locked, with `next` holding a copy of the running ruleset. */
static int begin_change(struct cmdline *cl, struct filter *f)
{
	int err = filter_open(f, FILTER_CREATE | FILTER_LOCK, cl->cmd->name);

	if (!err)
		next = *filter_live(f);
	return err;
}

/* Warns when the change filters nothing yet, closes the filter, returns `err`. */
static int end_change(struct filter *f, int err)
{
	if (!err && links_live_count() == 0)
		warn("rules saved, but the filter is not attached to any interface yet, so "
		     "nothing is filtered ('xdpport attach IFACE')");
	filter_close(f);
	return err;
}

/* Checks the lockout guard (naming `what` if it refuses), then makes `next` the
 * running ruleset. */
static int finish_change(struct cmdline *cl, struct filter *f, const char *what)
{
	const struct xdpport_ruleset *live = filter_live(f);
	int err = guard_check(live, &next, cl->force, what);

	if (!err && memcmp(live, &next, sizeof(next)))
		filter_commit(f, &next);
	return end_change(f, err);
}

/* The argument that puts the guarded port under a drop, for the guard's message. */
static int guarded_arg(const struct cmdline *cl, const struct portspec *specs)
{
	__u16 port = guard_port();

	for (int i = 0; i < cl->argc; i++)
		for (int r = 0; r < specs[i].n; r++)
			if ((specs[i].range[r].protos & PROTO_BIT(XDPPORT_TCP)) &&
			    specs[i].range[r].first <= port && port <= specs[i].range[r].last)
				return i;
	return 0;
}

/* The port number every range of `specs` is, or -1 when they span more than one. */
static int single_port(const struct portspec *specs, int n)
{
	int port = specs[0].range[0].first;

	for (int i = 0; i < n; i++)
		for (int r = 0; r < specs[i].n; r++)
			if (specs[i].range[r].first != port || specs[i].range[r].last != port)
				return -1;
	return port;
}

static enum verdict entry_verdict(__u8 entry)
{
	return entry & XDPPORT_ENTRY_DROP ? VERDICT_DROP : VERDICT_PASS;
}

/* The entry `action` gives a port of protocol `p`. */
static __u8 action_entry(enum port_action action, const struct xdpport_ruleset *live, int p)
{
	if (action == ACTION_DELETE)
		return live->policy[p];	/* no rule: the policy's verdict */
	return ruleset_rule_entry(action == ACTION_DENY ? VERDICT_DROP : VERDICT_PASS);
}

/* `allow 443`, `deny 22/tcp`...: the new entries of one port number, written in place. */
static int edit_one_port(struct cmdline *cl, const struct portspec *specs,
			 enum port_action action, __u16 port, const char *what)
{
	const struct xdpport_ruleset *live;
	__u8 entry[XDPPORT_NPROTO];
	struct filter f;
	int err = filter_open(&f, FILTER_CREATE | FILTER_LOCK, cl->cmd->name);

	if (err)
		return err;
	live = filter_live(&f);
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		entry[p] = live->entry[p][port];
	for (int i = 0; i < cl->argc; i++)
		for (int r = 0; r < specs[i].n; r++)
			for (int p = 0; p < XDPPORT_NPROTO; p++)
				if (specs[i].range[r].protos & PROTO_BIT(p))
					entry[p] = (entry[p] & XDPPORT_ENTRY_SOURCES) |
						   action_entry(action, live, p);
	for (int p = 0; p < XDPPORT_NPROTO && !err; p++)
		err = guard_check_port(p, port, entry_verdict(live->entry[p][port]),
				       entry_verdict(entry[p]), cl->force, what);
	if (!err)
		filter_commit_port(&f, port, entry);
	return end_change(&f, err);
}

/* Anything larger: the whole next ruleset, switched in at once. */
static int edit_ranges(struct cmdline *cl, const struct portspec *specs,
		       enum port_action action, const char *what)
{
	struct filter f;
	int err = begin_change(cl, &f);

	if (err)
		return err;
	for (int i = 0; i < cl->argc; i++)
		for (int r = 0; r < specs[i].n; r++) {
			if (action == ACTION_DELETE)
				ruleset_delete_rule(&next, &specs[i].range[r]);
			else
				ruleset_set_rule(&next, &specs[i].range[r],
						 action == ACTION_DENY ? VERDICT_DROP : VERDICT_PASS);
		}
	return finish_change(cl, &f, what);
}

static int edit_ports(struct cmdline *cl, enum port_action action)
{
	struct portspec *specs = calloc(cl->argc, sizeof(*specs));
	int from = source_from_index(cl->argv, cl->argc);
	char what[128];
	int err = 0, port;

	if (from >= 0) {
		free(specs);
		return sources_edit(cl, action, from);
	}
	if (!specs)
		return fail(EXIT_FAIL, cl->cmd->name, "out of memory");
	for (int i = 0; i < cl->argc && !err; i++) {
		char why[128];

		if (portspec_parse(cl->argv[i], &specs[i], why, sizeof(why))) {
			cli_what(cl, i, 1, what, sizeof(what));
			err = fail(EXIT_USAGE, what, "%s", why);
		}
	}
	if (!err) {
		cli_what(cl, guarded_arg(cl, specs), 1, what, sizeof(what));
		port = single_port(specs, cl->argc);
		err = port >= 0 ? edit_one_port(cl, specs, action, port, what)
				: edit_ranges(cl, specs, action, what);
	}
	free(specs);
	return err;
}

int cmd_allow(struct cmdline *cl)
{
	return edit_ports(cl, ACTION_ALLOW);
}

int cmd_deny(struct cmdline *cl)
{
	return edit_ports(cl, ACTION_DENY);
}

int cmd_delete(struct cmdline *cl)
{
	return edit_ports(cl, ACTION_DELETE);
}

int cmd_policy(struct cmdline *cl)
{
	int verdict = parse_verdict(cl->argv[0]);
	uint32_t protos = PROTOS_ALL;
	char what[64];
	struct filter f;
	int err;

	if (verdict < 0)
		return usage_error(cl, "policy must be pass or drop, not '%s'", cl->argv[0]);
	if (cl->argc == 2) {
		int proto = proto_parse(cl->argv[1]);

		if (proto < 0)
			return usage_error(cl, "protocol must be tcp or udp, not '%s'", cl->argv[1]);
		protos = PROTO_BIT(proto);
	}
	err = begin_change(cl, &f);
	if (err)
		return err;
	ruleset_set_policy(&next, protos, verdict);
	cli_what(cl, 0, -1, what, sizeof(what));
	return finish_change(cl, &f, what);
}

int cmd_fragments(struct cmdline *cl)
{
	int verdict = parse_verdict(cl->argv[0]);
	struct filter f;
	int err;

	if (verdict < 0)
		return usage_error(cl, "fragments must be pass or drop, not '%s'", cl->argv[0]);
	err = begin_change(cl, &f);
	if (err)
		return err;
	next.fragments = verdict;
	return finish_change(cl, &f, cl->cmd->name);
}

static size_t set_family_count(const struct source_set *set, int family)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n; i++)
		n += set->prefix[i].family == family;
	return n;
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

static void list_json(const struct xdpport_ruleset *rs, const struct rule *rules, long n,
		      const struct sources *src)
{
	json_object_begin(NULL);
	json_object_begin("policy");
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		json_string(proto_name(p), verdict_name(rs->policy[p]));
	json_object_end();
	json_string("fragments", verdict_name(rs->fragments));
	json_array_begin("rules");
	for (long i = 0; i < n; i++) {
		json_object_begin(NULL);
		json_string("action", rules[i].verdict == VERDICT_DROP ? "deny" : "allow");
		json_uint("first", rules[i].range.first);
		json_uint("last", rules[i].range.last);
		json_array_begin("protocols");
		for (int p = 0; p < XDPPORT_NPROTO; p++)
			if (rules[i].range.protos & PROTO_BIT(p))
				json_string(NULL, proto_name(p));
		json_array_end();
		json_object_end();
	}
	json_array_end();
	list_sources_json(src);
	json_object_end();
}

static void list_text(const struct xdpport_ruleset *rs, const struct rule *rules, long n,
		      const struct sources *src)
{
	printf("policy     tcp %s, udp %s\n", verdict_name(rs->policy[XDPPORT_TCP]),
	       verdict_name(rs->policy[XDPPORT_UDP]));
	printf("fragments  %s\n", verdict_name(rs->fragments));
	printf("rules      %ld\n", n);
	for (long i = 0; i < n; i++) {
		char range[32];

		port_range_format(range, sizeof(range), &rules[i].range);
		printf("  %-5s %s\n", rules[i].verdict == VERDICT_DROP ? "deny" : "allow", range);
	}
	list_sources_text(src);
}

int cmd_list(struct cmdline *cl)
{
	const struct xdpport_ruleset *rs = &next;
	struct sources src;
	struct filter f;
	struct rule *rules;
	char why[256];
	long n;
	int err = filter_open(&f, 0, cl->cmd->name);

	if (err == NOT_SET_UP)
		ruleset_reset(&next);	/* nothing set yet: what attach would start with */
	else if (err)
		return err;
	else
		rs = filter_live(&f);
	if (sources_load(rs, &src, why, sizeof(why))) {
		filter_close(&f);
		return fail(EXIT_FAIL, cl->cmd->name, "%s", why);
	}
	n = ruleset_rules(rs, &rules);
	if (n < 0) {
		sources_free(&src);
		filter_close(&f);
		return fail(EXIT_FAIL, cl->cmd->name, "out of memory");
	}
	if (cl->json)
		list_json(rs, rules, n, &src);
	else
		list_text(rs, rules, n, &src);
	free(rules);
	sources_free(&src);
	filter_close(&f);
	return EXIT_OK;
}

int cmd_flush(struct cmdline *cl)
{
	struct filter f;
	int err;

	/* Nothing attached: remove every pin, leaving no trace. */
	err = filter_purge(cl->cmd->name);
	if (err != FILTER_IN_USE)
		return err;
	err = begin_change(cl, &f);
	if (err)
		return err;
	ruleset_reset(&next);
	/* finish_change() closes the filter: free the source tables while it is held. */
	err = guard_check(filter_live(&f), &next, cl->force, cl->cmd->name);
	if (!err) {
		filter_commit(&f, &next);
		sources_release_other(filter_live(&f));
	}
	return end_change(&f, err);
}
