/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The filter's interface table (xdpport_ifaces): a slot per attached interface, which
 * also numbers its counters. */
#ifndef XDPPORT_IFACE_SLOTS_H
#define XDPPORT_IFACE_SLOTS_H

#include <linux/types.h>

struct filter;

/* Clears the rows of interfaces whose link is gone (deleted interfaces, detached
 * links), so that they are free again and `stats` stops listing them. */
void iface_slots_forget_dead(int ifaces_fd);

/* A free slot, after forgetting the dead rows; -1 when every slot is taken. */
int iface_slots_free(const struct filter *f);

/* Zeroes the counters of `slot`, on every CPU, for a new interface. */
int iface_slots_reset_counters(const struct filter *f, __u32 slot);

#endif
