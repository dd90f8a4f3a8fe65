// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Commands on source addresses: `allow/deny/delete [PORTSPEC...] from SOURCE...`
 * (reached from allow, deny and delete when "from" is among their words), `set NAME
 * FILE|-` and `set NAME --delete`, and `sets`. Each builds the whole next source slot
 * and switches it in with the ruleset: one flip, or nothing changes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_lib.h"
#include "cmd_sources.h"
#include "errors.h"
#include "filter.h"
#include "help_text.h"
#include "json.h"
#include "links.h"
#include "setfile.h"
#include "source_args.h"
#include "sources_commit.h"
#include "sources_store.h"
#include "try.h"

static struct xdpport_ruleset next;	/* too big for a comfortable stack */

typedef int (*source_edit_fn)(struct sources *s, void *ctx, char *why, size_t why_len);

/* Opens the filter locked, runs `edit` on a copy of the running sources, switches the
 * result in. */
static int change_sources(struct cmdline *cl, source_edit_fn edit, void *ctx, const char *what)
{
	struct sources before, after;
	struct filter f;
	char why[512];
	int err = cli_filter_open(&f, FILTER_CREATE | FILTER_LOCK, cl->cmd->name);

	if (err)
		return err;
	next = *filter_live(&f);
	if (sources_load(&next, &before, why, sizeof(why))) {
		filter_close(&f);
		return fail(EXIT_FAIL, what, "%s", why);
	}
	if (sources_copy(&after, &before)) {
		err = fail(EXIT_FAIL, what, "out of memory");
	} else {
		err = edit(&after, ctx, why, sizeof(why));
		if (err)	/* -1: the words are wrong; -2: the running rules refuse them */
			err = fail(err == -2 ? EXIT_FAIL : EXIT_USAGE, what, "%s", why);
		if (!err)
			err = sources_commit(&f, cl, &next, NULL, &before, &after, what);
		sources_free(&after);
	}
	sources_free(&before);
	if (!err && links_live_count() == 0)
		warn("rules saved, but the filter is not attached to any interface yet, so "
		     "nothing is filtered ('xdpport attach IFACE')");
	filter_close(&f);
	return try_done(cl, err);
}

struct rule_edit {
	struct cmdline *cl;
	int action, from;
};

static int edit_rules(struct sources *s, void *ctx, char *why, size_t why_len)
{
	struct rule_edit *e = ctx;

	return source_rules_edit(s, e->action, e->cl->argv, e->from, e->cl->argv + e->from + 1,
				 e->cl->argc - e->from - 1, true, why, why_len);
}

int sources_edit(struct cmdline *cl, int action, int from)
{
	struct rule_edit e = { cl, action, from };

	if (from == cl->argc - 1)
		return usage_error(cl, "'from' needs at least one SOURCE (an address, a CIDR or "
				       "@SET)");
	/* The command's name alone: IPv6 addresses would put colons in the subject. The
	 * reason quotes the word at fault. */
	return change_sources(cl, edit_rules, &e, cl->cmd->name);
}

static int put_set(struct sources *s, void *ctx, char *why, size_t why_len)
{
	struct source_set *set = ctx;

	if (sources_put_set(s, set, why, why_len))
		return -1;
	set->prefix = NULL;	/* the sources own it now */
	return 0;
}

static int delete_set(struct sources *s, void *ctx, char *why, size_t why_len)
{
	return sources_delete_set(s, ctx, why, why_len);
}

/* Reads the set file in full (before taking the lock: a slow pipe holds up nobody). */
static int read_set(struct cmdline *cl, const char *path, struct source_set *set)
{
	const char *name = !strcmp(path, "-") ? "stdin" : path;
	FILE *in = strcmp(path, "-") ? fopen(path, "re") : stdin;
	char why[512];
	int err;

	if (!in)
		return fail(EXIT_USAGE, cl->cmd->name, "%s: %s", name, strerror(errno));
	err = setfile_read(in, name, set, why, sizeof(why));
	if (in != stdin)
		fclose(in);
	if (err)
		return fail(EXIT_USAGE, cl->cmd->name, "%s, nothing changed", why);
	return 0;
}

static int cmd_set(struct cmdline *cl)
{
	const char *name = cl->argv[0];
	struct source_set set = {};
	char what[128];
	int err;

	if (!set_name_valid(name))
		return usage_error(cl, "'%s': a set name is 1-%d letters, digits, '_', '-' or '.', "
				       "starting with a letter or digit", name, SET_NAME_MAX);
	cli_what(cl, 0, 1, what, sizeof(what));
	if (cmd_opt(cl, "delete")) {
		if (cl->argc != 1)
			return usage_error(cl, "--delete takes the set's NAME only");
		return change_sources(cl, delete_set, (void *)name, what);
	}
	if (cl->argc != 2)
		return usage_error(cl, "missing FILE (a file of addresses and CIDRs, or - for stdin)");
	snprintf(set.name, sizeof(set.name), "%s", name);
	err = read_set(cl, cl->argv[1], &set);
	if (!err)
		err = change_sources(cl, put_set, &set, what);
	free(set.prefix);
	return err;
}

static size_t count_family(const struct source_set *set, int family)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n; i++)
		n += set->prefix[i].family == family;
	return n;
}

static int cmd_sets(struct cmdline *cl)
{
	struct sources s;
	struct filter f;
	char why[256];
	int err = cli_filter_open(&f, 0, cl->cmd->name);

	if (err == NOT_SET_UP)
		sources_init(&s);
	else if (err)
		return err;
	else if (sources_load(filter_live(&f), &s, why, sizeof(why))) {
		filter_close(&f);
		return fail(EXIT_FAIL, cl->cmd->name, "%s", why);
	}
	if (cl->json) {
		json_object_begin(NULL);
		json_array_begin("sets");
	} else {
		printf("%-20s %10s %10s %6s %12s\n", "set", "ipv4", "ipv6", "rules", "hits");
	}
	for (size_t i = 0; i < s.nsets; i++) {
		const struct source_set *set = &s.set[i];
		size_t rules = 0;

		for (size_t r = 0; r < s.nrules; r++)
			rules += s.rule[r].set == set->origin;
		if (cl->json) {
			json_object_begin(NULL);
			json_string("name", set->name);
			json_uint("ipv4", count_family(set, 4));
			json_uint("ipv6", count_family(set, 6));
			json_uint("rules", rules);
			json_uint("hits", err ? 0 : sources_hits(set->origin));
			json_object_end();
		} else {
			printf("%-20s %10zu %10zu %6zu %12llu\n", set->name, count_family(set, 4),
			       count_family(set, 6), rules,
			       err ? 0ULL : (unsigned long long)sources_hits(set->origin));
		}
	}
	if (cl->json) {
		json_array_end();
		json_object_end();
	}
	sources_free(&s);
	filter_close(&f);
	return EXIT_OK;
}

const struct command cmd_set_def = {
	.name = "set", .run = cmd_set, .min_args = 1, .max_args = 2,
	.args = "NAME FILE|-",
	.summary = "create or replace a named set of addresses, atomically",
	.options = {
		{ "delete", OPT_FLAG, "--delete  remove the set (no rule may use it)" },
		OPT_TRY,
	},
	.takes = TAKES_FORCE,
	.help = "Creates the set NAME from FILE (- reads standard input), or replaces it: rules\n"
		"that use @NAME switch to the new contents in one step, so no frame ever sees\n"
		"half a list. FILE holds one IPv4 or IPv6 address or CIDR per line; '#' and ';'\n"
		"start comments (the Spamhaus DROP format), blank lines and CRLF are fine. A bad\n"
		"line (a bad address, host bits set, /33, /129) is one error naming the file and\n"
		"line, and nothing changes. Files are read as a stream: a million prefixes take\n"
		"about a second. --delete removes a set no rule uses.\n"
		"\n"
		"Examples:\n"
		"  xdpport set drop drop.txt && xdpport deny from @drop\n"
		"  curl -s https://www.spamhaus.org/drop/drop.txt | xdpport set drop -\n"
		"  xdpport set drop --delete\n"
		"\n" TRY_HELP,
};

const struct command cmd_sets_def = {
	.name = "sets", .run = cmd_sets, .min_args = 0, .max_args = 0,
	.args = "",
	.summary = "show the named sets: prefixes, rules using them, hits",
	.takes = TAKES_JSON,
	.help = "Prints every set: its IPv4 and IPv6 prefixes, how many rules use it, and how\n"
		"many frames its prefixes decided (hits, since the set was created).\n",
};
