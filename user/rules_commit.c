// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
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
