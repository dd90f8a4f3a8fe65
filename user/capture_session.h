/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A capture session: copies of bpf/capture.bpf.c in the capture hook (the map
 * xdpport_capture) of every running xdpport program, one per interface and reason
 * captured, and the ring buffer they fill. This process holds the only user reference
 * to those hooks: when it exits, however it exits, the kernel empties them and the
 * filter is as it was.
 */
#ifndef XDPPORT_CAPTURE_SESSION_H
#define XDPPORT_CAPTURE_SESSION_H

#include <linux/types.h>
#include <net/if.h>

#include "capture.h"
#include "iface_name.h"
#include "xdpport.h"

struct capture;		/* the skeleton (build/capture.skel.h) */
struct ring_buffer;

struct capture_settings {
	__u32 reasons;		/* bit r: capture reason r */
	__u32 snap_len;		/* bytes copied per frame, at most CAPTURE_SNAP_MAX */
	__u32 rate;		/* frames per second per CPU; 0: no cap */
	__u32 sample;		/* 1 in N frames; 1: all */
};

struct capture_target {
	char name[IFACE_LABEL_MAX];	/* "eth0", "veth1@web"...: see iface_name.h */
	__u32 ifindex, prog_id;
	__u64 netns;
};

struct capture_session {
	struct capture_target target[XDPPORT_IFACE_SLOTS];	/* by interface slot */
	int hook_fd[XDPPORT_IFACE_SLOTS];	/* the filter's xdpport_capture; -1: none */
	struct capture *skel[XDPPORT_IFACE_SLOTS][XDPPORT_NREASONS];	/* NULL: not hooked */
	struct capture *first;			/* whose maps every copy shares */
	__u32 reasons;
	int n_targets;
	struct ring_buffer *ring;
};

/* Called for every frame the ring buffer delivers; returns nonzero to stop. */
typedef int (*capture_frame_fn)(void *ctx, const struct capture_frame *frame,
				const __u8 *data);

/*
 * Hooks into every xdpport program running now. Returns 0, or prints the error
 * (`what` names the command) and returns an exit status: EXIT_FAIL when the filter is
 * not attached anywhere, another capture runs, or the kernel refuses.
 */
int capture_start(struct capture_session *s, const struct capture_settings *settings,
		  capture_frame_fn fn, void *ctx, const char *what);

/* Waits up to `timeout_ms` for frames and hands each to the callback. Returns the
 * number handled, or a negative errno (-EINTR when a signal came). */
int capture_poll(struct capture_session *s, int timeout_ms);

/* The capture program's counters summed over CPUs. */
int capture_counts(const struct capture_session *s, struct capture_cpu *sum);

/* Detaches everything. */
void capture_stop(struct capture_session *s);

#endif
