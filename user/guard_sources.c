// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "guard_sources.h"

/* SSH_CONNECTION is "client_ip client_port server_ip server_port". */
static bool ssh_client(int *family, uint8_t addr[16], char *text, size_t len, unsigned *port)
{
	const char *env = getenv("SSH_CONNECTION");
	char ip[64];

	memset(addr, 0, 16);
	if (!env || sscanf(env, "%63s %*s %*s %u", ip, port) != 2 || *port == 0 || *port > 65535)
		return false;
	snprintf(text, len, "%s", ip);
	if (inet_pton(AF_INET, ip, addr) == 1)
		*family = 4;
	else if (inet_pton(AF_INET6, ip, addr) == 1)
		*family = 6;
	else
		return false;
	return true;
}

static bool drops(const struct sources *s, const struct xdpport_ruleset *rs, int family,
		  const uint8_t *addr, unsigned port)
{
	__u8 origin;
	int reason = sources_decide(s, family, addr, true, XDPPORT_TCP, port, &origin);

	if (reason >= 0)
		return reason & XDPPORT_REASON_DROP;
	return rs->entry[XDPPORT_TCP][port] & XDPPORT_ENTRY_DROP;
}

int guard_check_sources(const struct sources *before, const struct xdpport_ruleset *rs_before,
			const struct sources *after, const struct xdpport_ruleset *rs_after,
			bool force, const char *what)
{
	uint8_t addr[16];
	char text[64];
	unsigned port;
	int family;

	if (force || !ssh_client(&family, addr, text, sizeof(text), &port))
		return 0;
	if (!drops(after, rs_after, family, addr, port) || drops(before, rs_before, family, addr, port))
		return 0;
	return fail(EXIT_FAIL, what,
		    "refusing to drop %s on tcp/%u, the client of the SSH session this runs in "
		    "(SSH_CONNECTION); add --force if you mean it",
		    text, port);
}
