// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"

/* Writes at most ERROR_LINE_MAX bytes of `text` (then "..." if there is more), every
 * byte that is not printable ASCII escaped. */
static void put_escaped(const char *text)
{
	const unsigned char *c = (const unsigned char *)text;

	for (size_t i = 0; *c && i < ERROR_LINE_MAX; c++, i++) {
		if (*c == '\\')
			fputs("\\\\", stderr);
		else if (*c < 0x20 || *c > 0x7e)
			fprintf(stderr, "\\x%02x", *c);
		else
			fputc(*c, stderr);
	}
	if (*c)
		fputs("...", stderr);
}

void error_vline(const char *what, const char *tail, const char *fmt, va_list ap)
{
	char text[ERROR_LINE_MAX + 2];	/* one byte more than is shown: then it was cut */

	vsnprintf(text, sizeof(text), fmt, ap);
	fputs("xdpport: ", stderr);
	if (what) {
		put_escaped(what);
		fputs(": ", stderr);
	}
	put_escaped(text);
	fputs(tail, stderr);
	fputc('\n', stderr);
}

void error_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vline(NULL, "", fmt, ap);
	va_end(ap);
}

int fail(int status, const char *what, const char *why_fmt, ...)
{
	va_list ap;

	va_start(ap, why_fmt);
	error_vline(what, "", why_fmt, ap);
	va_end(ap);
	return status;
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vline("warning", "", fmt, ap);
	va_end(ap);
}

const char *errno_reason(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case EPERM:
	case EACCES:
		return "permission denied (" PRIVILEGES_NEEDED ")";
	case ENOMEM:
		return "out of memory (or the locked-memory limit is too low)";
	default:
		return strerror(err);
	}
}
