/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Summaries of benchmark rounds: the median, and the spread as half the range. */
#ifndef TEST_STATS_H
#define TEST_STATS_H

#include <stddef.h>

struct summary {
	double median, spread;	/* spread: (max - min) / 2 */
	double min, max;
};

/* Sorts `v` in place. n must be at least 1. */
struct summary summarize(double *v, size_t n);

#endif
