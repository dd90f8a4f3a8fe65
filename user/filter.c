// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/membarrier.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "caps.h"
#include "errors.h"
#include "filter.h"
#include "links.h"
#include "xdpport.skel.h"

#define BPFFS "/sys/fs/bpf"

struct map_want {
	const char *name;
	__u32 type, value_size, max_entries, flags;
};

/* What the maps must look like: pins from a build with another layout are refused. */
static const struct map_want maps_wanted[] = {
	{ "xdpport_rules", BPF_MAP_TYPE_ARRAY, sizeof(struct xdpport_rules), 1, BPF_F_MMAPABLE },
	{ "xdpport_totals", BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(struct xdpport_totals),
	  XDPPORT_IFACE_SLOTS, 0 },
	{ "xdpport_ports", BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(struct xdpport_port_count),
	  XDPPORT_NPROTO * XDPPORT_PORTS, 0 },
	{ "xdpport_ifaces", BPF_MAP_TYPE_ARRAY, sizeof(struct xdpport_iface),
	  XDPPORT_IFACE_SLOTS, 0 },
};

/* False only when this process is known to share init's mount namespace; a mount
 * made in any other lives only as long as that namespace. */
static bool maybe_private_mount_ns(void)
{
	struct stat self, init;

	return stat("/proc/self/ns/mnt", &self) || stat("/proc/1/ns/mnt", &init) ||
	       self.st_ino != init.st_ino;
}

static int ensure_bpffs(const char *what)
{
	struct statfs st;

	if (statfs(BPFFS, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", BPFFS, "bpf", 0, NULL) == 0) {
		/* `ip netns exec` remounts /sys in a mount namespace of its own: a filter
		 * pinned there would vanish with the command. */
		if (maybe_private_mount_ns())
			warn("bpffs was not mounted; mounted it on %s (if this runs under 'ip "
			     "netns exec', which hides the host's, the filter vanishes with the "
			     "command: use 'nsenter --net=/run/netns/NAME xdpport ...')",
			     BPFFS);
		else
			warn("bpffs was not mounted; mounted it on %s", BPFFS);
		return 0;
	}
	return fail(EXIT_FAIL, what, "bpffs is not mounted on %s and mounting it failed: %s",
		    BPFFS, errno_reason(errno));
}

static bool same_file(int fd, const char *path)
{
	struct stat held, now;

	return !fstat(fd, &held) && !stat(path, &now) && held.st_dev == now.st_dev &&
	       held.st_ino == now.st_ino;
}

/*
 * Opens the pin directory into *fd, locked with `lock`; returns 0, NOT_SET_UP, or
 * EXIT_FAIL (printed). `flush` removes the directory while others may wait for its
 * lock: whoever gets the lock of a removed directory starts over with the new one.
 */
static int open_pin_dir(bool create, bool lock, int *fd, const char *what)
{
	for (int tries = 0; tries < 100; tries++) {
		if (create && mkdir(XDPPORT_PIN_DIR, 0700) && errno != EEXIST)
			return fail(EXIT_FAIL, what, "cannot create %s: %s", XDPPORT_PIN_DIR,
				    errno_reason(errno));
		*fd = open(XDPPORT_PIN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (*fd < 0 && errno == ENOENT)
			return NOT_SET_UP;
		if (*fd < 0)
			return fail(EXIT_FAIL, what, "cannot open %s: %s", XDPPORT_PIN_DIR,
				    errno_reason(errno));
		if (!lock)
			return 0;
		if (flock(*fd, LOCK_EX))
			return fail(EXIT_FAIL, what, "cannot lock %s: %s", XDPPORT_PIN_DIR,
				    errno_reason(errno));
		if (same_file(*fd, XDPPORT_PIN_DIR))
			return 0;
		close(*fd);
		*fd = -1;
	}
	return fail(EXIT_FAIL, what, "cannot lock %s: it keeps being removed", XDPPORT_PIN_DIR);
}

struct xdpport *filter_load_program(__u32 iface_slot, const char *what)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = XDPPORT_PIN_DIR);
	struct xdpport *skel;
	int err;

	libbpf_set_print(NULL);	/* our own one-line errors instead of libbpf's log */
	skel = xdpport__open_opts(&opts);
	if (!skel) {
		fail(EXIT_FAIL, what, "cannot open the BPF program: %s", errno_reason(errno));
		return NULL;
	}
	skel->rodata->iface_slot = iface_slot;
	err = xdpport__load(skel);
	if (err) {
		fail(EXIT_FAIL, what, "cannot load the BPF program: %s", errno_reason(err));
		xdpport__destroy(skel);
		return NULL;
	}
	return skel;
}

static bool map_has_shape(int fd, const struct map_want *want)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return !bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == want->type &&
	       info.key_size == sizeof(__u32) && info.value_size == want->value_size &&
	       info.max_entries == want->max_entries && info.map_flags == want->flags;
}

static int check_map(int fd, const struct map_want *want, const char *what)
{
	if (!map_has_shape(fd, want))
		return fail(EXIT_FAIL, what,
			    "%s/%s was pinned by an incompatible xdpport build; run "
			    "'xdpport detach --all' and 'xdpport flush' to start over",
			    XDPPORT_PIN_DIR, want->name);
	return 0;
}

int filter_map_fd(const char *name)
{
	for (size_t i = 0; i < sizeof(maps_wanted) / sizeof(maps_wanted[0]); i++) {
		char path[128];
		int fd;

		if (strcmp(maps_wanted[i].name, name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", XDPPORT_PIN_DIR, name);
		fd = bpf_obj_get(path);
		if (fd >= 0 && !map_has_shape(fd, &maps_wanted[i])) {
			close(fd);
			fd = -1;
		}
		return fd;
	}
	return -1;
}

/* Opens the four maps; returns 0, NOT_SET_UP, or EXIT_FAIL (printed). */
static int open_maps(struct filter *f, const char *what)
{
	int *fds[] = { &f->rules_fd, &f->totals_fd, &f->ports_fd, &f->ifaces_fd };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		char path[128];

		snprintf(path, sizeof(path), "%s/%s", XDPPORT_PIN_DIR, maps_wanted[i].name);
		*fds[i] = bpf_obj_get(path);
		if (*fds[i] < 0 && errno == ENOENT)
			return NOT_SET_UP;
		if (*fds[i] < 0)
			return fail(EXIT_FAIL, what, "cannot open %s: %s", path, errno_reason(errno));
		if (check_map(*fds[i], &maps_wanted[i], what))
			return EXIT_FAIL;
	}
	return 0;
}

static int map_rules(struct filter *f, const char *what)
{
	f->rules = mmap(NULL, sizeof(*f->rules), PROT_READ | PROT_WRITE, MAP_SHARED, f->rules_fd,
			0);
	if (f->rules == MAP_FAILED) {
		f->rules = NULL;
		return fail(EXIT_FAIL, what, "cannot map the rules: %s", errno_reason(errno));
	}
	/* New maps are zero: a valid pass-everything ruleset. Claim them for this layout. */
	if (f->rules->layout == 0)
		__atomic_store_n(&f->rules->layout, XDPPORT_LAYOUT, __ATOMIC_RELAXED);
	if (f->rules->layout != XDPPORT_LAYOUT)
		return fail(EXIT_FAIL, what,
			    "%s holds rules of layout %u, this build reads layout %u; run "
			    "'xdpport detach --all' and 'xdpport flush' to start over",
			    XDPPORT_PIN_DIR, f->rules->layout, XDPPORT_LAYOUT);
	return 0;
}

int filter_open(struct filter *f, unsigned flags, const char *what)
{
	int err;

	*f = (struct filter){ -1, -1, -1, -1, -1, NULL, false };
	if (!caps_have_bpf())
		return fail(EXIT_FAIL, what, "permission denied: %s", PRIVILEGES_NEEDED);
	err = ensure_bpffs(what);
	if (!err)
		err = open_pin_dir(flags & FILTER_CREATE, flags & FILTER_LOCK, &f->dir_fd, what);
	if (!err && (flags & FILTER_DIR_ONLY))
		return 0;
	if (!err)
		err = open_maps(f, what);
	if (err == NOT_SET_UP && (flags & FILTER_CREATE)) {
		struct xdpport *skel = filter_load_program(0, what);

		if (!skel) {
			err = EXIT_FAIL;
		} else {
			xdpport__destroy(skel);	/* the pinned maps stay */
			f->created = true;
			err = open_maps(f, what);
		}
	}
	if (!err)
		err = map_rules(f, what);
	if (err)
		filter_close(f);
	return err;
}

void filter_close(struct filter *f)
{
	if (f->rules)
		munmap(f->rules, sizeof(*f->rules));
	for (int *fd = &f->dir_fd; fd <= &f->ifaces_fd; fd++)
		if (*fd >= 0)
			close(*fd);
	*f = (struct filter){ -1, -1, -1, -1, -1, NULL, false };
}

static struct xdpport_ruleset *active_slot(const struct filter *f)
{
	return &f->rules->slot[__atomic_load_n(&f->rules->active, __ATOMIC_ACQUIRE) & 1];
}

void filter_read(const struct filter *f, struct xdpport_ruleset *out)
{
	memcpy(out, active_slot(f), sizeof(*out));
}

const struct xdpport_ruleset *filter_live(const struct filter *f)
{
	return active_slot(f);
}

void filter_commit_port(struct filter *f, __u16 port, const __u8 entry[XDPPORT_NPROTO])
{
	struct xdpport_ruleset *live = active_slot(f);

	for (int p = 0; p < XDPPORT_NPROTO; p++)
		if (live->entry[p][port] != entry[p])
			__atomic_store_n(&live->entry[p][port], entry[p], __ATOMIC_RELAXED);
}

/*
 * Waits until no XDP program still runs with a ruleset slot it picked before our last
 * flip. XDP programs run inside RCU read-side sections, and MEMBARRIER_CMD_GLOBAL
 * returns after an RCU grace period. Without it (nohz_full kernels), wait far longer
 * than any program runs.
 */
static void wait_for_readers(void)
{
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) != 0)
		usleep(50 * 1000);
}

void filter_replace(struct filter *f, const struct xdpport_ruleset *next)
{
	__u32 inactive = (__atomic_load_n(&f->rules->active, __ATOMIC_RELAXED) & 1) ^ 1;

	wait_for_readers();
	memcpy(&f->rules->slot[inactive], next, sizeof(*next));
	__atomic_store_n(&f->rules->active, inactive, __ATOMIC_RELEASE);
}

/* The one port number whose entries differ, -1 when none do, -2 when several do. */
static int changed_port(const struct xdpport_ruleset *a, const struct xdpport_ruleset *b)
{
	int found = -1;

	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		if (!memcmp(a->entry[p], b->entry[p], XDPPORT_PORTS))
			continue;
		for (int port = 0; port < XDPPORT_PORTS; port++) {
			if (a->entry[p][port] == b->entry[p][port] || port == found)
				continue;
			if (found >= 0)
				return -2;
			found = port;
		}
	}
	return found;
}

void filter_commit(struct filter *f, const struct xdpport_ruleset *next)
{
	struct xdpport_ruleset *live = active_slot(f);
	int port;

	/* Everything after the entries (policies, fragments, sources...) */
	if (memcmp(live->policy, next->policy, sizeof(*next) - offsetof(typeof(*next), policy))) {
		filter_replace(f, next);
		return;
	}
	port = changed_port(live, next);
	if (port == -2) {
		filter_replace(f, next);
		return;
	}
	if (port >= 0) {
		__u8 entry[XDPPORT_NPROTO];

		for (int p = 0; p < XDPPORT_NPROTO; p++)
			entry[p] = next->entry[p][port];
		filter_commit_port(f, port, entry);
	}
}

int filter_purge_locked(struct filter *f, const char *what)
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
			err = fail(EXIT_FAIL, what, "cannot remove %s/%s: %s", XDPPORT_PIN_DIR,
				   de->d_name, errno_reason(errno));
	if (dir)
		closedir(dir);
	if (!err && rmdir(XDPPORT_PIN_DIR))
		err = fail(EXIT_FAIL, what, "cannot remove %s: %s", XDPPORT_PIN_DIR,
			   errno_reason(errno));
	filter_close(f);
	return err;
}

int filter_purge(const char *what)
{
	struct filter f;
	int err = filter_open(&f, FILTER_LOCK | FILTER_DIR_ONLY, what);

	if (err == NOT_SET_UP)
		return 0;
	if (err)
		return err;
	return filter_purge_locked(&f, what);
}
