/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Network namespaces by inode. Link pins record the namespace of their interface by
 * inode; to name that interface from another namespace, `status` finds a handle on the
 * namespace (a name in /run/netns, or a process living in it) and steps inside.
 */
#ifndef XDPPORT_NETNS_H
#define XDPPORT_NETNS_H

#include <linux/types.h>
#include <stddef.h>

/* Opens the network namespace with inode `ino`; writes its /run/netns name (or "")
 * into `name`. Returns the fd, or -1 when no handle on it was found. */
int netns_open(__u64 ino, char *name, size_t len);

/* Moves this process into the namespace `ns_fd`. Returns an fd of the namespace it
 * left, for netns_leave(), or -1 (and stays where it was). */
int netns_enter(int ns_fd);
void netns_leave(int saved_fd);

#endif
