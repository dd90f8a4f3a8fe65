/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The lockout guard: no change may start dropping a TCP port SSH needs, unless the
 * user says --force. Those ports are, from what is really there (user/ssh_session.c)
 * and then the environment:
 *   - the server port of the SSH session this command runs in, read from the socket
 *     of the sshd among its ancestors (it survives sudo, su -, Ansible's become);
 *   - the server port in SSH_CONNECTION (a malformed value is a warning);
 *   - every port an sshd process listens on;
 *   - when no sshd runs (at boot), the ports its configuration names
 *     (XDPPORT_SSHD_CONFIG, default /etc/ssh/sshd_config);
 *   - tcp/22 when none of these finds one.
 * They are found once per process, the first time they are needed.
 */
#ifndef XDPPORT_GUARD_H
#define XDPPORT_GUARD_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "xdpport.h"

struct rules;

enum guard_source {
	GUARD_SESSION,		/* the socket of this session's sshd */
	GUARD_ENVIRONMENT,	/* SSH_CONNECTION */
	GUARD_LISTENER,		/* an sshd listens on it */
	GUARD_CONFIG,		/* no sshd runs; its configuration names it */
	GUARD_DEFAULT,		/* nothing found: tcp/22 */
};

struct guarded_port {
	__u16 port;
	enum guard_source source;
	int pid;		/* the sshd (GUARD_SESSION, GUARD_LISTENER), else 0 */
	char client[48];	/* GUARD_SESSION: the client's address */
};

#define GUARD_PORTS_MAX 16

/* The guarded TCP ports, most specific first (the session's); returns how many (>= 1). */
int guard_ports(const struct guarded_port **out);

/* Why `g` is guarded, as it reads after "tcp/2222, ": "the port of the SSH session
 * this runs in (sshd pid 1234)", "where sshd listens (pid 99)". */
void guard_reason(const struct guarded_port *g, char *buf, size_t len);

/* The first guarded port (the session's when there is one). */
__u16 guard_port(void);

/* True when `port` is guarded over TCP. */
bool guard_covers(__u16 port);

/* Looks again (the environment may have changed): for tests. */
void guard_rescan(void);

/* Returns 0 if going from the rules `before` to `after` is safe (or forced):
 * no guarded port starts dropping; otherwise prints why not and returns EXIT_FAIL. */
int guard_check_rules(const struct rules *before, const struct rules *after, bool force,
		      const char *what);

/* The same for two compiled rulesets (what attach and the source switch hold): read
 * back into rules first (rules_decompile). */
int guard_check(const struct xdpport_ruleset *before, const struct xdpport_ruleset *after,
		bool force, const char *what);

/* The same for a change of the one entry (proto, port), from verdict `before` to
 * `after`: for changes that never build a whole ruleset. */
int guard_check_port(int proto, __u16 port, int before, int after, bool force,
		     const char *what);

#endif
