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

struct sources;

/* The source rules and sets (user/sources.h) model_reason() decides by from now on;
 * NULL: none. Read, not copied: keep them alive while frames are modelled. */
void model_set_sources(const struct sources *s);

/* Returns the enum xdpport_reason the data path must give `frame` (`len` bytes)
 * under ruleset `rs` (the active slot: rules->slot[active & 1]). */
int model_reason(const uint8_t *frame, size_t len, const struct xdpport_ruleset *rs);

#endif
