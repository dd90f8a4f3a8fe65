// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Commands that change the ruleset: allow, deny, delete, policy, fragments, flush
 * (limit is cmd_limit.c's, list cmd_list.c's). Each change is parsed and checked in
 * full before anything is written. */
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
#include "links.h"
#include "rules_commit.h"
#include "source_args.h"
#include "sources_store.h"
#include "try.h"

enum port_action { ACTION_ALLOW, ACTION_DENY, ACTION_DELETE };

static int parse_verdict(const char *text)
{
	if (!strcmp(text, "pass") || !strcmp(text, "allow"))
		return VERDICT_PASS;
	if (!strcmp(text, "drop") || !strcmp(text, "deny"))
		return VERDICT_DROP;
	return -1;
}

/* A change: the rules that run, and the rules the command makes of them. */
struct change {
	struct filter f;
	struct rules before, after;
};

/* Opens the filter locked, with `before` and `after` holding the running rules: all of
 * them, or (port >= 0) those of that port number alone, for a change to it alone. */
static int begin_change_at(struct cmdline *cl, struct change *c, int port)
{
	int err = cli_filter_open(&c->f, FILTER_CREATE | FILTER_LOCK, cl->cmd->name);

	if (err)
		return err;
	if ((port >= 0 ? rules_load_port(&c->f, port, &c->before) : rules_load(&c->f, &c->before)) ||
	    rules_copy(&c->after, &c->before)) {
		rules_free(&c->before);
		filter_close(&c->f);
		return fail(EXIT_FAIL, cl->cmd->name, "out of memory");
	}
	return 0;
}

static int begin_change(struct cmdline *cl, struct change *c)
{
	return begin_change_at(cl, c, -1);
}

/* Warns when the change filters nothing yet, closes the filter, returns `err`. */
static int end_change(struct change *c, int err)
{
	if (!err && links_live_count() == 0)
		warn("rules saved, but the filter is not attached to any interface yet, so "
		     "nothing is filtered ('xdpport attach IFACE')");
	rules_free(&c->before);
	rules_free(&c->after);
	filter_close(&c->f);
	return err;
}

/* Checks the lockout guard (naming `what` if it refuses), then makes `after` the
 * running rules: one port number in place, anything more in one switch. */
static int finish_change(struct cmdline *cl, struct change *c, const char *what)
{
	int err = guard_check_rules(&c->before, &c->after, cl->force, what);

	if (!err)
		err = try_arm(cl, filter_live(&c->f), filter_live_limits(&c->f), NULL);
	if (!err)
		rules_commit(&c->f, &c->before, &c->after);
	return try_done(cl, end_change(c, err));
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

/* Whether any port of `spec` has a rule (allow or deny). */
static bool has_rule(const struct rules *r, const struct portspec *spec)
{
	for (int i = 0; i < spec->n; i++)
		if (rules_any_rule(r, &spec->range[i]))
			return true;
	return false;
}

/* delete of ports without a rule changes nothing: say so (ufw does too), status 0. */
static void say_no_rules(const struct cmdline *cl, const struct portspec *specs,
			 const struct rules *live)
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

/* Gives the ports of every PORTSPEC their new rule; `allow 443` ends up written in
 * place, a range or several ports in one switch (rules_commit()). */
static int edit_rules(struct cmdline *cl, const struct portspec *specs,
		      enum port_action action, const char *what)
{
	int rule = action == ACTION_DELETE ? RULE_NONE
		   : action == ACTION_DENY ? VERDICT_DROP : VERDICT_PASS;
	struct change c;
	int err = begin_change_at(cl, &c, single_port(specs, cl->argc));

	if (err)
		return err;
	if (action == ACTION_DELETE)
		say_no_rules(cl, specs, &c.before);
	for (int i = 0; i < cl->argc && !err; i++)
		for (int r = 0; r < specs[i].n && !err; r++)
			err = rules_set_ports(&c.after, &specs[i].range[r], rule);
	if (err)
		return end_change(&c, fail(EXIT_FAIL, cl->cmd->name, "out of memory"));
	return finish_change(cl, &c, what);
}

static int edit_ports(struct cmdline *cl, enum port_action action)
{
	struct portspec *specs = calloc(cl->argc, sizeof(*specs));
	int from = source_from_index(cl->argv, cl->argc);
	char what[128];
	int err = 0;

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
		err = edit_rules(cl, specs, action, what);
	}
	free(specs);
	return err;
}

static int cmd_allow(struct cmdline *cl)
{
	return edit_ports(cl, ACTION_ALLOW);
}

static int cmd_deny(struct cmdline *cl)
{
	return edit_ports(cl, ACTION_DENY);
}

static int cmd_delete(struct cmdline *cl)
{
	return edit_ports(cl, ACTION_DELETE);
}

static int cmd_policy(struct cmdline *cl)
{
	int verdict = parse_verdict(cl->argv[0]);
	uint32_t protos = PROTOS_ALL;
	struct change c;
	char what[64];
	int err;

	if (verdict < 0)
		return usage_error(cl, "policy must be pass or drop, not '%s'", cl->argv[0]);
	if (cl->argc == 2) {
		int proto = proto_parse(cl->argv[1]);

		if (proto < 0)
			return usage_error(cl, "protocol must be tcp or udp, not '%s'", cl->argv[1]);
		protos = PROTO_BIT(proto);
	}
	err = begin_change(cl, &c);
	if (err)
		return err;
	rules_set_policy(&c.after, protos, verdict);
	cli_what(cl, 0, -1, what, sizeof(what));
	return finish_change(cl, &c, what);
}

static int cmd_fragments(struct cmdline *cl)
{
	int verdict = parse_verdict(cl->argv[0]);
	struct change c;
	int err;

	if (verdict < 0)
		return usage_error(cl, "fragments must be pass or drop, not '%s'", cl->argv[0]);
	err = begin_change(cl, &c);
	if (err)
		return err;
	c.after.fragments = verdict;
	return finish_change(cl, &c, cl->cmd->name);
}

static int cmd_flush(struct cmdline *cl)
{
	static struct xdpport_ruleset clean;
	struct change c;
	int err;

	/* Nothing attached: remove every pin, leaving no trace. */
	err = cli_filter_purge(cl->cmd->name);
	if (err != FILTER_IN_USE)
		return err;
	err = begin_change(cl, &c);
	if (err)
		return err;
	rules_free(&c.after);	/* the clean ruleset, source rules and sets gone too */
	err = guard_check_rules(&c.before, &c.after, cl->force, cl->cmd->name);
	if (!err) {
		rules_compile(&c.after, &clean, NULL);
		filter_commit(&c.f, &clean);
		/* Before end_change() closes the filter: free the source tables while it
		 * is held. */
		sources_release_other(&c.f);
	}
	return end_change(&c, err);
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
