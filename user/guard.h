/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The lockout guard: no change may start dropping the TCP port of the SSH session
 * the command runs in (from SSH_CONNECTION), or tcp/22 when there is none, unless
 * the user says --force. */
#ifndef XDPPORT_GUARD_H
#define XDPPORT_GUARD_H

#include <linux/types.h>
#include <stdbool.h>

#include "xdpport.h"

/* The port the guard protects. */
__u16 guard_port(void);

/* True when that port comes from SSH_CONNECTION rather than the default 22. */
bool guard_from_session(void);

/* Returns 0 if going from `before` to `after` is safe (or forced); otherwise prints
 * why not and returns EXIT_FAIL. */
int guard_check(const struct xdpport_ruleset *before, const struct xdpport_ruleset *after,
		bool force, const char *what);

/* The same for a change of the one entry (proto, port), from verdict `before` to
 * `after`: for changes that never build a whole ruleset. */
int guard_check_port(int proto, __u16 port, int before, int after, bool force,
		     const char *what);

#endif
