/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The XDP program on an interface: which one runs there, putting ours on through a
 * bpf_link, and taking another tool's off for attach --replace. */
#ifndef XDPPORT_XDP_LINK_H
#define XDPPORT_XDP_LINK_H

#include <linux/bpf.h>
#include <linux/types.h>
#include <stdbool.h>
#include <bpf/libbpf.h>

/* "generic" for XDP_ATTACHED_SKB, else "native". */
const char *xdp_mode_name(__u32 attach_mode);

/* The XDP program on the interface, if any: its id and how it is attached. */
bool xdp_query(int ifindex, struct bpf_xdp_query_opts *q, __u32 *id);

/* Takes another tool's XDP program off the interface (for --replace). Returns 0, or
 * prints the error (`what` names the command) and returns EXIT_FAIL. */
int xdp_remove_foreign(int ifindex, const char *iface, const char *what);

/* Creates the XDP link in `mode` (auto, native, generic); auto tries native, then
 * generic with a warning. Returns its fd, or prints the error and returns -1. */
int xdp_link_create(int prog_fd, int ifindex, const char *iface, const char *mode,
		    const char *what);

/* The name of program `id` ("" when it cannot be read), for saying what --replace
 * replaced. */
void xdp_program_name(__u32 id, char name[BPF_OBJ_NAME_LEN]);

#endif
