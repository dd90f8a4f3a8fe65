/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Two fresh network namespaces joined by a veth pair, for tests that send real frames
 * (with tests/lib/livegen) from one end and filter them at the other.
 *
 * The sending end has MAC 02:00:00:00:00:01 and the receiving end 02:00:00:00:00:02,
 * the addresses tests/lib/packet puts in its frames. Neither end has an IP address
 * and IPv6 is disabled on both, so the kernel itself sends nothing over the pair:
 * every frame that arrives is one the test sent.
 *
 * Must run inside a private mount and network namespace (tests/run.sh, or
 * sandbox_enter()): it creates namespaces under /run/netns and never touches the
 * namespace it started in.
 */
#ifndef TEST_VETHPAIR_H
#define TEST_VETHPAIR_H

#include <net/if.h>
#include <stdbool.h>

struct veth_pair {
	char tx_ns[32], rx_ns[32];		/* names under /run/netns */
	char tx_dev[IF_NAMESIZE], rx_dev[IF_NAMESIZE];
	int tx_ifindex, rx_ifindex;		/* each in its own namespace */
	int tx_ns_fd, rx_ns_fd;
	int queues;
	bool live;				/* created and not yet destroyed */
};

/* Creates the namespaces and the pair, with `queues` rx/tx queues on each end, both
 * up. Names come from `tag` (at most 6 characters) and the process id. Returns 0 or
 * -1 with a message on stderr; on failure, nothing is left behind. */
int veth_pair_create(struct veth_pair *vp, const char *tag, int queues);

/* Moves the calling thread into the sending or the receiving namespace. */
int veth_pair_enter_tx(const struct veth_pair *vp);
int veth_pair_enter_rx(const struct veth_pair *vp);

/* Deletes the namespaces (and with them the pair and any XDP program on it).
 * Safe to call twice, and on a zeroed pair that was never created. */
void veth_pair_destroy(struct veth_pair *vp);

/* Unless already in a sandbox (XDPPORT_TEST_SANDBOX, set by tests/run.sh), moves the
 * process into a new mount and network namespace with a private bpffs and
 * /run/netns, like tests/run.sh does. Returns 0 or -1 with a message. */
int sandbox_enter(void);

#endif
