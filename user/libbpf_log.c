// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <bpf/libbpf.h>

#include "libbpf_log.h"

static bool log_all;

/* libbpf's messages start with "libbpf: " and end in a newline themselves. */
static int print_all(enum libbpf_print_level level, const char *format, va_list args)
{
	(void)level;
	return vfprintf(stderr, format, args);
}

void libbpf_log_all(void)
{
	log_all = true;
	libbpf_set_print(print_all);
}

void libbpf_log_quiet(void)
{
	if (!log_all)
		libbpf_set_print(NULL);
}
