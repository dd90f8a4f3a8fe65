/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * `xdpport stats --json`: one object on one line (one per interval with --watch).
 * Keys are stable; new keys may be added, none renamed or removed:
 *
 *   timestamp_ms        wall-clock time of the reading, milliseconds since the epoch
 *   interval_s          (--watch) seconds between this reading and the previous one
 *   reasons             {REASON: COUNT} for each of the 9 reasons: pass-rule,
 *                       pass-policy, pass-fragment, pass-reply, pass-unfiltered, drop-rule,
 *                       drop-policy, drop-fragment, drop-malformed; all interfaces
 *   passed, dropped     COUNT: the pass reasons and the drop reasons added up
 *   interfaces          [{name, ifindex, netns, reasons, passed, dropped}]
 *   ports_with_traffic  {tcp: N, udp: N}: ports with a nonzero count
 *   flows               {inserts, insert_failures, evictions, entries, table_size}:
 *                       the flow table of replies; evictions = inserts - entries
 *   ports_active        (--watch) {tcp: N, udp: N}: ports counted in the interval
 *   top_dropped         [PORT], most dropped first (in the interval with --watch)
 *   top_passed          [PORT], most passed first
 * COUNT is {packets, bytes}, with --watch also {pps, bps} (bits per second).
 * PORT is {port, protocol, passed, dropped}, with --watch also {passed_pps,
 * dropped_pps}; per-port counts wrap at 2^32 per CPU (see the README).
 */
#ifndef XDPPORT_STATS_JSON_H
#define XDPPORT_STATS_JSON_H

#include "stats_report.h"

void stats_json(const struct stats_report *r);

#endif
