/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where SSH really is, read from /proc rather than trusted from the environment
 * (sudo, su - and Ansible's become remove SSH_CONNECTION): the sshd serving the
 * session this process runs in, and the ports every sshd listens on. Sockets are
 * matched by inode in /proc/PID/net/tcp{,6}: the tables of that process's network
 * namespace, which may not be ours. Needs root (another user's /proc/PID/fd).
 */
#ifndef XDPPORT_SSH_SESSION_H
#define XDPPORT_SSH_SESSION_H

#include <linux/types.h>
#include <stdbool.h>

struct ssh_session {
	int sshd_pid;		/* the ancestor sshd holding the connection */
	__u16 local_port;	/* the server's port of that connection */
	char client[48];	/* the client's address, printable */
};

/* Walks this process's ancestors to the sshd serving it; false when there is none. */
bool ssh_session_find(struct ssh_session *s);

struct sshd_listener {
	int pid;
	__u16 port;
};

/* Fills up to `max` TCP ports sshd processes listen on (one entry per port, the
 * lowest pid); returns how many. */
int sshd_listeners(struct sshd_listener *out, int max);

/* The ports an sshd configuration names (Port, and ListenAddress with a port: a
 * superset of what sshd listens on), following Include (globs, relative to /etc/ssh);
 * fills up to `max` and returns how many: 0 when it names none (sshd then uses 22)
 * or cannot be read. For when no sshd runs yet, at boot. */
int sshd_config_ports(const char *path, __u16 *out, int max);

#endif
