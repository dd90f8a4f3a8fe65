// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdpport: pass or drop every frame by its destination port and protocol.
 *
 * The verdict is one byte of the active ruleset, precomputed by the CLI from rules
 * and policies (include/xdpport.h). Before it, source rules: `allow/deny from`
 * for every IP frame, then a port's own source rules (bpf/sources.h). Non-first fragments follow the fragments setting,
 * frames that are not TCP/UDP over IP pass, truncated headers drop as malformed.
 * Every frame is counted by reason, and TCP/UDP frames by port too.
 */
#include <linux/bpf.h>
#include "parse.h"
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
	__u8 entry;

	rules = bpf_map_lookup_elem(&xdpport_rules, &zero);
	if (!rules)	/* cannot happen: the array has its element */
		return XDP_PASS;
	/* The CLI fills a slot before publishing its number here; the address of every
	 * later read depends on this load, which orders them after it. */
	rs = &rules->slot[READ_ONCE(rules->active) & 1];

	switch (parse_frame(data, data_end, &f)) {
	case FRAME_PORT:
		entry = rs->entry[f.proto & 1][f.port & 0xffff];
		reason = source_global(rs, &f, data_end);
		if (reason == SOURCE_UNDECIDED)
			reason = source_port(rs, &f, data_end, entry);
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
	return reason & XDPPORT_REASON_DROP ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
