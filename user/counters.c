// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "counters.h"
#include "filter.h"
#include "lib_error.h"
#include "links.h"

static void add_totals(struct xdpport_totals *sum, const struct xdpport_totals *t)
{
	for (int r = 0; r < XDPPORT_NREASONS; r++) {
		sum->reason[r].packets += t->reason[r].packets;
		sum->reason[r].bytes += t->reason[r].bytes;
	}
}

/*
 * Reads keys 0..nkeys-1 of an array map in as few syscalls as the kernel allows (one,
 * in practice): a lookup per key costs a syscall each, 30 times slower for the ports.
 * `values` holds nkeys values of `value_size` bytes (per-CPU maps: all CPUs' values).
 */
static int read_array(int fd, __u32 nkeys, __u32 *keys, void *values, size_t value_size)
{
	__u32 done = 0, batch = 0;

	while (done < nkeys) {
		__u32 count = nkeys - done;
		int ret = bpf_map_lookup_batch(fd, done ? &batch : NULL, &batch, keys + done,
					       (char *)values + done * value_size, &count, NULL);

		done += count;
		if (ret && errno == ENOENT)	/* the last batch: every key was read */
			break;
		if (ret)
			return -errno;
	}
	/* An array has every key, in order; anything else is not the map we know. */
	return done == nkeys ? 0 : -EINVAL;
}

/* Names the interface as status does, and says whether its link still holds it. */
static void name_iface(struct iface_counters *ic, __u64 our_netns)
{
	char name[IF_NAMESIZE] = "", path[LINK_PATH_MAX];
	struct bpf_link_info info;
	int fd;

	snprintf(path, sizeof(path), "%s/link-%llu-%u", XDPPORT_PIN_DIR,
		 (unsigned long long)ic->netns, ic->ifindex);
	fd = links_open_live(path, &info);
	ic->attached = fd >= 0;
	if (fd >= 0)
		close(fd);
	iface_lookup(ic->netns, ic->ifindex, name, ic->netns_name);
	if (!ic->attached)
		name[0] = '\0';	/* deleted: its ifindex may name another interface now */
	iface_label(ic->name, sizeof(ic->name), name, ic->ifindex, ic->netns, ic->netns_name,
		    ic->netns == our_netns);
}

static int read_totals(const struct filter *f, struct counters *c)
{
	struct xdpport_totals *per_cpu = calloc((size_t)XDPPORT_IFACE_SLOTS * c->ncpus,
						sizeof(*per_cpu));
	__u32 keys[XDPPORT_IFACE_SLOTS];
	__u64 netns = links_netns();
	int err;

	if (!per_cpu)
		return -ENOMEM;
	err = read_array(f->fd[MAP_TOTALS], XDPPORT_IFACE_SLOTS, keys, per_cpu,
			 c->ncpus * sizeof(*per_cpu));
	if (!err)
		err = read_array(f->fd[MAP_IFACES], XDPPORT_IFACE_SLOTS, keys, c->slot_owner,
				 sizeof(c->slot_owner[0]));
	memset(&c->total, 0, sizeof(c->total));
	c->n_ifaces = 0;
	for (__u32 slot = 0; !err && slot < XDPPORT_IFACE_SLOTS; slot++) {
		const struct xdpport_iface *owner = &c->slot_owner[slot];
		struct xdpport_totals *sum = &c->slot[slot];

		memset(sum, 0, sizeof(*sum));
		for (int cpu = 0; cpu < c->ncpus; cpu++)
			add_totals(sum, &per_cpu[(size_t)slot * c->ncpus + cpu]);
		add_totals(&c->total, sum);
		if (!owner->ifindex)
			continue;
		struct iface_counters *ic = &c->iface[c->n_ifaces++];

		*ic = (struct iface_counters){ .ifindex = owner->ifindex, .slot = slot,
					       .netns = owner->netns, .totals = *sum };
		name_iface(ic, netns);
	}
	free(per_cpu);
	return err;
}

static int alloc_buffers(struct counters *c, struct lib_error *e)
{
	int ncpus = libbpf_num_possible_cpus();

	if (c->per_cpu && ncpus == c->ncpus)
		return 0;
	if (ncpus <= 0)
		return lib_fail(e, EXIT_FAIL, "cannot count CPUs: %s", errno_reason(ncpus));
	counters_free(c);
	c->ncpus = ncpus;
	/* calloc: as cheap as malloc for fresh pages, and a checker that cannot see the
	 * kernel fill them in (valgrind does not know BPF_MAP_LOOKUP_BATCH) sees no
	 * uninitialised bytes. */
	c->per_cpu = calloc((size_t)PORT_KEYS * ncpus, sizeof(*c->per_cpu));
	c->keys = calloc(PORT_KEYS, sizeof(*c->keys));
	if (!c->per_cpu || !c->keys)
		return lib_fail(e, EXIT_FAIL, "out of memory");
	return 0;
}

/* The start of every reading: buffers ready, the time taken. */
static int begin_reading(struct counters *c, bool set_up, struct lib_error *e)
{
	int err = alloc_buffers(c, e);

	if (err)
		return err;
	clock_gettime(CLOCK_MONOTONIC, &c->taken);
	clock_gettime(CLOCK_REALTIME, &c->wall);
	c->set_up = set_up;
	return 0;
}

int counters_read(const struct filter *f, struct counters *c, struct lib_error *e)
{
	int err = begin_reading(c, true, e);

	if (err)
		return err;
	c->rules_changed_ns = filter_changed_ns(f);
	err = read_totals(f, c);
	if (err)
		return lib_fail(e, EXIT_FAIL, "cannot read counters: %s", errno_reason(err));
	err = read_array(f->fd[MAP_PORTS], PORT_KEYS, c->keys, c->per_cpu,
			 c->ncpus * sizeof(*c->per_cpu));
	if (err)
		return lib_fail(e, EXIT_FAIL, "cannot read port counters: %s", errno_reason(err));
	return flowtable_read(f, &c->flows, false, e);
}

int counters_zero(struct counters *c, struct lib_error *e)
{
	int err = begin_reading(c, false, e);

	if (err)
		return err;
	memset(&c->total, 0, sizeof(c->total));
	memset(c->slot, 0, sizeof(c->slot));
	memset(c->slot_owner, 0, sizeof(c->slot_owner));
	c->n_ifaces = 0;
	memset(c->per_cpu, 0, (size_t)PORT_KEYS * c->ncpus * sizeof(*c->per_cpu));
	return 0;
}

void counters_free(struct counters *c)
{
	free(c->per_cpu);
	free(c->keys);
	memset(c, 0, sizeof(*c));
}

int counters_reset(const struct filter *f, struct lib_error *e)
{
	int ncpus = libbpf_num_possible_cpus();
	size_t ports_size = (size_t)PORT_KEYS * ncpus * sizeof(struct xdpport_port_count);
	size_t totals_size = (size_t)XDPPORT_IFACE_SLOTS * ncpus * sizeof(struct xdpport_totals);
	void *zeros = calloc(1, ports_size > totals_size ? ports_size : totals_size);
	__u32 *keys = malloc(PORT_KEYS * sizeof(*keys));
	__u32 nports = PORT_KEYS, nslots = XDPPORT_IFACE_SLOTS;
	int err = 0;

	if (ncpus <= 0)
		err = lib_fail(e, EXIT_FAIL, "cannot count CPUs: %s", errno_reason(ncpus));
	else if (!zeros || !keys)
		err = lib_fail(e, EXIT_FAIL, "out of memory");
	for (__u32 k = 0; !err && k < PORT_KEYS; k++)
		keys[k] = k;
	/* Two batch updates: one syscall each instead of one per key. */
	if (!err && (bpf_map_update_batch(f->fd[MAP_TOTALS], keys, zeros, &nslots, NULL) ||
		     bpf_map_update_batch(f->fd[MAP_PORTS], keys, zeros, &nports, NULL) ||
		     flowtable_reset_counts(f)))
		err = lib_fail(e, EXIT_FAIL, "cannot reset counters: %s", errno_reason(errno));
	free(zeros);
	free(keys);
	return err;
}

void counters_port(const struct counters *c, __u32 key, __u64 *passed, __u64 *dropped)
{
	const struct xdpport_port_count *v = &c->per_cpu[(size_t)key * c->ncpus];

	*passed = *dropped = 0;
	for (int cpu = 0; cpu < c->ncpus; cpu++) {
		*passed += v[cpu].passed;
		*dropped += v[cpu].dropped;
	}
}

static __u64 delta32(__u32 cur, __u32 prev, __u64 max_per_cpu)
{
	__u32 wrapped = cur - prev;	/* modulo 2^32: exact across one wrap */

	return cur < prev && wrapped > max_per_cpu ? cur : wrapped;
}

void counters_port_delta(const struct counters *cur, const struct counters *prev, __u32 key,
			 __u64 max_per_cpu, __u64 *passed, __u64 *dropped)
{
	const struct xdpport_port_count *now = &cur->per_cpu[(size_t)key * cur->ncpus];
	const struct xdpport_port_count *then = &prev->per_cpu[(size_t)key * prev->ncpus];

	*passed = *dropped = 0;
	for (int cpu = 0; cpu < cur->ncpus; cpu++) {
		*passed += delta32(now[cpu].passed, then[cpu].passed, max_per_cpu);
		*dropped += delta32(now[cpu].dropped, then[cpu].dropped, max_per_cpu);
	}
}
