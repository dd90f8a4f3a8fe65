/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The maps the filter pins, one table: bpf/xdpport.bpf.c defines them, and the build
 * reads their list and shapes from its skeleton into build/pinned_maps.h
 * (user/gen/pinned_maps.c). A map's number (MAP_RULES, MAP_IFACES, ...) indexes the
 * fds of struct filter; its shape is what a pin must have to be used.
 */
#ifndef XDPPORT_MAPS_H
#define XDPPORT_MAPS_H

#include <linux/types.h>
#include <stdbool.h>

#include "pinned_maps.h"

enum pinned_map {
#define PINNED_MAP_ID(id, ...) MAP_##id,
	XDPPORT_PINNED_MAPS(PINNED_MAP_ID)
#undef PINNED_MAP_ID
	NMAPS
};

/* "xdpport_rules", ...: its name in the .bpf.c and in XDPPORT_PIN_DIR. */
const char *map_name(enum pinned_map m);

/* The map numbered by `name`, or -1 when the program pins no map of that name. */
int map_by_name(const char *name);

/* Opens the pin of `m`: an fd, or -1 with errno set. */
int map_pin_open(enum pinned_map m);

/* Whether map `fd` has the shape the .bpf.c gives `m`: type, key and value sizes,
 * flags, and entries unless the user chooses them when the filter is created. */
bool map_has_shape(int fd, enum pinned_map m);

/* A new, unpinned map of the shape of `m` with `entries` entries (a table sized by
 * the user; not for maps of maps): an fd, or -1 with errno set. */
int map_create(enum pinned_map m, __u32 entries);

#endif
