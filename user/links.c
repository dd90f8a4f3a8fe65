// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "links.h"
#include "xdpport.h"

__u64 links_netns(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : st.st_ino;
}

void links_path(char *buf, size_t len, int ifindex)
{
	snprintf(buf, len, "%s/link-%llu-%d", XDPPORT_PIN_DIR, (unsigned long long)links_netns(),
		 ifindex);
}

int links_list(struct link_pin *out, int max)
{
	DIR *dir = opendir(XDPPORT_PIN_DIR);
	struct dirent *de;
	int n = 0;

	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		unsigned long long netns;
		int ifindex;
		char tail;

		if (sscanf(de->d_name, "link-%llu-%d%c", &netns, &ifindex, &tail) != 2)
			continue;
		if (n < max) {
			snprintf(out[n].path, sizeof(out[n].path), "%s/%s", XDPPORT_PIN_DIR,
				 de->d_name);
			out[n].netns = netns;
			out[n].ifindex = ifindex;
		}
		n++;
	}
	closedir(dir);
	return n;
}

int links_count(void)
{
	return links_list(NULL, 0);
}

int links_open_live(const char *path, struct bpf_link_info *info)
{
	__u32 len = sizeof(*info);
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return -1;
	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len) == 0 && info->xdp.ifindex)
		return fd;
	close(fd);
	return -1;
}

/* Calls `fn` for every pinned link; returns how many it returned true for. */
static int count_pins(int (*fn)(const struct link_pin *pin))
{
	struct link_pin pins[XDPPORT_IFACE_SLOTS * 2];
	int n = links_list(pins, XDPPORT_IFACE_SLOTS * 2), hits = 0;

	for (int i = 0; i < n && i < XDPPORT_IFACE_SLOTS * 2; i++)
		hits += fn(&pins[i]);
	return hits;
}

static int is_live(const struct link_pin *pin)
{
	struct bpf_link_info info;
	int fd = links_open_live(pin->path, &info);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int remove_if_defunct(const struct link_pin *pin)
{
	int fd = bpf_obj_get(pin->path);

	if (fd < 0 || is_live(pin)) {	/* unreadable (not ours to judge) or in use */
		if (fd >= 0)
			close(fd);
		return 0;
	}
	close(fd);
	return unlink(pin->path) == 0;
}

int links_live_count(void)
{
	return count_pins(is_live);
}

int links_prune(void)
{
	return count_pins(remove_if_defunct);
}
