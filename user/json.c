// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <inttypes.h>
#include <stdio.h>

#include "json.h"

#define JSON_MAX_DEPTH 16

static int depth;
static bool has_items[JSON_MAX_DEPTH];

static void put_string(const char *s)
{
	putchar('"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if (*c < 0x20)
			printf("\\u%04x", *c);
		else
			putchar(*c);
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
