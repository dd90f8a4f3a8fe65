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

void harness_open(struct harness *h)
{
	struct bpf_map *map;
	int err;

	memset(h, 0, sizeof(*h));
	h->skel = xdpport__open();
	if (!h->skel)
		die("open xdpport skeleton", errno);
	bpf_object__for_each_map(map, h->skel->obj)
		bpf_map__set_pin_path(map, NULL);	/* private maps, never the host's */
	err = xdpport__load(h->skel);
	if (err)
		die("load xdpport (root? BTF?)", err);
	h->prog_fd = bpf_program__fd(h->skel->progs.xdpport);
	h->totals_fd = bpf_map__fd(h->skel->maps.xdpport_totals);
	h->ports_fd = bpf_map__fd(h->skel->maps.xdpport_ports);
	h->rules = mmap(NULL, sizeof(*h->rules), PROT_READ | PROT_WRITE, MAP_SHARED,
			bpf_map__fd(h->skel->maps.xdpport_rules), 0);
	if (h->rules == MAP_FAILED)
		die("mmap xdpport_rules", errno);
	harness_activate(h, 0);
}

void harness_close(struct harness *h)
{
	munmap(h->rules, sizeof(*h->rules));
	xdpport__destroy(h->skel);
}

void harness_activate(struct harness *h, unsigned slot)
{
	__atomic_store_n(&h->rules->active, slot, __ATOMIC_RELEASE);
	h->rs = &h->rules->slot[slot];
}

int harness_run(struct harness *h, const void *data, size_t len, uint32_t repeat,
		uint64_t *ns_per_run)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = data,
		.data_size_in = len,
		.repeat = repeat,
	);
	int err = bpf_prog_test_run_opts(h->prog_fd, &opts);

	if (err)
		return -errno;
	if (ns_per_run)
		*ns_per_run = opts.duration;
	return opts.retval;
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
