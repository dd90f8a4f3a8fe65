/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* `xdpport help` and `xdpport help COMMAND`, printed from the command descriptors. */
#ifndef XDPPORT_HELP_H
#define XDPPORT_HELP_H

#include <stddef.h>
#include <stdio.h>

struct command;

/* The usage page: what xdpport does, the `n` commands in order, the global options. */
void help_usage(FILE *out, const struct command *const *commands, size_t n);

/* The help of one command: usage line, its help text, its options. */
void help_command(const struct command *cmd);

#endif
