// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * PORTSPEC parsing (user/portspec.c): every accepted form gives the right ranges, and
 * every bad input is refused with a reason that names the problem. Service names come
 * from Debian's /etc/services (netbase): https 443 tcp+udp, ssh 22 tcp, domain 53.
 */
#include <linux/types.h>
#include <stdio.h>
#include <string.h>

#include "portspec.h"
#include "report.h"
#include "xdpport.h"

#define TCP PROTO_BIT(XDPPORT_TCP)
#define UDP PROTO_BIT(XDPPORT_UDP)
#define BOTH PROTOS_ALL

struct good {
	const char *text;
	int n;
	struct port_range range[2];
};

static const struct good goods[] = {
	{ "443", 1, { { BOTH, 443, 443 } } },
	{ "443/tcp", 1, { { TCP, 443, 443 } } },
	{ "443/udp", 1, { { UDP, 443, 443 } } },
	{ "443/TCP", 1, { { TCP, 443, 443 } } },
	{ "0", 1, { { BOTH, 0, 0 } } },
	{ "65535", 1, { { BOTH, 65535, 65535 } } },
	{ "00443", 1, { { BOTH, 443, 443 } } },
	/* Leading zeros are decimal too (0443 is not octal 291), however many. */
	{ "0443", 1, { { BOTH, 443, 443 } } },
	{ "000000000443/udp", 1, { { UDP, 443, 443 } } },
	{ "0000000000065535", 1, { { BOTH, 65535, 65535 } } },
	{ "000-00000000010", 1, { { BOTH, 0, 10 } } },
	{ "8000-8100", 1, { { BOTH, 8000, 8100 } } },
	{ "8000-8100/udp", 1, { { UDP, 8000, 8100 } } },
	{ "0-65535", 1, { { BOTH, 0, 65535 } } },
	{ "1-65535/udp", 1, { { UDP, 1, 65535 } } },
	{ "22-22", 1, { { BOTH, 22, 22 } } },
	{ "https", 1, { { BOTH, 443, 443 } } },
	{ "https/udp", 1, { { UDP, 443, 443 } } },
	{ "ssh", 1, { { TCP, 22, 22 } } },
	{ "ssh/tcp", 1, { { TCP, 22, 22 } } },
	{ "domain", 1, { { BOTH, 53, 53 } } },
	{ "www", 1, { { TCP, 80, 80 } } },	/* an alias in /etc/services */
	/* Service names are case-insensitive, like the protocol. */
	{ "HTTPS", 1, { { BOTH, 443, 443 } } },
	{ "Ssh/TCP", 1, { { TCP, 22, 22 } } },
};

struct bad {
	const char *text;
	const char *why;	/* a word the reason must contain */
};

static const struct bad bads[] = {
	{ "", "empty" },
	{ "-1", "negative" },
	{ "-5/tcp", "negative" },
	{ "65536", "65535" },
	{ "99999", "65535" },
	{ "100000", "65535" },
	{ "70-60", "backwards" },
	{ "65535-0", "backwards" },
	{ "1-65536", "FIRST-LAST" },
	{ "1-", "FIRST-LAST" },
	{ "-", "FIRST-LAST" },
	{ "1-2-3", "FIRST-LAST" },
	{ "abc", "unknown service" },
	{ "nosuchservice/tcp", "unknown service" },
	{ "ssh/udp", "unknown service" },	/* ssh is only listed for tcp */
	{ "443/icmp", "tcp or udp" },
	{ "443/", "tcp or udp" },
	{ "443/tcp/udp", "tcp or udp" },
	{ "/tcp", "missing port" },
	{ "12a", "not a port" },
	{ "0x1bb", "not a port" },
	{ "+443", "no sign" },
	/* ufw's and iptables' habits get this syntax in the reason. */
	{ "443,80", "separated by spaces (did you mean 443 80?)" },
	{ "443,80/tcp", "(did you mean 443/tcp 80/tcp?)" },
	{ "22,80,443", "(did you mean 22 80 443?)" },
	{ "8000:8100", "a range is FIRST-LAST (did you mean 8000-8100?)" },
	{ "8000:8100/udp", "(did you mean 8000-8100/udp?)" },
	{ " 443", "no spaces" },
	{ "443 ", "no spaces" },
	{ "4\t43", "no spaces" },
	{ "000000000065536", "65535" },
	{ "\xef\xbc\x94\xef\xbc\x94\xef\xbc\x93", "non-ASCII" },	/* fullwidth 443 */
	{ "\xe2\x80\xae" "443", "non-ASCII" },			/* right-to-left override */
	{ "44\n3", "control character" },
	{ "443\x7f", "control character" },
	{ "1e3", "not a port" },
	{ "4-4-", "FIRST-LAST" },
	{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	  "too long" },
};

static bool same_ranges(const struct portspec *got, const struct good *want)
{
	if (got->n != want->n)
		return false;
	for (int i = 0; i < got->n; i++)
		if (got->range[i].protos != want->range[i].protos ||
		    got->range[i].first != want->range[i].first ||
		    got->range[i].last != want->range[i].last)
			return false;
	return true;
}

static void test_good(const struct good *g)
{
	struct portspec spec = {};
	char why[128] = "";
	int err = portspec_parse(g->text, &spec, why, sizeof(why));

	if (!report(check_eq(err, 0) && check_true(same_ranges(&spec, g)), "parses '%s'", g->text))
		printf("    got err %d (%s), %d ranges, first %u/%#x %u-%u\n", err, why, spec.n,
		       spec.range[0].protos, spec.range[0].protos, spec.range[0].first,
		       spec.range[0].last);
}

static void test_bad(const struct bad *b)
{
	struct portspec spec = {};
	char why[128] = "";
	int err = portspec_parse(b->text, &spec, why, sizeof(why));

	if (!report(check_eq(err, -1) && check_has(why, b->why), "refuses '%s' (%s)", b->text,
		    b->why))
		printf("    got err %d, why '%s'\n", err, why);
}

static void test_protocols(void)
{
	report(check_eq(proto_parse("tcp"), XDPPORT_TCP) &&
		       check_eq(proto_parse("UDP"), XDPPORT_UDP) &&
		       check_eq(proto_parse("icmp"), -1) && check_eq(proto_parse(""), -1),
	       "proto_parse knows tcp and udp only");
	report(check_str(proto_name(XDPPORT_TCP), "tcp") &&
		       check_str(proto_name(XDPPORT_UDP), "udp"),
	       "proto_name");
}

int main(void)
{
	for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++)
		test_good(&goods[i]);
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++)
		test_bad(&bads[i]);
	test_protocols();
	return report_summary();
}
