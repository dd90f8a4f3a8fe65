// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* stats: what the filter passed and dropped, by reason, by interface and by port. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "counters.h"
#include "errors.h"
#include "filter.h"
#include "json.h"
#include "portspec.h"

static int parse_top(const struct cmdline *cl, unsigned *top)
{
	const char *text = cmd_opt(cl, "top");
	char *end;
	unsigned long v;

	*top = 10;
	if (!text)
		return 0;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (!*text || *end || errno || v > XDPPORT_NPROTO * XDPPORT_PORTS || text[0] == '-')
		return -1;
	*top = v;
	return 0;
}

static void print_text(const struct counters *c, const struct port_hit *dropped,
		       unsigned n_dropped, const struct port_hit *passed, unsigned n_passed)
{
	printf("%-16s %14s %16s\n", "reason", "packets", "bytes");
	for (int r = 0; r < XDPPORT_NREASONS; r++)
		printf("%-16s %14llu %16llu\n", counters_reason_name(r),
		       (unsigned long long)c->total.reason[r].packets,
		       (unsigned long long)c->total.reason[r].bytes);
	for (int i = 0; i < c->n_ifaces; i++) {
		__u64 pass = 0, drop = 0;

		for (int r = 0; r < XDPPORT_NREASONS; r++)
			*(r & XDPPORT_REASON_DROP ? &drop : &pass) +=
				c->iface[i].totals.reason[r].packets;
		printf("%s: %llu passed, %llu dropped\n", c->iface[i].name,
		       (unsigned long long)pass, (unsigned long long)drop);
	}
	printf("\ntop dropped ports\n");
	for (unsigned i = 0; i < n_dropped; i++)
		printf("  %5u/%s %14llu\n", dropped[i].port, proto_name(dropped[i].proto),
		       (unsigned long long)dropped[i].dropped);
	printf("\ntop passed ports\n");
	for (unsigned i = 0; i < n_passed; i++)
		printf("  %5u/%s %14llu\n", passed[i].port, proto_name(passed[i].proto),
		       (unsigned long long)passed[i].passed);
}

static void json_hits(const char *key, const struct port_hit *hits, unsigned n)
{
	json_array_begin(key);
	for (unsigned i = 0; i < n; i++) {
		json_object_begin(NULL);
		json_uint("port", hits[i].port);
		json_string("protocol", proto_name(hits[i].proto));
		json_uint("passed", hits[i].passed);
		json_uint("dropped", hits[i].dropped);
		json_object_end();
	}
	json_array_end();
}

static void json_totals(const char *key, const struct xdpport_totals *t)
{
	json_object_begin(key);
	for (int r = 0; r < XDPPORT_NREASONS; r++) {
		json_object_begin(counters_reason_name(r));
		json_uint("packets", t->reason[r].packets);
		json_uint("bytes", t->reason[r].bytes);
		json_object_end();
	}
	json_object_end();
}

static void print_json(const struct counters *c, const struct port_hit *dropped,
		       unsigned n_dropped, const struct port_hit *passed, unsigned n_passed)
{
	json_object_begin(NULL);
	json_totals("reasons", &c->total);
	json_array_begin("interfaces");
	for (int i = 0; i < c->n_ifaces; i++) {
		json_object_begin(NULL);
		json_string("name", c->iface[i].name);
		json_uint("ifindex", c->iface[i].ifindex);
		json_totals("reasons", &c->iface[i].totals);
		json_object_end();
	}
	json_array_end();
	json_hits("top_dropped", dropped, n_dropped);
	json_hits("top_passed", passed, n_passed);
	json_object_end();
}

int cmd_stats(struct cmdline *cl)
{
	static struct counters c;
	struct port_hit *dropped = NULL, *passed = NULL;
	unsigned top, n_dropped, n_passed;
	struct filter f;
	int err;

	if (parse_top(cl, &top))
		return usage_error(cl, "--top needs a number of ports, not '%s'", cmd_opt(cl, "top"));
	err = filter_open(&f, 0, cl->cmd->name);
	if (err == NOT_SET_UP)
		return fail(EXIT_FAIL, cl->cmd->name,
			    "no filter yet: nothing has been attached or set");
	if (err)
		return err;
	err = counters_read(&f, &c, cl->cmd->name);
	filter_close(&f);
	if (err)
		return err;
	dropped = calloc(top + 1, sizeof(*dropped));
	passed = calloc(top + 1, sizeof(*passed));
	if (!dropped || !passed) {
		err = fail(EXIT_FAIL, cl->cmd->name, "out of memory");
		goto out;
	}
	n_dropped = counters_top(&c, true, dropped, top);
	n_passed = counters_top(&c, false, passed, top);
	if (cl->json)
		print_json(&c, dropped, n_dropped, passed, n_passed);
	else
		print_text(&c, dropped, n_dropped, passed, n_passed);
out:
	free(dropped);
	free(passed);
	counters_free(&c);
	return err;
}
