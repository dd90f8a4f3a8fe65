/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A command's change to the source rules and sets: the library's switch
 * (user/sources_store.c, user/publish.c) behind both lockout guards and --try.
 */
#ifndef XDPPORT_SOURCES_COMMIT_H
#define XDPPORT_SOURCES_COMMIT_H

#include "cli.h"
#include "filter.h"
#include "sources.h"

/*
 * Under the lock of `f`: builds `after` into the free source slot, checks both lockout
 * guards (from the running ruleset and its sources `before`; cl->force), puts the
 * change on trial if cl asks for --try, then switches `next` in with `limits` (NULL:
 * the running ones) in one flip and frees the old slot. Prints any error; returns
 * an exit status.
 */
int sources_commit(struct filter *f, const struct cmdline *cl, struct xdpport_ruleset *next,
		   const struct xdpport_limits *limits, const struct sources *before,
		   const struct sources *after, const char *what);

#endif
