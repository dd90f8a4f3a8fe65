/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reference model of the data path's verdict: a second, independent implementation
 * of the spec (README / issue 7) in plain userspace C, written without looking at
 * bpf/parse.h. The differential test compares it with the real program frame by frame.
 */
#ifndef TEST_MODEL_H
#define TEST_MODEL_H

#include <linux/types.h>
#include <stddef.h>
#include <stdint.h>

#include "xdpport.h"

/* Returns the enum xdpport_reason the data path must give `frame` (`len` bytes)
 * under ruleset `rs` (the active slot: rules->slot[active & 1]). A frame a flood
 * limit counts (README, Flood limits) gets its reason | MODEL_OR_LIMIT: the data
 * path may give that reason or XDPPORT_DROP_LIMIT, as its bucket decides. */
int model_reason(const uint8_t *frame, size_t len, const struct xdpport_ruleset *rs);

#define MODEL_OR_LIMIT		0x100
#define MODEL_REASON(m)		((m) & 0xff)

#endif
