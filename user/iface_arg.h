/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* IFACE on attach's and detach's command line, and the privileges both need. Each
 * prints its error line (`what` names the command). */
#ifndef XDPPORT_IFACE_ARG_H
#define XDPPORT_IFACE_ARG_H

/* Attaching and detaching need CAP_NET_ADMIN on top of what every command needs:
 * 0, or EXIT_FAIL. */
int iface_arg_privileges(const char *what);

/* The kernel's rule for a device name (dev_valid_name()): one that breaks it names no
 * interface anywhere, a usage error. Returns EXIT_USAGE, or 0. */
int iface_arg_valid(const char *name, const char *what);

/* "no interface named NAME in this network namespace": returns EXIT_FAIL. */
int iface_arg_unknown(const char *name, const char *what);

/* Resolves IFACE (a valid name) in the current network namespace; 0 when there is
 * none. */
int iface_arg_index(const char *name, const char *what);

#endif
