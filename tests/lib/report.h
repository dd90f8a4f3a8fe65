/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Test results: one line per case, then "N passed, N failed" (what tests/run.sh reads). */
#ifndef TEST_REPORT_H
#define TEST_REPORT_H

#include <stdbool.h>

/* Records a case; prints "ok - NAME" or "FAIL - NAME". Returns ok. */
bool report(bool ok, const char *name_fmt, ...) __attribute__((format(printf, 2, 3)));

/* Says why a case (or the whole test) cannot run here: "skip - WHY". Counts as
 * neither passed nor failed. */
void report_skip(const char *why_fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the summary line; returns the process exit status (0 when nothing failed). */
int report_summary(void);

#endif
