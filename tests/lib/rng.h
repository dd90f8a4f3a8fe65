/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* A small seeded PRNG (splitmix64) for generated tests: the same seed gives the same
 * stream on every machine and libc, so a failing case is reproducible from its seed. */
#ifndef TEST_RNG_H
#define TEST_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
	uint64_t state;
};

static inline uint64_t rng_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rng_next(struct rng *r)
{
	r->state += 0x9e3779b97f4a7c15ULL;
	return rng_mix(r->state);
}

/* An independent stream for item `index` of kind `stream` under `seed`, so any one
 * item can be regenerated without generating the ones before it. */
static inline void rng_init(struct rng *r, uint64_t seed, uint64_t stream, uint64_t index)
{
	r->state = rng_mix(seed ^ rng_mix(stream * 0x9e3779b97f4a7c15ULL ^ rng_mix(index)));
}

/* Uniform in [0, n) for n >= 1 (the modulo bias is irrelevant at these sizes). */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)((rng_next(r) >> 32) * n >> 32);
}

static inline bool rng_percent(struct rng *r, unsigned percent)
{
	return rng_below(r, 100) < percent;
}

#define RNG_PICK(r, array) ((array)[rng_below((r), sizeof(array) / sizeof((array)[0]))])

#endif
