// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <ctype.h>
#include <linux/types.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "portspec.h"
#include "xdpport.h"

#define SPEC_MAX	64	/* longer than any port, range or service name */

int proto_parse(const char *text)
{
	if (!strcasecmp(text, "tcp"))
		return XDPPORT_TCP;
	if (!strcasecmp(text, "udp"))
		return XDPPORT_UDP;
	return -1;
}

const char *proto_name(int proto)
{
	return proto == XDPPORT_UDP ? "udp" : "tcp";
}

/* Decimal 0..65535, digits only: no sign, no hex, no spaces. Leading zeros are
 * allowed and change nothing: 0443 is 443, not octal. */
static int parse_port(const char *s, size_t len, uint16_t *out)
{
	unsigned long v = 0;

	for (; len > 1 && *s == '0'; s++)
		len--;
	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*out = v;
	return 0;
}

static int all_digits_or_dash(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && *s != '-')
			return 0;
	return 1;
}

static int service_ranges(const char *name, uint32_t protos, struct portspec *out)
{
	char lower[SPEC_MAX + 1];
	size_t i;

	/* Case-insensitive, like the protocol: HTTPS is https. */
	for (i = 0; name[i] && i < SPEC_MAX; i++)
		lower[i] = tolower((unsigned char)name[i]);
	lower[i] = '\0';
	out->n = 0;
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		struct servent *se;

		if (!(protos & PROTO_BIT(p)))
			continue;
		se = getservbyname(name, proto_name(p)) ?: getservbyname(lower, proto_name(p));
		if (!se)
			continue;
		out->range[out->n++] = (struct port_range){
			.protos = PROTO_BIT(p),
			.first = ntohs(se->s_port),
			.last = ntohs(se->s_port),
		};
	}
	endservent();
	/* Same port for both protocols: one range, as if written without a protocol. */
	if (out->n == 2 && out->range[0].first == out->range[1].first) {
		out->range[0].protos = PROTOS_ALL;
		out->n = 1;
	}
	return out->n ? 0 : -1;
}

/*
 * Habits from other firewalls, answered with this syntax: ufw's "443,80" (here: two
 * arguments) and iptables' "8000:8100" (here: 8000-8100). Writes the reason and
 * returns -1, or returns 0 when `s` is neither.
 */
static int foreign_syntax(const char *s, uint32_t protos, char *why, size_t why_len)
{
	const char *suffix = protos == PROTOS_ALL ? "" : protos == PROTO_BIT(XDPPORT_TCP) ? "/tcp"
											   : "/udp";
	char fixed[SPEC_MAX * 5 + 1];
	size_t used = 0;

	if (strchr(s, ',') && s[0] != ',') {
		for (const char *c = s; *c && used < SPEC_MAX * 4; c++) {
			if (*c == ',')
				used += snprintf(fixed + used, sizeof(fixed) - used, "%s ", suffix);
			else
				fixed[used++] = *c;
		}
		snprintf(fixed + used, sizeof(fixed) - used, "%s", suffix);
		snprintf(why, why_len, "one PORTSPEC per argument, separated by spaces (did you "
				       "mean %s?)", fixed);
		return -1;
	}
	if (strchr(s, ':') && isdigit((unsigned char)s[0])) {
		snprintf(fixed, sizeof(fixed), "%s%s", s, suffix);
		*strchr(fixed, ':') = '-';
		snprintf(why, why_len, "a range is FIRST-LAST (did you mean %s?)", fixed);
		return -1;
	}
	return 0;
}

static int parse_ports(const char *s, uint32_t protos, struct portspec *out, char *why,
		       size_t why_len)
{
	const char *dash = strchr(s, '-');
	uint16_t first, last;

	if (!all_digits_or_dash(s)) {
		if (service_ranges(s, protos, out) == 0)
			return 0;
		if (foreign_syntax(s, protos, why, why_len))
			return -1;
		if (isdigit((unsigned char)s[0]) || s[0] == '-')
			snprintf(why, why_len, "not a port number or range");
		else if (s[0] == '+')
			snprintf(why, why_len, "ports have no sign");
		else
			snprintf(why, why_len, "unknown service name (not in /etc/services%s)",
				 protos == PROTOS_ALL ? "" : " for this protocol");
		return -1;
	}
	if (s[0] == '-' && isdigit((unsigned char)s[1])) {
		snprintf(why, why_len, "ports cannot be negative");
		return -1;
	}
	if (!dash) {
		if (parse_port(s, strlen(s), &first)) {
			snprintf(why, why_len, "port is over 65535");
			return -1;
		}
		last = first;
	} else {
		if (parse_port(s, dash - s, &first) || parse_port(dash + 1, strlen(dash + 1), &last)) {
			snprintf(why, why_len, "a range is FIRST-LAST, with ports from 0 to 65535");
			return -1;
		}
		if (first > last) {
			snprintf(why, why_len, "range is backwards (did you mean %u-%u?)", last, first);
			return -1;
		}
	}
	out->range[0] = (struct port_range){ .protos = protos, .first = first, .last = last };
	out->n = 1;
	return 0;
}

/* A PORTSPEC is printable ASCII without spaces: say so rather than look such a word
 * up as a service name ("４４３" is not 443). */
static const char *bad_character(const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if (*c == ' ' || *c == '\t')
			return "no spaces in a port specification";
		if (*c >= 0x80)
			return "non-ASCII character in a port specification (ports are ASCII digits)";
		if (*c < 0x20 || *c == 0x7f)
			return "control character in a port specification";
	}
	return NULL;
}

int portspec_parse(const char *text, struct portspec *out, char *why, size_t why_len)
{
	char buf[SPEC_MAX + 1];
	uint32_t protos = PROTOS_ALL;
	const char *bad;
	char *slash;
	size_t len = strlen(text);

	if (len == 0) {
		snprintf(why, why_len, "empty port specification");
		return -1;
	}
	if (len > SPEC_MAX) {
		snprintf(why, why_len, "too long to be a port specification");
		return -1;
	}
	if ((bad = bad_character(text))) {
		snprintf(why, why_len, "%s", bad);
		return -1;
	}
	memcpy(buf, text, len + 1);
	slash = strchr(buf, '/');
	if (slash) {
		int proto;

		*slash = '\0';
		proto = proto_parse(slash + 1);
		if (proto < 0) {
			snprintf(why, why_len, "protocol must be tcp or udp, not '%s'", slash + 1);
			return -1;
		}
		protos = PROTO_BIT(proto);
	}
	if (buf[0] == '\0') {
		snprintf(why, why_len, "missing port before the protocol");
		return -1;
	}
	return parse_ports(buf, protos, out, why, why_len);
}

void port_range_format(char *buf, size_t len, const struct port_range *r)
{
	int n = r->first == r->last ? snprintf(buf, len, "%u", r->first)
				    : snprintf(buf, len, "%u-%u", r->first, r->last);

	if (r->protos != PROTOS_ALL && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, "/%s",
			 proto_name(r->protos == PROTO_BIT(XDPPORT_UDP) ? XDPPORT_UDP : XDPPORT_TCP));
}
