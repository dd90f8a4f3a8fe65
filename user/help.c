// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "cli.h"
#include "help.h"

void help_usage(FILE *out, const struct command *const *commands, size_t n)
{
	fprintf(out, "Usage: xdpport COMMAND [ARGS] [OPTIONS]\n\n"
		     "Passes or drops every frame on the attached interfaces by destination port\n"
		     "and protocol. Rules are kept under /sys/fs/bpf/xdpport and shared by every\n"
		     "attached interface; each command changes the running filter and exits.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < n; i++) {
		char line[96];

		snprintf(line, sizeof(line), "%s %s", commands[i]->name, commands[i]->args);
		/* a long synopsis gets its summary on the next line, in the column */
		if (strlen(line) > 28)
			fprintf(out, "  %s\n  %-28s %s\n", line, "", commands[i]->summary);
		else
			fprintf(out, "  %-28s %s\n", line, commands[i]->summary);
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
		     "  -d, --debug  also libbpf's own messages, on stderr\n"
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

void help_command(const struct command *cmd)
{
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
	if (cmd->help)
		printf("%s", cmd->help);
	else
		printf("%c%s.\n", toupper((unsigned char)cmd->summary[0]), cmd->summary + 1);
	if (cmd->help_tail)
		cmd->help_tail(stdout);
	printf("\nOptions:\n");
	for (int i = 0; i < CMD_MAX_OPTIONS && cmd->options[i].name; i++)
		print_option(cmd->options[i].help);
	if (cmd->takes & TAKES_JSON)
		print_option("--json  print JSON");
	if (cmd->takes & TAKES_FORCE)
		print_option("--force  do it even if the lockout guard refuses");
	print_option("--help  show this help");
}
