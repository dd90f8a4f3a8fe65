// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * How long one `stats` refresh takes to read the counters: counters_read() (every map,
 * per CPU, 1 MiB of port counters per CPU) and then stats_report_build() (sums, deltas
 * and the top 10), on private maps laid out like the pinned ones, every port nonzero
 * (the worst case for ranking). Touches no pinned map and no interface; needs root.
 *
 *   build/tests/bench/counters_read [RUNS]     (default 200)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli_lib.h"
#include "counters.h"
#include "filter.h"
#include "stats_report.h"

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void print(const char *what, double *ms, int runs)
{
	qsort(ms, runs, sizeof(*ms), cmp_double);
	printf("%-34s min %6.2f ms  median %6.2f ms  p90 %6.2f ms  max %6.2f ms\n", what, ms[0],
	       ms[runs / 2], ms[runs * 9 / 10], ms[runs - 1]);
}

/* Every port of every CPU nonzero, and both counts near a wrap on CPU 0. */
static int fill_ports(int fd, int ncpus)
{
	__u32 n = PORT_KEYS, *keys = malloc(n * sizeof(*keys));
	struct xdpport_port_count *v = malloc((size_t)n * ncpus * sizeof(*v));
	int err;

	for (__u32 k = 0; k < n; k++) {
		keys[k] = k;
		for (int cpu = 0; cpu < ncpus; cpu++)
			v[(size_t)k * ncpus + cpu] = (struct xdpport_port_count){
				cpu ? k + 1 : 0xfffffff0u + k % 16, k % 7 };
	}
	err = bpf_map_update_batch(fd, keys, v, &n, NULL);
	free(keys);
	free(v);
	return err;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 200, ncpus = libbpf_num_possible_cpus();
	struct filter f;
	struct counters a = {}, b = {};
	double *read_ms = calloc(runs, sizeof(double)), *report_ms = calloc(runs, sizeof(double));
	double cold;

	if (runs < 1 || !read_ms || !report_ms)
		return 2;
	filter_init(&f);
	f.fd[MAP_TOTALS] = map_create(MAP_TOTALS, XDPPORT_IFACE_SLOTS);
	f.fd[MAP_PORTS] = map_create(MAP_PORTS, PORT_KEYS);
	f.fd[MAP_IFACES] = map_create(MAP_IFACES, XDPPORT_IFACE_SLOTS);
	f.fd[MAP_FLOWS] = map_create(MAP_FLOWS, XDPPORT_FLOWS_DEFAULT);
	f.fd[MAP_FLOWSTATS] = map_create(MAP_FLOWSTATS, 1);
	if (f.fd[MAP_TOTALS] < 0 || f.fd[MAP_PORTS] < 0 || f.fd[MAP_IFACES] < 0 ||
	    f.fd[MAP_FLOWS] < 0 || f.fd[MAP_FLOWSTATS] < 0 || fill_ports(f.fd[MAP_PORTS], ncpus)) {
		perror("counters_read: cannot create the maps (root needed)");
		return 1;
	}
	cold = now_ms();
	if (cli_counters_read(&f, &b, "bench"))
		return 1;
	cold = now_ms() - cold;
	for (int i = 0; i < runs; i++) {
		struct stats_report r;
		double t0 = now_ms(), t1;

		if (cli_counters_read(&f, &a, "bench"))
			return 1;
		t1 = now_ms();
		stats_report_build(&r, &a, &b, 10);
		report_ms[i] = now_ms() - t1;
		read_ms[i] = t1 - t0;
		stats_report_free(&r);
	}
	printf("%d CPUs, %d port keys (%zu KiB per CPU), %d runs; first read %.2f ms\n", ncpus,
	       PORT_KEYS, PORT_KEYS * sizeof(struct xdpport_port_count) / 1024, runs, cold);
	print("counters_read (all maps)", read_ms, runs);
	print("stats_report_build (rates, top 10)", report_ms, runs);
	counters_free(&a);
	counters_free(&b);
	return 0;
}
