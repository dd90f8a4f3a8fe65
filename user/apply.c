// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>

#include "apply.h"
#include "cli.h"
#include "cli_lib.h"
#include "errors.h"
#include "filter.h"
#include "guard.h"
#include "limit.h"
#include "sources_commit.h"
#include "sources_store.h"
#include "try.h"

/* The plain switch: no source rules before or after, or the same ones. */
static int switch_rules(const struct cmdline *cl, struct filter *f,
			const struct xdpport_ruleset *next, const struct xdpport_limits *limits,
			const char *what)
{
	const struct xdpport_ruleset *live = filter_live(f);
	int err = guard_check(live, next, cl->force, what);

	if (!err)
		err = try_arm(cl, live, filter_live_limits(f), NULL);
	if (!err && (memcmp(live, next, sizeof(*next)) ||
		     !limits_same(next, filter_live_limits(f), limits)))
		filter_replace(f, next, limits);
	return err;
}

/* Source rules before or after: unchanged ones keep their tables, others are built. */
static int switch_sources(const struct cmdline *cl, struct filter *f,
			  struct xdpport_ruleset *next, const struct xdpport_limits *limits,
			  const struct sources *after, const char *what)
{
	const struct xdpport_ruleset *live = filter_live(f);
	struct sources before;
	char why[256];
	int err;

	if (sources_load(live, &before, why, sizeof(why)))
		return fail(EXIT_FAIL, what, "%s", why);
	if (sources_same(&before, after)) {
		sources_keep(live, next);
		err = switch_rules(cl, f, next, limits, what);
	} else {
		err = sources_commit(f, cl, next, limits, &before, after, what);
	}
	sources_free(&before);
	return err;
}

int apply_switch(const struct cmdline *cl, struct xdpport_ruleset *next,
		 const struct xdpport_limits *limits, const struct sources *sources,
		 const char *what, struct xdpport_ruleset *before)
{
	const struct xdpport_ruleset *live;
	struct filter f;
	int err = cli_filter_open(&f, FILTER_CREATE | FILTER_LOCK, what);

	if (err)
		return err;
	live = filter_live(&f);	/* stable: we hold the lock */
	if (before)
		memcpy(before, live, sizeof(*before));
	if ((sources->nrules || sources->nsets) || (live->sources & XDPPORT_SOURCES_MODEL))
		err = switch_sources(cl, &f, next, limits, sources, what);
	else
		err = switch_rules(cl, &f, next, limits, what);
	filter_close(&f);
	return err;
}
