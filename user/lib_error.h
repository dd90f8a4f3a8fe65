/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * How library code (pins and maps, counters, the flow table, the egress program)
 * reports what went wrong: it never prints. A call fills a struct lib_error and
 * returns an exit status; the command prints it (user/cli_lib.c) as
 * `xdpport: <command>: <why>`, so every message and status stays the command's.
 */
#ifndef XDPPORT_LIB_ERROR_H
#define XDPPORT_LIB_ERROR_H

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* runtime failure: nothing was changed */
	EXIT_USAGE = 2,		/* bad command line or input */
};

/* What a user without the privileges is told to get. */
#define PRIVILEGES_NEEDED "run as root, or with CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN"
/* The error when a capability is missing: printf("permission denied: " ..., missing). */
#define PRIVILEGES_MISSING "permission denied: no %s; " PRIVILEGES_NEEDED

#define LIB_WHY_MAX	(1024 + 1)	/* every line errors.h prints uncut (ERROR_LINE_MAX) */

/*
 * Zeroed by the caller (`struct lib_error e = {0};`); calls only add to it, the first
 * error and the first warning each. `why` is set when a call fails, and also when it
 * went on after a step that failed (a stale pin it could not remove).
 */
struct lib_error {
	char why[LIB_WHY_MAX];		/* the error, without the command's name; "" none */
	char warning[LIB_WHY_MAX];	/* to tell even when the call worked; "" none */
};

/* Records the error (unless one is there already); returns `status`, so callers can
 * `return lib_fail(e, EXIT_FAIL, ...)`. */
int lib_fail(struct lib_error *e, int status, const char *why_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records a warning (unless one is there already). */
void lib_warn(struct lib_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Explains an errno from a BPF or netlink call in words a user can act on. */
const char *errno_reason(int err);

#endif
