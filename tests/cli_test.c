// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Command-line parsing (user/cli.c): options before, between and after positional
 * arguments, --opt=value and --opt value, flags, global options, `--`, help, and the
 * usage errors; cli_what() naming the argument an error is about.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report.h"

static int run_nothing(struct cmdline *cl)
{
	(void)cl;
	return 0;
}

static const struct command attach = {
	.name = "attach", .run = run_nothing, .args = "IFACE", .summary = "test",
	.min_args = 1, .max_args = 1,
	.options = { { "mode", OPT_VALUE, "--mode M  mode" },
		     { "replace", OPT_FLAG, "--replace  replace" },
		     { "watch", OPT_OPTIONAL, "--watch [S]  watch" } },
};

/* A command with short options and a list option, like capture. */
static const struct command capture = {
	.name = "capture", .run = run_nothing, .args = "[EXPRESSION]", .summary = "test",
	.min_args = 0, .max_args = -1,
	.options = { { "write", OPT_VALUE, "-w FILE  write" },
		     { "count", OPT_VALUE, "-c N  count" },
		     { "reason", OPT_LIST, "--reason R...  reasons" },
		     { "all", OPT_FLAG, "--all  all" } },
};

static const struct command *parsed_as = &attach;

/* Parses the words of `line` as the arguments of `parsed_as` (attach). */
static int parse(const char *line, struct cmdline *cl)
{
	static char buf[256];
	static char *argv[16];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *tok = strtok(buf, " "); tok && argc < 15; tok = strtok(NULL, " "))
		argv[argc++] = strcmp(tok, "''") ? tok : "";
	*cl = (struct cmdline){ .cmd = parsed_as };
	return cli_parse_args(cl, argc, argv);
}

int main(void)
{
	struct cmdline cl;
	char what[64];

	if (!freopen("/dev/null", "w", stderr))	/* the usage errors' messages */
		return 1;
	report(check_eq(parse("eth0 --mode native --replace", &cl), 0) &&
		       check_eq(cl.argc, 1) && check_str(cl.argv[0], "eth0") &&
		       check_str(cmd_opt(&cl, "mode"), "native") &&
		       check_true(cmd_opt(&cl, "replace")) &&
		       check_str(cmd_opt(&cl, "watch"), NULL),
	       "options after the argument, value and flag");
	report(check_eq(parse("--mode=generic eth0", &cl), 0) && check_eq(cl.argc, 1) &&
		       check_str(cmd_opt(&cl, "mode"), "generic"),
	       "--opt=value before the argument");
	report(check_eq(parse("--json eth0 --force", &cl), 0) && check_true(cl.json) &&
		       check_true(cl.force) && check_eq(cl.argc, 1),
	       "global options anywhere");
	report(check_eq(parse("--watch eth0", &cl), 0) && check_str(cmd_opt(&cl, "watch"), "") &&
		       check_eq(cl.argc, 1),
	       "optional value absent: the next word stays an argument");
	report(check_eq(parse("--watch 2 eth0", &cl), 0) && check_str(cmd_opt(&cl, "watch"), "2"),
	       "optional value given");
	report(check_eq(parse("-- --replace", &cl), 0) && check_eq(cl.argc, 1) &&
		       check_str(cl.argv[0], "--replace") &&
		       check_str(cmd_opt(&cl, "replace"), NULL),
	       "after --, everything is an argument");
	report(check_eq(parse("-5 -1-3", &cl), 0) && check_eq(cl.argc, 2) &&
		       check_str(cl.argv[0], "-5"),
	       "negative numbers are arguments, not options");
	report(check_eq(parse("eth0 --help", &cl), 1) && check_eq(parse("-h", &cl), 1),
	       "--help and -h");
	report(parse("eth0 --bogus", &cl) == -1, "unknown option: usage error");
	report(parse("eth0 --mode", &cl) == -1, "option without its value: usage error");
	report(parse("eth0 --replace=yes", &cl) == -1, "flag given a value: usage error");
	report(check_eq(parse("eth0 --mode native --mode=generic", &cl), -1) &&
		       check_eq(parse("--watch --watch 2 eth0", &cl), -1),
	       "an option with a value given twice: usage error");
	report(check_eq(parse("eth0 --replace --replace --json --json", &cl), 0) &&
		       check_true(cmd_opt(&cl, "replace")) && check_true(cl.json),
	       "a flag given twice: harmless");

	report(parse("-w eth0", &cl) == -1, "a command without short options: -w is unknown");

	parsed_as = &capture;
	const char *reasons[4];

	report(check_eq(parse("-w out.pcap -c5 tcp port 22", &cl), 0) && check_eq(cl.argc, 3) &&
		       check_str(cmd_opt(&cl, "write"), "out.pcap") &&
		       check_str(cmd_opt(&cl, "count"), "5") && check_str(cl.argv[0], "tcp") &&
		       check_str(cl.argv[2], "22"),
	       "short options: -w VALUE and -cVALUE, the rest positional");
	report(check_eq(parse("--write=- --count 3", &cl), 0) &&
		       check_str(cmd_opt(&cl, "write"), "-") &&
		       check_str(cmd_opt(&cl, "count"), "3"),
	       "short options have their long names too");
	report(check_eq(parse("--reason a tcp --reason b,c", &cl), 0) && check_eq(cl.argc, 1) &&
		       check_eq(cmd_opt_list(&cl, "reason", reasons, 4), 2) &&
		       check_str(reasons[0], "a") && check_str(reasons[1], "b,c"),
	       "a list option given twice keeps both values, in order");
	report(check_eq(parse("-x", &cl), -1) && check_eq(parse("-w", &cl), -1) &&
		       check_eq(parse("-w a -w b", &cl), -1) &&
		       check_eq(parse("--reason", &cl), -1),
	       "unknown short option, -w without its value, -w twice: usage errors");
	report(check_eq(parse("- -5", &cl), 0) && check_eq(cl.argc, 2),
	       "'-' and '-5' stay arguments");
	parsed_as = &attach;

	parse("eth0 '' 22", &cl);
	cli_what(&cl, 2, 1, what, sizeof(what));
	report(!strcmp(what, "attach 22"), "cli_what names one argument (%s)", what);
	cli_what(&cl, 0, -1, what, sizeof(what));
	report(!strcmp(what, "attach eth0 '' 22"), "cli_what: all, empty ones quoted (%s)", what);
	cli_what(&cl, 0, -1, what, 12);
	report(check_eq(strlen(what), 11) && check_str(what + 8, "..."),
	       "cli_what: cut short (%s)", what);
	return report_summary();
}
