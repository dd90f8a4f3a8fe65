/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Map layout and constants shared by the XDP program (bpf/) and the CLI (user/).
 * This is the only definition: both sides include it. It includes nothing itself;
 * include <linux/types.h> (or vmlinux.h) first.
 *
 * No struct here has a padding hole, inside or at its end: the kernel compares map keys
 * byte for byte and tests compare map contents, so every byte must be a field. Gaps are
 * named `reserved` and written as zero. The build compiles this header with -Wpadded
 * -Werror (Makefile, layout-check) and the sizes below are asserted, so a field added
 * in the wrong place fails to build instead of failing on another machine.
 */
#ifndef XDPPORT_H
#define XDPPORT_H

#define XDPPORT_PIN_DIR		"/sys/fs/bpf/xdpport"

/* Bumped whenever the meaning of a map changes without its size changing, so that
 * pins left by an older build are refused instead of misread. */
#define XDPPORT_LAYOUT		2	/* 2: the rules carry changed_ns */

#define XDPPORT_PORTS		65536
#define XDPPORT_IFACE_SLOTS	64	/* interfaces with their own counters */

enum xdpport_proto {
	XDPPORT_TCP,
	XDPPORT_UDP,
	XDPPORT_NPROTO,
};

/*
 * Why a frame got its verdict. Bit 0 is the verdict itself (set: drop), so the data
 * path turns a reason into XDP_PASS/XDP_DROP with one mask and never branches on it.
 * The first four values double as ruleset entries (enum xdpport_entry).
 */
enum xdpport_reason {
	XDPPORT_PASS_POLICY	= 0,	/* no rule for the port: protocol policy */
	XDPPORT_DROP_POLICY	= 1,
	XDPPORT_PASS_RULE	= 2,	/* the port's own rule */
	XDPPORT_DROP_RULE	= 3,
	XDPPORT_PASS_FRAGMENT	= 4,	/* non-first fragment: the fragments setting */
	XDPPORT_DROP_FRAGMENT	= 5,
	XDPPORT_PASS_UNFILTERED	= 6,	/* not TCP/UDP over IP: ARP, ICMP, ... */
	XDPPORT_DROP_MALFORMED	= 7,	/* truncated inside a header it claims to carry */
	XDPPORT_NREASONS,
};
#define XDPPORT_REASON_DROP	1

/*
 * One byte per (protocol, port): the answer for that port, precomputed by the CLI so
 * the data path does one load and no branch. Bit 1 set: the port has a rule; bit 0
 * set: drop. Zero-filled memory therefore passes everything by policy.
 */
enum xdpport_entry {
	XDPPORT_ENTRY_POLICY_PASS = XDPPORT_PASS_POLICY,
	XDPPORT_ENTRY_POLICY_DROP = XDPPORT_DROP_POLICY,
	XDPPORT_ENTRY_RULE_PASS	  = XDPPORT_PASS_RULE,
	XDPPORT_ENTRY_RULE_DROP	  = XDPPORT_DROP_RULE,
};
#define XDPPORT_ENTRY_DROP	1
#define XDPPORT_ENTRY_RULE	2

/* A complete ruleset. policy and fragments hold 0 (pass) or 1 (drop). */
struct xdpport_ruleset {
	__u8 entry[XDPPORT_NPROTO][XDPPORT_PORTS];	/* enum xdpport_entry */
	__u8 policy[XDPPORT_NPROTO];			/* entry value for ports without a rule */
	__u8 fragments;					/* non-first fragments: 0 pass, 1 drop */
	__u8 reserved[5];
};

/*
 * Map "xdpport_rules": an mmapable array with one element of this type. Two slots so
 * a whole ruleset is replaced atomically: the CLI writes the inactive slot, then
 * stores the other slot number in `active`, which the data path reads first.
 */
struct xdpport_rules {
	__u32 active;		/* slot the data path reads: 0 or 1 */
	__u32 layout;		/* XDPPORT_LAYOUT once initialised by the CLI, 0 when new */
	__u64 changed_ns;	/* when a command last changed the running ruleset: ns since
				 * the Unix epoch (CLOCK_REALTIME); 0: never. The data path
				 * does not read it; metrics do. */
	struct xdpport_ruleset slot[2];
};

/* Map "xdpport_totals": per-CPU array indexed by interface slot. */
struct xdpport_count {
	__u64 packets;
	__u64 bytes;
};

struct xdpport_totals {
	struct xdpport_count reason[XDPPORT_NREASONS];
};

/* Map "xdpport_ports": per-CPU array indexed by proto * XDPPORT_PORTS + port.
 * 8 bytes x 131072 keys = 1 MiB per CPU; 32-bit counts wrap per CPU (see README). */
struct xdpport_port_count {
	__u32 passed;
	__u32 dropped;
};

/* Map "xdpport_ifaces": array indexed by interface slot, written by `attach`. */
struct xdpport_iface {
	__u32 ifindex;		/* 0: slot free */
	__u32 mode;		/* XDP_FLAGS_DRV_MODE or XDP_FLAGS_SKB_MODE */
	__u64 netns;		/* inode of the interface's network namespace */
};

_Static_assert(sizeof(struct xdpport_ruleset) == XDPPORT_NPROTO * XDPPORT_PORTS + 8,
	       "struct xdpport_ruleset has a hole");
_Static_assert(sizeof(struct xdpport_rules) == 16 + 2 * sizeof(struct xdpport_ruleset),
	       "struct xdpport_rules has a hole");
_Static_assert(__builtin_offsetof(struct xdpport_rules, slot) == 16,
	       "the ruleset slots of struct xdpport_rules moved");
_Static_assert(sizeof(struct xdpport_count) == 16, "struct xdpport_count has a hole");
_Static_assert(sizeof(struct xdpport_totals) == 16 * XDPPORT_NREASONS,
	       "struct xdpport_totals has a hole");
_Static_assert(sizeof(struct xdpport_port_count) == 8, "struct xdpport_port_count has a hole");
_Static_assert(sizeof(struct xdpport_iface) == 16, "struct xdpport_iface has a hole");

#endif /* XDPPORT_H */
