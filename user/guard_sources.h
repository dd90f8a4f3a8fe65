/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The lockout guard for source rules: no change may start dropping the address of
 * the SSH client this runs under (SSH_CONNECTION) on its port, unless --force. */
#ifndef XDPPORT_GUARD_SOURCES_H
#define XDPPORT_GUARD_SOURCES_H

#include <stdbool.h>

#include "sources.h"

/* 0 when the client (if any) keeps passing, or already dropped, or forced; else
 * prints why not and returns EXIT_FAIL. */
int guard_check_sources(const struct sources *before, const struct xdpport_ruleset *rs_before,
			const struct sources *after, const struct xdpport_ruleset *rs_after,
			bool force, const char *what);

#endif
