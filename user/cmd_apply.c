// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Commands that move whole rulesets: apply (a rules file becomes the running ruleset
 * in one atomic switch, or nothing changes) and save (the running ruleset as a rules
 * file). The file is read and parsed in full before the filter is even opened.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "caps.h"
#include "cli.h"
#include "cli_lib.h"
#include "errors.h"
#include "filter.h"
#include "guard.h"
#include "help_text.h"
#include "input.h"
#include "json.h"
#include "links.h"
#include "rules_commit.h"
#include "rulesfile.h"
#include "sources_store.h"
#include "try.h"

#define ERRORS_SHOWN	100	/* a binary file has an error on every line: enough */

static struct rules next;	/* the file's rules */

struct error_sink {
	bool json;
	unsigned long seen;
};

static void print_error(void *ctx, const char *name, unsigned long line, const char *message)
{
	struct error_sink *sink = ctx;

	if (++sink->seen > ERRORS_SHOWN)
		return;
	if (sink->json) {
		json_object_begin(NULL);
		json_uint("line", line);
		json_string("message", message);
		json_object_end();
	} else {
		error_line("%s:%lu: %s", name, line, message);
	}
}

static const char *display_name(const char *path)
{
	return !strcmp(path, "-") ? "stdin" : !path[0] ? "''" : path;
}

/* Reads and parses the file into `next`; returns 0 or EXIT_USAGE (all printed).
 * With --json it adds "errors", "error_count" and "valid" to the open object. */
static int parse_file(struct cmdline *cl, const char *path)
{
	const char *name = display_name(path);
	struct error_sink sink = { .json = cl->json };
	unsigned long errors;
	char why[160];
	size_t len;
	char *buf;

	if (input_read(path, RULESFILE_MAX_BYTES, &buf, &len, why, sizeof(why))) {
		if (cl->json) {
			json_string("error", why);
			json_bool("valid", false);
		}
		return fail(EXIT_USAGE, name, "%s", why);
	}
	if (cl->json)
		json_array_begin("errors");
	errors = rulesfile_parse(buf, len, name, &next, print_error, &sink);
	free(buf);
	if (cl->json) {
		json_array_end();
		json_uint("error_count", errors);
		json_bool("valid", errors == 0);
	}
	if (!errors)
		return 0;
	if (errors > ERRORS_SHOWN && !cl->json)
		error_line("%s: %lu more errors not shown", name, errors - ERRORS_SHOWN);
	return fail(EXIT_USAGE, cl->cmd->name, "%s: %lu error%s, nothing applied", name, errors,
		    errors == 1 ? "" : "s");
}

static const char *verdict_name(int v)
{
	return v == VERDICT_DROP ? "drop" : "pass";
}

/* The first guarded port `next` drops, or -1. */
static int dropped_guarded_port(void)
{
	const struct guarded_port *g;
	int n = guard_ports(&g);

	for (int i = 0; i < n; i++)
		if (rules_verdict(&next, XDPPORT_TCP, g[i].port) == VERDICT_DROP)
			return g[i].port;
	return -1;
}

/* The guard's decision apply would take: against the running ruleset, or the clean
 * one a boot starts from when there is none (or it cannot be read: no privileges).
 * The very bytes that run start dropping nothing: no need to read them back then. */
static int check_guard(struct cmdline *cl)
{
	static struct xdpport_ruleset compiled;
	struct rules running;
	struct filter f;
	bool same = false;
	int err = 0;

	rules_init(&running);
	if (caps_have_bpf() && !cli_filter_open(&f, 0, cl->cmd->name)) {
		rules_compile(&next, &compiled, NULL);
		same = !memcmp(filter_live(&f), &compiled, sizeof(compiled));
		err = same ? 0 : rules_load(&f, &running);
		filter_close(&f);
	}
	if (err)
		return fail(EXIT_FAIL, cl->cmd->name, "out of memory");
	err = same ? 0 : guard_check_rules(&running, &next, cl->force, cl->cmd->name);
	rules_free(&running);
	return err;
}

/* --check: what apply would do, changing nothing; fails where apply would. */
static int report_check(struct cmdline *cl, const char *path)
{
	int guard_err = check_guard(cl), port = dropped_guarded_port();
	bool drops_guarded = port >= 0;

	if (cl->json) {
		json_object_begin("policy");
		for (int p = 0; p < XDPPORT_NPROTO; p++)
			json_string(proto_name(p), verdict_name(next.policy[p]));
		json_object_end();
		json_string("fragments", verdict_name(next.fragments));
		json_bool("replies", next.replies);
		json_object_begin("ports_with_rules");
		for (int p = 0; p < XDPPORT_NPROTO; p++)
			json_uint(proto_name(p), rules_port_count(&next, p));
		json_object_end();
		json_object_begin("limits");
		for (int p = 0; p < XDPPORT_NPROTO; p++)
			json_uint(proto_name(p), rules_limit_count(&next, p));
		json_object_end();
		json_uint("source_rules", next.sources.nrules);
		json_uint("sets", next.sources.nsets);
		json_bool("drops_guarded_port", drops_guarded);
		json_bool("guard_refuses", guard_err != 0);
		return guard_err;
	}
	if (guard_err)
		return guard_err;
	printf("%s: ok: policy tcp %s, udp %s; fragments %s; replies %s; %u tcp and %u udp "
	       "ports with rules; %u tcp and %u udp ports with limits; %zu source rules, %zu sets\n",
	       display_name(path), verdict_name(next.policy[XDPPORT_TCP]),
	       verdict_name(next.policy[XDPPORT_UDP]), verdict_name(next.fragments),
	       next.replies ? "on" : "off", rules_port_count(&next, XDPPORT_TCP),
	       rules_port_count(&next, XDPPORT_UDP), rules_limit_count(&next, XDPPORT_TCP),
	       rules_limit_count(&next, XDPPORT_UDP), next.sources.nrules, next.sources.nsets);
	if (drops_guarded)
		warn("%s drops tcp/%d (a port the lockout guard protects): apply takes it only "
		     "because the running ruleset drops it already, or with --force",
		     display_name(path), port);
	return 0;
}

/* Makes `next` the running ruleset in one switch, behind the lockout guard. */
static int switch_to_next(struct cmdline *cl)
{
	int err = apply_switch(cl, &next, cl->cmd->name, NULL, NULL);

	if (!err && links_live_count() == 0)
		warn("ruleset applied, but the filter is not attached to any interface "
		     "yet ('xdpport attach IFACE')");
	return try_done(cl, err);
}

static int cmd_apply(struct cmdline *cl)
{
	const char *path = cl->argv[0];
	bool check = cmd_opt(cl, "check");
	int err;

	if (check && cmd_opt(cl, "try"))
		return usage_error(cl, "--check changes nothing, so there is nothing to --try");
	if (cmd_opt(cl, "watch") || cmd_opt(cl, "recheck"))
		return apply_watch(cl);	/* user/apply_watch.c */
	if (cl->json) {
		json_object_begin(NULL);
		json_string("file", display_name(path));
	}
	err = parse_file(cl, path);	/* before the filter is even opened */
	if (!err && check)
		err = report_check(cl, path);
	else if (!err)
		err = switch_to_next(cl);
	if (cl->json) {
		if (!check)
			json_bool("applied", !err);
		json_object_end();
	}
	rules_free(&next);
	return err;
}

/* "# xdpport ruleset of web1, saved 2026-11-24 23:40:56 UTC": what and when. */
static void print_header(void)
{
	char host[256] = "", when[64] = "";
	time_t now = time(NULL);
	struct tm tm;

	if (gethostname(host, sizeof(host) - 1))
		strcpy(host, "?");
	for (char *c = host; *c; c++)	/* a comment line must stay one line */
		if (*c < 0x21 || *c > 0x7e)
			*c = '?';
	if (gmtime_r(&now, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	printf("# xdpport ruleset of %s, saved %s\n"
	       "# Load it with: xdpport apply FILE (see xdpport(8), FILE FORMAT)\n",
	       host, when);
}

static int cmd_save(struct cmdline *cl)
{
	struct rules running;
	struct filter f;
	char why[256];
	int err;

	/* Locked: rules read while another command writes the slots could be torn. */
	err = cli_filter_open(&f, FILTER_LOCK, cl->cmd->name);
	if (err == NOT_SET_UP) {
		rules_init(&running);	/* nothing set yet: what attach starts with */
	} else if (err) {
		return err;
	} else if (rules_load(&f, &running)) {
		filter_close(&f);
		return fail(EXIT_FAIL, cl->cmd->name, "out of memory");
	} else if (sources_load(filter_live(&f), &running.sources, why, sizeof(why))) {
		filter_close(&f);
		rules_free(&running);
		return fail(EXIT_FAIL, cl->cmd->name, "%s", why);
	}
	filter_close(&f);
	print_header();
	err = rulesfile_write(stdout, &running) || fflush(stdout);
	rules_free(&running);
	if (err)
		return fail(EXIT_FAIL, cl->cmd->name, "cannot write the ruleset: %s",
			    errno_reason(errno));
	return EXIT_OK;
}

const struct command cmd_apply_def = {
	.name = "apply", .run = cmd_apply, .min_args = 1, .max_args = 1,
	.args = "FILE|-",
	.summary = "replace the whole ruleset with a rules file, atomically",
	.options = {
		{ "check", OPT_FLAG, "--check  only parse and validate FILE; change nothing" },
		OPT_TRY,
		{ "watch", OPT_FLAG, "--watch  apply FILE now and whenever it changes, until "
				     "SIGTERM" },
		{ "recheck", OPT_VALUE, "--recheck SECS  with --watch: re-read FILE every SECS "
					"(default 60)" },
	},
	.takes = TAKES_JSON | TAKES_FORCE,
	.help = "Replaces the whole ruleset (policies, fragments, rules) with the one in FILE, or\n"
		"standard input for -, in one atomic switch: traffic sees the old ruleset or the\n"
		"new one, never a mix. The file is read and checked in full first; with any error,\n"
		"every error is printed as FILE:LINE: message and nothing changes (status 2).\n"
		"\n"
		"The file is the command line's own words, one rule per line, applied in order to\n"
		"a clean ruleset (all pass, no rules); later lines win; # starts a comment:\n"
		"  policy pass|drop [tcp|udp]\n"
		"  fragments pass|drop\n"
		"  allow|deny|delete PORTSPEC...\n"
		"  set NAME ADDRESS|CIDR...   (a named set; repeated lines add members)\n"
		"  allow|deny|delete [PORTSPEC...] from SOURCE...\n"
		"'xdpport save' writes one. Details: xdpport(8), FILE FORMAT.\n"
		"\n"
		"--check changes nothing and fails where apply would: errors, and what the\n"
		"lockout guard refuses, judged against the running ruleset.\n"
		"\n"
		"--watch applies FILE now and again whenever it changes (a Kubernetes ConfigMap\n"
		"volume, a file renamed over it), one line per version, until SIGTERM or SIGINT,\n"
		"which leave the filter and its rules in place; SIGHUP reads FILE again at once,\n"
		"and --recheck SECS (default 60) re-reads it anyway. A bad version is one error\n"
		"line with its line number, and the last good rules stay.\n"
		"\n" GUARD_HELP
		"\n" TRY_HELP
		"\n"
		"Examples:\n"
		"  xdpport apply --check /etc/xdpport/rules.conf\n"
		"  xdpport apply --try 60 /etc/xdpport/rules.conf && xdpport confirm\n"
		"  xdpport apply --watch /etc/xdpport/rules.conf\n"
		"  xdpport save | sed 's/^allow 8080$/deny 8080/' | xdpport apply -\n",
};

const struct command cmd_save_def = {
	.name = "save", .run = cmd_save, .min_args = 0, .max_args = 0,
	.args = "",
	.summary = "print the running ruleset as a rules file",
	.help = "Prints the running ruleset as a rules file, the input of 'xdpport apply': a\n"
		"comment saying which host and when, the policies, the fragments setting, then the\n"
		"rules as ranges in port order. 'xdpport save | xdpport apply -' changes nothing.\n"
		"Always the file format: for JSON, 'xdpport list --json'. Details: xdpport(8).\n"
		"\n"
		"Example:\n"
		"  xdpport save > /etc/xdpport/rules.conf\n",
};
