// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpport: the command line. Finds the command, parses its options, runs it. */
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
	{ "apply", cmd_apply, "FILE|-", "replace the whole ruleset with a rules file, atomically",
	  1, 1, { { "check", OPT_FLAG, "--check  only parse and validate FILE; change nothing" } } },
	{ "save", cmd_save, "", "print the running ruleset as a rules file", 0, 0, {} },
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

int main(int argc, char **argv)
{
	struct cmdline cl = {};
	int parsed;

	/* Global options may also come before the command: xdpport --json status */
	for (; argc > 1 && (!strcmp(argv[1], "--json") || !strcmp(argv[1], "--force")); argc--, argv++)
		*(argv[1][2] == 'j' ? &cl.json : &cl.force) = true;
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
	parsed = cli_parse_args(&cl, argc - 2, argv + 2);
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
