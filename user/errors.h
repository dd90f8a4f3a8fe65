/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* One way to fail: `xdpport: <what>: <why>` on stderr and a documented exit status. */
#ifndef XDPPORT_ERRORS_H
#define XDPPORT_ERRORS_H

#include <stdarg.h>

#include "lib_error.h"	/* exit statuses, errno_reason(): the library's side */

/*
 * Every line xdpport writes to stderr goes through here, because arguments and file
 * names end up in them: a byte outside printable ASCII is written as \xNN (and a
 * backslash as \\), so an error stays one line and cannot move a terminal's cursor
 * or hide text behind a right-to-left mark; and a subject or a message longer than
 * ERROR_LINE_MAX bytes (a 128 KiB argument) shows its start and its end with "..."
 * between, so the reason at the end of a message survives.
 */
#define ERROR_LINE_MAX	1024

/* Prints the error line; returns `status` so callers can `return fail(...)`. */
int fail(int status, const char *what, const char *why_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* `xdpport: warning: ...` on stderr. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* `xdpport: ` and the text on stderr, as one line. */
void error_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* `xdpport: WHAT: ` (without it when `what` is NULL), the text, then `tail` (never
 * cut), as one line on stderr. */
void error_vline(const char *what, const char *tail, const char *fmt, va_list ap);

#endif
