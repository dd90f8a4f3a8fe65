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

/* The short name its help gives an option ("-w FILE  ..."), or 0. */
static char short_name(const struct cmd_option *opt)
{
	const char *h = opt->help;

	return h[0] == '-' && h[1] && h[1] != '-' && (h[2] == ' ' || !h[2]) ? h[1] : 0;
}

static const struct cmd_option *find_short(const struct command *cmd, char name, int *index)
{
	for (int i = 0; i < CMD_MAX_OPTIONS && cmd->options[i].name; i++)
		if (short_name(&cmd->options[i]) == name) {
			*index = i;
			return &cmd->options[i];
		}
	return NULL;
}

static bool has_short_options(const struct command *cmd)
{
	int index;

	for (char c = 'a'; c <= 'z'; c++)
		if (find_short(cmd, c, &index))
			return true;
	return false;
}

int cmd_opt_list(const struct cmdline *cl, const char *name, const char **out, int max)
{
	int n = 0;

	for (int i = 0; i < cl->n_list; i++)
		if (!strcmp(cl->cmd->options[cl->list_option[i]].name, name)) {
			if (n < max)
				out[n] = cl->list_value[i];
			n++;
		}
	return n;
}

/*
 * Records option `opt` (number `index`), given as `label` ("--mode", "-w") with
 * `inline_value` after '=' or the short letter, or NULL; a value it needs otherwise
 * is the next argument. Returns -1 after a usage error.
 */
static int take_option(struct cmdline *cl, const struct cmd_option *opt, int index,
		       const char *label, const char *inline_value, int argc, char **argv, int *i)
{
	const char *value = inline_value;

	if (opt->arg == OPT_FLAG && value) {
		usage_error(cl, "option '%s' takes no value", label);
		return -1;
	}
	/* A flag twice is harmless; a value twice leaves which one is meant. */
	if ((opt->arg == OPT_VALUE || opt->arg == OPT_OPTIONAL) && cl->opt_value[index]) {
		usage_error(cl, "option '%s' given twice", label);
		return -1;
	}
	if (!value && (opt->arg == OPT_VALUE || opt->arg == OPT_LIST)) {
		if (*i + 1 >= argc) {
			usage_error(cl, "option '%s' needs a value", label);
			return -1;
		}
		value = argv[++*i];
	} else if (!value && opt->arg == OPT_OPTIONAL && *i + 1 < argc &&
		   argv[*i + 1][0] >= '0' && argv[*i + 1][0] <= '9') {
		value = argv[++*i];
	}
	if (opt->arg == OPT_LIST) {
		if (cl->n_list >= CMD_MAX_LIST_VALUES) {
			usage_error(cl, "option '%s' given more than %d times", label,
				    CMD_MAX_LIST_VALUES);
			return -1;
		}
		cl->list_option[cl->n_list] = index;
		cl->list_value[cl->n_list++] = value;
	}
	cl->opt_value[index] = value ? value : "";
	return 0;
}

/* "-w FILE", "-wFILE": returns 1 when `arg` is a short option of the command (taken),
 * 0 when it is a positional argument, -1 after a usage error. */
static int short_option(struct cmdline *cl, char *arg, int argc, char **argv, int *i)
{
	const struct cmd_option *opt;
	char label[3] = "-";
	int index;

	if (arg[0] != '-' || !((arg[1] >= 'a' && arg[1] <= 'z') || (arg[1] >= 'A' && arg[1] <= 'Z')) ||
	    !has_short_options(cl->cmd))
		return 0;
	label[1] = arg[1];
	opt = find_short(cl->cmd, arg[1], &index);
	if (!opt) {
		usage_error(cl, "unknown option '%s'", arg);
		return -1;
	}
	return take_option(cl, opt, index, label, arg[2] ? arg + 2 : NULL, argc, argv, i) ? -1 : 1;
}

int cli_parse_args(struct cmdline *cl, int argc, char **argv)
{
	bool options_done = false;

	cl->argv = argv;
	for (int i = 0; i < argc; i++) {
		char *arg = argv[i], label[64];
		const struct cmd_option *opt;
		const char *eq;
		int index, taken;

		if (options_done || strncmp(arg, "--", 2) || !strcmp(arg, "--")) {
			if (!options_done && !strcmp(arg, "--")) {
				options_done = true;
				continue;
			}
			if (!strcmp(arg, "-h"))
				return 1;
			if (!options_done && !strcmp(arg, "-d")) {
				cl->debug = true;
				continue;
			}
			taken = options_done ? 0 : short_option(cl, arg, argc, argv, &i);
			if (taken < 0)
				return -1;
			/* -v, -f...: not a port (-1 is one, a negative one) nor stdin (-) */
			if (!taken && !options_done && arg[0] == '-' && isalpha((unsigned char)arg[1])) {
				usage_error(cl, "unknown option '%s' (options are long: --help lists "
						"them)", arg);
				return -1;
			}
			if (!taken)
				argv[cl->argc++] = arg;
			continue;
		}
		arg += 2;
		if (!strcmp(arg, "help"))
			return 1;
		if (!strncmp(arg, "json=", 5) || !strncmp(arg, "force=", 6) ||
		    !strncmp(arg, "debug=", 6)) {
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
		if (!strcmp(arg, "debug")) {
			cl->debug = true;
			continue;
		}
		eq = strchr(arg, '=');
		opt = find_option(cl->cmd, arg, eq ? (size_t)(eq - arg) : strlen(arg), &index);
		if (!opt) {
			usage_error(cl, "unknown option '--%s'", arg);
			return -1;
		}
		snprintf(label, sizeof(label), "--%s", opt->name);
		if (take_option(cl, opt, index, label, eq ? eq + 1 : NULL, argc, argv, &i))
			return -1;
	}
	return 0;
}
