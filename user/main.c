// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpport: the command line. Finds the command, parses its options, runs it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "errors.h"

#ifndef XDPPORT_VERSION
#define XDPPORT_VERSION "0.1.0"
#endif

static int cmd_help(struct cmdline *cl);
static int cmd_version(struct cmdline *cl);

static const struct command commands[] = {
	{ "attach", cmd_attach, "IFACE", "load the filter onto an interface", 1, 1,
	  { { "mode", OPT_VALUE, "--mode auto|native|generic  XDP mode (default auto: native, "
				 "else generic with a warning)" },
	    { "replace", OPT_FLAG, "--replace  replace another XDP program on IFACE" } } },
	{ "detach", cmd_detach, "IFACE | --all", "remove the filter from an interface", 0, 1,
	  { { "all", OPT_FLAG, "--all  from every interface" } } },
	{ "allow", cmd_allow, "PORTSPEC...", "pass these ports", 1, -1, {} },
	{ "deny", cmd_deny, "PORTSPEC...", "drop these ports", 1, -1, {} },
	{ "delete", cmd_delete, "PORTSPEC...", "remove rules: the ports follow the policy", 1, -1,
	  {} },
	{ "policy", cmd_policy, "pass|drop [tcp|udp]", "verdict for ports without a rule", 1, 2,
	  {} },
	{ "fragments", cmd_fragments, "pass|drop", "verdict for non-first IP fragments", 1, 1, {} },
	{ "list", cmd_list, "", "show policies and rules", 0, 0, {} },
	{ "flush", cmd_flush, "", "forget every rule and policy (back to pass everything)", 0, 0,
	  {} },
	{ "status", cmd_status, "", "show interfaces, modes, programs and rule counts", 0, 0, {} },
	{ "stats", cmd_stats, "", "packets passed and dropped, by reason and by port", 0, 0,
	  { { "top", OPT_VALUE, "--top N  ports to show (default 10)" } } },
	{ "version", cmd_version, "", "print the version", 0, 0, {} },
	{ "help", cmd_help, "[COMMAND]", "show help", 0, 1, {} },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char *globals_help =
	"  --json   print JSON (commands that print)\n"
	"  --force  do it even if it drops the SSH port you are connected through\n"
	"  --help   show help for the command\n";

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_usage(FILE *out)
{
	fprintf(out, "Usage: xdpport COMMAND [ARGS] [OPTIONS]\n\nCommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char line[64];

		snprintf(line, sizeof(line), "%s %s", commands[i].name, commands[i].args);
		fprintf(out, "  %-28s %s\n", line, commands[i].summary);
	}
	fprintf(out, "\nPORTSPEC: 443, 443/tcp, 8000-8100/udp, https, ssh/tcp\n"
		     "\nOptions:\n%s\nExit status: 0 ok, 1 failure, 2 usage error. "
		     "See xdpport(8).\n",
		globals_help);
}

static void print_command_help(const struct command *cmd)
{
	printf("Usage: xdpport %s %s\n\n%s.\n", cmd->name, cmd->args, cmd->summary);
	printf("\nOptions:\n");
	for (int i = 0; i < CMD_MAX_OPTIONS && cmd->options[i].name; i++)
		printf("  %s\n", cmd->options[i].help);
	printf("%s", globals_help);
}

static int cmd_help(struct cmdline *cl)
{
	const struct command *cmd;

	if (cl->argc == 0) {
		print_usage(stdout);
		return EXIT_OK;
	}
	cmd = find_command(cl->argv[0]);
	if (!cmd)
		return usage_error(cl, "unknown command '%s'", cl->argv[0]);
	print_command_help(cmd);
	return EXIT_OK;
}

static int cmd_version(struct cmdline *cl)
{
	(void)cl;
	printf("xdpport %s\n", XDPPORT_VERSION);
	return EXIT_OK;
}

const char *cmd_opt(const struct cmdline *cl, const char *name)
{
	for (int i = 0; i < CMD_MAX_OPTIONS && cl->cmd->options[i].name; i++)
		if (!strcmp(cl->cmd->options[i].name, name))
			return cl->opt_value[i];
	return NULL;
}

int usage_error(const struct cmdline *cl, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xdpport: %s: ", cl->cmd ? cl->cmd->name : "usage");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'xdpport help%s%s')\n", cl->cmd ? " " : "",
		cl->cmd ? cl->cmd->name : "");
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

/* Splits argv into options and positional arguments (kept in place, in order).
 * Returns -1 after printing a usage error, 1 for --help, else 0. */
static int parse_args(struct cmdline *cl, int argc, char **argv)
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
			argv[cl->argc++] = arg;
			continue;
		}
		arg += 2;
		if (!strcmp(arg, "help"))
			return 1;
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

int main(int argc, char **argv)
{
	struct cmdline cl = {};
	int parsed;

	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return print_usage(stdout), EXIT_OK;
	if (!strcmp(argv[1], "--version"))
		return cmd_version(&cl);
	cl.cmd = find_command(argv[1]);
	if (!cl.cmd) {
		fprintf(stderr, "xdpport: %s: unknown command (see 'xdpport help')\n", argv[1]);
		return EXIT_USAGE;
	}
	parsed = parse_args(&cl, argc - 2, argv + 2);
	if (parsed < 0)
		return EXIT_USAGE;
	if (parsed > 0) {
		print_command_help(cl.cmd);
		return EXIT_OK;
	}
	if (cl.argc < cl.cmd->min_args)
		return usage_error(&cl, "missing %s", cl.cmd->args);
	if (cl.cmd->max_args >= 0 && cl.argc > cl.cmd->max_args)
		return usage_error(&cl, "unexpected argument '%s'", cl.argv[cl.cmd->max_args]);
	return cl.cmd->run(&cl);
}
