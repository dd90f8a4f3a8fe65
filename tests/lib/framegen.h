/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Seeded generator of frames and rulesets for differential testing and fuzzing.
 * Frames start valid (IPv4/IPv6 x TCP/UDP/ICMP/other, VLAN stacks, IPv4 options,
 * IPv6 extension chains, fragments, ARP, other EtherTypes) and most are then mutated:
 * header fields set to values around their boundaries, truncation around header
 * ends, bit flips, byte overwrites, junk appended, VLAN tags inserted or removed.
 *
 * Everything is a pure function of (seed, index): frame `index` of seed `seed` can be
 * regenerated alone, which is what makes a mismatch reproducible.
 */
#ifndef TEST_FRAMEGEN_H
#define TEST_FRAMEGEN_H

#include <linux/types.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"
#include "xdpport.h"

/* Largest frame generated: room for an IPv6 extension header of the largest length
 * (2 KiB) after the others, yet under what BPF_PROG_TEST_RUN puts in one linear
 * buffer (4 KiB page - 256 headroom - 320 skb_shared_info = 3520 bytes); beyond
 * that an xdp.frags program sees only the first buffer between data and data_end. */
#define FRAMEGEN_MAX		3072

/* Frames [n * FRAMEGEN_PER_RULESET, (n + 1) * FRAMEGEN_PER_RULESET) share ruleset n. */
#define FRAMEGEN_PER_RULESET	1024

/* Independent random streams of one seed: frames, and rulesets. */
enum { FRAMEGEN_STREAM_FRAME = 1, FRAMEGEN_STREAM_RULES = 2 };

/* Ports frames are sent to more often than chance, and rulesets give rules to. */
#define FRAMEGEN_HOT_PORTS	13
extern const uint16_t framegen_hot_ports[FRAMEGEN_HOT_PORTS];

/* Writes frame `index` of stream `seed` to `frame` (FRAMEGEN_MAX bytes); returns its
 * length, which may be anything from 0 to FRAMEGEN_MAX. */
size_t framegen_frame(uint64_t seed, uint64_t index, uint8_t *frame);

struct rules;

/*
 * Ruleset number `n` of stream `seed`, as rules (`out`, user/rules.h: rules_free()
 * it), compiled into a random slot of `rules` (the configs of its limited ports into
 * limits[slot]) with `active` pointing at that slot. Some rulesets carry junk the
 * data path must ignore: in the entry bits and setting bytes the compiler never
 * writes, in the policy bytes it never reads, and above bit 0 of `active`. The
 * inactive slot differs from the active one in every entry and in the fragments
 * bit, so reading the wrong slot changes every verdict it touches.
 */
void framegen_rules(uint64_t seed, uint64_t n, struct rules *out, struct xdpport_rules *rules,
		    struct xdpport_limits *limits);

#endif
