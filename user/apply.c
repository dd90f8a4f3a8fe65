// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>

#include "apply.h"
#include "cli.h"
#include "cli_lib.h"
#include "errors.h"
#include "filter.h"
#include "guard.h"
#include "limit.h"
#include "rules_commit.h"
#include "sources_commit.h"
#include "sources_store.h"
#include "try.h"

/* The compiled ruleset: too big for a comfortable stack. Pages of the limits are
 * only touched for limited ports. */
static struct xdpport_ruleset compiled;
static struct xdpport_limits compiled_limits;

/* The lockout guard, on the running rules and `rules`. */
static int guard(const struct cmdline *cl, struct filter *f, const struct rules *rules,
		 const char *what)
{
	struct rules live;
	int err;

	if (cl->force)
		return 0;
	if (rules_load(f, &live))
		return fail(EXIT_FAIL, what, "out of memory");
	err = guard_check_rules(&live, rules, cl->force, what);
	rules_free(&live);
	return err;
}

/* The plain switch: no source rules before or after, or the same ones. */
static int switch_rules(const struct cmdline *cl, struct filter *f, const struct rules *rules,
			const struct xdpport_ruleset *next, const struct xdpport_limits *limits,
			const char *what)
{
	const struct xdpport_ruleset *live = filter_live(f);
	bool same = !memcmp(live, next, sizeof(*next));
	/* The very bytes that run start dropping nothing: no need to read them back. */
	int err = same ? 0 : guard(cl, f, rules, what);

	if (!err)
		err = try_arm(cl, live, filter_live_limits(f), NULL);
	if (!err && (!same || !limits_same(next, filter_live_limits(f), limits)))
		filter_replace(f, next, limits);
	return err;
}

/* Source rules before or after: unchanged ones keep their tables, others are built. */
static int switch_sources(const struct cmdline *cl, struct filter *f, const struct rules *rules,
			  struct xdpport_ruleset *next, const struct xdpport_limits *limits,
			  const char *what)
{
	const struct xdpport_ruleset *live = filter_live(f);
	struct sources before;
	char why[256];
	int err;

	if (sources_load(live, &before, why, sizeof(why)))
		return fail(EXIT_FAIL, what, "%s", why);
	if (sources_same(&before, &rules->sources)) {
		sources_keep(live, next);
		err = switch_rules(cl, f, rules, next, limits, what);
	} else {
		err = sources_commit(f, cl, next, limits, &before, &rules->sources, what);
	}
	sources_free(&before);
	return err;
}

int apply_switch(const struct cmdline *cl, const struct rules *next, const char *what,
		 struct xdpport_ruleset *before, struct xdpport_ruleset *after)
{
	const struct xdpport_ruleset *live;
	struct filter f;
	int err;

	rules_compile(next, &compiled, &compiled_limits);
	err = cli_filter_open(&f, FILTER_CREATE | FILTER_LOCK, what);
	if (err)
		return err;
	live = filter_live(&f);	/* stable: we hold the lock */
	if (before)
		memcpy(before, live, sizeof(*before));
	if ((next->sources.nrules || next->sources.nsets) || (live->sources & XDPPORT_SOURCES_MODEL))
		err = switch_sources(cl, &f, next, &compiled, &compiled_limits, what);
	else
		err = switch_rules(cl, &f, next, &compiled, &compiled_limits, what);
	if (after)
		memcpy(after, &compiled, sizeof(*after));
	filter_close(&f);
	return err;
}
