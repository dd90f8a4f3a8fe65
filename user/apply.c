// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>

#include "apply.h"
#include "cli.h"
#include "filter.h"
#include "guard.h"
#include "limit.h"
#include "try.h"

int apply_switch(const struct cmdline *cl, const struct xdpport_ruleset *next,
		 const struct xdpport_limits *limits, const char *what,
		 struct xdpport_ruleset *before)
{
	const struct xdpport_ruleset *live;
	struct filter f;
	int err = filter_open(&f, FILTER_CREATE | FILTER_LOCK, what);

	if (err)
		return err;
	live = filter_live(&f);	/* stable: we hold the lock */
	if (before)
		memcpy(before, live, sizeof(*before));
	err = guard_check(live, next, cl->force, what);
	if (!err)
		err = try_arm(cl, live, filter_live_limits(&f), NULL);
	if (!err && (memcmp(live, next, sizeof(*next)) ||
		     !limits_same(next, filter_live_limits(&f), limits)))
		filter_replace(&f, next, limits);
	filter_close(&f);
	return err;
}
