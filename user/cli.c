// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Command-line parsing shared by every command: options, flags, usage errors. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "errors.h"

const char *cmd_opt(const struct cmdline *cl, const char *name)
{
	for (int i = 0; i < CMD_MAX_OPTIONS && cl->cmd->options[i].name; i++)
		if (!strcmp(cl->cmd->options[i].name, name))
			return cl->opt_value[i];
	return NULL;
}

void cli_what(const struct cmdline *cl, int first, int count, char *buf, size_t len)
{
	size_t used = snprintf(buf, len, "%s", cl->cmd->name);

	if (count < 0 || first + count > cl->argc)
		count = cl->argc - first;
	for (int i = first; i < first + count && used < len; i++) {
		const char *arg = cl->argv[i];
		bool plain = arg[0] && !strpbrk(arg, " \t'");

		used += snprintf(buf + used, len - used, plain ? " %s" : " '%s'", arg);
	}
	if (used >= len && len > 4)
		strcpy(buf + len - 4, "...");
}

int usage_error(const struct cmdline *cl, const char *fmt, ...)
{
	char tail[64];
	va_list ap;

	snprintf(tail, sizeof(tail), " (see 'xdpport help%s%s')", cl->cmd ? " " : "",
		 cl->cmd ? cl->cmd->name : "");
	va_start(ap, fmt);
	error_vline(cl->cmd ? cl->cmd->name : "usage", tail, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

static const struct cmd_option *find_option(const struct command *cmd, const char *name,
					    size_t len, int *index)
{
	for (int i = 0; i < CMD_MAX_OPTIONS && cmd->options[i].name; i++)
		if (strlen(cmd->options[i].name) == len && !strncmp(cmd->options[i].name, name, len)) {
			*index = i;
			return &cmd->options[i];
		}
	return NULL;
}

int cli_parse_args(struct cmdline *cl, int argc, char **argv)
{
	bool options_done = false;

	cl->argv = argv;
	for (int i = 0; i < argc; i++) {
		char *arg = argv[i];
		const struct cmd_option *opt;
		const char *eq;
		int index;

		if (options_done || strncmp(arg, "--", 2) || !strcmp(arg, "--")) {
			if (!options_done && !strcmp(arg, "--")) {
				options_done = true;
				continue;
			}
			if (!strcmp(arg, "-h"))
				return 1;
			/* -v, -f...: not a port (-1 is one, a negative one) nor stdin (-) */
			if (!options_done && arg[0] == '-' && isalpha((unsigned char)arg[1])) {
				usage_error(cl, "unknown option '%s' (options are long: --help lists "
						"them)", arg);
				return -1;
			}
			argv[cl->argc++] = arg;
			continue;
		}
		arg += 2;
		if (!strcmp(arg, "help"))
			return 1;
		if (!strncmp(arg, "json=", 5) || !strncmp(arg, "force=", 6)) {
			usage_error(cl, "option '--%.*s' takes no value", (int)strcspn(arg, "="), arg);
			return -1;
		}
		if (!strcmp(arg, "json")) {
			cl->json = true;
			continue;
		}
		if (!strcmp(arg, "force")) {
			cl->force = true;
			continue;
		}
		eq = strchr(arg, '=');
		opt = find_option(cl->cmd, arg, eq ? (size_t)(eq - arg) : strlen(arg), &index);
		if (!opt) {
			usage_error(cl, "unknown option '--%s'", arg);
			return -1;
		}
		if (opt->arg == OPT_FLAG && eq) {
			usage_error(cl, "option '--%s' takes no value", opt->name);
			return -1;
		}
		/* A flag twice is harmless; a value twice leaves which one is meant. */
		if (opt->arg != OPT_FLAG && cl->opt_value[index]) {
			usage_error(cl, "option '--%s' given twice", opt->name);
			return -1;
		}
		if (eq) {
			cl->opt_value[index] = eq + 1;
		} else if (opt->arg == OPT_VALUE) {
			if (i + 1 >= argc) {
				usage_error(cl, "option '--%s' needs a value", opt->name);
				return -1;
			}
			cl->opt_value[index] = argv[++i];
		} else if (opt->arg == OPT_OPTIONAL && i + 1 < argc && argv[i + 1][0] >= '0' &&
			   argv[i + 1][0] <= '9') {
			cl->opt_value[index] = argv[++i];
		} else {
			cl->opt_value[index] = "";
		}
	}
	return 0;
}
