// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ethstats.h"
#include "livegen.h"
#include "trafficgen.skel.h"

/* The kernel's limit on frames per batch (TEST_XDP_MAX_BATCH). */
#define KERNEL_MAX_BATCH	256
/* One test run's repeat is 32 bits; larger counts go in several runs. */
#define MAX_REPEAT		(1u << 30)

struct livegen {
	struct trafficgen *skel;
	/* The port spread the loaded program was built with: rodata is frozen at load,
	 * so a different spread means loading it again. */
	uint32_t port_offset, port_span;
	uint16_t port_base;
	uint32_t ipv4_offset;
};

struct sender {
	pthread_t thread;
	int prog_fd, ifindex, cpu;
	uint32_t batch_size;
	const void *frame;
	size_t len;
	uint64_t count;
	uint64_t cpu_ns;	/* CPU time this thread used, receive work included */
	int err;	/* 0 or -errno */
};

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int load(struct livegen *g, uint32_t offset, uint16_t base, uint32_t span,
		uint32_t ipv4_offset)
{
	struct trafficgen *skel = trafficgen__open();
	int err;

	if (!skel)
		return -errno;
	skel->rodata->port_offset = offset;
	skel->rodata->port_base = base;
	skel->rodata->port_span = span;
	skel->rodata->ipv4_offset = ipv4_offset;
	err = trafficgen__load(skel);
	if (err) {
		trafficgen__destroy(skel);
		return err;
	}
	trafficgen__destroy(g->skel);
	g->skel = skel;
	g->port_offset = offset;
	g->port_base = base;
	g->port_span = span;
	g->ipv4_offset = ipv4_offset;
	return 0;
}

struct livegen *livegen_open(void)
{
	struct livegen *g = calloc(1, sizeof(*g));
	int err;

	if (!g)
		return NULL;
	err = load(g, 0, 0, 1, 0);
	if (err) {
		free(g);
		errno = -err;
		return NULL;
	}
	return g;
}

void livegen_close(struct livegen *g)
{
	if (!g)
		return;
	trafficgen__destroy(g->skel);
	free(g);
}

/* Every CPU's spread starts again at port_base, so a send is reproducible. */
static int reset_spread(struct livegen *g)
{
	int ncpus = libbpf_num_possible_cpus();
	__u32 zero = 0;

	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	__u64 counts[ncpus];

	memset(counts, 0, sizeof(counts));
	if (bpf_map_update_elem(bpf_map__fd(g->skel->maps.frames), &zero, counts, BPF_ANY))
		return -errno;
	return 0;
}

static int test_run(int prog_fd, int ifindex, const void *frame, size_t len, uint32_t repeat,
		    uint32_t batch_size)
{
	struct xdp_md ctx = {
		.data_end = len,	/* the kernel insists it equals the frame length */
		.ingress_ifindex = ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame,
		.data_size_in = len,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = repeat,
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		.batch_size = batch_size,
	);

	return bpf_prog_test_run_opts(prog_fd, &opts) ? -errno : 0;
}

static void *sender_main(void *arg)
{
	struct sender *s = arg;
	uint64_t left = s->count, cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);

	while (left && !s->err) {
		uint32_t repeat = left > MAX_REPEAT ? MAX_REPEAT : left;

		s->err = test_run(s->prog_fd, s->ifindex, s->frame, s->len, repeat,
				  s->batch_size);
		if (!s->err)
			left -= repeat;
	}
	s->cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	return NULL;
}

/* Frames the device has handed to its peer so far, or -1 when it does not say. */
static int64_t device_accepted(int ifindex)
{
	char name[IF_NAMESIZE];
	uint64_t sum;

	if (!if_indextoname(ifindex, name))
		return -1;
	return ethstats_sum(name, "tx_queue_", "_xdp_xmit", &sum) > 0 ? (int64_t)sum : -1;
}

static int check_args(size_t len, uint64_t count, const struct livegen_opts *o)
{
	uint32_t batch = o->batch_size;

	if (!len || !count || batch > KERNEL_MAX_BATCH)
		return -EINVAL;
	if (o->nthreads < 0 || o->nthreads > LIVEGEN_MAX_THREADS)
		return -EINVAL;
	if (o->port_span > 1 && ((uint64_t)o->port_base + o->port_span > 65536 ||
				 o->port_offset + 2 > len || o->port_offset > 0x3fe))
		return -EINVAL;	/* the program masks the offset to 10 bits */
	if (o->ipv4_offset && (o->ipv4_offset + 20 > len || o->ipv4_offset > 0x3ff))
		return -EINVAL;
	return 0;
}

static int start_senders(struct sender *s, int n)
{
	for (int i = 0; i < n; i++) {
		pthread_attr_t attr;
		cpu_set_t cpus;
		int err;

		CPU_ZERO(&cpus);
		CPU_SET(s[i].cpu, &cpus);
		pthread_attr_init(&attr);
		err = pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
		if (!err)
			err = pthread_create(&s[i].thread, &attr, sender_main, &s[i]);
		pthread_attr_destroy(&attr);
		if (err) {
			for (int j = 0; j < i; j++)
				pthread_join(s[j].thread, NULL);
			return -err;	/* EINVAL: no such CPU */
		}
	}
	return 0;
}

int64_t livegen_send(struct livegen *g, int ifindex, const void *frame, size_t len,
		     uint64_t count, const struct livegen_opts *opts,
		     struct livegen_result *result)
{
	const struct livegen_opts defaults = { 0 };
	const struct livegen_opts *o = opts ? opts : &defaults;
	int n = o->nthreads ? o->nthreads : 1, err;
	uint32_t span = o->port_span > 1 ? o->port_span : 1;
	struct sender s[LIVEGEN_MAX_THREADS];
	int64_t before, after;
	uint64_t start, sent = 0, cpu = 0, cpu_max = 0;

	err = check_args(len, count, o);
	if (err)
		return err;
	if (!if_indextoname(ifindex, (char[IF_NAMESIZE]){ 0 }))
		return -ENODEV;
	if (o->ipv4_offset != g->ipv4_offset ||
	    (span > 1 && (o->port_offset != g->port_offset || o->port_base != g->port_base ||
			  span != g->port_span)) ||
	    (span == 1 && g->port_span != 1)) {
		err = span > 1 ? load(g, o->port_offset, o->port_base, span, o->ipv4_offset)
			       : load(g, 0, 0, 1, o->ipv4_offset);
	}
	if (!err)
		err = reset_spread(g);
	if (err)
		return err;

	for (int i = 0; i < n; i++) {
		s[i] = (struct sender){
			.prog_fd = bpf_program__fd(g->skel->progs.trafficgen),
			.ifindex = ifindex,
			.cpu = o->cpus ? o->cpus[i] : i,
			.batch_size = o->batch_size ? o->batch_size : LIVEGEN_DEFAULT_BATCH,
			.frame = frame,
			.len = len,
			.count = count / n + ((uint64_t)i < count % n),
		};
	}
	before = device_accepted(ifindex);
	start = clock_ns(CLOCK_MONOTONIC);
	err = start_senders(s, n);
	if (err)
		return err;
	for (int i = 0; i < n; i++) {
		pthread_join(s[i].thread, NULL);
		if (s[i].err && !err)
			err = s[i].err;
		if (!s[i].err)
			sent += s[i].count;
		cpu += s[i].cpu_ns;
		if (s[i].cpu_ns > cpu_max)
			cpu_max = s[i].cpu_ns;
	}
	if (result) {
		result->ns = clock_ns(CLOCK_MONOTONIC) - start;
		result->cpu_ns = cpu;
		result->cpu_max_ns = cpu_max;
		result->sent = sent;
		after = device_accepted(ifindex);
		result->accepted = before >= 0 && after >= 0 ? after - before : -1;
	}
	return err ? err : (int64_t)sent;
}

int livegen_supported(struct livegen *g, char *why, size_t why_len)
{
	/* One minimal frame with no ingress device: the kernel uses loopback, which
	 * cannot transmit XDP frames, so the frame is freed and nothing leaves. */
	static const unsigned char frame[64] = { 0 };
	int err = test_run(bpf_program__fd(g->skel->progs.trafficgen), 0, frame,
			   sizeof(frame), 1, 1);

	if (!err)
		return 1;
	snprintf(why, why_len, "%s", err == -EINVAL || err == -EOPNOTSUPP ?
		 "kernel lacks BPF_F_TEST_XDP_LIVE_FRAMES (Linux >= 5.18)" : strerror(-err));
	return 0;
}
