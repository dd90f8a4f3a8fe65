/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* "did you mean 'allow'?": the known word closest to a mistyped one. */
#ifndef XDPPORT_SUGGEST_H
#define XDPPORT_SUGGEST_H

#include <stddef.h>

/* The word of `known` closest to `typed` (letters swapped, missing, extra or wrong:
 * at most 2 edits, and fewer than half its length), or NULL when none is that close. */
const char *suggest_word(const char *typed, const char *const *known, size_t n);

#endif
