// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The library's errors (user/lib_error.h): recorded, never printed. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib_error.h"

int lib_fail(struct lib_error *e, int status, const char *why_fmt, ...)
{
	va_list ap;

	if (e->why[0])
		return status;
	va_start(ap, why_fmt);
	vsnprintf(e->why, sizeof(e->why), why_fmt, ap);
	va_end(ap);
	return status;
}

void lib_warn(struct lib_error *e, const char *fmt, ...)
{
	va_list ap;

	if (e->warning[0])
		return;
	va_start(ap, fmt);
	vsnprintf(e->warning, sizeof(e->warning), fmt, ap);
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
