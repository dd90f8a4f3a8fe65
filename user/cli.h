/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* A command's descriptor and what a command receives from the command line. */
#ifndef XDPPORT_CLI_H
#define XDPPORT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CMD_MAX_OPTIONS 12
#define CMD_MAX_LIST_VALUES 16	/* values of OPT_LIST options, all together */

enum opt_arg {
	OPT_FLAG,		/* --replace */
	OPT_VALUE,		/* --mode native, --mode=native */
	OPT_OPTIONAL,		/* --watch, --watch 2, --watch=2 */
	OPT_LIST,		/* --reason a --reason b: a value each time (cmd_opt_list) */
};

struct cmd_option {
	const char *name;	/* without the leading "--" */
	enum opt_arg arg;
	const char *help;	/* "--mode auto|native|generic  how to attach"; one that
				 * starts "-w FILE" gives the option a short name too:
				 * -w FILE, -wFILE */
};

/* The global options a command takes, besides --help; elsewhere they are usage errors. */
enum cmd_takes {
	TAKES_JSON = 1 << 0,	/* it prints, and --json changes how */
	TAKES_FORCE = 1 << 1,	/* it changes the ruleset: --force overrides the guard */
};

struct cmdline;

/* A command: defined at the end of the file that implements it, listed in main.c. */
struct command {
	const char *name;
	int (*run)(struct cmdline *cl);
	const char *args;	/* positional arguments, for usage: "PORTSPEC..." */
	const char *summary;	/* one line */
	int min_args, max_args;	/* max_args -1: any number */
	struct cmd_option options[CMD_MAX_OPTIONS];
	unsigned takes;		/* enum cmd_takes */
	const char *help;	/* `xdpport help NAME`: paragraphs and examples, each line
				 * ending in \n (user/help_text.h has the shared ones) */
	void (*help_tail)(FILE *out);	/* prints what follows the help, if anything */
};

struct cmdline {
	const struct command *cmd;
	int argc;		/* positional arguments */
	char **argv;
	bool json, force, debug;	/* debug: -d/--debug, which every command takes */
	const char *opt_value[CMD_MAX_OPTIONS];	/* NULL: absent; "" a flag or no value */
	const char *list_value[CMD_MAX_LIST_VALUES];	/* OPT_LIST values, in order */
	int list_option[CMD_MAX_LIST_VALUES];		/* ...and whose they are */
	int n_list;
};

/* Splits argv into options and positional arguments (kept in place, in order).
 * Returns -1 after printing a usage error, 1 for --help, else 0. */
int cli_parse_args(struct cmdline *cl, int argc, char **argv);

/* The value of a command option: NULL when it was not given. */
const char *cmd_opt(const struct cmdline *cl, const char *name);

/* The values of an OPT_LIST option, in the order given: fills up to `max`, returns
 * how many there are. */
int cmd_opt_list(const struct cmdline *cl, const char *name, const char **out, int max);

/* Writes "COMMAND ARG..." for the `count` positional arguments from `first` (all of
 * them with count -1) into `buf`: what an error line names. Empty arguments show
 * as ''. */
void cli_what(const struct cmdline *cl, int first, int count, char *buf, size_t len);

/* Prints the usage error line and returns EXIT_USAGE. */
int usage_error(const struct cmdline *cl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
