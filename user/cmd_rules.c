// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Commands that change or show the ruleset: allow, deny, delete, policy, fragments,
 * list (limits too: cmd_limit.c sets them), flush. Each change is parsed and checked in full before anything is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_lib.h"
#include "cmd_sources.h"
#include "errors.h"
#include "filter.h"
#include "guard.h"
#include "help_text.h"
#include "json.h"
#include "limit.h"
#include "links.h"
#include "ruleset.h"
#include "source_args.h"
#include "sources_store.h"
#include "try.h"

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
	int err = cli_filter_open(f, FILTER_CREATE | FILTER_LOCK, cl->cmd->name);

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

	if (!err)
		err = try_arm(cl, live, filter_live_limits(f), NULL);
	if (!err && memcmp(live, &next, sizeof(next)))
		filter_commit(f, &next);
	return try_done(cl, end_change(f, err));
}

/* The argument that puts a guarded port under a drop, for the guard's message. allow
 * never drops and --force is never refused: no need to look for SSH then. */
static int guarded_arg(const struct cmdline *cl, const struct portspec *specs,
		       enum port_action action)
{
	const struct guarded_port *g;
	int n = action == ACTION_ALLOW || cl->force ? 0 : guard_ports(&g);

	for (int i = 0; i < cl->argc; i++)
		for (int r = 0; r < specs[i].n; r++)
			for (int k = 0; k < n; k++)
				if ((specs[i].range[r].protos & PROTO_BIT(XDPPORT_TCP)) &&
				    specs[i].range[r].first <= g[k].port &&
				    g[k].port <= specs[i].range[r].last)
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

/* Whether any port of `spec` has a rule (allow or deny) in `rs`. */
static bool has_rule(const struct xdpport_ruleset *rs, const struct portspec *spec)
{
	for (int r = 0; r < spec->n; r++)
		for (int p = 0; p < XDPPORT_NPROTO; p++)
			if (spec->range[r].protos & PROTO_BIT(p))
				for (__u32 port = spec->range[r].first; port <= spec->range[r].last;
				     port++)
					if (rs->entry[p][port] & XDPPORT_ENTRY_RULE)
						return true;
	return false;
}

/* delete of ports without a rule changes nothing: say so (ufw does too), status 0. */
static void say_no_rules(const struct cmdline *cl, const struct portspec *specs,
			 const struct xdpport_ruleset *live)
{
	char what[128];

	for (int i = 0; i < cl->argc; i++)
		if (!has_rule(live, &specs[i])) {
			cli_what(cl, i, 1, what, sizeof(what));
			warn("%s: no rule for %s, nothing to delete (see 'xdpport list')", what,
			     specs[i].n == 1 && specs[i].range[0].first == specs[i].range[0].last
				     ? "this port" : "these ports");
		}
}

/* `allow 443`, `deny 22/tcp`...: the new entries of one port number, written in place. */
static int edit_one_port(struct cmdline *cl, const struct portspec *specs,
			 enum port_action action, __u16 port, const char *what)
{
	const struct xdpport_ruleset *live;
	__u8 entry[XDPPORT_NPROTO];
	struct filter f;
	int err = cli_filter_open(&f, FILTER_CREATE | FILTER_LOCK, cl->cmd->name);

	if (err)
		return err;
	live = filter_live(&f);
	if (action == ACTION_DELETE)
		say_no_rules(cl, specs, live);
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		entry[p] = live->entry[p][port];
	for (int i = 0; i < cl->argc; i++)
		for (int r = 0; r < specs[i].n; r++)
			for (int p = 0; p < XDPPORT_NPROTO; p++)
				if (specs[i].range[r].protos & PROTO_BIT(p))
					entry[p] = action_entry(action, live, p) |
						   (entry[p] & XDPPORT_ENTRY_STAGES);
	for (int p = 0; p < XDPPORT_NPROTO && !err; p++)
		err = guard_check_port(p, port, entry_verdict(live->entry[p][port]),
				       entry_verdict(entry[p]), cl->force, what);
	if (!err)
		err = try_arm(cl, live, filter_live_limits(&f), NULL);
	if (!err)
		filter_commit_port(&f, port, entry);
	return try_done(cl, end_change(&f, err));
}

/* Anything larger: the whole next ruleset, switched in at once. */
static int edit_ranges(struct cmdline *cl, const struct portspec *specs,
		       enum port_action action, const char *what)
{
	struct filter f;
	int err = begin_change(cl, &f);

	if (err)
		return err;
	if (action == ACTION_DELETE)
		say_no_rules(cl, specs, filter_live(&f));
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
		cli_what(cl, guarded_arg(cl, specs, action), 1, what, sizeof(what));
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

static void limits_json(const struct limit_rule *l, long n)
{
	json_array_begin("limits");
	for (long i = 0; i < n; i++) {
		json_object_begin(NULL);
		range_json(&l[i].range);
		json_uint("rate", l[i].limit.rate);
		json_string("per", l[i].limit.per_minute ? "minute" : "second");
		json_uint("burst", l[i].limit.burst);
		json_bool("per_source", l[i].limit.per_source);
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

static void list_json(const struct xdpport_ruleset *rs, const struct rule *rules, long n,
		      const struct limit_rule *l, long nl, const struct sources *src)
{
	json_object_begin(NULL);
	json_object_begin("policy");
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		json_string(proto_name(p), verdict_name(rs->policy[p]));
	json_object_end();
	json_string("fragments", verdict_name(rs->fragments));
	json_object_begin("replies");
	json_bool("enabled", rs->replies);
	json_object_begin("timeouts");
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		json_uint(ruleset_timeout_name(s), rs->timeout[s]);
	json_object_end();
	json_object_end();
	json_array_begin("rules");
	for (long i = 0; i < n; i++) {
		json_object_begin(NULL);
		json_string("action", rules[i].verdict == VERDICT_DROP ? "deny" : "allow");
		range_json(&rules[i].range);
		json_object_end();
	}
	json_array_end();
	limits_json(l, nl);
	list_sources_json(src);
	json_object_end();
}

static void list_text(const struct xdpport_ruleset *rs, const struct rule *rules, long n,
		      const struct limit_rule *l, long nl, const struct sources *src)
{
	printf("policy     tcp %s, udp %s\n", verdict_name(rs->policy[XDPPORT_TCP]),
	       verdict_name(rs->policy[XDPPORT_UDP]));
	printf("fragments  %s\n", verdict_name(rs->fragments));
	printf("replies    %s\n", rs->replies ? "on" : "off");
	for (int s = 0, shown = 0; s < XDPPORT_FLOW_NSTATES; s++)
		if (rs->timeout[s] != ruleset_timeout_default(s))
			printf("%s%s %us", shown++ ? ", " : "timeouts   ", ruleset_timeout_name(s),
			       rs->timeout[s]);
	if (!ruleset_timeouts_default(rs))
		printf("\n");
	printf("rules      %ld\n", n);
	for (long i = 0; i < n; i++) {
		char range[32];

		port_range_format(range, sizeof(range), &rules[i].range);
		printf("  %-5s %s\n", rules[i].verdict == VERDICT_DROP ? "deny" : "allow", range);
	}
	if (nl)	/* only when there are: the listing of a ruleset without stays as it was */
		printf("limits     %ld\n", nl);
	for (long i = 0; i < nl; i++) {
		char range[32], text[64];

		port_range_format(range, sizeof(range), &l[i].range);
		limit_format(&l[i].limit, text, sizeof(text));
		printf("  limit %s %s%s\n", range, text,
		       limits_inert(rs, &l[i].range) ? " (inert: the port is dropped)" : "");
	}
	list_sources_text(src);
}

int cmd_list(struct cmdline *cl)
{
	const struct xdpport_ruleset *rs = &next;
	const struct xdpport_limits *lt = NULL;
	struct limit_rule *limits = NULL;
	struct sources src;
	struct filter f;
	struct rule *rules;
	char why[256];
	long n, nl = 0;
	int err = cli_filter_open(&f, 0, cl->cmd->name);

	if (err == NOT_SET_UP)
		ruleset_reset(&next);	/* nothing set yet: what attach would start with */
	else if (err)
		return err;
	else {
		rs = filter_live(&f);
		lt = filter_live_limits(&f);
	}
	if (sources_load(rs, &src, why, sizeof(why))) {
		filter_close(&f);
		return fail(EXIT_FAIL, cl->cmd->name, "%s", why);
	}
	n = ruleset_rules(rs, &rules);
	if (n >= 0 && lt)
		nl = limits_list(rs, lt, &limits);
	if (n < 0 || nl < 0) {
		if (n >= 0)
			free(rules);
		sources_free(&src);
		filter_close(&f);
		return fail(EXIT_FAIL, cl->cmd->name, "out of memory");
	}
	if (cl->json)
		list_json(rs, rules, n, limits, nl, &src);
	else
		list_text(rs, rules, n, limits, nl, &src);
	free(rules);
	free(limits);
	sources_free(&src);
	filter_close(&f);
	return EXIT_OK;
}

int cmd_flush(struct cmdline *cl)
{
	struct filter f;
	int err;

	/* Nothing attached: remove every pin, leaving no trace. */
	err = cli_filter_purge(cl->cmd->name);
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
		sources_release_other(&f);
	}
	return end_change(&f, err);
}

const struct command cmd_allow_def = {
	.name = "allow", .run = cmd_allow, .min_args = 1, .max_args = -1,
	.args = "PORTSPEC... [from SOURCE...]",
	.summary = "pass these ports (only from these sources)",
	.takes = TAKES_FORCE,
	.help = "Passes frames to these ports, whatever the policy. Every argument is checked\n"
		"before anything changes, and the whole command takes effect at once: no frame\n"
		"sees half of a range.\n"
		"\n" PORTSPEC_HELP
		"\n" SOURCE_HELP
		"\n"
		"Examples:\n"
		"  xdpport allow 443\n"
		"  xdpport allow https ssh 8000-8100/udp\n"
		"  xdpport allow 22/tcp from 203.0.113.0/24 2001:db8:1::/48\n"
		"  xdpport allow from 198.51.100.7        (an admin host: every port)\n",
};

const struct command cmd_deny_def = {
	.name = "deny", .run = cmd_deny, .min_args = 1, .max_args = -1,
	.args = "PORTSPEC... [from SOURCE...]",
	.summary = "drop these ports (only from these sources)",
	.options = { OPT_TRY },
	.takes = TAKES_FORCE,
	.help = "Drops frames to these ports, whatever the policy. Every argument is checked\n"
		"before anything changes, and the whole command takes effect at once.\n"
		"\n" GUARD_HELP
		"Inside an SSH session it also refuses to drop the client's address\n"
		"(SSH_CONNECTION) on the session's port.\n"
		"\n" TRY_HELP
		"\n" PORTSPEC_HELP
		"\n" SOURCE_HELP
		"\n"
		"Examples:\n"
		"  xdpport deny 23\n"
		"  xdpport deny 137-139/udp 445/tcp\n"
		"  xdpport deny from @drop                (a blocklist: everything, ICMP too)\n"
		"  xdpport deny 25/tcp from 192.0.2.0/24\n",
};

const struct command cmd_delete_def = {
	.name = "delete", .run = cmd_delete, .min_args = 1, .max_args = -1,
	.args = "[PORTSPEC...] [from SOURCE...]",
	.summary = "remove rules: the ports follow the policy",
	.options = { OPT_TRY },
	.takes = TAKES_FORCE,
	.help = "Removes the rules of these ports: they follow their protocol's policy again.\n"
		"Rules are per port, whatever command made them: deleting a range deletes the\n"
		"ports in it, and deleting 8050 from 'allow 8000-8100' leaves 8000-8049 and\n"
		"8051-8100. A PORTSPEC none of whose ports has a rule gets a warning, and the\n"
		"status stays 0.\n"
		"\n" GUARD_HELP
		"\n" TRY_HELP
		"\n" PORTSPEC_HELP
		"\n"
		"With 'from SOURCE...' it removes source rules instead: the same PORTSPEC (none\n"
		"for 'allow/deny from') and SOURCE they were given with; 'xdpport list' shows\n"
		"them. A source rule that is not there is an error.\n"
		"\n"
		"Examples:\n"
		"  xdpport delete 8000-8100/udp\n"
		"  xdpport delete 22/tcp from 203.0.113.0/24\n"
		"  xdpport delete from @drop\n",
};

const struct command cmd_policy_def = {
	.name = "policy", .run = cmd_policy, .min_args = 1, .max_args = 2,
	.args = "pass|drop [tcp|udp]",
	.summary = "verdict for ports without a rule",
	.options = { OPT_TRY },
	.takes = TAKES_FORCE,
	.help = "Sets the verdict for ports without a rule, for tcp and udp or for one of them.\n"
		"A new filter passes everything; 'policy drop' plus 'allow' rules is a\n"
		"default-deny firewall: allow your SSH port first.\n"
		"\n" GUARD_HELP
		"\n" TRY_HELP
		"\n"
		"Examples:\n"
		"  xdpport allow ssh https\n"
		"  xdpport policy drop --try 60\n"
		"  xdpport confirm\n"
		"  xdpport policy pass udp\n",
};

const struct command cmd_fragments_def = {
	.name = "fragments", .run = cmd_fragments, .min_args = 1, .max_args = 1,
	.args = "pass|drop",
	.summary = "verdict for non-first IP fragments",
	.takes = TAKES_FORCE,
	.help = "Sets the verdict for non-first IP fragments. They carry no port, so no rule can\n"
		"match them; first fragments are filtered by port like any frame. Default: pass.\n"
		"\n"
		"'fragments drop' also breaks datagrams larger than the path MTU to ports you\n"
		"allow: a 3000-byte UDP datagram to an allowed 443/udp (QUIC, DNS with EDNS, NFS,\n"
		"VPNs) loses its later fragments and is never reassembled.\n"
		"\n"
		"Example:\n"
		"  xdpport fragments drop\n",
};

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

const struct command cmd_flush_def = {
	.name = "flush", .run = cmd_flush, .min_args = 0, .max_args = 0,
	.args = "",
	.summary = "forget every rule, limit and policy (back to pass everything)",
	.takes = TAKES_FORCE,
	.help = "Forgets every rule, limit and policy. With no interface attached, removes\n"
		"everything under /sys/fs/bpf/xdpport, which is also how to start over after pins\n"
		"left by an incompatible build; with interfaces attached, they go back to passing\n"
		"everything.\n",
};
