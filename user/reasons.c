// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>

#include "reasons.h"

const struct reason reasons[] = {
	{ XDPPORT_PASS_SOURCE, "pass-source", false,
	  "the source address: 'allow from', or the port's 'allow PORT from'" },
	{ XDPPORT_PASS_RULE, "pass-rule", false, "the port has an allow rule" },
	{ XDPPORT_PASS_POLICY, "pass-policy", false,
	  "no rule for the port; the protocol's policy is pass" },
	{ XDPPORT_PASS_FRAGMENT, "pass-fragment", false,
	  "non-first IP fragment (no port), fragments pass" },
	{ XDPPORT_PASS_REPLY, "pass-reply", false,
	  "would drop, but answers a flow this host sent out (replies on)" },
	{ XDPPORT_PASS_UNFILTERED, "pass-unfiltered", false,
	  "not TCP/UDP over IP: ARP, ICMP, neighbour discovery, ..." },
	{ XDPPORT_DROP_SOURCE, "drop-source", true,
	  "the source address: 'deny from', or the port's 'deny PORT from'" },
	{ XDPPORT_DROP_RULE, "drop-rule", true, "the port has a deny rule" },
	{ XDPPORT_DROP_POLICY, "drop-policy", true,
	  "no rule for the port; the protocol's policy is drop" },
	{ XDPPORT_DROP_FRAGMENT, "drop-fragment", true,
	  "non-first IP fragment, fragments drop" },
	{ XDPPORT_DROP_MALFORMED, "drop-malformed", true,
	  "ends inside a header it claims to carry (truncated)" },
	{ XDPPORT_DROP_LIMIT, "drop-limit", true, "over the port's flood limit (xdpport limit)" },
};

const int nreasons = sizeof(reasons) / sizeof(reasons[0]);

_Static_assert(sizeof(reasons) / sizeof(reasons[0]) == XDPPORT_NREASONS,
	       "every enum xdpport_reason has a row");

const struct reason *reason_of(int id)
{
	for (int i = 0; i < nreasons; i++)
		if (reasons[i].id == id)
			return &reasons[i];
	return NULL;
}

const char *reason_name(int id)
{
	const struct reason *r = reason_of(id);

	return r ? r->name : "unknown";
}

int reason_parse(const char *name)
{
	for (int i = 0; i < nreasons; i++)
		if (!strcmp(reasons[i].name, name))
			return reasons[i].id;
	return -1;
}

void reasons_print(FILE *out)
{
	fprintf(out, "\nReasons (what every count is split by):\n");
	for (int i = 0; i < nreasons; i++)
		fprintf(out, "  %-16s %s  %s\n", reasons[i].name, reasons[i].drop ? "drop" : "pass",
			reasons[i].help);
}
