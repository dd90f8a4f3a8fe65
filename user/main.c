// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpport: the command line. Finds the command, parses its options, runs it. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "errors.h"
#include "help.h"
#include "json.h"
#include "reasons.h"

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
	{ "allow", cmd_allow, "PORTSPEC... [from SOURCE...]",
	  "pass these ports (only from these sources)", 1, -1, {} },
	{ "deny", cmd_deny, "PORTSPEC... [from SOURCE...]",
	  "drop these ports (only from these sources)", 1, -1, {} },
	{ "delete", cmd_delete, "[PORTSPEC...] [from SOURCE...]",
	  "remove rules: the ports follow the policy", 1, -1, {} },
	{ "policy", cmd_policy, "pass|drop [tcp|udp]", "verdict for ports without a rule", 1, 2,
	  {} },
	{ "fragments", cmd_fragments, "pass|drop", "verdict for non-first IP fragments", 1, 1, {} },
	{ "set", cmd_set, "NAME FILE|-", "create or replace a named set of addresses, atomically",
	  1, 2, { { "delete", OPT_FLAG, "--delete  remove the set (no rule may use it)" } } },
	{ "sets", cmd_sets, "", "show the named sets: prefixes, rules using them, hits", 0, 0,
	  {} },
	{ "list", cmd_list, "", "show policies and rules", 0, 0, {} },
	{ "apply", cmd_apply, "FILE|-", "replace the whole ruleset with a rules file, atomically",
	  1, 1, { { "check", OPT_FLAG, "--check  only parse and validate FILE; change nothing" } } },
	{ "save", cmd_save, "", "print the running ruleset as a rules file", 0, 0, {} },
	{ "flush", cmd_flush, "", "forget every rule and policy (back to pass everything)", 0, 0,
	  {} },
	{ "status", cmd_status, "", "show interfaces, modes, programs and rule counts", 0, 0, {} },
	{ "stats", cmd_stats, "", "packets passed and dropped, by reason and by port", 0, 0,
	  { { "top", OPT_VALUE, "--top N|all     ports listed by dropped and by passed "
				"(default 10)" },
	    { "watch", OPT_OPTIONAL, "--watch [SECS]  live rates, redrawn every SECS (default 1); "
				     "Ctrl-C ends" },
	    { "prometheus", OPT_FLAG, "--prometheus    Prometheus text format (node_exporter "
				      "textfile)" },
	    { "reset", OPT_FLAG, "--reset         zero every counter: all interfaces, ports, "
				 "CPUs" } } },
	{ "version", cmd_version, "", "print the version", 0, 0, {} },
	{ "help", cmd_help, "[COMMAND]", "show help", 0, 1, {} },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_usage(FILE *out)
{
	fprintf(out, "Usage: xdpport COMMAND [ARGS] [OPTIONS]\n\n"
		     "Passes or drops every frame on the attached interfaces by destination port\n"
		     "and protocol. Rules are kept under /sys/fs/bpf/xdpport and shared by every\n"
		     "attached interface; each command changes the running filter and exits.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char line[64];

		snprintf(line, sizeof(line), "%s %s", commands[i].name, commands[i].args);
		fprintf(out, "  %-28s %s\n", line, commands[i].summary);
	}
	fprintf(out, "\nPORTSPEC: 443, 443/tcp, 8000-8100/udp, https, ssh/tcp\n"
		     "SOURCE:   203.0.113.7, 203.0.113.0/24, 2001:db8::/32, @SETNAME\n"
		     "          'allow from SOURCE' and 'deny from SOURCE' (no PORTSPEC) decide\n"
		     "          every IP frame from SOURCE, before any port rule\n"
		     "\nOptions:\n"
		     "  --json   print JSON (commands that print)\n"
		     "  --force  change rules even if that drops the SSH port\n"
		     "  --help   help for a command, also 'xdpport help COMMAND'\n"
		     "\nExample:\n"
		     "  xdpport allow ssh https && xdpport policy drop && xdpport attach eth0\n"
		     "\nExit status: 0 ok, 1 failure (nothing changed), 2 usage error.\n");
}

/* Option help is "--mode auto|native|generic  what it does": prints it as a column. */
static void print_option(const char *help)
{
	const char *gap = strstr(help, "  ");
	int len = gap ? (int)(gap - help) : (int)strlen(help);

	printf("  %-28.*s %s\n", len, help, gap ? gap + 2 : "");
}

static void print_command_help(const struct command *cmd)
{
	const struct help_text *help = help_text(cmd->name);
	unsigned globals = help ? help->globals : HELP_JSON | HELP_FORCE;

	printf("Usage: xdpport %s%s%s", cmd->name, cmd->args[0] ? " " : "", cmd->args);
	for (int i = 0; i < CMD_MAX_OPTIONS && cmd->options[i].name; i++) {
		const char *h = cmd->options[i].help, *gap = strstr(h, "  ");

		/* --all is the other half of "IFACE | --all", already in args */
		if (!strstr(cmd->args, h) && !(gap && strstr(cmd->args, cmd->options[i].name)))
			printf(" [%.*s]", gap ? (int)(gap - h) : (int)strlen(h), h);
	}
	printf("\n\n");
	if (help)
		printf("%s", help->text);
	else
		printf("%c%s.\n", toupper((unsigned char)cmd->summary[0]), cmd->summary + 1);
	if (!strcmp(cmd->name, "stats"))
		reasons_print(stdout);
	printf("\nOptions:\n");
	for (int i = 0; i < CMD_MAX_OPTIONS && cmd->options[i].name; i++)
		print_option(cmd->options[i].help);
	if (globals & HELP_JSON)
		print_option("--json  print JSON");
	if (globals & HELP_FORCE)
		print_option("--force  do it even if the lockout guard refuses");
	print_option("--help  show this help");
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
	if (cl->json) {
		json_object_begin(NULL);
		json_string("version", XDPPORT_VERSION);
		json_object_end();
	} else {
		printf("xdpport %s\n", XDPPORT_VERSION);
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cmdline cl = {};
	int parsed, status;

	/* Global options may also come before the command: xdpport --json status */
	for (; argc > 1 && (!strcmp(argv[1], "--json") || !strcmp(argv[1], "--force")); argc--, argv++)
		*(argv[1][2] == 'j' ? &cl.json : &cl.force) = true;
	if (argc < 2) {
		error_line("usage: missing command (see 'xdpport help')");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return print_usage(stdout), EXIT_OK;
	if (!strcmp(argv[1], "--version"))
		return cmd_version(&cl);
	cl.cmd = find_command(argv[1]);
	if (!cl.cmd) {
		error_line("%s: unknown command (see 'xdpport help')", argv[1]);
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
	status = cl.cmd->run(&cl);
	/* Output that did not get out (a full disk, a closed pipe) is a failure too. */
	if (fflush(stdout) || ferror(stdout))
		return fail(EXIT_FAIL, cl.cmd->name, "cannot write the output: %s", strerror(errno));
	return status;
}
