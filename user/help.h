/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The long help of each command: what `xdpport help COMMAND` prints below its usage. */
#ifndef XDPPORT_HELP_H
#define XDPPORT_HELP_H

enum help_globals {
	HELP_JSON = 1 << 0,	/* the command prints, and --json changes how */
	HELP_FORCE = 1 << 1,	/* it changes the ruleset: --force overrides the guard */
};

struct help_text {
	const char *command;
	const char *text;	/* paragraphs and examples, each line ending in \n */
	unsigned globals;	/* enum help_globals */
};

/* The help of `command`, or NULL when it has none. */
const struct help_text *help_text(const char *command);

#endif
