// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpfilter.h"

static bool find_object(char *out, size_t len, const char *dir, const char *name)
{
	char search[] = XDPFILTER_SEARCH_PATH, *save = NULL;

	if (dir) {
		snprintf(out, len, "%s/%s.o", dir, name);
		return access(out, R_OK) == 0;
	}
	for (char *d = strtok_r(search, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s.o", d, name);
		if (access(out, R_OK) == 0)
			return true;
	}
	return false;
}

int xdpfilter_load(struct xdpfilter *f, const char *dir, const char *name)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	int err;

	memset(f, 0, sizeof(*f));
	f->prog_fd = f->ports_fd = -1;
	if (!find_object(f->path, sizeof(f->path), dir, name))
		return -ENOENT;
	f->obj = bpf_object__open_file(f->path, NULL);
	if (!f->obj) {
		err = -errno;
		f->obj = NULL;
		return err;
	}
	bpf_object__for_each_map(map, f->obj)
		bpf_map__set_pin_path(map, NULL);	/* private maps, never xdp-filter's own */
	err = bpf_object__load(f->obj);
	prog = bpf_object__next_program(f->obj, NULL);
	map = bpf_object__find_map_by_name(f->obj, "filter_ports");
	if (err || !prog || !map) {
		xdpfilter_close(f);
		return err ? err : -ENOENT;
	}
	f->prog_fd = bpf_program__fd(prog);
	f->ports_fd = bpf_map__fd(map);
	return 0;
}

void xdpfilter_close(struct xdpfilter *f)
{
	bpf_object__close(f->obj);
	f->obj = NULL;
}

int xdpfilter_set_port(struct xdpfilter *f, uint16_t port, uint8_t flags)
{
	int ncpus = libbpf_num_possible_cpus();
	__u32 key = htons(port);

	if (ncpus <= 0)
		return -EINVAL;
	__u64 values[ncpus];

	for (int i = 0; i < ncpus; i++)
		values[i] = flags;
	return bpf_map_update_elem(f->ports_fd, &key, values, BPF_ANY) ? -errno : 0;
}
