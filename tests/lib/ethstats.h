/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Reads a device's driver statistics (what `ethtool -S` shows) through the ethtool
 * ioctl, in the calling thread's network namespace. Tests and benchmarks use veth's
 * per-queue XDP counters to count frames where they arrive, never where they leave. */
#ifndef TEST_ETHSTATS_H
#define TEST_ETHSTATS_H

#include <stdint.h>

/*
 * Sums every statistic of `ifname` whose name starts with `prefix` (may be "") and
 * ends with `suffix`: ("rx_queue_", "_xdp_drops") adds up XDP drops over all receive
 * queues. Returns the number of statistics that matched (0: the driver has none of
 * that name), or -errno.
 */
int ethstats_sum(const char *ifname, const char *prefix, const char *suffix, uint64_t *sum);

#endif
