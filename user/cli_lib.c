// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The CLI's side of the library's errors (user/cli_lib.h). */
#include "cli_lib.h"
#include "counters.h"
#include "egress.h"
#include "errors.h"
#include "filter.h"
#include "flowtable.h"

int cli_report(int status, const struct lib_error *e, const char *what)
{
	if (e->warning[0])
		warn("%s", e->warning);
	if (e->why[0])
		fail(status, what, "%s", e->why);
	return status;
}

int cli_filter_open(struct filter *f, unsigned flags, const char *what)
{
	struct lib_error e = { 0 };

	return cli_report(filter_open(f, flags, &e), &e, what);
}

struct xdpport *cli_filter_load_program(__u32 iface_slot, const char *what)
{
	struct lib_error e = { 0 };
	struct xdpport *skel = filter_load_program(iface_slot, &e);

	cli_report(EXIT_FAIL, &e, what);
	return skel;
}

int cli_filter_purge(const char *what)
{
	struct lib_error e = { 0 };

	return cli_report(filter_purge(&e), &e, what);
}

int cli_filter_purge_locked(struct filter *f, const char *what)
{
	struct lib_error e = { 0 };

	return cli_report(filter_purge_locked(f, &e), &e, what);
}

int cli_counters_read(const struct filter *f, struct counters *c, const char *what)
{
	struct lib_error e = { 0 };

	return cli_report(counters_read(f, c, &e), &e, what);
}

int cli_counters_zero(struct counters *c, const char *what)
{
	struct lib_error e = { 0 };

	return cli_report(counters_zero(c, &e), &e, what);
}

int cli_counters_reset(const struct filter *f, const char *what)
{
	struct lib_error e = { 0 };

	return cli_report(counters_reset(f, &e), &e, what);
}

int cli_flowtable_read(const struct filter *f, struct flow_table *t, bool keep,
		       const char *what)
{
	struct lib_error e = { 0 };

	return cli_report(flowtable_read(f, t, keep, &e), &e, what);
}

int cli_egress_attach(int prog_fd, int ifindex, const char *iface, const char *what)
{
	struct lib_error e = { 0 };

	return cli_report(egress_attach(prog_fd, ifindex, iface, &e), &e, what);
}

int cli_egress_detach(__u64 netns, int ifindex, const char *what)
{
	struct lib_error e = { 0 };

	return cli_report(egress_detach(netns, ifindex, &e), &e, what);
}
