// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The guarded switch of a change to the source rules and sets (user/sources_commit.h). */
#include "errors.h"
#include "guard.h"
#include "guard_sources.h"
#include "sources_commit.h"
#include "sources_store.h"
#include "try.h"

int sources_commit(struct filter *f, const struct cmdline *cl, struct xdpport_ruleset *next,
		   const struct xdpport_limits *limits, const struct sources *before,
		   const struct sources *after, const char *what)
{
	const struct xdpport_ruleset *live = filter_live(f);
	char why[256];
	int err;

	if (sources_stage(f, next, after, why, sizeof(why)))
		return fail(EXIT_FAIL, what, "%s", why);
	err = guard_check(live, next, cl->force, what);
	if (!err)
		err = guard_check_sources(before, live, after, next, cl->force, what);
	if (!err)
		err = try_arm(cl, live, filter_live_limits(f), NULL);
	if (err) {
		sources_release_other(f);	/* what was staged: nothing runs with it */
		return err;
	}
	filter_replace(f, next, limits);	/* NULL: the limits stay as they are */
	sources_release_other(f);
	for (size_t i = 0; i < after->nsets; i++) {
		const struct source_set *was = sources_find_set(before, after->set[i].name);

		if (!was || was->origin != after->set[i].origin)
			sources_reset_hits(after->set[i].origin);
	}
	return 0;
}
