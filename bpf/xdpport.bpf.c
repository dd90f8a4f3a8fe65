// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdpport: pass or drop every frame by its destination port and protocol.
 *
 * The verdict is one byte of the active ruleset, precomputed by the CLI from rules
 * and policies (include/xdpport.h). Non-first fragments follow the fragments setting,
 * frames that are not TCP/UDP over IP pass, truncated headers drop as malformed.
 * Every frame is counted by reason, and TCP/UDP frames by port too.
 */
#include <linux/bpf.h>
#include "parse.h"
#include "xdpport.h"

#define READ_ONCE(x) (*(const volatile typeof(x) *)&(x))

/* Which row of xdpport_totals this copy of the program counts into: set by
 * `xdpport attach` before load, one program per interface. */
const volatile __u32 iface_slot = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpport_rules);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdpport_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPPORT_IFACE_SLOTS);
	__type(key, __u32);
	__type(value, struct xdpport_totals);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdpport_totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPPORT_NPROTO * XDPPORT_PORTS);
	__type(key, __u32);
	__type(value, struct xdpport_port_count);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdpport_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDPPORT_IFACE_SLOTS);
	__type(key, __u32);
	__type(value, struct xdpport_iface);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdpport_ifaces SEC(".maps");

/* `xdpport capture` fills the slot of each reason it captures with bpf/capture.bpf.c,
 * only while it runs; the map is this copy's own (not pinned), so when the capture
 * exits, however, the kernel empties it. An empty slot: the tail call falls through. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, XDPPORT_NREASONS);
	__type(key, __u32);
	__type(value, __u32);
} xdpport_capture SEC(".maps");

/* The tail call into the reason's slot, one call site per reason with a constant key:
 * the JIT patches each into a direct jump (a no-op while the slot is empty) instead
 * of an indirect one, which costs a retpoline. Returns only when not captured. */
static __always_inline void capture_hook(struct xdp_md *ctx, __u32 reason)
{
	switch (reason) {
	case XDPPORT_PASS_POLICY:
		bpf_tail_call_static(ctx, &xdpport_capture, XDPPORT_PASS_POLICY);
		break;
	case XDPPORT_DROP_POLICY:
		bpf_tail_call_static(ctx, &xdpport_capture, XDPPORT_DROP_POLICY);
		break;
	case XDPPORT_PASS_RULE:
		bpf_tail_call_static(ctx, &xdpport_capture, XDPPORT_PASS_RULE);
		break;
	case XDPPORT_DROP_RULE:
		bpf_tail_call_static(ctx, &xdpport_capture, XDPPORT_DROP_RULE);
		break;
	case XDPPORT_PASS_FRAGMENT:
		bpf_tail_call_static(ctx, &xdpport_capture, XDPPORT_PASS_FRAGMENT);
		break;
	case XDPPORT_DROP_FRAGMENT:
		bpf_tail_call_static(ctx, &xdpport_capture, XDPPORT_DROP_FRAGMENT);
		break;
	case XDPPORT_PASS_UNFILTERED:
		bpf_tail_call_static(ctx, &xdpport_capture, XDPPORT_PASS_UNFILTERED);
		break;
	default:
		bpf_tail_call_static(ctx, &xdpport_capture, XDPPORT_DROP_MALFORMED);
		break;
	}
}

static __always_inline void count_port(const struct frame *f, __u32 reason)
{
	__u32 key = f->proto * XDPPORT_PORTS + f->port;
	struct xdpport_port_count *pc = bpf_map_lookup_elem(&xdpport_ports, &key);

	if (!pc)
		return;
	if (reason & XDPPORT_REASON_DROP)
		pc->dropped++;
	else
		pc->passed++;
}

static __always_inline void count_reason(__u32 reason, __u64 bytes)
{
	__u32 slot = iface_slot;
	struct xdpport_totals *t = bpf_map_lookup_elem(&xdpport_totals, &slot);

	if (!t)
		return;
	t->reason[reason].packets++;
	t->reason[reason].bytes += bytes;
}

SEC("xdp.frags")
int xdpport(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	const struct xdpport_ruleset *rs;
	struct xdpport_rules *rules;
	struct frame f = {};
	__u32 zero = 0, reason;

	rules = bpf_map_lookup_elem(&xdpport_rules, &zero);
	if (!rules)	/* cannot happen: the array has its element */
		return XDP_PASS;
	/* The CLI fills a slot before publishing its number here; the address of every
	 * later read depends on this load, which orders them after it. */
	rs = &rules->slot[READ_ONCE(rules->active) & 1];

	switch (parse_frame(data, data_end, &f)) {
	case FRAME_PORT:
		reason = rs->entry[f.proto & 1][f.port & 0xffff] & 3;
		count_port(&f, reason);
		break;
	case FRAME_FRAGMENT:
		reason = XDPPORT_PASS_FRAGMENT | (rs->fragments & XDPPORT_REASON_DROP);
		break;
	case FRAME_MALFORMED:
		reason = XDPPORT_DROP_MALFORMED;
		break;
	default:
		reason = XDPPORT_PASS_UNFILTERED;
		break;
	}
	/* The first buffer's length: exact for every frame that fits one buffer (all
	 * but jumbo frames split by the driver); bpf_xdp_get_buff_len() would cost
	 * about a tenth of the program for every frame. */
	count_reason(reason, data_end - data);
	capture_hook(ctx, reason);
	return reason & XDPPORT_REASON_DROP ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
