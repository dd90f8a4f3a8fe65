/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Numbers for people: "12.4 Mpps", "6.30 Gbit/s", "1.52 GB", "987,654,321"; and
 * plain decimal numbers from them. */
#ifndef XDPPORT_UNITS_H
#define XDPPORT_UNITS_H

#include <stdint.h>

#define UNITS_BUF 32

/* Three significant digits and an SI prefix (k, M, G, T, P: powers of 1000) before
 * `unit`: human_si(buf, 12400000, "pps") is "12.4 Mpps". Returns buf. */
const char *human_si(char buf[UNITS_BUF], double value, const char *unit);

/* Exact, digits grouped by three with commas: "987,654,321". Returns buf. */
const char *grouped(char buf[UNITS_BUF], uint64_t value);

/* A plain decimal number in [min, max] (digits only: no sign, space, 0x or fraction;
 * max below 10^12), or -1. */
long long parse_decimal(const char *text, unsigned long long min, unsigned long long max);

#endif
