// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "filter.h"
#include "flowtable.h"
#include "lib_error.h"

#define BATCH	4096	/* entries per lookup syscall */

const char *flowtable_state_name(unsigned state)
{
	static const char *names[XDPPORT_FLOW_NSTATES] = {
		[XDPPORT_FLOW_TCP_SYN] = "tcp-syn",
		[XDPPORT_FLOW_TCP] = "established",
		[XDPPORT_FLOW_TCP_CLOSING] = "closing",
		[XDPPORT_FLOW_UDP] = "udp",
		[XDPPORT_FLOW_UDP_ANSWERED] = "udp-answered",
	};

	return state < XDPPORT_FLOW_NSTATES ? names[state] : "unknown";
}

static int by_tuple(const void *a, const void *b)
{
	const struct xdpport_flow_key *x = &((const struct flow_entry *)a)->key;
	const struct xdpport_flow_key *y = &((const struct flow_entry *)b)->key;

	if (x->proto != y->proto)
		return x->proto - y->proto;
	if (x->family != y->family)
		return x->family - y->family;
	return memcmp(x, y, offsetof(struct xdpport_flow_key, proto));
}

/* Appends up to BATCH entries after cursor `in` to t->entry; false at the end. */
static int read_batch(int fd, struct flow_table *t, __u32 *in, __u32 *out, bool first)
{
	struct xdpport_flow_key keys[BATCH];
	struct xdpport_flow values[BATCH];
	__u32 count = BATCH;
	int err;

	err = bpf_map_lookup_batch(fd, first ? NULL : in, out, keys, values, &count, NULL);
	if (err && errno != ENOENT)
		return -errno;
	for (__u32 i = 0; i < count; i++)
		t->entry[t->n++] = (struct flow_entry){ keys[i], values[i], 0 };
	return err ? 0 : 1;
}

static __u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int read_counts(const struct filter *f, struct flow_table *t)
{
	int ncpus = libbpf_num_possible_cpus();
	struct xdpport_flow_counts *per_cpu = calloc(ncpus > 0 ? ncpus : 1, sizeof(*per_cpu));
	__u32 zero = 0;
	int err = per_cpu ? bpf_map_lookup_elem(f->fd[MAP_FLOWSTATS], &zero, per_cpu) : -1;

	for (int c = 0; !err && c < ncpus; c++) {
		t->inserts += per_cpu[c].inserts;
		t->insert_failures += per_cpu[c].insert_failures;
	}
	free(per_cpu);
	return err;
}

int flowtable_read(const struct filter *f, struct flow_table *t, bool keep,
		   struct lib_error *e)
{
	const struct xdpport_ruleset *rs = filter_live(f);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), in = 0, out = 0;
	__u64 now;
	int more = 1;

	memset(t, 0, sizeof(*t));
	if (bpf_obj_get_info_by_fd(f->fd[MAP_FLOWS], &info, &len))
		return lib_fail(e, EXIT_FAIL, "cannot read the flow table: %s",
				errno_reason(errno));
	t->size = info.max_entries;
	/* BATCH entries of room beyond the table: a batch may end past what we counted. */
	t->entry = calloc((size_t)t->size + BATCH, sizeof(*t->entry));
	if (!t->entry)
		return lib_fail(e, EXIT_FAIL, "out of memory");
	for (bool first = true; more > 0 && t->n <= t->size; first = false) {
		more = read_batch(f->fd[MAP_FLOWS], t, &in, &out, first);
		in = out;
	}
	if (more < 0 || read_counts(f, t)) {
		flowtable_free(t);
		return lib_fail(e, EXIT_FAIL, "cannot read the flow table: %s",
				errno_reason(more < 0 ? -more : errno));
	}
	now = monotonic_ns();
	for (size_t i = 0; i < t->n; i++) {
		struct flow_entry *e = &t->entry[i];
		__s64 age = (__s64)(now - e->flow.seen_ns);

		if (e->flow.state >= XDPPORT_FLOW_NSTATES)
			continue;
		e->expires_s = (__s64)rs->timeout[e->flow.state] - age / 1000000000LL;
		if (age > (__s64)rs->timeout[e->flow.state] * 1000000000LL)
			e->expires_s = 0;
		if (e->expires_s > 0)
			t->live[e->key.proto & 1]++;
	}
	t->evictions = t->inserts > t->n ? t->inserts - t->n : 0;
	if (keep) {
		qsort(t->entry, t->n, sizeof(*t->entry), by_tuple);
	} else {
		free(t->entry);
		t->entry = NULL;
	}
	return 0;
}

void flowtable_free(struct flow_table *t)
{
	free(t->entry);
	t->entry = NULL;
}

int flowtable_reset_counts(const struct filter *f)
{
	int ncpus = libbpf_num_possible_cpus();
	struct xdpport_flow_counts *zero = calloc(ncpus > 0 ? ncpus : 1, sizeof(*zero));
	__u32 key = 0;
	int err = zero ? bpf_map_update_elem(f->fd[MAP_FLOWSTATS], &key, zero, BPF_ANY) : -1;

	free(zero);
	return err;
}

__u64 flowtable_memory(int flows_fd)
{
	char path[64], line[128];
	unsigned long long memlock = 0;
	FILE *in;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", flows_fd);
	in = fopen(path, "r");
	while (in && fgets(line, sizeof(line), in))
		if (sscanf(line, "memlock: %llu", &memlock) == 1)
			break;
	if (in)
		fclose(in);
	return memlock;
}
