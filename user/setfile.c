// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>

#include "setfile.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int setfile_read(FILE *in, const char *name, struct source_set *set, char *why,
		 size_t why_len)
{
	unsigned long line = 0;
	size_t cap = 0;
	char *buf = NULL;
	ssize_t got;
	int err = 0;

	while (!err && (got = getline(&buf, &cap, in)) >= 0) {
		char *start = buf, *end = buf + strcspn(buf, "#;"), *word_end;
		struct prefix p;
		char message[128];

		line++;
		if (memchr(buf, '\0', got)) {
			snprintf(why, why_len, "%s:%lu: NUL byte (is this a text file?)", name, line);
			err = -1;
			break;
		}
		while (start < end && is_space(*start))
			start++;
		while (end > start && is_space(end[-1]))
			end--;
		if (start == end)
			continue;
		for (word_end = start; word_end < end && !is_space(*word_end); word_end++)
			;
		if (word_end != end) {
			snprintf(why, why_len, "%s:%lu: one address or CIDR per line", name, line);
			err = -1;
		} else if (prefix_parse(start, end - start, &p, message, sizeof(message))) {
			snprintf(why, why_len, "%s:%lu: '%.*s': %s", name, line,
				 (int)(end - start > 48 ? 48 : end - start), start, message);
			err = -1;
		} else if (source_set_append(set, &p)) {
			snprintf(why, why_len, "%s: out of memory", name);
			err = -1;
		}
	}
	free(buf);
	if (!err && ferror(in)) {
		snprintf(why, why_len, "%s: read error", name);
		err = -1;
	}
	return err;
}
