/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the capture program (bpf/capture.bpf.c) shares with `xdpport capture` (user/).
 * The filter's side of it, the map xdpport_capture, is in bpf/xdpport.bpf.c.
 * Like xdpport.h it includes nothing and has no padding holes (asserted below, and
 * compiled with -Wpadded by the Makefile's layout check).
 */
#ifndef XDPPORT_CAPTURE_H
#define XDPPORT_CAPTURE_H

/* Bytes of a frame the capture program copies at most: a jumbo frame's first buffer. */
#define CAPTURE_SNAP_MAX	9216
/* Ring buffer from the capture program to user space (a power of two pages). */
#define CAPTURE_RING_BYTES	(8 << 20)

/* Map "capture_frames" (ring buffer): one record per captured frame, this header
 * followed by cap_len bytes of the frame. */
struct capture_frame {
	__u64 time_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 len;		/* the whole frame, every buffer of it */
	__u32 cap_len;		/* bytes that follow: min(first buffer, snap length) */
	__u32 slot;		/* interface slot (xdpport_ifaces) of the program that ran */
	__u32 reason;		/* enum xdpport_reason the filter gave the frame */
};

/* Map "capture_cpu": per-CPU array with one element, the capture's own state. */
struct capture_cpu {
	__u64 window_start;	/* rate cap: start of the current second, in jiffies
				 * (or ns where CONFIG_HZ is unknown) */
	__u64 window_count;	/* frames captured in it */
	__u64 seen;		/* frames of the wanted reasons, for sampling */
	__u64 captured;		/* handed to the ring buffer */
	__u64 capped;		/* left out by the rate cap */
	__u64 lost;		/* the ring buffer was full */
	__u64 sampled_out;	/* left out by --sample */
	__u64 reserved;
};

_Static_assert(sizeof(struct capture_frame) == 24, "struct capture_frame has a hole");
_Static_assert(sizeof(struct capture_cpu) == 8 * 8, "struct capture_cpu has a hole");

#endif /* XDPPORT_CAPTURE_H */
