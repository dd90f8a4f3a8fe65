// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>

#include "apply.h"
#include "filter.h"
#include "guard.h"

int apply_switch(const struct xdpport_ruleset *next, bool force, const char *what,
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
	err = guard_check(live, next, force, what);
	if (!err && memcmp(live, next, sizeof(*next)))
		filter_replace(&f, next);
	filter_close(&f);
	return err;
}
