// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"

int fail(int status, const char *what, const char *why_fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xdpport: %s: ", what);
	va_start(ap, why_fmt);
	vfprintf(stderr, why_fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

void warn(const char *fmt, ...)
{
	va_list ap;

	fputs("xdpport: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
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
