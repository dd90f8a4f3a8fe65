// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "guard.h"
#include "ruleset.h"

#define SSH_PORT 22

/* SSH_CONNECTION is "client_ip client_port server_ip server_port". */
static bool ssh_session_port(__u16 *port)
{
	const char *env = getenv("SSH_CONNECTION");
	unsigned long p;
	char tail;

	if (!env || sscanf(env, "%*s %*s %*s %lu%c", &p, &tail) != 1 || p == 0 || p > 65535)
		return false;
	*port = p;
	return true;
}

__u16 guard_port(void)
{
	__u16 port = SSH_PORT;

	ssh_session_port(&port);
	return port;
}

bool guard_from_session(void)
{
	__u16 port;

	return ssh_session_port(&port);
}

/* Refuses a change of the guarded port's verdict from pass to drop. */
static int check(int before, int after, bool force, const char *what)
{
	__u16 port;
	bool in_session = ssh_session_port(&port);

	if (!in_session)
		port = SSH_PORT;
	/* Only a change that starts dropping it: if it already drops, the user chose so. */
	if (force || after == VERDICT_PASS || before == VERDICT_DROP)
		return 0;
	if (in_session)
		return fail(EXIT_FAIL, what,
			    "refusing to drop tcp/%u, the port of the SSH session this runs in "
			    "(SSH_CONNECTION); add --force if you mean it",
			    port);
	return fail(EXIT_FAIL, what,
		    "refusing to drop tcp/%u (SSH) so you cannot lock yourself out; "
		    "add --force if you mean it",
		    port);
}

int guard_check(const struct xdpport_ruleset *before, const struct xdpport_ruleset *after,
		bool force, const char *what)
{
	__u16 port = guard_port();

	return check(ruleset_verdict(before, XDPPORT_TCP, port),
		     ruleset_verdict(after, XDPPORT_TCP, port), force, what);
}

int guard_check_port(int proto, __u16 port, int before, int after, bool force,
		     const char *what)
{
	if (proto != XDPPORT_TCP || port != guard_port())
		return 0;
	return check(before, after, force, what);
}
