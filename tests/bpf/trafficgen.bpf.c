// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Traffic generator for tests and benchmarks. Run by BPF_PROG_TEST_RUN with
 * BPF_F_TEST_XDP_LIVE_FRAMES on one end of a veth pair: every frame it returns
 * XDP_TX for leaves that end and arrives at the peer, where xdpport filters it.
 * Optionally spreads frames round-robin over port_span destination ports, and gives
 * each frame a random IPv4 source address.
 */
#include <linux/bpf.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Offset of the destination port in the template frame, the first port of the
 * spread and how many ports it covers (1: send the template as it is). */
const volatile __u32 port_offset = 0;
const volatile __u16 port_base = 0;
const volatile __u32 port_span = 1;
/* Where the template's IPv4 header starts, for a random source per frame (with the
 * header checksum recomputed, so the receiving stack takes it); 0: keep the source. */
const volatile __u32 ipv4_offset = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} frames SEC(".maps");	/* per CPU, so generators on two cores never share a line */

static __always_inline int random_source(struct iphdr *ip, void *data_end)
{
	__u16 *word = (__u16 *)ip;
	__u32 sum = 0;

	if ((void *)(ip + 1) > data_end)
		return -1;
	ip->saddr = bpf_get_prandom_u32();
	ip->check = 0;
#pragma unroll
	for (int i = 0; i < (int)sizeof(*ip) / 2; i++)
		sum += word[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ip->check = ~sum;
	return 0;
}

SEC("xdp")
int trafficgen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__be16 *port = data + (port_offset & 0x3ff);
	__u32 zero = 0;
	__u64 *n;

	if (ipv4_offset && random_source(data + (ipv4_offset & 0x3ff), data_end))
		return XDP_DROP;
	if (port_span <= 1)
		return XDP_TX;
	n = bpf_map_lookup_elem(&frames, &zero);
	if (!n || (void *)(port + 1) > data_end)
		return XDP_DROP;
	/* Pages are recycled with whatever we wrote last, so set the port outright. */
	*port = bpf_htons(port_base + (*n)++ % port_span);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
