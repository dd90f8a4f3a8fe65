/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* One way to fail: `xdpport: <what>: <why>` on stderr and a documented exit status. */
#ifndef XDPPORT_ERRORS_H
#define XDPPORT_ERRORS_H

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* runtime failure: nothing was changed */
	EXIT_USAGE = 2,		/* bad command line or input */
};

/* What a user without the privileges is told to get. */
#define PRIVILEGES_NEEDED "run as root, or with CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN"

/* Prints the error line; returns `status` so callers can `return fail(...)`. */
int fail(int status, const char *what, const char *why_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* `xdpport: warning: ...` on stderr. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Explains an errno from a BPF or netlink call in words a user can act on. */
const char *errno_reason(int err);

#endif
