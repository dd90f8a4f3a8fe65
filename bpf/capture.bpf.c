// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * capture: the frames the filter decided on, for `xdpport capture`.
 *
 * The filter ends every frame with a tail call into its own map xdpport_capture,
 * indexed by the frame's reason; the slots are empty unless a capture runs, and the
 * call then falls through. `xdpport capture` loads one copy of this program per
 * interface and reason it captures (both read-only data below) and puts it into that
 * interface's slot for the reason. So this program knows the reason and the interface
 * without the filter doing anything for it, and it returns the very verdict the filter
 * was about to return. The capture holds the only user reference to those maps: the
 * kernel empties them when it exits, however it exits.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdpport.h"
#include "capture.h"

/* Set by `xdpport capture` before load. */
const volatile __u32 iface_slot = 0;	/* the interface slot of the filter it hooks */
const volatile __u32 reason = 0;	/* the reason of the slot it sits in */
const volatile __u32 snap_len = CAPTURE_SNAP_MAX;
const volatile __u32 rate = 0;		/* frames per second per CPU; 0: no cap */
const volatile __u32 sample = 1;	/* capture 1 in `sample` frames */

/* Shared by every copy: the first one loaded creates them, the others reuse them. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, CAPTURE_RING_BYTES);
} capture_frames SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct capture_cpu);
} capture_cpu SEC(".maps");

/* Room for CAPTURE_SNAP_MAX bytes, rounded up to a power of two for a mask. */
#define RECORD_ROOM	16384
_Static_assert(RECORD_ROOM >= CAPTURE_SNAP_MAX, "a record holds a whole snap");

struct record {
	struct capture_frame frame;
	__u8 data[RECORD_ROOM];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct record);
} capture_scratch SEC(".maps");	/* a record is built here, then copied to the ring */

/* The kernel's tick rate, for a clock that costs a load: bpf_jiffies64(). Unknown (0)
 * when libbpf finds no kernel config; then the nanosecond clock, a little dearer. */
extern unsigned long CONFIG_HZ __kconfig __weak;

/* The per-CPU rate cap: at most `rate` frames in each second. Every frame of a flood
 * comes here, so the second is measured in jiffies where that is possible. */
static __always_inline int under_rate_cap(struct capture_cpu *c)
{
	__u64 now = CONFIG_HZ ? bpf_jiffies64() : bpf_ktime_get_ns();
	__u64 second = CONFIG_HZ ? CONFIG_HZ : 1000000000ULL;

	if (!rate)
		return 1;
	if (now - c->window_start >= second) {
		c->window_start = now;
		c->window_count = 0;
	}
	if (c->window_count >= rate)
		return 0;
	c->window_count++;
	return 1;
}

static __always_inline void capture(struct xdp_md *ctx)
{
	__u32 zero = 0, len, cap;
	struct capture_cpu *c = bpf_map_lookup_elem(&capture_cpu, &zero);
	struct record *rec = bpf_map_lookup_elem(&capture_scratch, &zero);

	if (!c || !rec)
		return;
	if (sample > 1 && c->seen++ % sample) {
		c->sampled_out++;
		return;
	}
	if (!under_rate_cap(c)) {
		c->capped++;
		return;
	}
	len = bpf_xdp_get_buff_len(ctx);
	cap = len < snap_len ? len : snap_len;
	if (cap > CAPTURE_SNAP_MAX)
		cap = CAPTURE_SNAP_MAX;
	if (!cap)
		return;		/* an empty frame: cannot happen */
	cap = ((cap - 1) & (RECORD_ROOM - 1)) + 1;	/* the same, in bounds the verifier sees */
	rec->frame.time_ns = bpf_ktime_get_ns();
	rec->frame.len = len;
	rec->frame.cap_len = cap;
	rec->frame.slot = iface_slot;
	rec->frame.reason = reason;
	if (bpf_xdp_load_bytes(ctx, 0, rec->data, cap) ||
	    bpf_ringbuf_output(&capture_frames, rec, sizeof(rec->frame) + cap, 0))
		c->lost++;
	else
		c->captured++;
}

SEC("xdp.frags")
int capture_hook(struct xdp_md *ctx)
{
	capture(ctx);
	return reason & XDPPORT_REASON_DROP ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
