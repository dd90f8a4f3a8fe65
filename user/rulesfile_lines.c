// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The rules file's lines (user/rulesfile_lines.h): bytes into words. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "rulesfile_lines.h"

/* Says what the first bad byte of a line is: NUL anywhere, and outside the comment
 * anything but printable ASCII and tabs. */
static void bad_byte(unsigned char c, size_t column, char *why, size_t len)
{
	if (c == '\0')
		snprintf(why, len, "NUL byte at column %zu (is this a text file?)", column);
	else if (c >= 0x80)
		snprintf(why, len, "non-ASCII byte 0x%02x at column %zu (only comments may hold one)",
			 c, column);
	else
		snprintf(why, len, "control character 0x%02x at column %zu", c, column);
}

/*
 * Eight bytes at a time (big files are some 15 bytes a line): a word with a byte
 * in every byte, and the classic tests for "some byte is zero", "< n" and "> n"
 * (exact for n <= 127; the lowest such byte is found exactly).
 */
#define ONES	0x0101010101010101ull
#define HIGHS	0x8080808080808080ull

static __u64 load8(const char *c)
{
	__u64 w;

	memcpy(&w, c, sizeof(w));
	return w;
}

static __u64 zero_bytes(__u64 w)
{
	return (w - ONES) & ~w & HIGHS;
}

/* Eight bytes of printable ASCII without '#': nothing for rulesfile_line() to note. */
static bool plain8(const char *c)
{
	__u64 w = load8(c);
	__u64 below_space = (w - ONES * 0x20) & ~w & HIGHS, above_tilde = ((w + ONES) | w) & HIGHS;

	return !(below_space | above_tilde | zero_bytes(w ^ (ONES * '#')));
}

/* Where the first space or tab is in the eight bytes at `c` (8: none). */
static unsigned blank8(const char *c)
{
	__u64 w = load8(c), m = zero_bytes(w ^ (ONES * ' ')) | zero_bytes(w ^ (ONES * '\t'));

	return m ? __builtin_ctzll(m) / 8 : 8;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Copies `len` bytes of rule text into l->text, splitting it into words at spaces
 * and tabs. */
static void split_words(struct rulesfile_line *l, const char *s, size_t len)
{
	char *t = l->text;
	size_t i = 0;

	memcpy(t, s, len);
	t[len] = '\0';
	l->nwords = 0;
	while (i < len) {
		if (blank(t[i])) {
			t[i++] = '\0';
			continue;
		}
		l->word[l->nwords++] = &t[i];
		for (unsigned n; len - i >= 8 && (n = blank8(&t[i])) == 8;)
			i += n;
		while (i < len && !blank(t[i]))
			i++;
	}
}

const char *rulesfile_line(const char *s, const char *end, struct rulesfile_line *l, char *why,
			   size_t why_len)
{
	const char *c, *hash = NULL, *bad = NULL;
	size_t len;

	/* One pass over the bytes finds the line's end, its comment and its first bad
	 * byte. */
	for (c = s; c < end && *c != '\n'; c++) {
		unsigned char b = *c;

		if (end - c >= 8 && plain8(c)) {
			c += 7;
			continue;
		}
		if (b >= 0x20 && b < 0x7f && b != '#')
			continue;
		if (b == '#' && !hash)
			hash = c;
		else if (!bad && (b == '\0' || (!hash && b != '\t' && b != '#')))
			bad = c;
	}
	len = c - s;
	/* CRLF: the CR belongs to the line ending. */
	if (len > 0 && s[len - 1] == '\r') {
		len--;
		if (bad == s + len)
			bad = NULL;
	}
	why[0] = '\0';
	l->nwords = 0;
	if (len > RULESFILE_LINE_MAX)
		snprintf(why, why_len, "line is longer than %d bytes", RULESFILE_LINE_MAX);
	else if (bad)
		bad_byte(*bad, bad - s + 1, why, why_len);
	else
		split_words(l, s, hash ? (size_t)(hash - s) : len);
	return c < end ? c + 1 : end;
}
