// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * limit: flood limits on ports. `xdpport limit PORTSPEC RATE [burst N] [per-source]`
 * and `xdpport limit PORTSPEC off`. A limit is switched in with the whole ruleset
 * (both slots carry limit configs), so no frame sees half of it; the buckets
 * themselves live apart and are not refilled by the switch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_lib.h"
#include "errors.h"
#include "filter.h"
#include "help_text.h"
#include "limit.h"
#include "links.h"
#include "rules_commit.h"

#define SOURCES_MAX	(1u << 24)	/* 16 M sources: some 1.5 GB of kernel memory */

/* --table N: entries of the per-source table, or 0 when not given. */
static int table_size(struct cmdline *cl, __u32 *entries)
{
	const char *text = cmd_opt(cl, "table");
	unsigned long long v = 0;

	*entries = 0;
	if (!text)
		return 0;
	for (const char *c = text; *c && v <= SOURCES_MAX; c++)
		v = *c >= '0' && *c <= '9' ? v * 10 + (*c - '0') : SOURCES_MAX + 1ull;
	if (!text[0] || v == 0 || v > SOURCES_MAX)
		return usage_error(cl, "--table takes a number of sources, 1 to %u", SOURCES_MAX);
	*entries = v;
	return 0;
}

/* True when every port of `spec` is dropped by its rule or policy. */
static bool all_dropped(const struct rules *r, const struct portspec *spec)
{
	for (int i = 0; i < spec->n; i++)
		if (!rules_all_dropped(r, &spec->range[i]))
			return false;
	return true;
}

static int cmd_limit(struct cmdline *cl)
{
	struct xdpport_limit limit;
	struct portspec spec;
	char why[160], what[160];
	struct rules rules;
	struct filter f;
	__u32 entries;
	int on, err;

	cli_what(cl, 0, 1, what, sizeof(what));
	if (portspec_parse(cl->argv[0], &spec, why, sizeof(why)))
		return fail(EXIT_USAGE, what, "%s", why);
	on = limit_parse(cl->argv + 1, cl->argc - 1, &limit, why, sizeof(why));
	if (on < 0) {
		cli_what(cl, 0, -1, what, sizeof(what));
		return fail(EXIT_USAGE, what, "%s", why);
	}
	if (table_size(cl, &entries))
		return EXIT_USAGE;
	filter_set_sources_size(entries);
	err = cli_filter_open(&f, FILTER_CREATE | FILTER_LOCK, cl->cmd->name);
	if (err)
		return err;
	if (entries && filter_sources_size(&f) != entries) {
		err = fail(EXIT_FAIL, what,
			   "the per-source table holds %u sources, and a table's size is fixed "
			   "when the filter is created: 'xdpport detach --all', 'xdpport flush', "
			   "then set it with the first command",
			   filter_sources_size(&f));
		filter_close(&f);
		return err;
	}
	err = rules_load(&f, &rules);
	for (int r = 0; r < spec.n && !err; r++)
		err = rules_set_limit(&rules, &spec.range[r], on ? &limit : NULL);
	if (err) {
		rules_free(&rules);
		filter_close(&f);
		return fail(EXIT_FAIL, cl->cmd->name, "out of memory");
	}
	/* Limits drop nothing the guard protects: an established session's segments are
	 * never counted, so no guard check. */
	rules_switch(&f, &rules);
	if (on && all_dropped(&rules, &spec))
		warn("%s is dropped by its rule or policy: the limit is kept but does nothing "
		     "until the port passes", cl->argv[0]);
	if (links_live_count() == 0)
		warn("limit saved, but the filter is not attached to any interface yet, so "
		     "nothing is filtered ('xdpport attach IFACE')");
	rules_free(&rules);
	filter_close(&f);
	return EXIT_OK;
}

const struct command cmd_limit_def = {
	.name = "limit", .run = cmd_limit, .min_args = 2, .max_args = 5,
	.args = "PORTSPEC RATE [burst N] [per-source] | PORTSPEC off",
	.summary = "flood limit: at most RATE new connections or datagrams",
	.options = {
		{ "table", OPT_VALUE, "--table N  per-source table size, when the filter is "
				      "created" },
	},
	.help = "A flood limit on a port: at most RATE new TCP connections (SYN without ACK)\n"
		"or UDP datagrams, N/s or N/min, with a bucket of burst N packets (default 5,\n"
		"as nftables) that fills while the port is quiet. Over the limit, frames are\n"
		"dropped and counted drop-limit. Segments of established TCP connections are\n"
		"never limited. per-source: every source address (IPv6: its /64) has its own\n"
		"bucket, in a table of --table N sources (default 65536; fixed when the filter\n"
		"is created, so only on the first command after 'flush'). A limit applies to\n"
		"what the port's rules pass: a denied port stays denied, and keeps its limit\n"
		"for when it is allowed. Rule and policy changes keep limits; 'off' removes one.\n"
		"The change switches in with the whole ruleset, at once.\n"
		"\n" PORTSPEC_HELP
		"\n"
		"Examples:\n"
		"  xdpport limit 53/udp 20000/s\n"
		"  xdpport limit ssh 10/min burst 3 per-source\n"
		"  xdpport limit 443/tcp 5000/s burst 500\n"
		"  xdpport limit 53/udp off\n",
};
