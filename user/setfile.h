/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Set files, what `xdpport set NAME FILE` reads: one IPv4/IPv6 address or CIDR per
 * line; `#` and `;` start comments (the Spamhaus DROP format: "192.0.2.0/24 ; SBL1");
 * blank lines; CRLF. Read as a stream, line by line, so a list of millions costs its
 * prefixes in memory, not the file.
 */
#ifndef XDPPORT_SETFILE_H
#define XDPPORT_SETFILE_H

#include <stddef.h>
#include <stdio.h>

#include "sources.h"

/* Appends the prefixes of `in` to `set`. On the first bad line returns -1 with why
 * ("NAME:LINE: ..."); the set then holds nothing to use. */
int setfile_read(FILE *in, const char *name, struct source_set *set, char *why,
		 size_t why_len);

#endif
