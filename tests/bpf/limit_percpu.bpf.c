// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Benchmark only: the alternative to bpf/limits.h's shared bucket that README's
 * "Flood limits" measures and rejects. One bucket per CPU, each with the rate split
 * between the CPUs (interval x ncpus), no atomics. It limits UDP to one port and
 * passes everything else, counting passed and limited frames per CPU.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "parse.h"

const volatile __u64 interval_ns = 1000;	/* the whole rate's interval x CPUs */
const volatile __u64 tolerance_ns = 0;		/* (burst per CPU - 1) x interval_ns */
const volatile __u32 limited_port = 9;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} tat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);		/* 0: passed, 1: limited */
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("xdp")
int limit_percpu(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct frame f = {};
	__u32 zero = 0, which;
	__u64 *t, *c, now, next;

	if (parse_frame(data, data_end, &f) != FRAME_PORT || f.proto != XDPPORT_UDP ||
	    f.port != limited_port)
		return XDP_PASS;
	t = bpf_map_lookup_elem(&tat, &zero);
	if (!t)
		return XDP_PASS;
	now = bpf_ktime_get_ns();
	next = *t > now ? *t : now;
	which = next - now > tolerance_ns;
	if (!which)
		*t = next + interval_ns;
	c = bpf_map_lookup_elem(&counts, &which);
	if (c)
		(*c)++;
	return which ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
