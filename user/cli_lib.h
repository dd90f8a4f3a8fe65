/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The library calls as commands make them: each calls the library function of the
 * same name without `cli_`, prints what it reports (its warning, then its error as
 * `xdpport: WHAT: why`, user/errors.h) and returns its status. Only the CLI prints.
 */
#ifndef XDPPORT_CLI_LIB_H
#define XDPPORT_CLI_LIB_H

#include <linux/types.h>
#include <stdbool.h>

#include "lib_error.h"

struct counters;
struct filter;
struct flow_table;
struct xdpport;

/* Prints what `e` holds, naming `what`; returns `status`. */
int cli_report(int status, const struct lib_error *e, const char *what);

int cli_filter_open(struct filter *f, unsigned flags, const char *what);
struct xdpport *cli_filter_load_program(__u32 iface_slot, const char *what);
int cli_filter_purge(const char *what);
int cli_filter_purge_locked(struct filter *f, const char *what);

int cli_counters_read(const struct filter *f, struct counters *c, const char *what);
int cli_counters_zero(struct counters *c, const char *what);
int cli_counters_reset(const struct filter *f, const char *what);
int cli_flowtable_read(const struct filter *f, struct flow_table *t, bool keep,
		       const char *what);

int cli_egress_attach(int prog_fd, int ifindex, const char *iface, const char *what);
int cli_egress_detach(__u64 netns, int ifindex, const char *what);

#endif
