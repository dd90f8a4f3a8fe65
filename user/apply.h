/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A parsed ruleset becomes the running one: the step `apply` takes once and
 * `apply --watch` takes for every version of its file, so both share the lock, the
 * lockout guard and the atomic switch.
 */
#ifndef XDPPORT_APPLY_H
#define XDPPORT_APPLY_H

#include <linux/types.h>
#include <stdbool.h>

#include "xdpport.h"

struct cmdline;
struct rules;

/*
 * Under the filter's lock (creating it if needed): checks the lockout guard (unless
 * cl->force), puts the change on trial if cl asks for --try, then switches to the
 * rules `next` (compiled: the ruleset, the configs of its limited ports, its source
 * rules and sets) in one step, unless they are what runs already (nothing is written
 * then, so the change timestamp stays). `before` and `after` (may be NULL) receive
 * the ruleset that was running and the compiled one. Returns 0, or an exit status
 * after printing why (naming `what`): nothing changed then.
 */
int apply_switch(const struct cmdline *cl, const struct rules *next, const char *what,
		 struct xdpport_ruleset *before, struct xdpport_ruleset *after);

/* `apply --watch FILE` (user/apply_watch.c). */
int apply_watch(struct cmdline *cl);

#endif
