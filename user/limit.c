// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>

#include "limit.h"

#define NS_PER_S	1000000000ull
#define BURST_MAX	65535u

/* A decimal count: digits only (no sign, no spaces), at most `max`. Returns 0, or -1
 * for no digits or junk, -2 for a number over `max`. */
static int parse_count(const char *s, const char *end, unsigned long long max,
		       unsigned long long *out)
{
	unsigned long long v = 0;

	if (s == end)
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -2;
	}
	*out = v;
	return 0;
}

static int parse_rate(const char *text, struct xdpport_limit *out, char *why, size_t len)
{
	const char *slash = strchr(text, '/');
	unsigned long long rate, max;
	int per_minute, err;

	if (!slash) {
		snprintf(why, len, "rate must be N/s or N/min, like 100/s");
		return -1;
	}
	if (!strcmp(slash + 1, "s"))
		per_minute = 0;
	else if (!strcmp(slash + 1, "min"))
		per_minute = 1;
	else {
		snprintf(why, len, "unknown unit '%s': rate is N/s or N/min", slash + 1);
		return -1;
	}
	max = per_minute ? LIMIT_RATE_MAX_PER_S * 60ull : LIMIT_RATE_MAX_PER_S;
	err = parse_count(text, slash, max, &rate);
	if (err == -2) {
		snprintf(why, len, "rate is too high: at most %u/s (%llu/min)",
			 LIMIT_RATE_MAX_PER_S, LIMIT_RATE_MAX_PER_S * 60ull);
		return -1;
	}
	if (err) {
		snprintf(why, len, "rate must be a whole number of packets, N/s or N/min");
		return -1;
	}
	if (rate == 0) {
		snprintf(why, len, "a rate of 0 passes nothing; to drop the port, use deny");
		return -1;
	}
	out->rate = rate;
	out->per_minute = per_minute;
	/* Rounded to the nearest ns: at most 10 Mpps, so off by 5% of 1% at worst. */
	out->interval_ns = ((per_minute ? 60 : 1) * NS_PER_S + rate / 2) / rate;
	return 0;
}

int limit_parse(char *const *words, int n, struct xdpport_limit *out, char *why,
		size_t why_len)
{
	bool burst_seen = false, source_seen = false;

	memset(out, 0, sizeof(*out));
	if (n == 1 && !strcmp(words[0], "off"))
		return 0;
	if (parse_rate(words[0], out, why, why_len))
		return -1;
	out->burst = LIMIT_BURST_DEFAULT;
	for (int i = 1; i < n; i++) {
		unsigned long long burst;

		if (!strcmp(words[i], "per-source") && !source_seen) {
			out->per_source = 1;
			source_seen = true;
		} else if (!strcmp(words[i], "burst") && !burst_seen) {
			burst_seen = true;
			if (++i == n) {
				snprintf(why, why_len, "burst needs a number of packets");
				return -1;
			}
			if (parse_count(words[i], words[i] + strlen(words[i]), BURST_MAX, &burst) ||
			    burst == 0) {
				snprintf(why, why_len, "burst must be a number of packets, 1 to %u",
					 BURST_MAX);
				return -1;
			}
			out->burst = burst;
		} else if (!strcmp(words[i], "off")) {
			snprintf(why, why_len, "off stands alone: limit PORTSPEC off");
			return -1;
		} else {
			snprintf(why, why_len,
				 "unexpected '%.40s'%s (after RATE: burst N, per-source)", words[i],
				 strlen(words[i]) > 40 ? "..." : "");
			return -1;
		}
	}
	return 1;
}

void limit_format(const struct xdpport_limit *l, char *buf, size_t len)
{
	snprintf(buf, len, "%u/%s burst %u%s", l->rate, l->per_minute ? "min" : "s", l->burst,
		 l->per_source ? " per-source" : "");
}

void limits_copy(const struct xdpport_ruleset *rs, struct xdpport_limits *to,
		 const struct xdpport_limits *from)
{
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		for (int port = 0; port < XDPPORT_PORTS; port++)
			if (rs->entry[p][port] & XDPPORT_ENTRY_LIMIT)
				to->port[p][port] = from->port[p][port];
}

bool limits_same(const struct xdpport_ruleset *rs, const struct xdpport_limits *a,
		 const struct xdpport_limits *b)
{
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		for (int port = 0; port < XDPPORT_PORTS; port++)
			if ((rs->entry[p][port] & XDPPORT_ENTRY_LIMIT) &&
			    memcmp(&a->port[p][port], &b->port[p][port], sizeof(a->port[p][port])))
				return false;
	return true;
}

unsigned limits_count(const struct xdpport_ruleset *rs, int proto)
{
	unsigned n = 0;

	for (int port = 0; port < XDPPORT_PORTS; port++)
		n += !!(rs->entry[proto][port] & XDPPORT_ENTRY_LIMIT);
	return n;
}
