// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "capture.skel.h"
#include "capture_session.h"
#include "cli_lib.h"
#include "errors.h"
#include "filter.h"
#include "iface_name.h"
#include "libbpf_log.h"
#include "links.h"

/* The filter's hook map, by its name in the kernel (at most 15 characters). */
#define HOOK_MAP "xdpport_capture"

struct ring_ctx {
	capture_frame_fn fn;
	void *ctx;
};

static struct ring_ctx ring_ctx;

/* A record is the header and cap_len bytes; anything else is not ours. */
static int on_record(void *ctx, void *data, size_t size)
{
	const struct ring_ctx *rc = ctx;
	const struct capture_frame *frame = data;

	if (size < sizeof(*frame) || frame->cap_len > size - sizeof(*frame))
		return 0;
	return rc->fn(rc->ctx, frame, (const __u8 *)(frame + 1)) ? -ECANCELED : 0;
}

/* The interface slot of (ifindex, netns) in xdpport_ifaces, or -1. */
static int slot_of(int ifaces_fd, __u32 ifindex, __u64 netns)
{
	for (__u32 slot = 0; slot < XDPPORT_IFACE_SLOTS; slot++) {
		struct xdpport_iface iface;

		if (!bpf_map_lookup_elem(ifaces_fd, &slot, &iface) && iface.ifindex == ifindex &&
		    iface.netns == netns)
			return slot;
	}
	return -1;
}

static void name_target(struct capture_target *t)
{
	char name[IF_NAMESIZE], netns_name[NETNS_NAME_MAX];

	iface_lookup(t->netns, t->ifindex, name, netns_name);
	iface_label(t->name, sizeof(t->name), name, t->ifindex, t->netns, netns_name,
		    t->netns == links_netns());
}

/* The fd of the filter program's hook map, or -1. */
static int hook_of(int prog_fd)
{
	__u32 ids[16], len;
	struct bpf_prog_info info;

	memset(&info, 0, sizeof(info));
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (__u64)(unsigned long)ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -1;
	for (__u32 i = 0; i < info.nr_map_ids && i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct bpf_map_info map = {};
		__u32 map_len = sizeof(map);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &map, &map_len) &&
		    map.type == BPF_MAP_TYPE_PROG_ARRAY && !strcmp(map.name, HOOK_MAP) &&
		    map.max_entries == XDPPORT_NREASONS)
			return fd;
		if (fd >= 0)
			close(fd);
	}
	return -1;
}

/* Only a live process holds a hook's slots: a full one is another capture, or one
 * that has just died, whose slots the kernel empties a moment later (deferred work).
 * Waits up to 200 ms for that before saying the slot is taken. */
static bool slot_taken(int hook_fd, __u32 reason, __u32 *id)
{
	for (int tries = 0; tries < 20; tries++) {
		if (bpf_map_lookup_elem(hook_fd, &reason, id))
			return false;
		usleep(10000);
	}
	return true;
}

/* Loads a copy of the capture program for interface `slot` and `reason`; every copy
 * after the first shares the first one's maps. */
static struct capture *load_copy(struct capture_session *s, __u32 slot, __u32 reason,
				 const struct capture_settings *set, const char *what)
{
	struct capture *skel = capture__open();
	int err;

	if (!skel) {
		fail(EXIT_FAIL, what, "cannot open the capture program: %s", errno_reason(errno));
		return NULL;
	}
	skel->rodata->iface_slot = slot;
	skel->rodata->reason = reason;
	skel->rodata->snap_len = set->snap_len;
	skel->rodata->rate = set->rate;
	skel->rodata->sample = set->sample;
	err = s->first ? bpf_map__reuse_fd(skel->maps.capture_frames,
					   bpf_map__fd(s->first->maps.capture_frames)) ?:
			 bpf_map__reuse_fd(skel->maps.capture_cpu,
					   bpf_map__fd(s->first->maps.capture_cpu)) ?:
			 bpf_map__reuse_fd(skel->maps.capture_scratch,
					   bpf_map__fd(s->first->maps.capture_scratch)) : 0;
	if (!err)
		err = capture__load(skel);
	if (err) {
		capture__destroy(skel);
		fail(EXIT_FAIL, what, "cannot load the capture program for %s: %s",
		     s->target[slot].name, errno_reason(err));
		return NULL;
	}
	s->first = s->first ? s->first : skel;
	return skel;
}

/* Puts a copy of the capture program into each wanted reason's slot of the hook of
 * the filter program `prog_fd` (interface `slot`). */
static int hook(struct capture_session *s, __u32 slot, int prog_fd,
		const struct capture_settings *set, const char *what)
{
	int hook_fd = hook_of(prog_fd);

	if (hook_fd < 0)
		return fail(EXIT_FAIL, what, "the filter on %s has no capture hook (attached by an "
					     "older xdpport?): detach and attach it again",
			    s->target[slot].name);
	s->hook_fd[slot] = hook_fd;
	s->n_targets++;
	for (__u32 r = 0; r < XDPPORT_NREASONS; r++) {
		__u32 id;
		int fd;

		if (!(set->reasons & (1u << r)))
			continue;
		if (slot_taken(hook_fd, r, &id))
			return fail(EXIT_FAIL, what, "another capture runs on %s (program %u); "
						     "one at a time", s->target[slot].name, id);
		s->skel[slot][r] = load_copy(s, slot, r, set, what);
		if (!s->skel[slot][r])
			return EXIT_FAIL;
		fd = bpf_program__fd(s->skel[slot][r]->progs.capture_hook);
		if (bpf_map_update_elem(hook_fd, &r, &fd, BPF_ANY))
			return fail(EXIT_FAIL, what, "cannot hook into the filter on %s: %s",
				    s->target[slot].name, errno_reason(errno));
	}
	return 0;
}

/* Finds the program of every live link pin and hooks into it. */
static int hook_all(struct capture_session *s, const struct filter *f,
		    const struct capture_settings *set, const char *what)
{
	static struct link_pin pins[XDPPORT_IFACE_SLOTS * 2];
	int n = links_list(pins, XDPPORT_IFACE_SLOTS * 2);

	for (int i = 0; i < n && i < XDPPORT_IFACE_SLOTS * 2; i++) {
		struct bpf_link_info info;
		int fd = links_open_live(pins[i].path, &info), slot, prog_fd, err;

		if (fd < 0)
			continue;
		close(fd);
		slot = slot_of(f->fd[MAP_IFACES], info.xdp.ifindex, pins[i].netns);
		if (slot < 0 || s->hook_fd[slot] >= 0)
			continue;
		s->target[slot] = (struct capture_target){ .ifindex = info.xdp.ifindex,
							   .prog_id = info.prog_id,
							   .netns = pins[i].netns };
		name_target(&s->target[slot]);
		prog_fd = bpf_prog_get_fd_by_id(info.prog_id);
		if (prog_fd < 0)
			return fail(EXIT_FAIL, what, "cannot open the filter program %u on %s: %s",
				    info.prog_id, s->target[slot].name, errno_reason(errno));
		err = hook(s, slot, prog_fd, set, what);
		close(prog_fd);
		if (err)
			return err;
	}
	return 0;
}

int capture_start(struct capture_session *s, const struct capture_settings *set,
		  capture_frame_fn fn, void *ctx, const char *what)
{
	struct filter f;
	int err;

	memset(s, 0, sizeof(*s));
	for (int slot = 0; slot < XDPPORT_IFACE_SLOTS; slot++)
		s->hook_fd[slot] = -1;
	libbpf_log_quiet();	/* our own one-line errors instead of libbpf's log */
	err = cli_filter_open(&f, 0, what);
	if (err == NOT_SET_UP)
		return fail(EXIT_FAIL, what, "nothing to capture: xdpport is not attached to any "
					     "interface");
	if (err)
		return err;
	s->reasons = set->reasons;
	err = hook_all(s, &f, set, what);
	filter_close(&f);
	if (!err && !s->n_targets)
		err = fail(EXIT_FAIL, what, "nothing to capture: xdpport is not attached to any "
					    "interface");
	if (!err) {
		ring_ctx = (struct ring_ctx){ .fn = fn, .ctx = ctx };
		s->ring = ring_buffer__new(bpf_map__fd(s->first->maps.capture_frames),
					   on_record, &ring_ctx, NULL);
		if (!s->ring)
			err = fail(EXIT_FAIL, what, "cannot read the capture ring buffer: %s",
				   errno_reason(errno));
	}
	if (err)
		capture_stop(s);
	return err;
}

int capture_poll(struct capture_session *s, int timeout_ms)
{
	return ring_buffer__poll(s->ring, timeout_ms);
}

int capture_counts(const struct capture_session *s, struct capture_cpu *sum)
{
	int ncpus = libbpf_num_possible_cpus(), fd = bpf_map__fd(s->first->maps.capture_cpu);
	struct capture_cpu per_cpu[ncpus > 0 ? ncpus : 1];
	__u32 zero = 0;

	memset(sum, 0, sizeof(*sum));
	if (ncpus <= 0 || bpf_map_lookup_elem(fd, &zero, per_cpu))
		return -1;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		sum->captured += per_cpu[cpu].captured;
		sum->capped += per_cpu[cpu].capped;
		sum->lost += per_cpu[cpu].lost;
		sum->sampled_out += per_cpu[cpu].sampled_out;
	}
	return 0;
}

void capture_stop(struct capture_session *s)
{
	/* Empty the hooks first: the programs in them go when the last reference does. */
	for (int slot = 0; slot < XDPPORT_IFACE_SLOTS; slot++) {
		for (__u32 r = 0; r < XDPPORT_NREASONS; r++) {
			if (s->skel[slot][r])
				bpf_map_delete_elem(s->hook_fd[slot], &r);
			capture__destroy(s->skel[slot][r]);
			s->skel[slot][r] = NULL;
		}
		if (s->hook_fd[slot] >= 0)
			close(s->hook_fd[slot]);
		s->hook_fd[slot] = -1;
	}
	ring_buffer__free(s->ring);
	s->ring = NULL;
	s->first = NULL;
	s->n_targets = 0;
}
