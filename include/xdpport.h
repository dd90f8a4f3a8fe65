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
#define XDPPORT_LAYOUT		3	/* 3: source rules and sets; 2: flow table, replies, limits, changed_ns */

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
	XDPPORT_PASS_REPLY	= 8,	/* would drop, but answers a flow the host sent out */
	XDPPORT_DROP_LIMIT	= 9,	/* over the port's flood limit */
	XDPPORT_PASS_SOURCE	= 10,	/* `allow ... from`: the longest matching prefix */
	XDPPORT_DROP_SOURCE	= 11,	/* `deny ... from` */
	XDPPORT_NREASONS,
};
#define XDPPORT_REASON_DROP	1

/*
 * One byte per (protocol, port): the answer for that port, precomputed by the CLI so
 * the data path does one load and no branch. Bit 1 set: the port has a rule; bit 0
 * set: drop. Zero-filled memory therefore passes everything by policy. Bit 2 set: the
 * port has a flood limit (its config in xdpport_limits); the data path only looks at
 * it when the port passes, so a denied port stays denied and keeps its limit for
 * when it is allowed again.
 */
enum xdpport_entry {
	XDPPORT_ENTRY_POLICY_PASS = XDPPORT_PASS_POLICY,
	XDPPORT_ENTRY_POLICY_DROP = XDPPORT_DROP_POLICY,
	XDPPORT_ENTRY_RULE_PASS	  = XDPPORT_PASS_RULE,
	XDPPORT_ENTRY_RULE_DROP	  = XDPPORT_DROP_RULE,
};
#define XDPPORT_ENTRY_DROP	1
#define XDPPORT_ENTRY_RULE	2
#define XDPPORT_ENTRY_LIMIT	4
#define XDPPORT_ENTRY_SOURCES	8	/* the port has source rules (trie, below) */
/* `allow/deny from` exist: set in every entry, so that the data path decides from the
 * byte it loads whether a frame needs more than that byte. */
#define XDPPORT_ENTRY_FROM	16
#define XDPPORT_ENTRY_STAGES	(XDPPORT_ENTRY_LIMIT | XDPPORT_ENTRY_SOURCES | XDPPORT_ENTRY_FROM)
#define XDPPORT_ENTRY_REASON	3	/* the bits that are the port's own reason */

/*
 * Flows the host sent out, by state: each has its own idle timeout (the ruleset's
 * `timeout`, in seconds). Modelled on nf_conntrack's defaults.
 */
enum xdpport_flow_state {
	XDPPORT_FLOW_TCP_SYN,		/* outbound SYN, not answered yet */
	XDPPORT_FLOW_TCP,		/* established */
	XDPPORT_FLOW_TCP_CLOSING,	/* FIN or RST seen, either way */
	XDPPORT_FLOW_UDP,		/* sent, never answered */
	XDPPORT_FLOW_UDP_ANSWERED,
	XDPPORT_FLOW_NSTATES,
};

#define XDPPORT_SRC16_WORDS	2048	/* 65536 /16s, 2 bits each */

/* A complete ruleset. policy and fragments hold 0 (pass) or 1 (drop). */
struct xdpport_ruleset {
	__u8 entry[XDPPORT_NPROTO][XDPPORT_PORTS];	/* enum xdpport_entry */
	__u8 policy[XDPPORT_NPROTO];			/* entry value for ports without a rule */
	__u8 fragments;					/* non-first fragments: 0 pass, 1 drop */
	__u8 replies;					/* 1: answers to the host's flows pass */
	__u32 timeout[XDPPORT_FLOW_NSTATES];		/* seconds idle, by flow state */
	/* Source rules: `allow/deny from` exist (XDPPORT_SOURCES_*), and which of the
	 * two source slots this ruleset uses. Changing sources fills the other source
	 * slot, then switches rulesets: one flip of `active` switches both. */
	__u8 sources;
	__u8 source_slot;
	__u8 src4_value[2];	/* what 2-bit codes 1 and 2 of the IPv4 tables stand for */
	__u8 reserved_sources[4];
	/* IPv4 `allow/deny from` by /16, 2 bits each (16 KiB, read with the ruleset):
	 * 0 no rule in the /16, 1 and 2 src4_value[0] and [1] for all of it, 3 it is
	 * mixed: see xdpport_src4_bits. Real lists leave few /16s mixed (libloc: 1%). */
	__u64 src16[XDPPORT_SRC16_WORDS];
};

/*
 * Map "xdpport_flows": an LRU hash of the flows the host sent out through an attached
 * interface, written by the TC egress program, read by XDP on the drop path only.
 * The key is the outbound packet's tuple seen from the host; an inbound frame is a
 * reply when its reversed tuple is a key. Addresses and ports in network order;
 * IPv4 addresses in local[0] / remote[0], the rest zero. DHCP flows (v4 68->67, v6
 * 546->547) are keyed with both addresses zero: their answers come from and go to
 * addresses the request did not name (broadcast, a not yet assigned address).
 */
struct xdpport_flow_key {
	__u32 local[4];
	__u32 remote[4];
	__u16 local_port;
	__u16 remote_port;
	__u8 proto;		/* enum xdpport_proto */
	__u8 family;		/* 4 or 6 */
	__u8 reserved[2];
};

struct xdpport_flow {
	__u64 seen_ns;		/* last refresh, bpf_ktime_get_coarse_ns (CLOCK_MONOTONIC) */
	__u8 state;		/* enum xdpport_flow_state */
	__u8 reserved[7];
};

#define XDPPORT_FLOWS_DEFAULT	262144	/* max_entries of a new flow table */

/*
 * Map "xdpport_flowports": an mmapable array with one element of this type. For each
 * (protocol, local port), until when a flow on it may live: the latest expiry of any
 * flow recorded with that local port, in bpf_ktime_get_coarse_ns nanoseconds; 0:
 * never had one. The XDP program reads it before the flow table: a frame to a port
 * with no live flow (most of any flood) costs one load, not a hash lookup. Only ever
 * raised (by the egress program, and by the CLI when a timeout grows), so it never
 * hides a live flow. 64 bits: the BPF target has 64-bit compare-and-swap everywhere.
 */
struct xdpport_flowports {
	__u64 expiry[XDPPORT_NPROTO][XDPPORT_PORTS];
};

/* Map "xdpport_flowstats": per-CPU array, one element, written by the egress program.
 * Nothing but the LRU removes a flow, so evictions are inserts minus entries. */
struct xdpport_flow_counts {
	__u64 inserts;
	__u64 insert_failures;
};
#define XDPPORT_SOURCES_V4	1	/* an IPv4 `allow/deny from`: the /24 table */
#define XDPPORT_SOURCES_V6	2	/* an IPv6 one: the trie, global scope */
#define XDPPORT_SOURCES_MODEL	4	/* the source slot holds rules or sets (the CLI's) */

/*
 * What a source table answers for an address: 0 no rule matched, else
 * (origin << 1) | drop. Origin 1 is a rule with a literal address; 2..126 are
 * named sets (their hit counter in "xdpport_set_hits"). XDPPORT_SOURCE_LONGER in
 * the /24 table: that /24 holds prefixes longer than /24, see "xdpport_src4_long".
 */
#define XDPPORT_SOURCE_NONE	0
#define XDPPORT_SOURCE_LITERAL	1
#define XDPPORT_SOURCE_SET_FIRST 2
#define XDPPORT_SOURCE_ORIGINS	127
#define XDPPORT_SOURCE_LONGER	0xff

/*
 * Maps "xdpport_src4_bits", "xdpport_src4", "xdpport_src4_long", "xdpport_src_trie":
 * arrays of two maps, one per source slot (a slot without rules of that kind has none).
 * - src4_bits: IPv4 `allow/deny from` by /24, 2 bits each (4 MiB: small enough to
 *   stay in cache under random sources): 0 no rule, 1 and 2 the ruleset's
 *   src4_value[0] and [1] (the commonest pass and drop answers), 3 look in src4.
 *   XDPPORT_SRC4_BITS_CHUNKS elements of 512 words; /24 `net`: element net >> 14,
 *   word (net >> 5) & 511, bits 2 * (net & 31).
 * - src4: the answer byte of every /24, when some are code 3: XDPPORT_SRC4_CHUNKS elements of
 *   XDPPORT_SRC4_CHUNK bytes, one byte per /24 (16 MiB); index addr >> 20, byte
 *   (addr >> 8) & 0xfff, addr in host order.
 * - src4_long: hash from the /24 (addr >> 8) to a byte per address, for the /24s
 *   marked XDPPORT_SOURCE_LONGER.
 * - src_trie: LPM trie for IPv6 `allow/deny from` and every port's source rules.
 */
#define XDPPORT_SRC4_CHUNK	4096
#define XDPPORT_SRC4_CHUNKS	4096

struct xdpport_src4_chunk {
	__u8 origin[XDPPORT_SRC4_CHUNK];
};

#define XDPPORT_SRC4_BITS_WORDS		512
#define XDPPORT_SRC4_BITS_CHUNKS	1024
#define XDPPORT_SRC4_BYTE		3	/* the 2-bit code: see the byte table */

struct xdpport_src4_bits {
	__u64 word[XDPPORT_SRC4_BITS_WORDS];
};

struct xdpport_src4_long {
	__u8 origin[256];
};

/* The trie's key: prefixlen counts scope's 32 bits plus the address prefix, so a
 * rule only ever matches in its own scope. Address in network order; IPv4 in
 * addr[0..3]. */
struct xdpport_src_key {
	__u32 prefixlen;
	__u32 scope;		/* xdpport_source_scope() */
	__u8 addr[16];
};

#define XDPPORT_SCOPE_V6	(1u << 24)
#define XDPPORT_SCOPE_PORT	(1u << 20)

/* Global (`allow from`): 0 or XDPPORT_SCOPE_V6; a port: with proto and port. */
static inline __u32 xdpport_source_scope(__u32 family, int has_port, __u32 proto, __u32 port)
{
	return (family == 6 ? XDPPORT_SCOPE_V6 : 0) |
	       (has_port ? XDPPORT_SCOPE_PORT | proto << 16 | port : 0);
}

/* Map "xdpport_set_hits": per-CPU array of packets, indexed by origin. */

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

/*
 * Map "xdpport_limits": mmapable array of 2 x XDPPORT_NPROTO x XDPPORT_PORTS, indexed
 * by (slot * XDPPORT_NPROTO + proto) * XDPPORT_PORTS + port: a limit config per port
 * for each ruleset slot, so it switches with `active` like the rest of the ruleset.
 * Only the entries of ports whose entry byte has XDPPORT_ENTRY_LIMIT mean anything;
 * the others are left as they were. A token bucket in nftables' sense: `rate`
 * packets per second (or minute), and a bucket of `burst` packets, full when idle.
 */
struct xdpport_limit {
	__u64 interval_ns;	/* one token's refill time: unit / rate */
	__u32 rate;		/* packets per unit, as written */
	__u16 burst;		/* packets the bucket holds, >= 1 */
	__u8 per_minute;	/* unit: 0 second, 1 minute */
	__u8 per_source;	/* 1: one bucket per source address (xdpport_sources) */
};

struct xdpport_limits {
	struct xdpport_limit port[XDPPORT_NPROTO][XDPPORT_PORTS];
};

/*
 * A bucket as a "theoretical arrival time" (GCRA): the time at which it would be full
 * again. A frame at time `now` passes when tat - now <= (burst - 1) * interval_ns and
 * moves tat on by interval_ns; one 64-bit word, updated with compare-and-swap.
 * Map "xdpport_buckets": array indexed by proto * XDPPORT_PORTS + port, shared by
 * every CPU and both slots (a rule change does not refill a bucket).
 */
struct xdpport_bucket {
	__u64 tat;		/* ns, CLOCK_MONOTONIC; 0: never used (full) */
};

/* Map "xdpport_sources": LRU hash of per-source buckets. IPv6 sources by /64. */
struct xdpport_source_key {
	__u16 port;
	__u8 proto;		/* enum xdpport_proto */
	__u8 family;		/* 4 or 6 */
	__u32 addr[2];		/* IPv4: addr[0], addr[1] = 0; IPv6: the /64 prefix */
};
#define XDPPORT_SOURCES_DEFAULT	65536	/* entries of xdpport_sources unless set */

_Static_assert(sizeof(struct xdpport_ruleset) ==
		       XDPPORT_NPROTO * XDPPORT_PORTS + 4 + 4 * XDPPORT_FLOW_NSTATES + 8 +
			       8 * XDPPORT_SRC16_WORDS,
	       "struct xdpport_ruleset has a hole");
_Static_assert(sizeof(struct xdpport_flow_key) == 40, "struct xdpport_flow_key has a hole");
_Static_assert(sizeof(struct xdpport_flow) == 16, "struct xdpport_flow has a hole");
_Static_assert(sizeof(struct xdpport_flowports) == 8 * XDPPORT_NPROTO * XDPPORT_PORTS,
	       "struct xdpport_flowports has a hole");
_Static_assert(sizeof(struct xdpport_flow_counts) == 16,
	       "struct xdpport_flow_counts has a hole");
_Static_assert(sizeof(struct xdpport_rules) == 16 + 2 * sizeof(struct xdpport_ruleset),
	       "struct xdpport_rules has a hole");
_Static_assert(__builtin_offsetof(struct xdpport_rules, slot) == 16,
	       "the ruleset slots of struct xdpport_rules moved");
_Static_assert(sizeof(struct xdpport_src_key) == 24, "struct xdpport_src_key has a hole");
_Static_assert(sizeof(struct xdpport_src4_chunk) == XDPPORT_SRC4_CHUNK,
	       "struct xdpport_src4_chunk has a hole");
_Static_assert(XDPPORT_SRC4_CHUNK * XDPPORT_SRC4_CHUNKS == 1 << 24, "one byte per /24");
_Static_assert(XDPPORT_SRC4_BITS_WORDS * 32 * XDPPORT_SRC4_BITS_CHUNKS == 1 << 24,
	       "two bits per /24");
_Static_assert(sizeof(struct xdpport_count) == 16, "struct xdpport_count has a hole");
_Static_assert(sizeof(struct xdpport_totals) == 16 * XDPPORT_NREASONS,
	       "struct xdpport_totals has a hole");
_Static_assert(sizeof(struct xdpport_port_count) == 8, "struct xdpport_port_count has a hole");
_Static_assert(sizeof(struct xdpport_iface) == 16, "struct xdpport_iface has a hole");
_Static_assert(sizeof(struct xdpport_limit) == 16, "struct xdpport_limit has a hole");
_Static_assert(sizeof(struct xdpport_limits) == 16 * XDPPORT_NPROTO * XDPPORT_PORTS,
	       "struct xdpport_limits has a hole");
_Static_assert(sizeof(struct xdpport_bucket) == 8, "struct xdpport_bucket has a hole");
_Static_assert(sizeof(struct xdpport_source_key) == 12, "struct xdpport_source_key has a hole");

#endif /* XDPPORT_H */
