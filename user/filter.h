/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The running filter as the CLI sees it: the maps pinned under XDPPORT_PIN_DIR, the
 * rules map mmapped, and the lock that serialises every command that changes them.
 * Three files: user/filter.c opens and reads it, user/pins.c creates and removes the
 * pins, user/publish.c changes the running ruleset.
 */
#ifndef XDPPORT_FILTER_H
#define XDPPORT_FILTER_H

#include <linux/types.h>
#include <stdbool.h>

#include "lib_error.h"
#include "maps.h"
#include "xdpport.h"

struct xdpport;		/* the skeleton (build/xdpport.skel.h) */

enum filter_flags {
	FILTER_CREATE = 1 << 0,	/* create and pin the maps if there are none yet */
	FILTER_LOCK = 1 << 1,	/* hold the lock until filter_close() */
	FILTER_DIR_ONLY = 1 << 2, /* just the pin directory: works whatever the maps are */
};

struct filter {
	int dir_fd;		/* the pin directory; flock()ed with FILTER_LOCK */
	int fd[NMAPS];		/* every pinned map, by its number (user/maps.h); -1: closed */
	struct xdpport_rules *rules;
	struct xdpport_limits *limits;	/* xdpport_limits mmapped: one per slot */
	bool created;		/* this filter_open() created the maps */
	bool inactive_idle;	/* no frame runs with the inactive slot (user/publish.c) */
};

#define NOT_SET_UP	(-1)	/* nothing pinned yet: no rules have ever been set */

/* --- user/filter.c: opening, checking and reading --- */

/*
 * Opens the pinned maps (mounting bpffs if needed, with a warning in e). Returns 0, or
 * an exit status with the error in e. Without FILTER_CREATE and with nothing pinned
 * it returns NOT_SET_UP, no error: the caller decides what that means for it.
 * Without CAP_BPF (or CAP_SYS_ADMIN) it fails before touching anything.
 */
int filter_open(struct filter *f, unsigned flags, struct lib_error *e);
void filter_close(struct filter *f);

/* A filter with nothing open, as filter_close() leaves it. */
void filter_init(struct filter *f);

/* The pinned map `name` (e.g. "xdpport_ifaces") if it has the shape this build
 * expects, else -1 (for a name the program pins no map under too). Lets commands
 * that must work on pins of any build (detach) use the maps they can read safely. */
int filter_map_fd(const char *name);

/* The entries of the pinned per-source table. */
__u32 filter_sources_size(const struct filter *f);

/* The limit configs of the active slot: meaningful for ports whose entry has
 * XDPPORT_ENTRY_LIMIT. Stable while the caller holds the lock. */
const struct xdpport_limits *filter_live_limits(const struct filter *f);

/* Copies the active ruleset. */
void filter_read(const struct filter *f, struct xdpport_ruleset *out);

/* The active ruleset itself, in the mapped rules: no copy. Stable while the caller
 * holds the lock; without it, a concurrent change may show through. */
const struct xdpport_ruleset *filter_live(const struct filter *f);

/* When the running ruleset last changed (the calls of user/publish.c stamp it, and
 * only when something changed): ns since the Unix epoch, 0 if never. */
__u64 filter_changed_ns(const struct filter *f);

/* --- user/pins.c: creating and removing the pins --- */

/* Mounts bpffs on /sys/fs/bpf if it is not (a warning in e says so). Returns 0, or
 * EXIT_FAIL with the error in e. */
int pins_mount_bpffs(struct lib_error *e);

/* Opens the skeleton with its maps pinned in (or reused from) XDPPORT_PIN_DIR and
 * loads it, counting into `iface_slot`. NULL on failure, the error in e. */
struct xdpport *filter_load_program(__u32 iface_slot, struct lib_error *e);

/* Entries of the per-source table (xdpport_sources) when this command creates the
 * maps; 0 for the default. A map's size is fixed at creation: pins that exist keep
 * theirs. */
void filter_set_sources_size(__u32 entries);

/* The pinned flow table's max_entries, or XDPPORT_FLOWS_DEFAULT when none is pinned. */
__u32 filter_flow_table_size(void);

/* Removes every pin when no interface is attached (pins of links whose interface is
 * gone included): returns 0 when done (or nothing was there), FILTER_IN_USE when
 * live links are pinned (no error), or EXIT_FAIL with the error in e. */
#define FILTER_IN_USE	(-2)
int filter_purge(struct lib_error *e);

/* The same for a filter the caller opened with FILTER_LOCK; closes it. */
int filter_purge_locked(struct filter *f, struct lib_error *e);

/* --- user/publish.c: changing the running ruleset (its top comment: the steps) --- */

/* Before anything writes the inactive slot of any map (the ruleset's, its limits',
 * its source tables'): returns once no frame can still be reading that slot. Waits
 * (an RCU grace period) only when `active` flipped since this filter last waited. */
void publish_begin(struct filter *f);

/* Gives one port number the entries `entry[proto]` in the active ruleset: one store
 * per protocol, each seen whole by the data path. */
void filter_commit_port(struct filter *f, __u16 port, const __u8 entry[XDPPORT_NPROTO]);

/*
 * Makes `next` the running ruleset, with the limit configs the running one has (a
 * change of rules or policies keeps every limit). A change to one port number (its
 * tcp and udp entries) is written in place: one store per entry, the cheapest update
 * there is. Anything larger (a range, several ports, a policy) switches the whole
 * ruleset at once, so no frame ever sees half of a command.
 */
void filter_commit(struct filter *f, const struct xdpport_ruleset *next);

/* Switches the whole ruleset at once: writes the inactive slot (the configs of its
 * limited ports from `limits`, or from the running slot when NULL), flips `active`.
 * Source tables `next` names must be in its source slot already (sources_stage). */
void filter_replace(struct filter *f, const struct xdpport_ruleset *next,
		    const struct xdpport_limits *limits);

#endif
