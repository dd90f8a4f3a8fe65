// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdpport: pass or drop every frame by its destination port and protocol.
 *
 * The verdict is one byte of the active ruleset, precomputed by the CLI from rules
 * and policies (include/xdpport.h). Before it, source rules: `allow/deny from` for
 * every IP frame, then a port's own source rules (bpf/sources.h). Ports with a flood
 * limit go through its token bucket (limits.h). A TCP/UDP frame that would drop
 * passes when it answers a flow the host sent out (bpf/flows.h; recorded by the
 * egress program below), whatever the rules and limits said. Non-first fragments
 * follow the fragments setting,
 * frames that are not TCP/UDP over IP pass, truncated headers drop as malformed.
 * Every frame is counted by reason, and TCP/UDP frames by port too.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include "parse.h"
#include "limits.h"
#include "flows.h"
#include "sources.h"
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
	case XDPPORT_DROP_MALFORMED:
		bpf_tail_call_static(ctx, &xdpport_capture, XDPPORT_DROP_MALFORMED);
		break;
	case XDPPORT_PASS_REPLY:
		bpf_tail_call_static(ctx, &xdpport_capture, XDPPORT_PASS_REPLY);
		break;
	case XDPPORT_DROP_LIMIT:
		bpf_tail_call_static(ctx, &xdpport_capture, XDPPORT_DROP_LIMIT);
		break;
	case XDPPORT_PASS_SOURCE:
		bpf_tail_call_static(ctx, &xdpport_capture, XDPPORT_PASS_SOURCE);
		break;
	case XDPPORT_DROP_SOURCE:
		bpf_tail_call_static(ctx, &xdpport_capture, XDPPORT_DROP_SOURCE);
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

/* The stages a port's byte alone does not decide: `allow/deny from`, the port's
 * source rules, then its flood limit for what passes (`allow from` hosts are not
 * limited). */
static __always_inline __u32 port_stages(const struct xdpport_ruleset *rs,
					 const struct frame *f, void *data_end, __u8 entry,
					 __u32 slot)
{
	__u32 reason = source_global(rs, f, data_end);

	if (reason != SOURCE_UNDECIDED)
		return reason;
	reason = source_port(rs, f, data_end, entry);
	if ((entry & XDPPORT_ENTRY_LIMIT) && !(reason & XDPPORT_REASON_DROP))
		reason = limit_frame(f, data_end, slot, reason);
	return reason;
}

SEC("xdp.frags")
int xdpport(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	const struct xdpport_ruleset *rs;
	struct xdpport_rules *rules;
	struct frame f = {};
	__u32 zero = 0, slot, reason;
	__u8 entry;

	rules = bpf_map_lookup_elem(&xdpport_rules, &zero);
	if (!rules)	/* cannot happen: the array has its element */
		return XDP_PASS;
	/* The CLI fills a slot before publishing its number here; the address of every
	 * later read depends on this load, which orders them after it. */
	slot = READ_ONCE(rules->active) & 1;
	rs = &rules->slot[slot];

	switch (parse_frame(data, data_end, &f)) {
	case FRAME_PORT:
		entry = rs->entry[f.proto & 1][f.port & 0xffff];
		/* One test of the byte: `allow/deny from`, or a limit or source rules here. */
		if (entry & XDPPORT_ENTRY_STAGES)
			reason = port_stages(rs, &f, data_end, entry, slot);
		else
			reason = entry & XDPPORT_ENTRY_REASON;
		if ((reason & XDPPORT_REASON_DROP) && rs->replies &&
		    flow_is_reply(&f, data_end, rs))
			reason = XDPPORT_PASS_REPLY;
		count_port(&f, reason);
		break;
	case FRAME_FRAGMENT:
		reason = XDPPORT_PASS_FRAGMENT | (rs->fragments & XDPPORT_REASON_DROP);
		break;
	case FRAME_MALFORMED:
		reason = XDPPORT_DROP_MALFORMED;
		break;
	default:	/* ICMP and the like: `deny from` drops them too */
		reason = source_global(rs, &f, data_end);
		if (reason == SOURCE_UNDECIDED)
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

/* Egress, on every attached interface: records the host's outbound flows. It never
 * drops or changes a packet and lets the next TC program run (TC_ACT_UNSPEC is also
 * TCX_NEXT). A VLAN tag the stack offloaded is in skb metadata, not in the frame:
 * the parser sees an untagged frame then, a tagged one otherwise. */
SEC("tc")
int xdpport_egress(struct __sk_buff *skb)
{
	const struct xdpport_ruleset *rs;
	struct xdpport_rules *rules;
	struct frame f = {};
	__u32 zero = 0;

	rules = bpf_map_lookup_elem(&xdpport_rules, &zero);
	if (!rules)
		return TC_ACT_UNSPEC;
	rs = &rules->slot[READ_ONCE(rules->active) & 1];
	if (!rs->replies)
		return TC_ACT_UNSPEC;
	/* Headers the stack left outside the linear part are pulled in (no byte changes). */
	if (skb->data_end - skb->data < FLOW_HEADERS_MAX && skb->len > skb->data_end - skb->data)
		bpf_skb_pull_data(skb, skb->len < FLOW_HEADERS_MAX ? skb->len : FLOW_HEADERS_MAX);
	if (parse_frame((void *)(long)skb->data, (void *)(long)skb->data_end, &f) == FRAME_PORT)
		flow_record(&f, (void *)(long)skb->data_end, rs);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
