/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The rules file as lines of words (user/rulesfile.h has the format): a line ends at
 * LF (a CR before it belongs to the ending), `#` starts a comment, words are
 * separated by spaces and tabs; outside comments only printable ASCII is allowed,
 * and no NUL anywhere.
 */
#ifndef XDPPORT_RULESFILE_LINES_H
#define XDPPORT_RULESFILE_LINES_H

#include <stddef.h>

#include <linux/types.h>
#include "rulesfile.h"

#define RULESFILE_WORDS_MAX	(RULESFILE_LINE_MAX / 2 + 1)	/* "a b c ..." */

struct rulesfile_line {
	char text[RULESFILE_LINE_MAX + 1];	/* the words, NUL-terminated */
	char *word[RULESFILE_WORDS_MAX];
	int nwords;
};

/*
 * Reads the line starting at `s` (the buffer ends at `end`) into `l`: its words,
 * without comment and line ending. Returns where the next line starts. A line that
 * cannot be read (too long, a bad byte) gets no words and why not in `why`; `why` is
 * empty otherwise.
 */
const char *rulesfile_line(const char *s, const char *end, struct rulesfile_line *l, char *why,
			   size_t why_len);

#endif
