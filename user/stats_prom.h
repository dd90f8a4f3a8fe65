/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * `xdpport stats --prometheus`: the Prometheus text exposition format (0.0.4), for
 * node_exporter's textfile collector. Metrics:
 *   xdpport_packets_total{interface,reason}        counter, every reason of every
 *   xdpport_bytes_total{interface,reason}          attached interface, zeros included
 *   xdpport_port_packets_total{proto,port,verdict} counter, verdict passed|dropped, for
 *       the top ports by dropped and by passed packets (--top N, default 10; --top all:
 *       every port with traffic), all interfaces together
 *   xdpport_ports_with_traffic{proto}              gauge: how many ports have counts, to
 *       tell whether the top N hide a flood spread over many ports
 *   xdpport_up                                     gauge: 1 read, 0 could not be read
 *   xdpport_attached_interfaces                    gauge
 *   xdpport_rules_applied_timestamp_seconds        gauge: last change of the ruleset
 */
#ifndef XDPPORT_STATS_PROM_H
#define XDPPORT_STATS_PROM_H

#include <stdio.h>

#include "stats_report.h"

#include <stdbool.h>

struct sources;

void stats_prometheus(FILE *out, const struct stats_report *r);

/* Only the xdpport_up family: what a textfile says when the filter cannot be read. */
void stats_prometheus_up(FILE *out, bool up);

/* The named sets of `s`: hits (hits[i] for s->set[i]) and prefixes, by set. */
void stats_prometheus_sets(FILE *out, const struct sources *s, const __u64 *hits);

#endif
