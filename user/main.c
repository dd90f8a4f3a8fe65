// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpport: the command line. Finds the command, parses its options, runs it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "errors.h"
#include "help.h"
#include "libbpf_log.h"
#include "suggest.h"
#include "try.h"

/* The commands, in the order `xdpport help` lists them: each is defined at the end of
 * the file that implements it (user/cmd_*.c). */
extern const struct command cmd_attach_def, cmd_detach_def, cmd_allow_def, cmd_deny_def,
	cmd_delete_def, cmd_policy_def, cmd_fragments_def, cmd_limit_def, cmd_replies_def,
	cmd_set_def, cmd_sets_def, cmd_list_def, cmd_apply_def, cmd_save_def, cmd_flush_def,
	cmd_status_def, cmd_stats_def, cmd_capture_def, cmd_confirm_def, cmd_rollback_def,
	cmd_flows_def, cmd_version_def;
static const struct command cmd_help_def;

static const struct command *const commands[] = {
	&cmd_attach_def,
	&cmd_detach_def,
	&cmd_allow_def,
	&cmd_deny_def,
	&cmd_delete_def,
	&cmd_policy_def,
	&cmd_fragments_def,
	&cmd_limit_def,
	&cmd_replies_def,
	&cmd_set_def,
	&cmd_sets_def,
	&cmd_list_def,
	&cmd_apply_def,
	&cmd_save_def,
	&cmd_flush_def,
	&cmd_status_def,
	&cmd_stats_def,
	&cmd_capture_def,
	&cmd_confirm_def,
	&cmd_rollback_def,
	&cmd_flows_def,
	&cmd_version_def,
	&cmd_help_def,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static int cmd_help(struct cmdline *cl)
{
	const struct command *cmd;

	if (cl->argc == 0) {
		help_usage(stdout, commands, NCOMMANDS);
		return EXIT_OK;
	}
	cmd = find_command(cl->argv[0]);
	if (!cmd)
		return usage_error(cl, "unknown command '%s'", cl->argv[0]);
	help_command(cmd);
	return EXIT_OK;
}

static const struct command cmd_help_def = {
	.name = "help", .run = cmd_help, .min_args = 0, .max_args = 1,
	.args = "[COMMAND]",
	.summary = "show help",
	.help = "Prints the list of commands, or the help of one.\n",
};

/* "attach, detach, ...": the commands that take `global`, into buf. */
static const char *commands_taking(unsigned global, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NCOMMANDS && used < len; i++)
		if (commands[i]->takes & global)
			used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 commands[i]->name);
	return buf;
}

/* --json and --force are usage errors on commands they mean nothing to. */
static int check_globals(const struct cmdline *cl)
{
	unsigned takes = cl->cmd->takes;
	char list[160];

	if (cl->json && !(takes & TAKES_JSON))
		return usage_error(cl, "--json is not for this command (JSON output: %s)",
				   commands_taking(TAKES_JSON, list, sizeof(list)));
	if (cl->force && !(takes & TAKES_FORCE))
		return usage_error(cl, "--force is not for this command: it changes no rule "
				       "(--force: %s)",
				   commands_taking(TAKES_FORCE, list, sizeof(list)));
	return 0;
}

/* Sets the global option `arg` names (--json, --force, -d/--debug); false if it is none. */
static bool global_flag(struct cmdline *cl, const char *arg)
{
	bool *flag = !strcmp(arg, "--json")  ? &cl->json :
		     !strcmp(arg, "--force") ? &cl->force :
		     !strcmp(arg, "--debug") || !strcmp(arg, "-d") ? &cl->debug : NULL;

	if (flag)
		*flag = true;
	return flag;
}

/* A word before the command that is not one: -v, --json=1, --verbose... */
static int bad_global(const struct cmdline *cl, const char *arg)
{
	if (!strncmp(arg, "--json=", 7) || !strncmp(arg, "--force=", 8) ||
	    !strncmp(arg, "--debug=", 8))
		return usage_error(cl, "option '%.*s' takes no value", (int)strcspn(arg, "="), arg);
	if (!strcmp(arg, "-v") || !strcmp(arg, "-V"))
		return usage_error(cl, "unknown option '%s' (did you mean --version?)", arg);
	return usage_error(cl, "unknown option '%s'", arg);
}

static int unknown_command(const char *name)
{
	const char *names[NCOMMANDS], *close;

	for (size_t i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i]->name;
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
	for (; argc > 1 && global_flag(&cl, argv[1]); argc--, argv++)
		;
	if (argc < 2) {
		/* No command is a usage error: the usage goes to stderr, status 2. */
		help_usage(stderr, commands, NCOMMANDS);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return help_usage(stdout, commands, NCOMMANDS), EXIT_OK;
	if (!strcmp(argv[1], "--version")) {
		cl.cmd = &cmd_version_def;	/* --force --version is as wrong as version --force */
		return check_globals(&cl) ? EXIT_USAGE : cl.cmd->run(&cl);
	}
	if (argv[1][0] == '-')
		return bad_global(&cl, argv[1]);
	cl.cmd = find_command(argv[1]);
	if (!cl.cmd)
		return unknown_command(argv[1]);
	parsed = cli_parse_args(&cl, argc - 2, argv + 2);
	if (parsed < 0)
		return EXIT_USAGE;
	if (parsed > 0) {
		help_command(cl.cmd);
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
	if (cl.debug)
		libbpf_log_all();
	status = cl.cmd->run(&cl);
	/* Output that did not get out (a full disk) is a failure too; a reader that went
	 * away (stats --watch | head) is not: it had what it wanted. */
	if ((fflush(stdout) || ferror(stdout)) && errno != EPIPE)
		return fail(EXIT_FAIL, cl.cmd->name, "cannot write the output: %s", strerror(errno));
	return status;
}
