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
#include "suggest.h"
#include "try.h"

#ifndef XDPPORT_VERSION
#define XDPPORT_VERSION "0.1.0"
#endif

/* Commands that can cut an SSH session take --try (user/try.c). */
#define OPT_TRY { "try", OPT_VALUE, "--try SECS  on trial: reverted after SECS s unless " \
				   "'xdpport confirm'" }

static int cmd_help(struct cmdline *cl);
static int cmd_version(struct cmdline *cl);

static const struct command commands[] = {
	{ "attach", cmd_attach, "IFACE", "load the filter onto an interface", 1, 1,
	  { { "mode", OPT_VALUE, "--mode auto|native|generic  XDP mode (default auto: native, "
				 "else generic with a warning)" },
	    { "replace", OPT_FLAG, "--replace  replace another XDP program on IFACE" },
	    OPT_TRY } },
	{ "detach", cmd_detach, "IFACE | --all", "remove the filter from an interface", 0, 1,
	  { { "all", OPT_FLAG, "--all  from every interface" } } },
	{ "allow", cmd_allow, "PORTSPEC... [from SOURCE...]",
	  "pass these ports (only from these sources)", 1, -1, {} },
	{ "deny", cmd_deny, "PORTSPEC... [from SOURCE...]",
	  "drop these ports (only from these sources)", 1, -1, { OPT_TRY } },
	{ "delete", cmd_delete, "[PORTSPEC...] [from SOURCE...]",
	  "remove rules: the ports follow the policy", 1, -1, { OPT_TRY } },
	{ "policy", cmd_policy, "pass|drop [tcp|udp]", "verdict for ports without a rule", 1, 2,
	  { OPT_TRY } },
	{ "fragments", cmd_fragments, "pass|drop", "verdict for non-first IP fragments", 1, 1, {} },
	{ "limit", cmd_limit, "PORTSPEC RATE [burst N] [per-source] | PORTSPEC off",
	  "flood limit: at most RATE new connections or datagrams", 2, 5,
	  { { "table", OPT_VALUE, "--table N  per-source table size, when the filter is created" } } },
	{ "replies", cmd_replies, "on|off|timeout ...",
	  "pass answers to the host's own connections (default on)", 1, 3, {} },
	{ "set", cmd_set, "NAME FILE|-", "create or replace a named set of addresses, atomically",
	  1, 2, { { "delete", OPT_FLAG, "--delete  remove the set (no rule may use it)" },
		  OPT_TRY } },
	{ "sets", cmd_sets, "", "show the named sets: prefixes, rules using them, hits", 0, 0,
	  {} },
	{ "list", cmd_list, "", "show policies and rules", 0, 0, {} },
	{ "apply", cmd_apply, "FILE|-", "replace the whole ruleset with a rules file, atomically",
	  1, 1, { { "check", OPT_FLAG, "--check  only parse and validate FILE; change nothing" },
		  OPT_TRY,
		  { "watch", OPT_FLAG, "--watch  apply FILE now and whenever it changes, until "
				       "SIGTERM" },
		  { "recheck", OPT_VALUE, "--recheck SECS  with --watch: re-read FILE every SECS "
					  "(default 60)" } } },
	{ "save", cmd_save, "", "print the running ruleset as a rules file", 0, 0, {} },
	{ "flush", cmd_flush, "", "forget every rule, limit and policy (back to pass everything)", 0, 0,
	  {} },
	{ "status", cmd_status, "", "show interfaces, modes, programs, replies, flows and rule counts",
	  0, 0, {} },
	{ "stats", cmd_stats, "", "packets passed and dropped, by reason and by port", 0, 0,
	  { { "top", OPT_VALUE, "--top N|all     ports listed by dropped and by passed "
				"(default 10)" },
	    { "watch", OPT_OPTIONAL, "--watch [SECS]  live rates, redrawn every SECS (default 1); "
				     "Ctrl-C ends" },
	    { "prometheus", OPT_FLAG, "--prometheus    Prometheus text format (node_exporter "
				      "textfile)" },
	    { "reset", OPT_FLAG, "--reset         zero every counter: all interfaces, ports, "
				 "CPUs" },
	    { "textfile", OPT_VALUE, "--textfile DIR  write --prometheus to DIR/xdpport.prom, "
				     "atomically" } } },
	{ "capture", cmd_capture, "[EXPRESSION]", "the frames the filter drops, as pcap or lines",
	  0, -1,
	  { { "write", OPT_VALUE, "-w FILE|-  write pcap (Ethernet) to FILE, or to stdout with -" },
	    { "count", OPT_VALUE, "-c COUNT  end after COUNT frames" },
	    { "duration", OPT_VALUE, "--duration SECS  end after SECS seconds" },
	    { "snaplen", OPT_VALUE, "-s SNAPLEN  bytes kept of each frame (default, 0: 9216)" },
	    { "reason", OPT_LIST, "--reason REASON...  only these reasons (repeat, or a,b)" },
	    { "port", OPT_VALUE, "--port PORTSPEC  only frames to these ports" },
	    { "all", OPT_FLAG, "--all  passed frames too (default: dropped only)" },
	    { "rate", OPT_VALUE, "--rate N  at most N frames/s per CPU (default 10000; 0: no cap)" },
	    { "sample", OPT_VALUE, "--sample N  one frame in N" } } },
	{ "confirm", cmd_confirm, "", "keep the change on trial (--try): cancel its revert", 0, 0,
	  {} },
	{ "rollback", cmd_rollback, "", "revert the change on trial (--try) now", 0, 0, {} },
	{ "flows", cmd_flows, "", "show the flows replies pass, like conntrack -L", 0, 0, {} },
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
		char line[96];

		snprintf(line, sizeof(line), "%s %s", commands[i].name, commands[i].args);
		/* a long synopsis gets its summary on the next line, in the column */
		if (strlen(line) > 28)
			fprintf(out, "  %s\n  %-28s %s\n", line, "", commands[i].summary);
		else
			fprintf(out, "  %-28s %s\n", line, commands[i].summary);
	}
	fprintf(out, "\nPORTSPEC: 443, 443/tcp, 8000-8100/udp, https, ssh/tcp\n"
		     "SOURCE:   203.0.113.7, 203.0.113.0/24, 2001:db8::/32, @SETNAME\n"
		     "          'allow from SOURCE' and 'deny from SOURCE' (no PORTSPEC) decide\n"
		     "          every IP frame from SOURCE, before any port rule\n"
		     "\nOptions:\n"
		     "  --json   print JSON (commands that print)\n"
		     "  --force  change rules even if that drops the SSH port\n"
		     "  --try SECS  (apply, policy, deny, delete, attach) revert after SECS\n"
		     "           unless 'xdpport confirm'\n"
		     "  --help   help for a command, also 'xdpport help COMMAND'\n"
		     "\nExample:\n"
		     "  xdpport allow ssh https && xdpport policy drop && xdpport attach eth0\n"
		     "\nOn a remote host, put changes on trial ('xdpport help confirm'):\n"
		     "  xdpport apply --try 60 new.rules   # then, if you can still log in:\n"
		     "  xdpport confirm\n"
		     "\nExit status: 0 ok, 1 failure (nothing changed), 2 usage error.\n");
}

/* Option help is "--mode auto|native|generic  what it does": prints it as a column. */
static void print_option(const char *help)
{
	const char *gap = strstr(help, "  ");
	int len = gap ? (int)(gap - help) : (int)strlen(help);

	printf("  %-28.*s %s\n", len, help, gap ? gap + strspn(gap, " ") : "");
}

/* Which of --json and --force the command takes (enum help_globals). */
static unsigned command_globals(const struct command *cmd)
{
	const struct help_text *help = help_text(cmd->name);

	return help ? help->globals : HELP_JSON | HELP_FORCE;
}

static void print_command_help(const struct command *cmd)
{
	const struct help_text *help = help_text(cmd->name);
	unsigned globals = command_globals(cmd);

	/* An optional trailing argument ("[EXPRESSION]") reads best after the options. */
	bool args_last = cmd->args[0] == '[';

	printf("Usage: xdpport %s", cmd->name);
	if (cmd->args[0] && !args_last)
		printf(" %s", cmd->args);
	for (int i = 0; i < CMD_MAX_OPTIONS && cmd->options[i].name; i++) {
		const char *h = cmd->options[i].help, *gap = strstr(h, "  ");

		/* --all is the other half of "IFACE | --all", already in args */
		if (!strstr(cmd->args, h) && !(gap && strstr(cmd->args, cmd->options[i].name)))
			printf(" [%.*s]", gap ? (int)(gap - h) : (int)strlen(h), h);
	}
	if (args_last)
		printf(" %s", cmd->args);
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

/* "attach, detach, ...": the commands that take `global`, into buf. */
static const char *commands_taking(unsigned global, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NCOMMANDS && used < len; i++)
		if (command_globals(&commands[i]) & global)
			used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 commands[i].name);
	return buf;
}

/* --json and --force are usage errors on commands they mean nothing to. */
static int check_globals(const struct cmdline *cl)
{
	unsigned takes = command_globals(cl->cmd);
	char list[160];

	if (cl->json && !(takes & HELP_JSON))
		return usage_error(cl, "--json is not for this command (JSON output: %s)",
				   commands_taking(HELP_JSON, list, sizeof(list)));
	if (cl->force && !(takes & HELP_FORCE))
		return usage_error(cl, "--force is not for this command: it changes no rule "
				       "(--force: %s)",
				   commands_taking(HELP_FORCE, list, sizeof(list)));
	return 0;
}

/* A word before the command that is not one: -v, --json=1, --verbose... */
static int bad_global(const struct cmdline *cl, const char *arg)
{
	if (!strncmp(arg, "--json=", 7) || !strncmp(arg, "--force=", 8))
		return usage_error(cl, "option '%.*s' takes no value", (int)strcspn(arg, "="), arg);
	if (!strcmp(arg, "-v") || !strcmp(arg, "-V"))
		return usage_error(cl, "unknown option '%s' (did you mean --version?)", arg);
	return usage_error(cl, "unknown option '%s'", arg);
}

static int unknown_command(const char *name)
{
	const char *names[NCOMMANDS], *close;

	for (size_t i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i].name;
	close = suggest_word(name, names, NCOMMANDS);
	if (close)
		error_line("%s: unknown command; did you mean '%s'? (see 'xdpport help')", name,
			   close);
	else
		error_line("%s: unknown command (see 'xdpport help')", name);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	struct cmdline cl = {};
	int parsed, status;

	/* Global options may also come before the command: xdpport --json status */
	for (; argc > 1 && (!strcmp(argv[1], "--json") || !strcmp(argv[1], "--force")); argc--, argv++)
		*(argv[1][2] == 'j' ? &cl.json : &cl.force) = true;
	if (argc < 2) {
		/* No command is a usage error: the usage goes to stderr, status 2. */
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return print_usage(stdout), EXIT_OK;
	if (!strcmp(argv[1], "--version"))
		return cmd_version(&cl);
	if (argv[1][0] == '-')
		return bad_global(&cl, argv[1]);
	cl.cmd = find_command(argv[1]);
	if (!cl.cmd)
		return unknown_command(argv[1]);
	parsed = cli_parse_args(&cl, argc - 2, argv + 2);
	if (parsed < 0)
		return EXIT_USAGE;
	if (parsed > 0) {
		print_command_help(cl.cmd);
		return EXIT_OK;
	}
	if (check_globals(&cl))
		return EXIT_USAGE;
	if (cl.argc < cl.cmd->min_args)
		return usage_error(&cl, "missing %s", cl.cmd->args);
	if (cl.cmd->max_args >= 0 && cl.argc > cl.cmd->max_args)
		return usage_error(&cl, "unexpected argument '%s'", cl.argv[cl.cmd->max_args]);
	if (try_check_usage(&cl))
		return EXIT_USAGE;
	status = cl.cmd->run(&cl);
	/* Output that did not get out (a full disk) is a failure too; a reader that went
	 * away (stats --watch | head) is not: it had what it wanted. */
	if ((fflush(stdout) || ferror(stdout)) && errno != EPIPE)
		return fail(EXIT_FAIL, cl.cmd->name, "cannot write the output: %s", strerror(errno));
	return status;
}
