// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "counters.h"
#include "errors.h"
#include "filter.h"
#include "links.h"

static const char *reason_names[XDPPORT_NREASONS] = {
	[XDPPORT_PASS_POLICY] = "pass-policy",
	[XDPPORT_DROP_POLICY] = "drop-policy",
	[XDPPORT_PASS_RULE] = "pass-rule",
	[XDPPORT_DROP_RULE] = "drop-rule",
	[XDPPORT_PASS_FRAGMENT] = "pass-fragment",
	[XDPPORT_DROP_FRAGMENT] = "drop-fragment",
	[XDPPORT_PASS_UNFILTERED] = "pass-unfiltered",
	[XDPPORT_DROP_MALFORMED] = "drop-malformed",
};

const char *counters_reason_name(int reason)
{
	return reason >= 0 && reason < XDPPORT_NREASONS ? reason_names[reason] : "unknown";
}

static void add_totals(struct xdpport_totals *sum, const struct xdpport_totals *t)
{
	for (int r = 0; r < XDPPORT_NREASONS; r++) {
		sum->reason[r].packets += t->reason[r].packets;
		sum->reason[r].bytes += t->reason[r].bytes;
	}
}

static int read_totals(const struct filter *f, struct counters *c, int ncpus, const char *what)
{
	struct xdpport_totals *per_cpu = calloc(ncpus, sizeof(*per_cpu));
	__u64 netns = links_netns();

	if (!per_cpu)
		return fail(EXIT_FAIL, what, "out of memory");
	for (__u32 slot = 0; slot < XDPPORT_IFACE_SLOTS; slot++) {
		struct xdpport_totals sum = {};
		struct xdpport_iface row = {};

		if (bpf_map_lookup_elem(f->totals_fd, &slot, per_cpu)) {
			free(per_cpu);
			return fail(EXIT_FAIL, what, "cannot read counters: %s", errno_reason(errno));
		}
		for (int cpu = 0; cpu < ncpus; cpu++)
			add_totals(&sum, &per_cpu[cpu]);
		add_totals(&c->total, &sum);
		bpf_map_lookup_elem(f->ifaces_fd, &slot, &row);
		if (!row.ifindex)
			continue;
		struct iface_counters *ic = &c->iface[c->n_ifaces++];

		ic->ifindex = row.ifindex;
		ic->slot = slot;
		ic->totals = sum;
		if (row.netns != netns || !if_indextoname(row.ifindex, ic->name))
			snprintf(ic->name, sizeof(ic->name), "if%u", row.ifindex);
	}
	free(per_cpu);
	return 0;
}

/* One batch syscall for all 131072 keys instead of one lookup each. */
static int read_ports(const struct filter *f, struct counters *c, int ncpus, const char *what)
{
	const __u32 nkeys = XDPPORT_NPROTO * XDPPORT_PORTS;
	struct xdpport_port_count *values = malloc((size_t)nkeys * ncpus * sizeof(*values));
	__u32 *keys = malloc(nkeys * sizeof(*keys));
	__u32 done = 0, batch = 0;
	int err = 0;

	if (!values || !keys) {
		err = fail(EXIT_FAIL, what, "out of memory");
		goto out;
	}
	while (done < nkeys) {
		__u32 count = nkeys - done;
		int ret = bpf_map_lookup_batch(f->ports_fd, done ? &batch : NULL, &batch,
					       keys + done, values + (size_t)done * ncpus, &count,
					       NULL);

		done += count;
		if (ret && errno == ENOENT)
			break;
		if (ret) {
			err = fail(EXIT_FAIL, what, "cannot read port counters: %s",
				   errno_reason(errno));
			goto out;
		}
	}
	for (__u32 i = 0; i < done; i++) {
		__u32 proto = keys[i] / XDPPORT_PORTS, port = keys[i] % XDPPORT_PORTS;

		for (int cpu = 0; cpu < ncpus; cpu++) {
			c->passed[proto][port] += values[(size_t)i * ncpus + cpu].passed;
			c->dropped[proto][port] += values[(size_t)i * ncpus + cpu].dropped;
		}
	}
out:
	free(values);
	free(keys);
	return err;
}

int counters_read(const struct filter *f, struct counters *c, const char *what)
{
	int ncpus = libbpf_num_possible_cpus(), err;

	counters_free(c);
	if (ncpus <= 0)
		return fail(EXIT_FAIL, what, "cannot count CPUs: %s", errno_reason(ncpus));
	c->passed = calloc(XDPPORT_NPROTO, sizeof(*c->passed));
	c->dropped = calloc(XDPPORT_NPROTO, sizeof(*c->dropped));
	if (!c->passed || !c->dropped)
		return fail(EXIT_FAIL, what, "out of memory");
	err = read_totals(f, c, ncpus, what);
	return err ? err : read_ports(f, c, ncpus, what);
}

void counters_free(struct counters *c)
{
	free(c->passed);
	free(c->dropped);
	memset(c, 0, sizeof(*c));
}

unsigned counters_top(const struct counters *c, bool by_dropped, struct port_hit *out,
		      unsigned max)
{
	unsigned n = 0;

	/* Insertion into a short sorted list: max is small, ports are many. */
	for (int proto = 0; proto < XDPPORT_NPROTO; proto++)
		for (int port = 0; port < XDPPORT_PORTS; port++) {
			__u64 v = by_dropped ? c->dropped[proto][port] : c->passed[proto][port];
			unsigned at = n;

			if (!v || max == 0)
				continue;
			while (at > 0 && v > (by_dropped ? out[at - 1].dropped : out[at - 1].passed))
				at--;
			if (at >= max)
				continue;
			memmove(&out[at + 1], &out[at], (n - at - (n == max)) * sizeof(*out));
			out[at] = (struct port_hit){ port, proto, c->passed[proto][port],
						     c->dropped[proto][port] };
			if (n < max)
				n++;
		}
	return n;
}
