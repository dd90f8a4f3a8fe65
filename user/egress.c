// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "egress.h"
#include "lib_error.h"
#include "links.h"
#include "xdpport.h"

/* Newer than the uapi headers of Debian 12 (Linux 6.1): values from Linux 6.6. */
#define ATTACH_TCX_EGRESS	47	/* enum bpf_attach_type BPF_TCX_EGRESS */

/* Our filter on the clsact egress hook when TCX is missing: a fixed handle and a late
 * priority, so other filters run first and ours is found again by detach. */
#define TC_HANDLE	0x5850	/* "XP" */
#define TC_PRIORITY	0xc000

static void pin_path(char *buf, size_t len, const char *kind, __u64 netns, int ifindex)
{
	snprintf(buf, len, "%s/%s-%llu-%d", XDPPORT_PIN_DIR, kind, (unsigned long long)netns,
		 ifindex);
}

const char *egress_kind_name(enum egress_kind kind)
{
	return kind == EGRESS_TCX ? "tcx" : kind == EGRESS_NETLINK ? "tc" : "none";
}

static bool netlink_wanted(void)
{
	const char *v = getenv("XDPPORT_TC_NETLINK");

	return v && !strcmp(v, "1");
}

static int attach_tcx(int prog_fd, int ifindex, const char *path)
{
	int fd = bpf_link_create(prog_fd, ifindex, ATTACH_TCX_EGRESS, NULL);

	if (fd < 0)
		return -errno;
	if (bpf_obj_pin(fd, path)) {
		int err = -errno;

		close(fd);	/* unpinned, the link goes with its last fd */
		return err;
	}
	close(fd);
	return 0;
}

/* The clsact egress hook of `ifindex`. LIBBPF_OPTS zeroes the padding libbpf checks. */
#define EGRESS_HOOK(name, ifindex) \
	LIBBPF_OPTS(bpf_tc_hook, name, .ifindex = (ifindex), .attach_point = BPF_TC_EGRESS)

static int attach_netlink(int prog_fd, int ifindex, const char *path)
{
	EGRESS_HOOK(hook, ifindex);
	LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd, .handle = TC_HANDLE,
		    .priority = TC_PRIORITY, .flags = BPF_TC_F_REPLACE);
	int err = bpf_tc_hook_create(&hook);	/* the clsact qdisc, unless it is there */

	if (err && err != -EEXIST)
		return err;
	err = bpf_tc_attach(&hook, &opts);
	if (err)
		return err;
	if (bpf_obj_pin(prog_fd, path)) {
		err = -errno;
		opts.prog_fd = opts.prog_id = opts.flags = 0;
		bpf_tc_detach(&hook, &opts);
		return err;
	}
	return 0;
}

int egress_attach(int prog_fd, int ifindex, const char *iface, struct lib_error *e)
{
	char tcx[LINK_PATH_MAX], tc[LINK_PATH_MAX];
	int err = -EOPNOTSUPP;

	pin_path(tcx, sizeof(tcx), "tclink", links_netns(), ifindex);
	pin_path(tc, sizeof(tc), "tcprog", links_netns(), ifindex);
	egress_detach(links_netns(), ifindex, e);	/* what a deleted interface left */
	if (!netlink_wanted())
		err = attach_tcx(prog_fd, ifindex, tcx);
	/* EINVAL: a kernel without TCX (before 6.6) does not know the attach type. */
	if (netlink_wanted() || err == -EINVAL || err == -EOPNOTSUPP)
		err = attach_netlink(prog_fd, ifindex, tc);
	if (err)
		return lib_fail(e, EXIT_FAIL, "cannot install the egress program on %s: %s", iface,
			     errno_reason(-err));
	return 0;
}

/* The egress program our tc filter on `ifindex` runs, or 0. */
static __u32 netlink_prog_id(int ifindex)
{
	EGRESS_HOOK(hook, ifindex);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE, .priority = TC_PRIORITY);

	return bpf_tc_query(&hook, &opts) ? 0 : opts.prog_id;
}

static __u32 pinned_prog_id(const char *path)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.id = 0;
	close(fd);
	return info.id;
}

int egress_detach(__u64 netns, int ifindex, struct lib_error *e)
{
	char tcx[LINK_PATH_MAX], tc[LINK_PATH_MAX];
	int fd, err = 0;

	pin_path(tcx, sizeof(tcx), "tclink", netns, ifindex);
	pin_path(tc, sizeof(tc), "tcprog", netns, ifindex);
	fd = bpf_obj_get(tcx);
	if (fd >= 0) {
		bpf_link_detach(fd);	/* even if another process still holds the link */
		close(fd);
	}
	if (unlink(tcx) && errno != ENOENT)
		err = lib_fail(e, EXIT_FAIL, "cannot remove %s: %s", tcx, errno_reason(errno));
	/* A tc filter can only be found in its own namespace: from another one (detach
	 * --all), only the pin goes, and the filter with the interface. */
	if (netns == links_netns() && access(tc, F_OK) == 0) {
		EGRESS_HOOK(hook, ifindex);
		LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE, .priority = TC_PRIORITY);
		__u32 id = netlink_prog_id(ifindex);

		if (id && id == pinned_prog_id(tc))
			bpf_tc_detach(&hook, &opts);
	}
	if (unlink(tc) && errno != ENOENT && !err)
		err = lib_fail(e, EXIT_FAIL, "cannot remove %s: %s", tc, errno_reason(errno));
	return err;
}

enum egress_kind egress_query(int ifindex, __u32 *prog_id)
{
	char path[LINK_PATH_MAX];
	struct bpf_link_info info;
	int fd;

	*prog_id = 0;
	pin_path(path, sizeof(path), "tclink", links_netns(), ifindex);
	fd = links_open_live(path, &info);
	if (fd >= 0) {
		close(fd);
		*prog_id = info.prog_id;
		return EGRESS_TCX;
	}
	pin_path(path, sizeof(path), "tcprog", links_netns(), ifindex);
	*prog_id = pinned_prog_id(path);
	if (*prog_id && *prog_id == netlink_prog_id(ifindex))
		return EGRESS_NETLINK;
	*prog_id = 0;
	return EGRESS_NONE;
}

int egress_prune(void)
{
	DIR *dir = opendir(XDPPORT_PIN_DIR);
	struct dirent *de;
	int removed = 0;

	while (dir && (de = readdir(dir))) {
		char path[LINK_PATH_MAX], xdp[LINK_PATH_MAX], tail;
		struct bpf_link_info info;
		unsigned long long netns;
		int ifindex, fd;

		if (sscanf(de->d_name, "tclink-%llu-%d%c", &netns, &ifindex, &tail) != 2 &&
		    sscanf(de->d_name, "tcprog-%llu-%d%c", &netns, &ifindex, &tail) != 2)
			continue;
		/* The egress program lives as long as the XDP link of its interface. */
		snprintf(xdp, sizeof(xdp), "%s/link-%llu-%d", XDPPORT_PIN_DIR, netns, ifindex);
		fd = links_open_live(xdp, &info);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", XDPPORT_PIN_DIR, de->d_name);
		if (de->d_name[2] == 'l') {	/* a TCX link still holding its interface stays */
			fd = links_open_live(path, &info);
			if (fd >= 0) {
				close(fd);
				continue;
			}
		}
		removed += unlink(path) == 0;
	}
	if (dir)
		closedir(dir);
	return removed;
}
