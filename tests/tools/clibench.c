// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * clibench: how fast the control plane is. Not a test: it prints figures.
 *
 *   clibench spawn RUNS "CMD ARGS" ["CMD ARGS"...]
 *       runs the commands round-robin RUNS times each (posix_spawn, no shell) and
 *       prints the median, 10th and 90th percentile wall time of each
 *   clibench updates SECONDS [PORT]
 *       single-port updates per second through the library calls a command makes
 *       (open the pinned filter, lock, guard, write in place, close), and through
 *       filter_commit_port alone on a filter kept open
 *
 * Works on the filter pinned under /sys/fs/bpf/xdpport: run it in a sandbox
 * (tests/bench/bench-cli.sh does).
 */
#include <fcntl.h>
#include <linux/types.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_lib.h"
#include "errors.h"
#include "filter.h"
#include "guard.h"
#include "rules_commit.h"

#define MAX_CMDS 8
#define MAX_ARGS 32

extern char **environ;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Splits "a b c" in place into argv; returns argc. */
static int split(char *line, char **argv)
{
	int argc = 0;

	for (char *tok = strtok(line, " "); tok && argc < MAX_ARGS - 1; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return argc;
}

static int run_once(char **argv, double *ms)
{
	posix_spawn_file_actions_t fa;
	double start = now_ms();
	pid_t pid;
	int status;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ)) {
		perror(argv[0]);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	waitpid(pid, &status, 0);
	*ms = now_ms() - start;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int spawn_bench(int runs, int ncmds, char **cmds)
{
	static char *argv[MAX_CMDS][MAX_ARGS];
	double *ms = calloc((size_t)runs * ncmds, sizeof(*ms));

	if (!ms || ncmds > MAX_CMDS)
		return 2;
	for (int c = 0; c < ncmds; c++)
		split(strdup(cmds[c]), argv[c]);	/* cmds[c] stays whole for the label */
	for (int r = 0; r < runs; r++)
		for (int c = 0; c < ncmds; c++)
			if (run_once(argv[c], &ms[(size_t)c * runs + r])) {
				fprintf(stderr, "clibench: '%s' failed\n", argv[c][0]);
				return 1;
			}
	for (int c = 0; c < ncmds; c++) {
		double *m = &ms[(size_t)c * runs];

		qsort(m, runs, sizeof(*m), by_value);
		printf("  %-40s median %6.2f ms   p10 %6.2f   p90 %6.2f   (%d runs)\n", cmds[c],
		       m[runs / 2], m[runs / 10], m[runs * 9 / 10], runs);
	}
	free(ms);
	return 0;
}

/* What `xdpport allow PORT` / `deny PORT` does (cmd_rules.c: the running rules read
 * back, edited, guarded, committed: one port, written in place), minus exec and
 * argument parsing. */
static int one_command(__u16 port, bool drop)
{
	struct port_range range = { PROTOS_ALL, port, port };
	struct rules before, after;
	struct filter f;
	int err = cli_filter_open(&f, FILTER_CREATE | FILTER_LOCK, "clibench");

	if (err)
		return err;
	rules_init(&after);
	err = rules_load(&f, &before) || rules_copy(&after, &before) ||
	      rules_set_ports(&after, &range, drop ? VERDICT_DROP : VERDICT_PASS);
	if (!err)
		err = guard_check_rules(&before, &after, false, "clibench");
	if (!err)
		rules_commit(&f, &before, &after);
	rules_free(&before);
	rules_free(&after);
	filter_close(&f);
	return err;
}

static void print_rate(const char *what, long n, double ms)
{
	printf("  %-40s %11.0f updates/s (%.0f ns each)\n", what, n / (ms / 1e3), ms * 1e6 / n);
}

static int updates_bench(double seconds, __u16 port)
{
	__u8 pass[XDPPORT_NPROTO], drop[XDPPORT_NPROTO];
	double start = now_ms(), end;
	struct filter f;
	long n = 0;

	while ((end = now_ms()) - start < seconds * 1e3)
		if (one_command(port, n++ & 1))
			return 1;
	print_rate("open+lock+guard+commit+close", n, end - start);

	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		pass[p] = ruleset_rule_entry(VERDICT_PASS);
		drop[p] = ruleset_rule_entry(VERDICT_DROP);
	}
	if (cli_filter_open(&f, FILTER_LOCK, "clibench"))
		return 1;
	n = 0;
	start = now_ms();
	while ((end = now_ms()) - start < seconds * 1e3)
		for (int i = 0; i < 1000; i++, n++)
			filter_commit_port(&f, port, n & 1 ? drop : pass);
	print_rate("filter_commit_port on an open filter", n, end - start);
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		pass[p] = filter_live(&f)->policy[p];
	filter_commit_port(&f, port, pass);	/* no rule left behind */
	filter_close(&f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "spawn"))
		return spawn_bench(atoi(argv[2]) > 0 ? atoi(argv[2]) : 1, argc - 3, argv + 3);
	if (argc >= 3 && !strcmp(argv[1], "updates"))
		return updates_bench(atof(argv[2]), argc > 3 ? atoi(argv[3]) : 44300);
	fprintf(stderr, "usage: clibench spawn RUNS \"CMD ARGS\"... | updates SECONDS [PORT]\n");
	return 2;
}
