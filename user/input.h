/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Reads a whole input file (or standard input) into memory, with a size cap, so that
 * parsers work on a buffer and a bad path is one clear error. */
#ifndef XDPPORT_INPUT_H
#define XDPPORT_INPUT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Reads all of `path` ("-": standard input) into *buf (malloc()ed, free() it; one
 * extra NUL byte after *len bytes). Refuses directories and anything larger than
 * `max` bytes. Returns 0, or -1 with the reason in `why`.
 */
int input_read(const char *path, size_t max, char **buf, size_t *len, char *why,
	       size_t why_len);

/* The first line of `path` without its newline (a /proc file, a state file), cut to
 * fit `len`; false when it cannot be read or is empty. */
bool input_read_line(const char *path, char *buf, size_t len);

#endif
