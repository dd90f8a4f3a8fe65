/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The running filter as the CLI sees it: the maps pinned under XDPPORT_PIN_DIR, the
 * rules map mmapped, and the lock that serialises every command that changes them.
 */
#ifndef XDPPORT_FILTER_H
#define XDPPORT_FILTER_H

#include <linux/types.h>
#include <stdbool.h>

#include "xdpport.h"

struct xdpport;		/* the skeleton (build/xdpport.skel.h) */

enum filter_flags {
	FILTER_CREATE = 1 << 0,	/* create and pin the maps if there are none yet */
	FILTER_LOCK = 1 << 1,	/* hold the lock until filter_close() */
	FILTER_DIR_ONLY = 1 << 2, /* just the pin directory: works whatever the maps are */
};

struct filter {
	int dir_fd;		/* the pin directory; flock()ed with FILTER_LOCK */
	int rules_fd, totals_fd, ports_fd, ifaces_fd;
	struct xdpport_rules *rules;
};

#define NOT_SET_UP	(-1)	/* nothing pinned yet: no rules have ever been set */

/*
 * Opens the pinned maps (mounting bpffs if needed). Returns 0, or prints the error
 * (`what` names the command) and returns an exit status. Without FILTER_CREATE and
 * with nothing pinned it returns NOT_SET_UP silently: the caller decides what that
 * means for it.
 */
int filter_open(struct filter *f, unsigned flags, const char *what);
void filter_close(struct filter *f);

/* Opens the skeleton with its maps pinned in (or reused from) XDPPORT_PIN_DIR and
 * loads it, counting into `iface_slot`. Prints the error and returns NULL on failure. */
struct xdpport *filter_load_program(__u32 iface_slot, const char *what);

/* Copies the active ruleset. */
void filter_read(const struct filter *f, struct xdpport_ruleset *out);

/*
 * Makes `next` the running ruleset. When only port entries change, each changed byte
 * is written in place (every port switches atomically, one store each); when a
 * policy or the fragments setting changes, the whole ruleset switches at once.
 */
void filter_commit(struct filter *f, const struct xdpport_ruleset *next);

/* Switches the whole ruleset at once: writes the inactive slot, flips `active`. */
void filter_replace(struct filter *f, const struct xdpport_ruleset *next);

/* Removes every pin when no interface is attached: returns 0 when done (or nothing
 * was there), FILTER_IN_USE when links are pinned, or EXIT_FAIL (printed). */
#define FILTER_IN_USE	(-2)
int filter_purge(const char *what);

#endif
