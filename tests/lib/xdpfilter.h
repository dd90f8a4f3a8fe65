/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Loads xdp-filter's BPF programs from Debian's xdp-tools (libxdp1 ships them as
 * xdpfilt_{alw,dny}_{all,ip,tcp,udp,eth}.o) with plain libbpf, privately (no pins),
 * so benchmarks can run them beside xdpport. Only used for comparison: xdpport never
 * depends on xdp-tools.
 *
 * The port map is configured as `xdp-filter port` does (xdp-tools, xdp-filter.c and
 * common_kern_user.h): map "filter_ports", a per-CPU array of __u64 keyed by the port
 * in network byte order, whose low bits on every CPU are the rule's flags
 * (dst 2, tcp 4, udp 8) and whose upper bits count hits (<< 6).
 */
#ifndef TEST_XDPFILTER_H
#define TEST_XDPFILTER_H

#include <stdbool.h>
#include <stdint.h>

#define XDPFILTER_FLAG_DST	(1 << 1)
#define XDPFILTER_FLAG_TCP	(1 << 2)
#define XDPFILTER_FLAG_UDP	(1 << 3)

struct bpf_object;

struct xdpfilter {
	struct bpf_object *obj;
	int prog_fd, ports_fd;
	char path[512];
};

/* Directories searched for the objects when `dir` is NULL. */
#define XDPFILTER_SEARCH_PATH \
	"/usr/lib/x86_64-linux-gnu/bpf:/usr/lib/aarch64-linux-gnu/bpf:/usr/lib/bpf:" \
	"/usr/local/lib/bpf:/usr/share/xdp-tools"

/* Loads `name` (e.g. "xdpfilt_alw_all": policy allow, every feature) from `dir` or
 * the search path. Returns 0, -ENOENT when no such object is installed, or -errno. */
int xdpfilter_load(struct xdpfilter *f, const char *dir, const char *name);
void xdpfilter_close(struct xdpfilter *f);

/* Sets the flags of `port` (host order) on every CPU; 0 removes the rule. */
int xdpfilter_set_port(struct xdpfilter *f, uint16_t port, uint8_t flags);

#endif
