// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

static void put_escaped_bytes(const char *text, size_t len)
{
	for (const unsigned char *c = (const unsigned char *)text; len--; c++) {
		if (*c == '\\')
			fputs("\\\\", stderr);
		else if (*c < 0x20 || *c > 0x7e)
			fprintf(stderr, "\\x%02x", *c);
		else
			fputc(*c, stderr);
	}
}

/* Writes `text` escaped; past ERROR_LINE_MAX bytes, its start and its end with "..."
 * between: the subject starts a message and the reason ends it. */
static void put_escaped(const char *text)
{
	size_t len = strlen(text), head = ERROR_LINE_MAX * 5 / 8, tail = ERROR_LINE_MAX - head;

	if (len <= ERROR_LINE_MAX) {
		put_escaped_bytes(text, len);
		return;
	}
	put_escaped_bytes(text, head);
	fputs("...", stderr);
	put_escaped_bytes(text + len - tail, tail);
}

void error_vline(const char *what, const char *tail, const char *fmt, va_list ap)
{
	char short_text[ERROR_LINE_MAX + 1], *text = NULL;
	va_list copy;

	va_copy(copy, ap);
	if (vasprintf(&text, fmt, copy) < 0) {
		text = NULL;	/* out of memory: the start of it will do */
		vsnprintf(short_text, sizeof(short_text), fmt, ap);
	}
	va_end(copy);
	fputs("xdpport: ", stderr);
	if (what) {
		put_escaped(what);
		fputs(": ", stderr);
	}
	put_escaped(text ? text : short_text);
	fputs(tail, stderr);
	fputc('\n', stderr);
	free(text);
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
