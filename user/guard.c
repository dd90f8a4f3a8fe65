// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "guard.h"
#include "rules.h"
#include "ssh_session.h"

#define SSH_PORT 22
#define SSHD_CONFIG "/etc/ssh/sshd_config"

static struct guarded_port ports[GUARD_PORTS_MAX];
static int nports;	/* 0: not looked yet */

static bool valid_address(const char *text)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, text, buf) == 1 || inet_pton(AF_INET6, text, buf) == 1;
}

/* SSH_CONNECTION is "client_ip client_port server_ip server_port". */
static bool environment_port(__u16 *port)
{
	const char *env = getenv("SSH_CONNECTION");
	char client[64], server[64], tail;
	unsigned long cport, sport;

	if (!env || !env[0])
		return false;
	if (sscanf(env, "%63s %lu %63s %lu %c", client, &cport, server, &sport, &tail) == 4 &&
	    valid_address(client) && valid_address(server) && cport && cport <= 65535 &&
	    sport && sport <= 65535) {
		*port = sport;
		return true;
	}
	warn("SSH_CONNECTION '%s' is not 'CLIENT PORT SERVER PORT': ignored, the guard uses "
	     "what it finds in /proc",
	     env);
	return false;
}

static void add(__u16 port, enum guard_source source, int pid, const char *client)
{
	for (int i = 0; i < nports; i++)
		if (ports[i].port == port)
			return;
	if (nports == GUARD_PORTS_MAX)
		return;
	ports[nports] = (struct guarded_port){ port, source, pid, "" };
	if (client)
		snprintf(ports[nports].client, sizeof(ports[nports].client), "%s", client);
	nports++;
}

static const char *sshd_config(void)
{
	const char *path = getenv("XDPPORT_SSHD_CONFIG");

	return path && path[0] ? path : SSHD_CONFIG;
}

static void discover(void)
{
	struct sshd_listener listeners[GUARD_PORTS_MAX];
	__u16 configured[GUARD_PORTS_MAX], port;
	struct ssh_session session;
	int n;

	nports = 0;
	if (ssh_session_find(&session))
		add(session.local_port, GUARD_SESSION, session.sshd_pid, session.client);
	if (environment_port(&port))
		add(port, GUARD_ENVIRONMENT, 0, NULL);
	n = sshd_listeners(listeners, GUARD_PORTS_MAX);
	for (int i = 0; i < n; i++)
		add(listeners[i].port, GUARD_LISTENER, listeners[i].pid, NULL);
	/* No sshd yet (boot): where it is going to listen. */
	n = n ? 0 : sshd_config_ports(sshd_config(), configured, GUARD_PORTS_MAX);
	for (int i = 0; i < n; i++)
		add(configured[i], GUARD_CONFIG, 0, NULL);
	if (!nports)
		add(SSH_PORT, GUARD_DEFAULT, 0, NULL);
}

int guard_ports(const struct guarded_port **out)
{
	if (!nports)
		discover();
	*out = ports;
	return nports;
}

void guard_rescan(void)
{
	nports = 0;
}

void guard_reason(const struct guarded_port *g, char *buf, size_t len)
{
	switch (g->source) {
	case GUARD_SESSION:
		snprintf(buf, len, "the port of the SSH session this runs in (sshd pid %d)", g->pid);
		break;
	case GUARD_ENVIRONMENT:
		snprintf(buf, len, "the port of the SSH session this runs in (SSH_CONNECTION)");
		break;
	case GUARD_LISTENER:
		snprintf(buf, len, "where sshd listens (pid %d)", g->pid);
		break;
	case GUARD_CONFIG:
		snprintf(buf, len, "the port %s gives sshd (not running yet)", sshd_config());
		break;
	default:
		snprintf(buf, len, "the SSH port (no sshd found)");
		break;
	}
}

__u16 guard_port(void)
{
	const struct guarded_port *g;

	guard_ports(&g);
	return g[0].port;
}

bool guard_covers(__u16 port)
{
	const struct guarded_port *g;
	int n = guard_ports(&g);

	for (int i = 0; i < n; i++)
		if (g[i].port == port)
			return true;
	return false;
}

/* Only a change that starts dropping a port concerns the guard: if it already
 * drops, the user chose so. */
static bool starts_dropping(int before, int after)
{
	return after == VERDICT_DROP && before == VERDICT_PASS;
}

static int refuse(const struct guarded_port *g, const char *what)
{
	char why[128];

	if (g->source == GUARD_DEFAULT)
		return fail(EXIT_FAIL, what,
			    "refusing to drop tcp/%u (SSH) so you cannot lock yourself out; "
			    "add --force if you mean it",
			    g->port);
	guard_reason(g, why, sizeof(why));
	return fail(EXIT_FAIL, what, "refusing to drop tcp/%u, %s; add --force if you mean it",
		    g->port, why);
}

int guard_check_rules(const struct rules *before, const struct rules *after, bool force,
		      const char *what)
{
	const struct guarded_port *g;
	int n;

	/* Only when some TCP port starts dropping is it worth looking for sshd. */
	if (force || !rules_starts_dropping(before, after, XDPPORT_TCP))
		return 0;
	n = guard_ports(&g);
	for (int i = 0; i < n; i++)
		if (starts_dropping(rules_verdict(before, XDPPORT_TCP, g[i].port),
				    rules_verdict(after, XDPPORT_TCP, g[i].port)))
			return refuse(&g[i], what);
	return 0;
}

int guard_check(const struct xdpport_ruleset *before, const struct xdpport_ruleset *after,
		bool force, const char *what)
{
	struct rules a, b;
	int err;

	if (force)
		return 0;
	if (rules_decompile(before, NULL, &a))
		return fail(EXIT_FAIL, what, "out of memory");
	if (rules_decompile(after, NULL, &b)) {
		rules_free(&a);
		return fail(EXIT_FAIL, what, "out of memory");
	}
	err = guard_check_rules(&a, &b, force, what);
	rules_free(&a);
	rules_free(&b);
	return err;
}

int guard_check_port(int proto, __u16 port, int before, int after, bool force,
		     const char *what)
{
	const struct guarded_port *g;
	int n;

	if (force || proto != XDPPORT_TCP || !starts_dropping(before, after))
		return 0;
	n = guard_ports(&g);
	for (int i = 0; i < n; i++)
		if (g[i].port == port)
			return refuse(&g[i], what);
	return 0;
}
