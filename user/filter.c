// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Opening the running filter: the pin directory and its lock, every pinned map
 * opened and checked against the table of maps (user/maps.h), the rules and limits
 * mmapped and claimed for this layout, and reading the running ruleset. Changing it
 * is user/publish.c's job; creating and removing the pins, user/pins.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "caps.h"
#include "lib_error.h"
#include "filter.h"
#include "maps.h"
#include "ruleset.h"
#include "xdpport.skel.h"

static bool same_file(int fd, const char *path)
{
	struct stat held, now;

	return !fstat(fd, &held) && !stat(path, &now) && held.st_dev == now.st_dev &&
	       held.st_ino == now.st_ino;
}

/*
 * Opens the pin directory into *fd, locked with `lock`; returns 0, NOT_SET_UP, or
 * EXIT_FAIL (in e). `flush` removes the directory while others may wait for its
 * lock: whoever gets the lock of a removed directory starts over with the new one.
 */
static int open_pin_dir(bool create, bool lock, int *fd, struct lib_error *e)
{
	for (int tries = 0; tries < 100; tries++) {
		if (create && mkdir(XDPPORT_PIN_DIR, 0700) && errno != EEXIST)
			return lib_fail(e, EXIT_FAIL, "cannot create %s: %s", XDPPORT_PIN_DIR,
				     errno_reason(errno));
		*fd = open(XDPPORT_PIN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (*fd < 0 && errno == ENOENT)
			return NOT_SET_UP;
		if (*fd < 0)
			return lib_fail(e, EXIT_FAIL, "cannot open %s: %s", XDPPORT_PIN_DIR,
				     errno_reason(errno));
		if (!lock)
			return 0;
		if (flock(*fd, LOCK_EX))
			return lib_fail(e, EXIT_FAIL, "cannot lock %s: %s", XDPPORT_PIN_DIR,
				     errno_reason(errno));
		if (same_file(*fd, XDPPORT_PIN_DIR))
			return 0;
		close(*fd);
		*fd = -1;
	}
	return lib_fail(e, EXIT_FAIL, "cannot lock %s: it keeps being removed", XDPPORT_PIN_DIR);
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
 * (no rules map), or EXIT_FAIL (in e). */
static int open_map(struct filter *f, enum pinned_map m, struct lib_error *e)
{
	f->fd[m] = map_pin_open(m);
	if (f->fd[m] < 0 && errno == ENOENT && m == MAP_RULES)
		return NOT_SET_UP;
	/* Rules without the other maps: a build that had fewer (layout 1 had no flow
	 * table). */
	if (f->fd[m] < 0 && errno == ENOENT)
		return lib_fail(e, EXIT_FAIL, "%s/%s is missing: the pins are from an "
			     "incompatible xdpport build; run 'xdpport detach --all' and "
			     "'xdpport flush' to start over", XDPPORT_PIN_DIR, map_name(m));
	if (f->fd[m] < 0)
		return lib_fail(e, EXIT_FAIL, "cannot open %s/%s: %s", XDPPORT_PIN_DIR, map_name(m),
			     errno_reason(errno));
	if (!map_has_shape(f->fd[m], m))
		return lib_fail(e, EXIT_FAIL, STALE_PINS, XDPPORT_PIN_DIR, map_name(m));
	return 0;
}

/* Opens every map the program pins, the rules first: without them nothing was ever
 * set up. Returns 0, NOT_SET_UP, or EXIT_FAIL (in e). */
static int open_maps(struct filter *f, struct lib_error *e)
{
	int err = open_map(f, MAP_RULES, e);

	for (int m = 0; m < NMAPS && !err; m++)
		if (m != MAP_RULES)
			err = open_map(f, m, e);
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

static int map_rules(struct filter *f, struct lib_error *e)
{
	f->rules = mmap(NULL, sizeof(*f->rules), PROT_READ | PROT_WRITE, MAP_SHARED,
			f->fd[MAP_RULES], 0);
	if (f->rules == MAP_FAILED) {
		f->rules = NULL;
		return lib_fail(e, EXIT_FAIL, "cannot map the rules: %s", errno_reason(errno));
	}
	/* Pages of it are only touched for limited ports: cheap for commands that
	 * have none. */
	f->limits = mmap(NULL, 2 * sizeof(*f->limits), PROT_READ | PROT_WRITE, MAP_SHARED,
			 f->fd[MAP_LIMITS], 0);
	if (f->limits == MAP_FAILED) {
		f->limits = NULL;
		return lib_fail(e, EXIT_FAIL, "cannot map the limits: %s", errno_reason(errno));
	}
	claim_new_rules(f->rules);
	if (f->rules->layout != XDPPORT_LAYOUT)
		return lib_fail(e, EXIT_FAIL,
			     "%s holds rules of layout %u, this build reads layout %u; run "
			     "'xdpport detach --all' and 'xdpport flush' to start over",
			     XDPPORT_PIN_DIR, f->rules->layout, XDPPORT_LAYOUT);
	return 0;
}

int filter_open(struct filter *f, unsigned flags, struct lib_error *e)
{
	int err;

	filter_init(f);
	if (caps_missing(false))
		return lib_fail(e, EXIT_FAIL, PRIVILEGES_MISSING, caps_missing(false));
	err = pins_mount_bpffs(e);
	if (!err)
		err = open_pin_dir(flags & FILTER_CREATE, flags & FILTER_LOCK, &f->dir_fd, e);
	if (!err && (flags & FILTER_DIR_ONLY))
		return 0;
	if (!err)
		err = open_maps(f, e);
	if (err == NOT_SET_UP && (flags & FILTER_CREATE)) {
		struct xdpport *skel = filter_load_program(0, e);

		if (!skel) {
			err = EXIT_FAIL;
		} else {
			xdpport__destroy(skel);	/* the pinned maps stay */
			f->created = true;
			err = open_maps(f, e);
		}
	}
	if (!err)
		err = map_rules(f, e);
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

__u64 filter_changed_ns(const struct filter *f)
{
	return __atomic_load_n(&f->rules->changed_ns, __ATOMIC_RELAXED);
}

