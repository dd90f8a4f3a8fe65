// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "harness.h"
#include "sources_store.h"
#include "xdpport.skel.h"

static void die(const char *what, int err)
{
	fprintf(stderr, "harness: %s: %s\n", what, strerror(err < 0 ? -err : err));
	printf("0 passed, 1 failed\n");
	exit(1);
}

/* The one element of an mmapable array map, read-write. */
static void *map_memory(const struct bpf_map *map)
{
	void *p = mmap(NULL, bpf_map__value_size(map), PROT_READ | PROT_WRITE, MAP_SHARED,
		       bpf_map__fd(map), 0);

	if (p == MAP_FAILED)
		die(bpf_map__name(map), errno);
	return p;
}

/* Loads the program with private maps: a per-source table of `sources` entries and a
 * flow table of `flows` (0: the default sizes). */
static void open_sized(struct harness *h, uint32_t sources, uint32_t flows)
{
	struct bpf_map *map;
	int err;

	memset(h, 0, sizeof(*h));
	h->skel = xdpport__open();
	if (!h->skel)
		die("open xdpport skeleton", errno);
	bpf_object__for_each_map(map, h->skel->obj)
		bpf_map__set_pin_path(map, NULL);	/* private maps, never the host's */
	if (sources)
		bpf_map__set_max_entries(h->skel->maps.xdpport_sources, sources);
	if (flows)
		bpf_map__set_max_entries(h->skel->maps.xdpport_flows, flows);
	err = xdpport__load(h->skel);
	if (err)
		die("load xdpport (root? BTF?)", err);
	h->prog_fd = bpf_program__fd(h->skel->progs.xdpport);
	h->egress_fd = bpf_program__fd(h->skel->progs.xdpport_egress);
	h->flows_fd = bpf_map__fd(h->skel->maps.xdpport_flows);
	h->flowstats_fd = bpf_map__fd(h->skel->maps.xdpport_flowstats);
	h->flowports = map_memory(h->skel->maps.xdpport_flowports);
	h->totals_fd = bpf_map__fd(h->skel->maps.xdpport_totals);
	h->ports_fd = bpf_map__fd(h->skel->maps.xdpport_ports);
	h->rules = map_memory(h->skel->maps.xdpport_rules);
	h->limits = mmap(NULL, 2 * sizeof(*h->limits), PROT_READ | PROT_WRITE, MAP_SHARED,
			 bpf_map__fd(h->skel->maps.xdpport_limits), 0);
	if (h->limits == MAP_FAILED)
		die("mmap xdpport_limits", errno);
	h->buckets_fd = bpf_map__fd(h->skel->maps.xdpport_buckets);
	h->sources_fd = bpf_map__fd(h->skel->maps.xdpport_sources);
	harness_activate(h, 0);
}

void harness_open_flows(struct harness *h, uint32_t flows)
{
	open_sized(h, 0, flows);
}

void harness_open_sized(struct harness *h, uint32_t entries)
{
	open_sized(h, entries, 0);
}

void harness_open(struct harness *h)
{
	open_sized(h, 0, 0);
}

void harness_close(struct harness *h)
{
	munmap(h->rules, sizeof(*h->rules));
	munmap(h->limits, 2 * sizeof(*h->limits));
	munmap(h->flowports, sizeof(*h->flowports));
	xdpport__destroy(h->skel);
}

void harness_activate(struct harness *h, unsigned slot)
{
	__atomic_store_n(&h->rules->active, slot, __ATOMIC_RELEASE);
	h->rs = &h->rules->slot[slot];
}

static int run_prog(int fd, const void *data, size_t len, uint32_t repeat,
		    uint64_t *ns_per_run)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = data,
		.data_size_in = len,
		.repeat = repeat,
	);
	int err = bpf_prog_test_run_opts(fd, &opts);

	if (err)
		return -errno;
	if (ns_per_run)
		*ns_per_run = opts.duration;
	return (int)opts.retval;
}

int harness_run(struct harness *h, const void *data, size_t len, uint32_t repeat,
		uint64_t *ns_per_run)
{
	return run_prog(h->prog_fd, data, len, repeat, ns_per_run);
}

int harness_run_egress(struct harness *h, const void *data, size_t len, uint32_t repeat,
		       uint64_t *ns_per_run)
{
	return run_prog(h->egress_fd, data, len, repeat, ns_per_run);
}

static int ncpus(void)
{
	static int n;

	if (!n)
		n = libbpf_num_possible_cpus();
	if (n <= 0)
		die("count possible CPUs", n);
	return n;
}

void harness_totals(struct harness *h, uint32_t iface_slot, struct xdpport_totals *sum)
{
	struct xdpport_totals per_cpu[ncpus()];

	memset(sum, 0, sizeof(*sum));
	if (bpf_map_lookup_elem(h->totals_fd, &iface_slot, per_cpu))
		die("read xdpport_totals", errno);
	for (int c = 0; c < ncpus(); c++)
		for (int r = 0; r < XDPPORT_NREASONS; r++) {
			sum->reason[r].packets += per_cpu[c].reason[r].packets;
			sum->reason[r].bytes += per_cpu[c].reason[r].bytes;
		}
}

void harness_port(struct harness *h, unsigned proto, unsigned port,
		  struct xdpport_port_count *sum)
{
	struct xdpport_port_count per_cpu[ncpus()];
	uint32_t key = proto * XDPPORT_PORTS + port;

	memset(sum, 0, sizeof(*sum));
	if (bpf_map_lookup_elem(h->ports_fd, &key, per_cpu))
		die("read xdpport_ports", errno);
	for (int c = 0; c < ncpus(); c++) {
		sum->passed += per_cpu[c].passed;
		sum->dropped += per_cpu[c].dropped;
	}
}

void harness_source_maps(struct harness *h, struct source_maps *m)
{
	*m = (struct source_maps){ bpf_map__fd(h->skel->maps.xdpport_src4_bits),
				   bpf_map__fd(h->skel->maps.xdpport_src4),
				   bpf_map__fd(h->skel->maps.xdpport_src4_long),
				   bpf_map__fd(h->skel->maps.xdpport_src_trie),
				   bpf_map__fd(h->skel->maps.xdpport_src_model) };
}
