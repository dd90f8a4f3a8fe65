// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "filter.h"
#include "iface_slots.h"
#include "links.h"
#include "xdpport.h"

void iface_slots_forget_dead(int ifaces_fd)
{
	for (__u32 slot = 0; ifaces_fd >= 0 && slot < XDPPORT_IFACE_SLOTS; slot++) {
		struct xdpport_iface row;
		struct bpf_link_info info;
		char path[LINK_PATH_MAX];
		int fd;

		if (bpf_map_lookup_elem(ifaces_fd, &slot, &row) || !row.ifindex)
			continue;
		snprintf(path, sizeof(path), "%s/link-%llu-%u", XDPPORT_PIN_DIR,
			 (unsigned long long)row.netns, row.ifindex);
		fd = links_open_live(path, &info);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		row = (struct xdpport_iface){};
		bpf_map_update_elem(ifaces_fd, &slot, &row, BPF_ANY);
	}
}

int iface_slots_free(const struct filter *f)
{
	iface_slots_forget_dead(f->fd[MAP_IFACES]);
	for (__u32 slot = 0; slot < XDPPORT_IFACE_SLOTS; slot++) {
		struct xdpport_iface row;

		if (bpf_map_lookup_elem(f->fd[MAP_IFACES], &slot, &row) || !row.ifindex)
			return slot;
	}
	return -1;
}

int iface_slots_reset_counters(const struct filter *f, __u32 slot)
{
	int ncpus = libbpf_num_possible_cpus();
	struct xdpport_totals zero[ncpus > 0 ? ncpus : 1];

	memset(zero, 0, sizeof(zero));
	return bpf_map_update_elem(f->fd[MAP_TOTALS], &slot, zero, BPF_ANY);
}
