// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>

#include "units.h"

/* The value rounded to three significant digits, as printed. */
static int print3(char *buf, size_t len, double v, const char *prefix, const char *unit)
{
	int decimals = v < 9.995 ? 2 : v < 99.95 ? 1 : 0;

	return snprintf(buf, len, "%.*f %s%s", decimals, v, prefix, unit);
}

const char *human_si(char buf[UNITS_BUF], double value, const char *unit)
{
	static const char *prefixes[] = { "", "k", "M", "G", "T", "P" };
	size_t i = 0;

	if (!(value > 0)) {	/* zero, negative or NaN: nothing happened */
		snprintf(buf, UNITS_BUF, "0 %s", unit);
		return buf;
	}
	if (value < 1) {
		print3(buf, UNITS_BUF, value, "", unit);
		return buf;
	}
	/* 999.7 rounds to "1000": that is 1.00 of the next prefix. */
	while (value >= 999.5 && i + 1 < sizeof(prefixes) / sizeof(prefixes[0])) {
		value /= 1000;
		i++;
	}
	if (i == 0 && value == (double)(uint64_t)value)	/* whole packets: "12 pps", not "12.0 pps" */
		snprintf(buf, UNITS_BUF, "%.0f %s", value, unit);
	else
		print3(buf, UNITS_BUF, value, prefixes[i], unit);
	return buf;
}

const char *grouped(char buf[UNITS_BUF], uint64_t value)
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)value), out = 0;

	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[out++] = ',';
		buf[out++] = digits[i];
	}
	buf[out] = '\0';
	return buf;
}

long long parse_decimal(const char *text, unsigned long long min, unsigned long long max)
{
	unsigned long long v = 0;
	size_t n = 0;

	for (const char *c = text; *c; c++, n++) {
		if (*c < '0' || *c > '9' || n >= 12)
			return -1;
		v = v * 10 + (*c - '0');
	}
	return n == 0 || v < min || v > max ? -1 : (long long)v;
}
