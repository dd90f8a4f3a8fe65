/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* `xdpport stats` as text: counts since the last reset, once (stats_text.c); rates,
 * as a screen redrawn in place or one line per interval (stats_live.c). */
#ifndef XDPPORT_STATS_TEXT_H
#define XDPPORT_STATS_TEXT_H

#include <stdio.h>

#include "stats_report.h"

/* Tables of exact packet counts, bytes in SI units. `top`: how many were asked for. */
void stats_text(FILE *out, const struct stats_report *r, unsigned top);

/* The live screen: rates by reason, by interface and for the top ports. */
void stats_live_screen(FILE *out, const struct stats_report *r, double every);

/* One line: the time, passed and dropped rates, drop reasons, top dropped ports. */
void stats_live_line(FILE *out, const struct stats_report *r);

#endif
