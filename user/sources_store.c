// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib_error.h"
#include "maps.h"
#include "sources_store.h"

#define MODEL_MAGIC	0x31535058u	/* "XPS1" */
#define MODEL_CHUNK	4096

/* The model's bytes: a head, the rules, then each set with its prefixes. */
struct model_head {
	__u32 magic;
	__u32 nrules;
	__u32 nsets;
	__u32 reserved;
	__u64 bytes;
};

struct model_rule {
	__u8 verdict;
	__u8 protos;
	__u8 set;
	__u8 reserved;
	__u16 first, last;
	struct prefix prefix;
};

struct model_set {
	char name[SET_NAME_MAX + 1];
	__u8 origin;
	__u8 reserved[3];
	__u32 n;
};

_Static_assert(sizeof(struct model_rule) == 28, "struct model_rule has a hole");
_Static_assert(sizeof(struct model_set) == 40, "struct model_set has a hole");

/* The map in slot `slot` of the map-in-map `outer`, or -1. */
static int inner_fd(enum pinned_map outer, __u32 slot)
{
	int fd = map_pin_open(outer), inner = -1;
	__u32 id;

	if (fd >= 0 && !bpf_map_lookup_elem(fd, &slot, &id))
		inner = bpf_map_get_fd_by_id(id);
	if (fd >= 0)
		close(fd);
	return inner;
}

static size_t model_size(const struct sources *s)
{
	size_t n = sizeof(struct model_head) + s->nrules * sizeof(struct model_rule);

	for (size_t i = 0; i < s->nsets; i++)
		n += sizeof(struct model_set) + s->set[i].n * sizeof(struct prefix);
	return n;
}

static void model_write(const struct sources *s, char *out, size_t bytes)
{
	struct model_head head = { MODEL_MAGIC, s->nrules, s->nsets, 0, bytes };
	char *p = out;

	memcpy(p, &head, sizeof(head));
	p += sizeof(head);
	for (size_t i = 0; i < s->nrules; i++) {
		const struct source_rule *r = &s->rule[i];
		struct model_rule m = { r->verdict, r->range.protos, r->set, 0, r->range.first,
					r->range.last, r->prefix };

		memcpy(p, &m, sizeof(m));
		p += sizeof(m);
	}
	for (size_t i = 0; i < s->nsets; i++) {
		struct model_set m = { .origin = s->set[i].origin, .n = s->set[i].n };

		memcpy(m.name, s->set[i].name, sizeof(m.name));
		memcpy(p, &m, sizeof(m));
		p += sizeof(m);
		if (s->set[i].n)
			memcpy(p, s->set[i].prefix, s->set[i].n * sizeof(struct prefix));
		p += s->set[i].n * sizeof(struct prefix);
	}
}

/* Reads a model written by model_write; -1 when it is not one. */
static int model_read(const char *buf, size_t len, struct sources *s)
{
	struct model_head head;
	const char *p = buf, *end = buf + len;

	sources_init(s);
	if (len < sizeof(head))
		return -1;
	memcpy(&head, p, sizeof(head));
	p += sizeof(head);
	if (head.magic != MODEL_MAGIC || head.bytes > len ||
	    head.nrules > (len - sizeof(head)) / sizeof(struct model_rule))
		return -1;
	end = buf + head.bytes;
	s->rule = malloc(sizeof(*s->rule) * (head.nrules + 1));
	s->set = calloc(head.nsets + 1, sizeof(*s->set));
	if (!s->rule || !s->set || head.nsets > SETS_MAX)
		goto bad;
	for (__u32 i = 0; i < head.nrules; i++) {
		struct model_rule m;

		memcpy(&m, p, sizeof(m));
		p += sizeof(m);
		s->rule[s->nrules++] = (struct source_rule){
			{ m.protos, m.first, m.last }, m.verdict, m.set, m.prefix
		};
	}
	for (__u32 i = 0; i < head.nsets; i++) {
		struct source_set *set = &s->set[s->nsets];
		struct model_set m;

		if ((size_t)(end - p) < sizeof(m))
			goto bad;
		memcpy(&m, p, sizeof(m));
		p += sizeof(m);
		if ((size_t)(end - p) / sizeof(struct prefix) < m.n)
			goto bad;
		memcpy(set->name, m.name, sizeof(set->name));
		set->name[SET_NAME_MAX] = '\0';
		set->origin = m.origin;
		set->n = set->cap = m.n;
		set->prefix = malloc(sizeof(struct prefix) * (m.n + 1));
		if (!set->prefix)
			goto bad;
		memcpy(set->prefix, p, m.n * sizeof(struct prefix));
		p += m.n * sizeof(struct prefix);
		s->nsets++;
	}
	return 0;
bad:
	sources_free(s);
	return -1;
}

int sources_load(const struct xdpport_ruleset *rs, struct sources *out, char *why,
		 size_t why_len)
{
	struct bpf_map_info info = {};
	__u32 info_len = sizeof(info);
	int fd, err = -1;
	void *mem;

	sources_init(out);
	if (!(rs->sources & XDPPORT_SOURCES_MODEL))
		return 0;
	fd = inner_fd(MAP_SRC_MODEL, rs->source_slot & 1);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		snprintf(why, why_len, "cannot read the source rules: %s", errno_reason(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	mem = mmap(NULL, (size_t)info.max_entries * MODEL_CHUNK, PROT_READ, MAP_SHARED, fd, 0);
	if (mem != MAP_FAILED) {
		err = model_read(mem, (size_t)info.max_entries * MODEL_CHUNK, out);
		munmap(mem, (size_t)info.max_entries * MODEL_CHUNK);
	}
	close(fd);
	if (err)
		snprintf(why, why_len, "the source rules in %s are unreadable", XDPPORT_PIN_DIR);
	return err;
}

/* A new mmapable array of `chunks` elements of `chunk` bytes, filled from buf. */
static int array_from(const char *name, const void *buf, size_t bytes, size_t chunk)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_MMAPABLE | BPF_F_INNER_MAP);
	size_t chunks = (bytes + chunk - 1) / chunk;
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, sizeof(__u32), chunk, chunks, &opts);
	void *mem;

	if (fd < 0)
		return -1;
	mem = mmap(NULL, chunks * chunk, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED) {
		close(fd);
		return -1;
	}
	memcpy(mem, buf, bytes);
	munmap(mem, chunks * chunk);
	return fd;
}

/* Writes n elements: in batches where the kernel has them, one by one otherwise. */
static int fill(int fd, const void *keys, size_t key_size, const void *values,
		size_t value_size, size_t n)
{
	__u32 count = n;

	if (!n || !bpf_map_update_batch(fd, keys, values, &count, NULL))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (bpf_map_update_elem(fd, (const char *)keys + i * key_size,
					(const char *)values + i * value_size, BPF_ANY))
			return -1;
	return 0;
}

static int longer_map(const struct source_tables *t)
{
	__u32 *keys = malloc(sizeof(*keys) * t->nlonger);
	struct xdpport_src4_long *values = malloc(sizeof(*values) * t->nlonger);
	int fd = -1;

	if (keys && values) {
		for (size_t i = 0; i < t->nlonger; i++) {
			keys[i] = t->longer[i].net;
			values[i] = t->longer[i].block;
		}
		fd = bpf_map_create(BPF_MAP_TYPE_HASH, "xdpport_src4l", sizeof(__u32),
				    sizeof(*values), t->nlonger, NULL);
		if (fd >= 0 && fill(fd, keys, sizeof(*keys), values, sizeof(*values), t->nlonger)) {
			close(fd);
			fd = -1;
		}
	}
	free(keys);
	free(values);
	return fd;
}

static int trie_map(const struct source_tables *t)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
	int fd = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "xdpport_srctrie",
				sizeof(struct xdpport_src_key), 1, t->ntrie, &opts);
	struct xdpport_src_key *keys = malloc(sizeof(*keys) * t->ntrie);
	__u8 *values = malloc(t->ntrie);

	if (fd >= 0 && keys && values) {
		for (size_t i = 0; i < t->ntrie; i++) {
			keys[i] = t->trie[i].key;
			values[i] = t->trie[i].origin;
		}
		/* In order (a later deny overwrites a pass of the same key): one batch. */
		if (fill(fd, keys, sizeof(*keys), values, 1, t->ntrie)) {
			close(fd);
			fd = -1;
		}
	} else if (fd >= 0) {
		close(fd);
		fd = -1;
	}
	free(keys);
	free(values);
	return fd;
}

/* Puts map `fd` (or nothing, fd -1) in `slot` of the map-in-map `outer`; closes fd. */
static int put_inner(int outer, __u32 slot, int fd)
{
	int err = fd >= 0 ? bpf_map_update_elem(outer, &slot, &fd, BPF_ANY)
			  : bpf_map_delete_elem(outer, &slot) && errno != ENOENT;

	if (fd >= 0)
		close(fd);
	return err ? -1 : 0;
}

/* The filter's own fds of the source maps-in-maps (filter_open checked them). */
static struct source_maps maps_of(const struct filter *f)
{
	return (struct source_maps){ f->fd[MAP_SRC4_BITS], f->fd[MAP_SRC4], f->fd[MAP_SRC4_LONG],
				     f->fd[MAP_SRC_TRIE], f->fd[MAP_SRC_MODEL] };
}

static int stage_tables(const struct source_maps *m, __u32 slot, const struct source_tables *t,
			const struct sources *s)
{
	size_t bytes = model_size(s);
	char *model = NULL;
	int fd, err = 0;

	fd = t->src4_bits_used ? array_from("xdpport_src4b", t->src4_bits,
					     XDPPORT_SRC4_BITS_CHUNKS * sizeof(struct xdpport_src4_bits),
					     sizeof(struct xdpport_src4_bits))
			       : -1;
	err |= (t->src4_bits_used && fd < 0) || put_inner(m->src4_bits, slot, fd);
	fd = t->src4_bytes_used ? array_from("xdpport_src4", t->src4, 1 << 24, XDPPORT_SRC4_CHUNK)
				: -1;
	err |= (t->src4_bytes_used && fd < 0) || put_inner(m->src4, slot, fd);
	fd = t->nlonger ? longer_map(t) : -1;
	err |= (t->nlonger && fd < 0) || put_inner(m->src4_long, slot, fd);
	fd = t->ntrie ? trie_map(t) : -1;
	err |= (t->ntrie && fd < 0) || put_inner(m->trie, slot, fd);
	if (!err && (s->nrules || s->nsets)) {
		model = calloc(1, bytes);
		if (model)
			model_write(s, model, bytes);
		fd = model ? array_from("xdpport_model", model, bytes, MODEL_CHUNK) : -1;
		err |= fd < 0 || put_inner(m->model, slot, fd);
	} else if (!err) {
		err |= put_inner(m->model, slot, -1);
	}
	free(model);
	return err ? -1 : 0;
}

int sources_install(const struct source_maps *m, __u32 slot, const struct sources *s,
		    struct xdpport_ruleset *next, char *why, size_t why_len)
{
	struct source_tables t;

	if (sources_compile(s, next, &t, why, why_len))
		return -1;
	if (stage_tables(m, slot, &t, s)) {
		snprintf(why, why_len, "cannot write the source tables: %s", errno_reason(errno));
		source_tables_free(&t);
		return -1;
	}
	source_tables_free(&t);
	next->source_slot = slot;
	if (s->nrules || s->nsets)
		next->sources |= XDPPORT_SOURCES_MODEL;
	return 0;
}

int sources_stage(struct filter *f, struct xdpport_ruleset *next, const struct sources *s,
		  char *why, size_t why_len)
{
	struct source_maps m = maps_of(f);

	publish_begin(f);	/* frames of the ruleset before the last flip may read it */
	return sources_install(&m, (filter_live(f)->source_slot & 1) ^ 1, s, next, why, why_len);
}

/* Whether slot `slot` of any of the source maps-in-maps holds a map. */
static bool slot_used(const struct source_maps *m, __u32 slot)
{
	__u32 id;

	for (const int *fd = &m->src4_bits; fd <= &m->model; fd++)
		if (!bpf_map_lookup_elem(*fd, &slot, &id))
			return true;
	return false;
}

void sources_release_other(struct filter *f)
{
	const struct xdpport_ruleset *live = filter_live(f);
	__u32 slot = (live->source_slot & 1) ^ 1;
	bool both = !live->sources;	/* flushed: its own slot is unused too */
	struct source_maps m = maps_of(f);

	if (!slot_used(&m, slot) && !(both && slot_used(&m, slot ^ 1)))
		return;
	publish_begin(f);	/* frames of the old ruleset may still read them */
	for (int *fd = &m.src4_bits; fd <= &m.model; fd++) {
		put_inner(*fd, slot, -1);
		if (both)
			put_inner(*fd, slot ^ 1, -1);
	}
}

void sources_reset_hits(__u8 origin)
{
	int ncpus = libbpf_num_possible_cpus(), fd = map_pin_open(MAP_SET_HITS);
	__u32 key = origin;
	__u64 *zero;

	zero = ncpus > 0 ? calloc(ncpus, sizeof(*zero)) : NULL;
	if (fd >= 0 && zero)
		bpf_map_update_elem(fd, &key, zero, BPF_ANY);
	free(zero);
	if (fd >= 0)
		close(fd);
}

__u64 sources_hits(__u8 origin)
{
	int ncpus = libbpf_num_possible_cpus(), fd = map_pin_open(MAP_SET_HITS);
	__u64 *per = ncpus > 0 ? calloc(ncpus, sizeof(*per)) : NULL, sum = 0;
	__u32 key = origin;

	if (fd >= 0 && per && !bpf_map_lookup_elem(fd, &key, per))
		for (int i = 0; i < ncpus; i++)
			sum += per[i];
	free(per);
	if (fd >= 0)
		close(fd);
	return sum;
}

bool sources_same(const struct sources *a, const struct sources *b)
{
	size_t n = model_size(a);
	char *x, *y;
	bool same;

	if (n != model_size(b))
		return false;
	x = calloc(1, n);
	y = calloc(1, n);
	same = x && y;
	if (same) {
		model_write(a, x, n);
		model_write(b, y, n);
		same = !memcmp(x, y, n);
	}
	free(x);
	free(y);
	return same;
}

/* The entry bits the sources own. */
#define SOURCE_BITS	(XDPPORT_ENTRY_SOURCES | XDPPORT_ENTRY_FROM)

void sources_keep(const struct xdpport_ruleset *live, struct xdpport_ruleset *next)
{
	next->sources = live->sources;
	next->source_slot = live->source_slot;
	memcpy(next->src4_value, live->src4_value, sizeof(next->src4_value));
	memcpy(next->src16, live->src16, sizeof(next->src16));
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		for (int port = 0; port < XDPPORT_PORTS; port++)
			next->entry[p][port] = (next->entry[p][port] & ~SOURCE_BITS) |
					       (live->entry[p][port] & SOURCE_BITS);
}

int sources_switch(struct filter *f, struct xdpport_ruleset *next,
		   const struct xdpport_limits *limits, const struct sources *after, char *why,
		   size_t why_len)
{
	if (sources_stage(f, next, after, why, why_len))
		return -1;
	filter_replace(f, next, limits);
	sources_release_other(f);
	return 0;
}
