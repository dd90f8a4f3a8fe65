// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

static unsigned passed, failed;
/* What the failed clauses of the case being evaluated saw, "; " between them (more
 * than one only when they were joined with ||). */
static char why[1024];

bool report(bool ok, const char *name_fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "FAIL");
	va_start(ap, name_fmt);
	vprintf(name_fmt, ap);
	va_end(ap);
	if (!ok && why[0])
		printf(": %s", why);
	printf("\n");
	fflush(stdout);
	why[0] = '\0';
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

static void vnote(const char *fmt, va_list ap)
{
	size_t len = strlen(why);

	if (len && len + 2 < sizeof(why)) {
		memcpy(why + len, "; ", 3);
		len += 2;
	}
	vsnprintf(why + len, sizeof(why) - len, fmt, ap);
}

static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(fmt, ap);
	va_end(ap);
}

bool check_that(bool ok, const char *why_fmt, ...)
{
	va_list ap;

	if (!ok) {
		va_start(ap, why_fmt);
		vnote(why_fmt, ap);
		va_end(ap);
	}
	return ok;
}

struct check_value check_signed_(long long v)
{
	return (struct check_value){ .kind = CHECK_SIGNED, .i = v };
}

struct check_value check_unsigned_(unsigned long long v)
{
	return (struct check_value){ .kind = CHECK_UNSIGNED, .u = v };
}

struct check_value check_float_(double v)
{
	return (struct check_value){ .kind = CHECK_FLOAT, .d = v };
}

static const char *value_text(char *buf, size_t len, struct check_value v)
{
	switch (v.kind) {
	case CHECK_SIGNED:
		snprintf(buf, len, "%lld", v.i);
		break;
	case CHECK_UNSIGNED:
		snprintf(buf, len, "%llu", v.u);
		break;
	case CHECK_FLOAT:
		snprintf(buf, len, "%.9g", v.d);
		break;
	}
	return buf;
}

bool check_values_(bool ok, const char *what, const char *op, struct check_value a,
		   struct check_value b)
{
	char as[32], bs[32];

	if (ok)
		return true;
	value_text(as, sizeof(as), a);
	value_text(bs, sizeof(bs), b);
	if (op)
		note("%s is false: %s %s %s", what, as, op, bs);
	else
		note("%s: got %s, want %s", what, as, bs);
	return false;
}

/* At most 200 bytes of a string, quoted; "NULL" for none. */
static const char *quoted(char *buf, size_t len, const char *s)
{
	if (!s)
		return "NULL";
	snprintf(buf, len, "\"%.200s%s\"", s, strlen(s) > 200 ? "..." : "");
	return buf;
}

bool check_str_(const char *what, const char *got, const char *want)
{
	char gs[256], ws[256];

	if (got == want || (got && want && !strcmp(got, want)))
		return true;
	note("%s: got %s, want %s", what, quoted(gs, sizeof(gs), got),
	     quoted(ws, sizeof(ws), want));
	return false;
}

bool check_has_(const char *what, const char *text, const char *part)
{
	char ts[256], ps[256];

	if (text && strstr(text, part))
		return true;
	note("%s has no %s: it is %s", what, quoted(ps, sizeof(ps), part),
	     quoted(ts, sizeof(ts), text));
	return false;
}
