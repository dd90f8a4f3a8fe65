// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdarg.h>
#include <stdio.h>

#include "report.h"

static unsigned passed, failed;

bool report(bool ok, const char *name_fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "FAIL");
	va_start(ap, name_fmt);
	vprintf(name_fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

void report_skip(const char *why_fmt, ...)
{
	va_list ap;

	printf("skip - ");
	va_start(ap, why_fmt);
	vprintf(why_fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int report_summary(void)
{
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
