/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The egress program (the flow recorder) on an interface, installed and removed with
 * the XDP program. On kernels with TCX (6.6+) it is a bpf_link pinned as
 * tclink-<netns inode>-<ifindex> next to the XDP link; elsewhere a tc clsact egress
 * filter (netlink) whose program is pinned as tcprog-<netns inode>-<ifindex>.
 * Either way other TC programs keep running: ours is appended and returns "next".
 *
 * XDPPORT_TC_NETLINK=1 in the environment makes attach use the netlink path even
 * where TCX exists: for tests of the fallback.
 */
#ifndef XDPPORT_EGRESS_H
#define XDPPORT_EGRESS_H

#include <linux/types.h>
#include <stdbool.h>

#include "lib_error.h"

enum egress_kind {
	EGRESS_NONE,
	EGRESS_TCX,		/* a pinned TCX link */
	EGRESS_NETLINK,		/* a tc filter, its program pinned */
};

/* Puts `prog_fd` on the egress of `ifindex` (current network namespace) and pins it.
 * Returns 0, or EXIT_FAIL with the error in e and nothing left behind. A stale pin
 * it could not remove first is an error in e too, whatever it returns. */
int egress_attach(int prog_fd, int ifindex, const char *iface, struct lib_error *e);

/* Takes the egress program off (netns, ifindex), whatever installed it, and removes
 * its pin. Returns 0, or EXIT_FAIL with the error in e. */
int egress_detach(__u64 netns, int ifindex, struct lib_error *e);

/* How the egress program is installed on `ifindex` of the current namespace, and
 * its program id (0 when none). */
enum egress_kind egress_query(int ifindex, __u32 *prog_id);

/* "tcx", "tc" or "none". */
const char *egress_kind_name(enum egress_kind kind);

/* Removes the egress pins whose interface is gone; returns how many. */
int egress_prune(void);

#endif
