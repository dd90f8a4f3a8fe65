/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * --try SECS: a change on trial. The change goes in force and the state before it
 * comes back by itself after SECS seconds unless `xdpport confirm` runs first. The
 * timer is a process of its own (double fork, setsid, stdio on /dev/null), so it
 * survives the session that ran the change (SIGKILL, SIGHUP, the SSH connection the
 * change just cut). It reverts under the filter's lock. State lives in TRY_DIR (bpffs
 * only holds BPF objects), a directory private to root:
 *   pending         the trial: timer pid, deadline, the command, the link to remove
 *   previous.rules  the ruleset to go back to (the rules file format)
 *   last            how the last trial ended, one line
 * One trial at a time: a second --try is refused until confirm or rollback.
 */
#ifndef XDPPORT_TRY_H
#define XDPPORT_TRY_H

#include <stdbool.h>

#include "cli.h"
#include "links.h"
#include "xdpport.h"

#define TRY_DIR "/run/xdpport"
#define TRY_SECS_MAX 86400

struct filter;

struct try_state {
	int timer_pid;
	long long deadline;	/* CLOCK_REALTIME seconds */
	char what[160];		/* the command on trial: "apply new.rules" */
	char link[LINK_PATH_MAX]; /* attach --try: the pin rollback removes; else empty */
};

/* A bad --try SECS: prints the usage error and returns EXIT_USAGE; else 0. */
int try_check_usage(const struct cmdline *cl);

/* Under the filter's lock, just before the change: without --try, returns 0 and
 * does nothing. Otherwise saves `previous` (the running ruleset; NULL for attach,
 * whose rollback removes `link`), starts the timer and records the trial. Returns 0,
 * or prints why not and returns an exit status: nothing is left behind then. */
int try_arm(const struct cmdline *cl, const struct xdpport_ruleset *previous,
	    const char *link);

/* The change failed after try_arm(): stops the timer, forgets the trial. */
void try_disarm(const struct cmdline *cl);

/* After the change, with the filter closed: says how to keep it; on a terminal asks
 * (ENTER keeps, anything else or the timeout reverts now). Returns `err` or the
 * outcome of the question. */
int try_done(const struct cmdline *cl, int err);

/* The trial pending, if any. */
bool try_pending(struct try_state *st);

/* True when the timer of `st` still runs. */
bool try_timer_alive(const struct try_state *st);

/* Seconds until `st` reverts (0 when overdue). */
long long try_seconds_left(const struct try_state *st);

/* How the last trial ended ("'apply x' reverted at ..."), or false. */
bool try_last(char *buf, size_t len);

/* With the filter locked: ends the trial `st`, keeping the change (confirm) or
 * putting back what was before it. Returns 0 or an exit status (printed). */
int try_confirm_locked(const struct try_state *st);
int try_revert_locked(struct filter *f, const struct try_state *st, const char *what);

#endif
