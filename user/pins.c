// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The filter's pins in XDPPORT_PIN_DIR: bpffs mounted under them, the maps pinned
 * (loading the program pins what is missing, at the sizes chosen for the tables the
 * user sizes), and every pin removed again (flush).
 */
#include <dirent.h>
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib_error.h"
#include "filter.h"
#include "libbpf_log.h"
#include "links.h"
#include "maps.h"
#include "xdpport.skel.h"

#define BPFFS "/sys/fs/bpf"

static __u32 sources_size = XDPPORT_SOURCES_DEFAULT;

void filter_set_sources_size(__u32 entries)
{
	sources_size = entries ? entries : XDPPORT_SOURCES_DEFAULT;
}

/* False only when this process is known to share init's mount namespace; a mount
 * made in any other lives only as long as that namespace. */
static bool maybe_private_mount_ns(void)
{
	struct stat self, init;

	return stat("/proc/self/ns/mnt", &self) || stat("/proc/1/ns/mnt", &init) ||
	       self.st_ino != init.st_ino;
}

int pins_mount_bpffs(struct lib_error *e)
{
	struct statfs st;

	if (statfs(BPFFS, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", BPFFS, "bpf", 0, NULL) == 0) {
		/* `ip netns exec` remounts /sys in a mount namespace of its own: a filter
		 * pinned there would vanish with the command. */
		if (maybe_private_mount_ns())
			lib_warn(e, "bpffs was not mounted; mounted it on %s (if this runs under "
				 "'ip netns exec', which hides the host's, the filter vanishes with "
				 "the command: use 'nsenter --net=/run/netns/NAME xdpport ...')",
				 BPFFS);
		else
			lib_warn(e, "bpffs was not mounted; mounted it on %s", BPFFS);
		return 0;
	}
	return lib_fail(e, EXIT_FAIL, "bpffs is not mounted on %s and mounting it failed: %s",
		     BPFFS, errno_reason(errno));
}

/* The max_entries of the pin of `m`, or 0 when there is none. */
static __u32 pinned_entries(enum pinned_map m)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd = map_pin_open(m);

	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.max_entries = 0;
	close(fd);
	return info.max_entries;
}

__u32 filter_flow_table_size(void)
{
	__u32 entries = pinned_entries(MAP_FLOWS);

	return entries ? entries : XDPPORT_FLOWS_DEFAULT;
}

struct xdpport *filter_load_program(__u32 iface_slot, struct lib_error *e)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = XDPPORT_PIN_DIR);
	struct xdpport *skel;
	__u32 entries;
	int err;

	libbpf_log_quiet();	/* our own one-line errors instead of libbpf's log */
	skel = xdpport__open_opts(&opts);
	if (!skel) {
		lib_fail(e, EXIT_FAIL, "cannot open the BPF program: %s", errno_reason(errno));
		return NULL;
	}
	skel->rodata->iface_slot = iface_slot;
	/* libbpf reuses a pin only if its size matches: take the pinned table's. */
	entries = pinned_entries(MAP_SOURCES);
	bpf_map__set_max_entries(skel->maps.xdpport_sources, entries ? entries : sources_size);
	/* libbpf reuses a pin only if it has the same shape: the flow table's size too. */
	bpf_map__set_max_entries(skel->maps.xdpport_flows, filter_flow_table_size());
	err = xdpport__load(skel);
	if (err) {
		lib_fail(e, EXIT_FAIL, "cannot load the BPF program: %s", errno_reason(err));
		xdpport__destroy(skel);
		return NULL;
	}
	return skel;
}

int filter_purge_locked(struct filter *f, struct lib_error *e)
{
	struct dirent *de;
	DIR *dir;
	int err = 0;

	links_prune();
	if (links_count() > 0) {
		filter_close(f);
		return FILTER_IN_USE;
	}
	dir = fdopendir(dup(f->dir_fd));
	while (dir && (de = readdir(dir)))
		if (de->d_name[0] != '.' && unlinkat(f->dir_fd, de->d_name, 0) && !err)
			err = lib_fail(e, EXIT_FAIL, "cannot remove %s/%s: %s", XDPPORT_PIN_DIR,
				    de->d_name, errno_reason(errno));
	if (dir)
		closedir(dir);
	if (!err && rmdir(XDPPORT_PIN_DIR))
		err = lib_fail(e, EXIT_FAIL, "cannot remove %s: %s", XDPPORT_PIN_DIR,
			    errno_reason(errno));
	filter_close(f);
	return err;
}

int filter_purge(struct lib_error *e)
{
	struct filter f;
	int err = filter_open(&f, FILTER_LOCK | FILTER_DIR_ONLY, e);

	if (err == NOT_SET_UP)
		return 0;
	if (err)
		return err;
	return filter_purge_locked(&f, e);
}
