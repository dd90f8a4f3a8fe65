// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>

#include "rules_commit.h"
#include "sources_store.h"

/* A whole compiled ruleset: too big for a comfortable stack. Untouched by one-port
 * changes (fresh memory costs a page fault per 4 KiB in every new process); pages of
 * the limits only where a port is limited. */
static struct xdpport_ruleset next;
static struct xdpport_limits next_limits;

int rules_load(const struct filter *f, struct rules *out)
{
	return rules_decompile(filter_live(f), filter_live_limits(f), out);
}

int rules_load_port(const struct filter *f, unsigned port, struct rules *out)
{
	const struct xdpport_ruleset *rs = filter_live(f);
	const struct xdpport_limits *limits = filter_live_limits(f);
	int err = 0;

	rules_init(out);
	memcpy(out->policy, rs->policy, sizeof(out->policy));
	out->fragments = rs->fragments;
	out->replies = rs->replies;
	memcpy(out->timeout, rs->timeout, sizeof(out->timeout));
	for (int p = 0; p < XDPPORT_NPROTO && !err; p++) {
		struct port_range one = { PROTO_BIT(p), port, port };
		__u8 e = rs->entry[p][port];

		if (e & XDPPORT_ENTRY_RULE)
			err = rules_set_ports(out, &one, e & XDPPORT_ENTRY_DROP ? VERDICT_DROP
										: VERDICT_PASS);
		if (!err && limits && (e & XDPPORT_ENTRY_LIMIT))
			err = rules_set_limit(out, &one, &limits->port[p][port]);
	}
	if (err)
		rules_free(out);
	return err;
}

/* `after` compiled into `next` and `next_limits`, with the running source slot. */
static void compile(struct filter *f, const struct rules *after)
{
	rules_compile(after, &next, &next_limits);
	sources_keep(filter_live(f), &next);
}

void rules_commit(struct filter *f, const struct rules *before, const struct rules *after)
{
	const struct xdpport_ruleset *live = filter_live(f);
	bool same_limits = rules_limits_same(before, after);
	int port = rules_settings_same(before, after) && same_limits
			   ? rules_changed_port(before, after) : -2;

	if (port == -1)
		return;		/* the same rules: nothing to write */
	if (port >= 0) {
		__u8 entry[XDPPORT_NPROTO];

		for (int p = 0; p < XDPPORT_NPROTO; p++)
			entry[p] = rules_compile_entry(after, p, port) |
				   (live->entry[p][port] &
				    (XDPPORT_ENTRY_SOURCES | XDPPORT_ENTRY_FROM));
		filter_commit_port(f, port, entry);
		return;
	}
	compile(f, after);
	if (same_limits)
		filter_commit(f, &next);	/* the running slot's limits stay */
	else
		filter_replace(f, &next, &next_limits);
}

void rules_switch(struct filter *f, const struct rules *after)
{
	compile(f, after);
	filter_replace(f, &next, &next_limits);
}
