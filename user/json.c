// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <inttypes.h>
#include <stdio.h>

#include "json.h"

#define JSON_MAX_DEPTH 16

static int depth;
static bool has_items[JSON_MAX_DEPTH];

/* Length of the well-formed UTF-8 sequence at `c` (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0. */
static int utf8_length(const unsigned char *c)
{
	int n = *c >= 0xf0 ? 4 : *c >= 0xe0 ? 3 : 2;
	unsigned cp = *c & (0x7f >> n);

	if (*c < 0xc2 || *c > 0xf4)
		return 0;
	for (int i = 1; i < n; i++) {
		if ((c[i] & 0xc0) != 0x80)
			return 0;	/* also stops at the terminating NUL */
		cp = cp << 6 | (c[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Strings can hold what the user typed (a file name): a byte that is not part of
 * well-formed UTF-8 becomes U+FFFD, so the output is always valid JSON. */
static void put_string(const char *s)
{
	putchar('"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		int n;

		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if (*c < 0x20)
			printf("\\u%04x", *c);
		else if (*c < 0x80)
			putchar(*c);
		else if ((n = utf8_length(c)) > 0) {
			fwrite(c, 1, n, stdout);
			c += n - 1;
		} else
			fputs("\\ufffd", stdout);
	}
	putchar('"');
}

static void begin_item(const char *key)
{
	if (depth > 0 && has_items[depth - 1])
		putchar(',');
	if (depth > 0)
		has_items[depth - 1] = true;
	if (key) {
		put_string(key);
		putchar(':');
	}
}

static void open_container(const char *key, char c)
{
	begin_item(key);
	putchar(c);
	if (depth < JSON_MAX_DEPTH)
		has_items[depth] = false;
	depth++;
}

static void close_container(char c)
{
	depth--;
	putchar(c);
	if (depth == 0)
		putchar('\n');
}

void json_object_begin(const char *key)
{
	open_container(key, '{');
}

void json_object_end(void)
{
	close_container('}');
}

void json_array_begin(const char *key)
{
	open_container(key, '[');
}

void json_array_end(void)
{
	close_container(']');
}

void json_string(const char *key, const char *value)
{
	begin_item(key);
	put_string(value);
}

void json_uint(const char *key, uint64_t value)
{
	begin_item(key);
	printf("%" PRIu64, value);
}

void json_double(const char *key, double value)
{
	begin_item(key);
	printf("%.6g", value);
}

void json_bool(const char *key, bool value)
{
	begin_item(key);
	fputs(value ? "true" : "false", stdout);
}

void json_null(const char *key)
{
	begin_item(key);
	fputs("null", stdout);
}
