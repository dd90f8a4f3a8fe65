/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The filter's attachments: one pinned bpf_link per interface, named
 * link-<netns inode>-<ifindex> in XDPPORT_PIN_DIR (an ifindex is only unique within
 * its network namespace; pins are shared by all of them).
 */
#ifndef XDPPORT_LINKS_H
#define XDPPORT_LINKS_H

#include <linux/bpf.h>
#include <linux/types.h>
#include <stddef.h>

#define LINK_PATH_MAX 320

struct link_pin {
	char path[LINK_PATH_MAX];
	__u64 netns;		/* inode of the network namespace of the interface */
	int ifindex;
};

/* The current process's network namespace inode, or 0. */
__u64 links_netns(void);

/* Writes the pin path for `ifindex` in the current network namespace. */
void links_path(char *buf, size_t len, int ifindex);

/* Fills up to `max` pins; returns how many there are (may exceed max), or 0 when the
 * pin directory does not exist. */
int links_list(struct link_pin *out, int max);

/* How many links are pinned, live or not. */
int links_count(void);

/*
 * Opens the link pinned at `path` and fills `info`. Returns the fd when the link still
 * holds an interface, else -1: nothing pinned there, or the interface was deleted and
 * the kernel let go of the link (a defunct link: its pin is stale).
 */
int links_open_live(const char *path, struct bpf_link_info *info);

/* How many pinned links still hold an interface. */
int links_live_count(void);

/* Removes the pins of defunct links (their interfaces are gone); returns how many. */
int links_prune(void);

#endif
