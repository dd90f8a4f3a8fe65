// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The cheapest possible XDP programs: the floor that benchmarks measure xdpport against. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int floor_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int floor_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
