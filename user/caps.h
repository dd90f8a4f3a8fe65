/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Whether this process holds the capabilities the filter needs, asked up front so a
 * user without them gets one plain error instead of a failure halfway through. */
#ifndef XDPPORT_CAPS_H
#define XDPPORT_CAPS_H

#include <stdbool.h>

/* True when `cap` (CAP_BPF, CAP_NET_ADMIN, ...) is in the effective set. */
bool caps_have(int cap);

/* BPF maps and programs: CAP_BPF, or CAP_SYS_ADMIN on kernels and setups that only
 * know that one. */
bool caps_have_bpf(void);

/* The capabilities a command lacks, in words for its error ("CAP_NET_ADMIN"): those
 * of every command, plus CAP_NET_ADMIN when `net_admin` (attach, detach). NULL when
 * it has them all. */
const char *caps_missing(bool net_admin);

#endif
