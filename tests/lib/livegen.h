/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Live-frames traffic generator for tests and benchmarks.
 *
 * Runs tests/bpf/trafficgen with BPF_PROG_TEST_RUN and BPF_F_TEST_XDP_LIVE_FRAMES: the
 * kernel builds `count` frames from a template and the program returns XDP_TX for
 * each, which transmits it out of the device named by `ifindex` (ingress_ifindex of
 * the test run). On a veth end, every frame arrives at the peer end, whose XDP
 * program sees it exactly as it would a frame from the wire.
 *
 * Requirements (Linux >= 5.18):
 *  - the sending threads are in the network namespace of `ifindex`: call
 *    livegen_send() from a thread that has setns()'d there (threads it starts
 *    inherit that namespace);
 *  - both veth ends are up, and the peer has an XDP program attached (veth only
 *    receives XDP_TX'd frames when its peer runs XDP; the floor program will do);
 *  - the frame fits in a page with the XDP headroom (at most ~3.5 KiB).
 *
 * Exactness: each sending thread is pinned to one CPU. The kernel sends in batches
 * of `batch_size` frames and, at the end of each batch, the receiving veth queue is
 * polled on that same CPU, so with batch_size <= 64 (veth's NAPI budget) and one
 * thread per receive queue no frame is lost to a full ring. livegen_result.accepted
 * reports what the driver actually took, so a caller can check rather than assume.
 */
#ifndef TEST_LIVEGEN_H
#define TEST_LIVEGEN_H

#include <stddef.h>
#include <stdint.h>

#define LIVEGEN_MAX_THREADS	64
#define LIVEGEN_DEFAULT_BATCH	64

struct livegen;

struct livegen_opts {
	/* Port spreading. With port_span > 1, the frames each thread sends get the
	 * destination ports port_base, port_base + 1, ..., port_base + port_span - 1,
	 * round robin from port_base, written as 16 bits in network order at byte
	 * port_offset of the frame (tests/lib/packet's l4_off + 2). port_base +
	 * port_span must not exceed 65536. port_span 0 or 1: the frame is sent as is. */
	uint32_t port_offset;
	uint16_t port_base;
	uint32_t port_span;
	/* A random IPv4 source address per frame: where the template's IPv4 header
	 * starts (tests/lib/packet's l3_off); 0: the template's own source. */
	uint32_t ipv4_offset;
	uint32_t batch_size;	/* frames per kernel batch, 1..256; 0: LIVEGEN_DEFAULT_BATCH */
	/* Sending threads: nthreads threads (0 means 1), thread i pinned to cpus[i], or
	 * to CPU i when cpus is NULL. `count` is split between them as evenly as
	 * possible (the first count % nthreads threads send one more). */
	int nthreads;
	const int *cpus;
};

struct livegen_result {
	uint64_t sent;		/* frames the generator ran on: `count` unless it failed */
	uint64_t ns;		/* wall time from the first thread's start to the last's end */
	/* CPU time of the sending threads, summed and the largest. The peer's receive
	 * work runs in the sender's softirq on the same CPU and, without
	 * CONFIG_IRQ_TIME_ACCOUNTING, is charged to the sending thread; time other
	 * tasks had the CPU is not. So on a shared machine count / cpu_max_ns is what
	 * count / ns would be if the CPUs were ours alone (minus any receive work that
	 * was deferred to ksoftirqd). */
	uint64_t cpu_ns, cpu_max_ns;
	/* Frames the sending device handed to its peer during the call, from veth's
	 * tx_queue_*_xdp_xmit counters; -1 when the device has no such counters. A
	 * shortfall against `sent` means frames were lost (peer ring full, peer down,
	 * no XDP program on the peer). */
	int64_t accepted;
};

/* Loads the generator program. Returns NULL with errno set on failure (EPERM: not
 * root; other values: kernel without BPF/BTF support for it). */
struct livegen *livegen_open(void);
void livegen_close(struct livegen *gen);

/*
 * Sends `count` copies of the `len`-byte template `frame` out of `ifindex`, spread
 * over ports and threads as `opts` says (NULL: defaults). Blocks until all are sent.
 * Returns the number of frames sent, or -errno: -EINVAL for bad arguments (or a
 * kernel without live frames: see livegen_supported()), -ENODEV when ifindex is not
 * in the calling thread's namespace, -EINTR when a signal interrupted it. `result`
 * (optional) gets timing and the driver's count.
 */
int64_t livegen_send(struct livegen *gen, int ifindex, const void *frame, size_t len,
		     uint64_t count, const struct livegen_opts *opts,
		     struct livegen_result *result);

/* Whether this kernel has BPF_F_TEST_XDP_LIVE_FRAMES; if not, says why in `why`. */
int livegen_supported(struct livegen *gen, char *why, size_t why_len);

#endif
