/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The source half of the generator: random source rules and sets around the frames'
 * addresses (198.18.0.0/16 and 2001:db8::/112), and frames whose source address is
 * moved inside them. Pure functions of (seed, n) like the rest of framegen.
 */
#ifndef TEST_FRAMEGEN_SOURCES_H
#define TEST_FRAMEGEN_SOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "sources.h"

enum { FRAMEGEN_STREAM_SOURCES = 3, FRAMEGEN_STREAM_SOURCE_ADDR = 4 };

/* Source rules and sets number `n` of `seed` into `out` (sources_free() it); a third
 * of them have none. */
void framegen_sources(uint64_t seed, uint64_t n, struct sources *out);

/* Gives half the IP frames a random source in the two ranges above: the last 16 bits
 * of the address, found at the offsets a plain header (with up to two VLAN tags)
 * puts it. Other bytes are untouched. */
void framegen_source_address(uint64_t seed, uint64_t index, uint8_t *frame, size_t len);

#endif
