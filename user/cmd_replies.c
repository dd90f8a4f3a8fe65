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
	int err = filter_open(&f, FILTER_CREATE | FILTER_LOCK, cl->cmd->name);

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
	int err = filter_open(&f, FILTER_CREATE | FILTER_LOCK, what), fd;

	if (err)
		return err;
	links_prune();
	if (links_live_count() > 0) {
		filter_close(&f);
		return fail(EXIT_FAIL, what, "the flow table cannot change size while attached: "
			    "'xdpport detach --all' first");
	}
	snprintf(path, sizeof(path), "%s/xdpport_flows", XDPPORT_PIN_DIR);
	snprintf(tmp, sizeof(tmp), "%s_new", path);	/* bpffs names have no dot */
	unlink(tmp);
	fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "xdpport_flows", sizeof(struct xdpport_flow_key),
			    sizeof(struct xdpport_flow), size, NULL);
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

int cmd_replies(struct cmdline *cl)
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
