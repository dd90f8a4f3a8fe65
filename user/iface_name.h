/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One name for an interface of the filter in every output (status, stats text, JSON
 * and Prometheus): "eth0" in this network namespace, "veth1@web" in the namespace
 * /run/netns/web, "veth1@ns4026532210" in one without a name there, and
 * "if7@ns4026532210" when not even the interface can be named (gone, or no way in).
 */
#ifndef XDPPORT_IFACE_NAME_H
#define XDPPORT_IFACE_NAME_H

#include <linux/types.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#define NETNS_NAME_MAX	64
#define IFACE_LABEL_MAX	(IF_NAMESIZE + NETNS_NAME_MAX + 24)

/* Writes the label: `name` ("" when unknown) of `ifindex` in namespace `netns`
 * (`netns_name` "" when it has none), `here` when that is this process's. */
void iface_label(char *buf, size_t len, const char *name, int ifindex, __u64 netns,
		 const char *netns_name, bool here);

/* Names interface `ifindex` of namespace `netns`, stepping into another namespace to
 * do so (which needs CAP_SYS_ADMIN); "" where it cannot. Also the namespace's
 * /run/netns name, this one's too. */
void iface_lookup(__u64 netns, int ifindex, char name[IF_NAMESIZE],
		  char netns_name[NETNS_NAME_MAX]);

#endif
