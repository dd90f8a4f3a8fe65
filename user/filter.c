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
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "caps.h"
#include "errors.h"
#include "filter.h"
#include "limit.h"
#include "links.h"
#include "maps.h"
#include "ruleset.h"
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

__u32 filter_flow_table_size(void)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd = map_pin_open(MAP_FLOWS);

	if (fd < 0)
		return XDPPORT_FLOWS_DEFAULT;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || !info.max_entries)
		info.max_entries = XDPPORT_FLOWS_DEFAULT;
	close(fd);
	return info.max_entries;
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
	/* libbpf reuses a pin only if its size matches: take the pinned table's. */
	err = map_pin_open(MAP_SOURCES);
	if (err >= 0) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(err, &info, &len) && info.max_entries)
			bpf_map__set_max_entries(skel->maps.xdpport_sources, info.max_entries);
		close(err);
	} else {
		bpf_map__set_max_entries(skel->maps.xdpport_sources, sources_size);
	}
	/* libbpf reuses a pin only if it has the same shape: the flow table's size too. */
	bpf_map__set_max_entries(skel->maps.xdpport_flows, filter_flow_table_size());
	err = xdpport__load(skel);
	if (err) {
		fail(EXIT_FAIL, what, "cannot load the BPF program: %s", errno_reason(err));
		xdpport__destroy(skel);
		return NULL;
	}
	return skel;
}

#define STALE_PINS "%s/%s was pinned by an incompatible xdpport build; run " \
		   "'xdpport detach --all' and 'xdpport flush' to start over"

int filter_map_fd(const char *name)
{
	int m = map_by_name(name), fd = m >= 0 ? map_pin_open(m) : -1;

	if (fd >= 0 && !map_has_shape(fd, m)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Opens the pin of map `m` into f->fd[m] and checks its shape; returns 0, NOT_SET_UP
 * (no rules map), or EXIT_FAIL (printed). */
static int open_map(struct filter *f, enum pinned_map m, const char *what)
{
	f->fd[m] = map_pin_open(m);
	if (f->fd[m] < 0 && errno == ENOENT && m == MAP_RULES)
		return NOT_SET_UP;
	/* Rules without the other maps: a build that had fewer (layout 1 had no flow
	 * table). */
	if (f->fd[m] < 0 && errno == ENOENT)
		return fail(EXIT_FAIL, what, "%s/%s is missing: the pins are from an "
			    "incompatible xdpport build; run 'xdpport detach --all' and "
			    "'xdpport flush' to start over", XDPPORT_PIN_DIR, map_name(m));
	if (f->fd[m] < 0)
		return fail(EXIT_FAIL, what, "cannot open %s/%s: %s", XDPPORT_PIN_DIR, map_name(m),
			    errno_reason(errno));
	if (!map_has_shape(f->fd[m], m))
		return fail(EXIT_FAIL, what, STALE_PINS, XDPPORT_PIN_DIR, map_name(m));
	return 0;
}

/* Opens every map the program pins, the rules first: without them nothing was ever
 * set up. Returns 0, NOT_SET_UP, or EXIT_FAIL (printed). */
static int open_maps(struct filter *f, const char *what)
{
	int err = open_map(f, MAP_RULES, what);

	for (int m = 0; m < NMAPS && !err; m++)
		if (m != MAP_RULES)
			err = open_map(f, m, what);
	return err;
}

/*
 * New maps are zero. The first command to see them (it may hold no lock: `list`)
 * claims them for this layout and gives both slots the pass-everything ruleset,
 * replies on with the default timeouts; the others wait until it has.
 */
#define LAYOUT_CLAIMING	0xffffffffu
static void claim_new_rules(struct xdpport_rules *rules)
{
	__u32 expected = 0;

	if (__atomic_compare_exchange_n(&rules->layout, &expected, LAYOUT_CLAIMING, false,
					__ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
		ruleset_reset(&rules->slot[0]);
		ruleset_reset(&rules->slot[1]);
		__atomic_store_n(&rules->layout, XDPPORT_LAYOUT, __ATOMIC_RELEASE);
		return;
	}
	for (int tries = 0; tries < 1000 && expected == LAYOUT_CLAIMING; tries++) {
		usleep(1000);
		expected = __atomic_load_n(&rules->layout, __ATOMIC_ACQUIRE);
	}
}

static int map_rules(struct filter *f, const char *what)
{
	f->rules = mmap(NULL, sizeof(*f->rules), PROT_READ | PROT_WRITE, MAP_SHARED, f->fd[MAP_RULES],
			0);
	if (f->rules == MAP_FAILED) {
		f->rules = NULL;
		return fail(EXIT_FAIL, what, "cannot map the rules: %s", errno_reason(errno));
	}
	/* Pages of it are only touched for limited ports: cheap for commands that
	 * have none. */
	f->limits = mmap(NULL, 2 * sizeof(*f->limits), PROT_READ | PROT_WRITE, MAP_SHARED,
			 f->fd[MAP_LIMITS], 0);
	if (f->limits == MAP_FAILED) {
		f->limits = NULL;
		return fail(EXIT_FAIL, what, "cannot map the limits: %s", errno_reason(errno));
	}
	claim_new_rules(f->rules);
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

	filter_init(f);
	if (caps_missing(false))
		return fail(EXIT_FAIL, what, PRIVILEGES_MISSING, caps_missing(false));
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

void filter_init(struct filter *f)
{
	memset(f, 0, sizeof(*f));
	f->dir_fd = -1;
	for (int m = 0; m < NMAPS; m++)
		f->fd[m] = -1;
}

void filter_close(struct filter *f)
{
	if (f->rules)
		munmap(f->rules, sizeof(*f->rules));
	if (f->limits)
		munmap(f->limits, 2 * sizeof(*f->limits));
	if (f->dir_fd >= 0)
		close(f->dir_fd);
	for (int m = 0; m < NMAPS; m++)
		if (f->fd[m] >= 0)
			close(f->fd[m]);
	filter_init(f);
}

__u32 filter_sources_size(const struct filter *f)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(f->fd[MAP_SOURCES], &info, &len) ? 0 : info.max_entries;
}

const struct xdpport_limits *filter_live_limits(const struct filter *f)
{
	return &f->limits[__atomic_load_n(&f->rules->active, __ATOMIC_ACQUIRE) & 1];
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

/* Stamps the rules with the time of a change (xdpport_rules_applied_timestamp_seconds). */
static void mark_changed(struct filter *f)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	__atomic_store_n(&f->rules->changed_ns, (__u64)now.tv_sec * 1000000000 + now.tv_nsec,
			 __ATOMIC_RELAXED);
}

__u64 filter_changed_ns(const struct filter *f)
{
	return __atomic_load_n(&f->rules->changed_ns, __ATOMIC_RELAXED);
}

void filter_commit_port(struct filter *f, __u16 port, const __u8 entry[XDPPORT_NPROTO])
{
	struct xdpport_ruleset *live = active_slot(f);
	bool changed = false;

	for (int p = 0; p < XDPPORT_NPROTO; p++)
		if (live->entry[p][port] != entry[p]) {
			__atomic_store_n(&live->entry[p][port], entry[p], __ATOMIC_RELAXED);
			changed = true;
		}
	if (changed)
		mark_changed(f);
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

/*
 * A timeout that grows lets live flows live longer than the per-port expiries the
 * data path checks first (xdpport_flowports) allow for: raise every port that ever
 * had a flow to cover now plus the longest new timeout, before the change is live.
 */
static void cover_longer_timeouts(const struct filter *f, const struct xdpport_ruleset *now,
				  const struct xdpport_ruleset *next)
{
	struct xdpport_flowports *fp;
	__u64 longest = 0, until;
	bool longer = false;
	struct timespec ts;

	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++) {
		longer |= next->timeout[s] > now->timeout[s];
		if (next->timeout[s] > longest)
			longest = next->timeout[s];
	}
	if (!longer || f->fd[MAP_FLOWPORTS] < 0)
		return;
	fp = mmap(NULL, sizeof(*fp), PROT_READ | PROT_WRITE, MAP_SHARED, f->fd[MAP_FLOWPORTS], 0);
	if (fp == MAP_FAILED)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	until = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec + longest * 1000000000ULL;
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		for (int port = 0; port < XDPPORT_PORTS; port++) {
			__u64 old = __atomic_load_n(&fp->expiry[p][port], __ATOMIC_RELAXED);

			while (old && old < until &&
			       !__atomic_compare_exchange_n(&fp->expiry[p][port], &old, until, false,
							    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
				;
		}
	munmap(fp, sizeof(*fp));
}

void filter_replace(struct filter *f, const struct xdpport_ruleset *next,
		    const struct xdpport_limits *limits)
{
	__u32 active = __atomic_load_n(&f->rules->active, __ATOMIC_RELAXED) & 1;
	__u32 inactive = active ^ 1;

	cover_longer_timeouts(f, active_slot(f), next);
	wait_for_readers();
	limits_copy(next, &f->limits[inactive], limits ? limits : &f->limits[active]);
	memcpy(&f->rules->slot[inactive], next, sizeof(*next));
	__atomic_store_n(&f->rules->active, inactive, __ATOMIC_RELEASE);
	mark_changed(f);
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

	/* Everything after the entries (policies, fragments, replies, timeouts, sources). */
	if (memcmp(live->policy, next->policy, sizeof(*next) - offsetof(typeof(*next), policy))) {
		filter_replace(f, next, NULL);
		return;
	}
	port = changed_port(live, next);
	if (port == -2) {
		filter_replace(f, next, NULL);
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
