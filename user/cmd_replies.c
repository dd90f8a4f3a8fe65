// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `replies on|off`, `replies timeout KIND SECS`, `replies table-size N`: whether
 * answers to the host's own flows pass, for how long, and how many flows are kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "cli.h"
#include "cli_lib.h"
#include "errors.h"
#include "filter.h"
#include "flowtable.h"
#include "links.h"
#include "rules_commit.h"
#include "units.h"

#define TABLE_MIN	1024
#define TABLE_MAX	(1u << 24)

/* Applies the replies setting (state < 0) or a timeout to the running rules. */
static int change(struct cmdline *cl, int state, long long value)
{
	struct rules before, after;
	struct filter f;
	int err = cli_filter_open(&f, FILTER_CREATE | FILTER_LOCK, cl->cmd->name);

	if (err)
		return err;
	if (rules_load(&f, &before) || rules_copy(&after, &before)) {
		rules_free(&before);
		filter_close(&f);
		return fail(EXIT_FAIL, cl->cmd->name, "out of memory");
	}
	if (state < 0)
		after.replies = value;
	else
		after.timeout[state] = value;
	rules_commit(&f, &before, &after);
	if (links_live_count() == 0)
		warn("rules saved, but the filter is not attached to any interface yet, so "
		     "nothing is filtered ('xdpport attach IFACE')");
	rules_free(&before);
	rules_free(&after);
	filter_close(&f);
	return EXIT_OK;
}

/* Recreates the pinned flow table with `size` entries (empty), and zeroes its
 * counters: a map's size is fixed when it is created. */
static int table_size(struct cmdline *cl, __u32 size)
{
	const char *what = cl->cmd->name;
	char path[128], tmp[136];
	struct filter f;
	int err = cli_filter_open(&f, FILTER_CREATE | FILTER_LOCK, what), fd;

	if (err)
		return err;
	links_prune();
	if (links_live_count() > 0) {
		filter_close(&f);
		return fail(EXIT_FAIL, what, "the flow table cannot change size while attached: "
			    "'xdpport detach --all' first");
	}
	snprintf(path, sizeof(path), "%s/%s", XDPPORT_PIN_DIR, map_name(MAP_FLOWS));
	snprintf(tmp, sizeof(tmp), "%s_new", path);	/* bpffs names have no dot */
	unlink(tmp);
	fd = map_create(MAP_FLOWS, size);
	if (fd < 0)
		err = fail(EXIT_FAIL, what, "cannot create a flow table of %u flows: %s", size,
			   errno_reason(errno));
	else if (bpf_obj_pin(fd, tmp) || rename(tmp, path))
		err = fail(EXIT_FAIL, what, "cannot pin the flow table at %s: %s", path,
			   errno_reason(errno));
	if (!err)
		flowtable_reset_counts(&f);
	if (!err && !cl->json)
		printf("flow table: %u flows, %.1f MiB of kernel memory\n", size,
		       flowtable_memory(fd) / 1048576.0);
	unlink(tmp);
	if (fd >= 0)
		close(fd);
	filter_close(&f);
	return err;
}

static int cmd_replies(struct cmdline *cl)
{
	const char *sub = cl->argv[0];
	long long v;
	int state;

	if (!strcmp(sub, "on") || !strcmp(sub, "off")) {
		if (cl->argc != 1)
			return usage_error(cl, "unexpected argument '%s'", cl->argv[1]);
		return change(cl, -1, !strcmp(sub, "on"));
	}
	if (!strcmp(sub, "timeout")) {
		if (cl->argc != 3)
			return usage_error(cl, "usage: replies timeout tcp-syn|tcp|tcp-closing|udp|"
					       "udp-answered SECS");
		state = ruleset_timeout_parse(cl->argv[1]);
		if (state < 0)
			return usage_error(cl, "'%s' is not a timeout: tcp-syn, tcp, tcp-closing, "
					       "udp or udp-answered", cl->argv[1]);
		v = parse_decimal(cl->argv[2], 1, RULESET_TIMEOUT_MAX);
		if (v < 0)
			return usage_error(cl, "a timeout is whole seconds, 1 to %u, not '%s'",
					   RULESET_TIMEOUT_MAX, cl->argv[2]);
		return change(cl, state, v);
	}
	if (!strcmp(sub, "table-size")) {
		if (cl->argc != 2)
			return usage_error(cl, "usage: replies table-size N");
		v = parse_decimal(cl->argv[1], TABLE_MIN, TABLE_MAX);
		if (v < 0)
			return usage_error(cl, "the table size is a number of flows, %u to %u, not "
					       "'%s'", TABLE_MIN, TABLE_MAX, cl->argv[1]);
		return table_size(cl, v);
	}
	return usage_error(cl, "expected on, off, timeout KIND SECS or table-size N, not "
			       "'%s'", sub);
}

const struct command cmd_replies_def = {
	.name = "replies", .run = cmd_replies, .min_args = 1, .max_args = 3,
	.args = "on|off|timeout ...",
	.summary = "pass answers to the host's own connections (default on)",
	.help = "  xdpport replies on|off\n"
		"  xdpport replies timeout tcp-syn|tcp|tcp-closing|udp|udp-answered SECS\n"
		"  xdpport replies table-size N\n"
		"\n"
		"Answers to connections this host opened pass, whatever rule or policy would\n"
		"drop them (counted as pass-reply): an egress program on every attached\n"
		"interface records each TCP/UDP flow the host sends out, and a frame that is\n"
		"exactly its reverse (protocol, both addresses, both ports) passes while the\n"
		"flow is fresh. A SYN without ACK never passes as a reply. Packets the host\n"
		"sends from a port the rules pass inbound (its servers) record nothing. DHCP\n"
		"requests (68->67, 546->547) are recorded by their ports alone, so the server's\n"
		"answer passes from any address. On by default; off makes the filter stateless.\n"
		"\n"
		"timeout KIND SECS: how long a flow lives without the host sending on it:\n"
		"  tcp-syn       SYN sent, no answer yet          (default 120)\n"
		"  tcp           established                      (default 432000, 5 days)\n"
		"  tcp-closing   FIN or RST seen                  (default 120)\n"
		"  udp           sent, never answered             (default 30)\n"
		"  udp-answered  answered                         (default 120)\n"
		"SECS is 1 to 2147483647. Settings and timeouts are part of the ruleset (list,\n"
		"save, apply).\n"
		"\n"
		"table-size N: flows kept, 1024 to 16777216 (default 262144, 30 MiB of kernel\n"
		"memory: 120 bytes a flow); the least recently used go first when full. The\n"
		"size is fixed while attached: detach every interface first. It recreates the\n"
		"table empty; flush with nothing attached goes back to the default.\n"
		"\n"
		"Examples:\n"
		"  xdpport replies off\n"
		"  xdpport replies timeout udp 60\n"
		"  xdpport detach --all && xdpport replies table-size 1048576\n",
};
