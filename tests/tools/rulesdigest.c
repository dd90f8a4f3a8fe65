// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Prints a digest of everything a failed command must leave as it was: the bytes of
 * the pinned rules map (both slots, the active word, the layout word: read through an
 * mmap, as the data path sees them; the time of the last change apart), the limit
 * configs of both slots (mmapped too), the interface table, every counter on every
 * CPU, and the names in the pin directory. One line, so a shell test compares two
 * strings; each part is digested on its own, so a difference says what changed:
 *
 *   rules 1f0c.. active 0 changed 1796162463520479637 slot0 9a3e.. slot1 0000.. limits 4b1d.. ifaces 77c2.. totals 5d01.. ports e3a9.. pins link-4026531840-2,xdpport_ifaces,...
 *
 * `rules` digests every byte but `changed` (changed_ns), which is printed instead:
 * a test that changes rules and changes them back compares the line without it.
 *
 * Independent of user/ on purpose: it reads the maps with plain libbpf calls, so
 * a bug in how the CLI opens or mounts them cannot hide itself here.
 *   rulesdigest [PIN_DIR]     (default /sys/fs/bpf/xdpport; "none" if absent)
 */
#include <dirent.h>
#include <errno.h>
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpport.h"

#define FNV_OFFSET	0xcbf29ce484222325ull
#define FNV_PRIME	0x100000001b3ull
#define PORT_KEYS	(XDPPORT_NPROTO * XDPPORT_PORTS)

static __u64 fnv1a(__u64 h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * FNV_PRIME;
	return h;
}

static int open_map(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return bpf_obj_get(path);
}

/* The rules map through its mmap: all but the change time, which comes as a number,
 * then each slot. */
static void print_rules(const char *dir)
{
	int fd = open_map(dir, "xdpport_rules");
	size_t len = sizeof(struct xdpport_rules);
	struct xdpport_rules *r;

	r = fd < 0 ? MAP_FAILED : mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (r == MAP_FAILED) {
		printf("rules %s", fd < 0 ? "missing" : "unmappable");
	} else {
		size_t stamp = offsetof(struct xdpport_rules, changed_ns);
		__u64 h = fnv1a(FNV_OFFSET, r, stamp);

		h = fnv1a(h, (char *)r + stamp + sizeof(r->changed_ns),
			  len - stamp - sizeof(r->changed_ns));
		printf("rules %016llx active %u changed %llu slot0 %016llx slot1 %016llx",
		       (unsigned long long)h, r->active, (unsigned long long)r->changed_ns,
		       (unsigned long long)fnv1a(FNV_OFFSET, &r->slot[0], sizeof(r->slot[0])),
		       (unsigned long long)fnv1a(FNV_OFFSET, &r->slot[1], sizeof(r->slot[1])));
		munmap(r, len);
	}
	if (fd >= 0)
		close(fd);
}

/* The limit configs of both slots, through their mmap. */
static void print_limits(const char *dir)
{
	int fd = open_map(dir, "xdpport_limits");
	size_t len = 2 * sizeof(struct xdpport_limits);
	void *l = fd < 0 ? MAP_FAILED : mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);

	if (l == MAP_FAILED) {
		printf(" limits %s", fd < 0 ? "missing" : "unmappable");
	} else {
		printf(" limits %016llx", (unsigned long long)fnv1a(FNV_OFFSET, l, len));
		munmap(l, len);
	}
	if (fd >= 0)
		close(fd);
}

/* Every key of an array map, one lookup each: fine for the 64-entry tables. A per-CPU
 * map's `value_size` is per CPU (a multiple of 8, as the kernel wants it). */
static void print_array(const char *dir, const char *name, const char *label, __u32 keys,
			size_t value_size, bool per_cpu)
{
	int fd = open_map(dir, name);
	size_t len = value_size * (per_cpu ? libbpf_num_possible_cpus() : 1);
	unsigned char *value = malloc(len);
	__u64 h = FNV_OFFSET;

	for (__u32 k = 0; fd >= 0 && value && k < keys; k++) {
		if (bpf_map_lookup_elem(fd, &k, value))
			memset(value, 0xee, len);	/* a failed read shows */
		h = fnv1a(h, value, len);
	}
	printf(" %s %016llx", label, fd < 0 ? 0ull : (unsigned long long)h);
	free(value);
	if (fd >= 0)
		close(fd);
}

/* The per-port counters: 131072 keys, read in batches. */
static void print_ports(const char *dir)
{
	int fd = open_map(dir, "xdpport_ports"), ncpus = libbpf_num_possible_cpus();
	size_t value_size = sizeof(struct xdpport_port_count) * ncpus;
	__u32 *keys = calloc(PORT_KEYS, sizeof(*keys)), batch, count = PORT_KEYS;
	unsigned char *values = calloc(PORT_KEYS, value_size);
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u64 h = FNV_OFFSET;

	if (fd >= 0 && keys && values &&
	    (!bpf_map_lookup_batch(fd, NULL, &batch, keys, values, &count, &opts) ||
	     errno == ENOENT)) {
		h = fnv1a(h, keys, count * sizeof(*keys));
		h = fnv1a(h, values, count * value_size);
	} else if (fd >= 0) {
		h = 0xeeeeeeeeeeeeeeeeull;
	}
	printf(" ports %016llx", fd < 0 ? 0ull : (unsigned long long)h);
	free(keys);
	free(values);
	if (fd >= 0)
		close(fd);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void print_pins(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name);

	printf(" pins ");
	for (int i = 0, shown = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			printf("%s%s", shown++ ? "," : "", names[i]->d_name);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : XDPPORT_PIN_DIR;

	if (access(dir, F_OK)) {
		printf("none\n");
		return 0;
	}
	print_rules(dir);
	print_limits(dir);
	print_array(dir, "xdpport_ifaces", "ifaces", XDPPORT_IFACE_SLOTS,
		    sizeof(struct xdpport_iface), false);
	print_array(dir, "xdpport_totals", "totals", XDPPORT_IFACE_SLOTS,
		    sizeof(struct xdpport_totals), true);
	print_ports(dir);
	print_pins(dir);
	printf("\n");
	return 0;
}
