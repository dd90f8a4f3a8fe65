// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The pinned maps' table (user/maps.h): names, shapes, and their pins. */
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "maps.h"
#include "xdpport.h"

struct map_shape {
	const char *name;
	__u32 type, key_size, value_size, max_entries, flags;
};

static const struct map_shape shapes[NMAPS] = {
#define PINNED_MAP_SHAPE(id, name, type, key, value, entries, flags) \
	[MAP_##id] = { name, type, key, value, entries, flags },
	XDPPORT_PINNED_MAPS(PINNED_MAP_SHAPE)
#undef PINNED_MAP_SHAPE
};

/* The tables whose size is chosen when the filter is created (limit --table, replies
 * table-size): any max_entries will do. */
static bool sized_by_user(enum pinned_map m)
{
	return m == MAP_SOURCES || m == MAP_FLOWS;
}

const char *map_name(enum pinned_map m)
{
	return shapes[m].name;
}

int map_by_name(const char *name)
{
	for (int m = 0; m < NMAPS; m++)
		if (!strcmp(shapes[m].name, name))
			return m;
	return -1;
}

int map_pin_open(enum pinned_map m)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", XDPPORT_PIN_DIR, shapes[m].name);
	return bpf_obj_get(path);
}

bool map_has_shape(int fd, enum pinned_map m)
{
	const struct map_shape *want = &shapes[m];
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return !bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == want->type &&
	       info.key_size == want->key_size && info.value_size == want->value_size &&
	       (info.max_entries == want->max_entries || sized_by_user(m)) &&
	       info.map_flags == want->flags;
}

int map_create(enum pinned_map m, __u32 entries)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = shapes[m].flags);

	return bpf_map_create(shapes[m].type, shapes[m].name, shapes[m].key_size,
			      shapes[m].value_size, entries, &opts);
}
