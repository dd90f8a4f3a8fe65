/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* A small JSON writer for --json output on stdout: keys in the order written, commas
 * and nesting handled here. `key` is NULL for array elements and the top level. */
#ifndef XDPPORT_JSON_H
#define XDPPORT_JSON_H

#include <stdbool.h>
#include <stdint.h>

void json_object_begin(const char *key);
void json_object_end(void);
void json_array_begin(const char *key);
void json_array_end(void);
void json_string(const char *key, const char *value);
void json_uint(const char *key, uint64_t value);
void json_double(const char *key, double value);
void json_bool(const char *key, bool value);
void json_null(const char *key);

#endif
