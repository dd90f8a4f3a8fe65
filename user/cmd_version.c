// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpport version (also xdpport --version). */
#include <stdio.h>

#include "cli.h"
#include "errors.h"
#include "json.h"

#ifndef XDPPORT_VERSION
#define XDPPORT_VERSION "0.1.0"
#endif

static int cmd_version(struct cmdline *cl)
{
	if (cl->json) {
		json_object_begin(NULL);
		json_string("version", XDPPORT_VERSION);
		json_object_end();
	} else {
		printf("xdpport %s\n", XDPPORT_VERSION);
	}
	return EXIT_OK;
}

const struct command cmd_version_def = {
	.name = "version", .run = cmd_version, .min_args = 0, .max_args = 0,
	.args = "",
	.summary = "print the version",
	.takes = TAKES_JSON,
	.help = "Prints the version.\n",
};
