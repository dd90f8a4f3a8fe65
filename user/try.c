// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "cli_lib.h"
#include "errors.h"
#include "filter.h"
#include "input.h"
#include "rulesfile.h"
#include "sources_store.h"
#include "try.h"

#define PENDING		TRY_DIR "/pending"
#define PREVIOUS	TRY_DIR "/previous.rules"
/* Our own file: the source sets it holds may well be over what apply takes. */
#define PREVIOUS_MAX_BYTES	(1u << 30)
#define LAST		TRY_DIR "/last"
#define TIMER_NAME	"xdpport-try"	/* its comm: confirm only ever signals that */

static struct try_state armed;	/* the trial this process started */
/* The ruleset a rollback puts back, compiled: too big for a comfortable stack. */
static struct xdpport_ruleset restored;
static struct xdpport_limits restored_limits;

/* What previous.rules holds: a ruleset and the configs of its limited ports. */
struct snapshot {
	const struct xdpport_ruleset *rules;
	const struct xdpport_limits *limits;
};

static long long now(void)
{
	return time(NULL);
}

/* TRY_DIR exists, is a directory, is ours and nobody else's. */
static int private_dir(const char *what)
{
	struct stat st;

	if (mkdir(TRY_DIR, 0700) && errno != EEXIST)
		return fail(EXIT_FAIL, what, "cannot create %s: %s", TRY_DIR, strerror(errno));
	if (lstat(TRY_DIR, &st))
		return fail(EXIT_FAIL, what, "%s: %s", TRY_DIR, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
		return fail(EXIT_FAIL, what, "%s is not a directory private to this user (mode "
			    "%03o, owner %u): refusing to keep state there",
			    TRY_DIR, st.st_mode & 0777, st.st_uid);
	return 0;
}

/* Writes a file whole or not at all: a temporary, then rename(). */
static int write_file(const char *path, int (*fill)(FILE *, const void *), const void *ctx)
{
	char tmp[128];
	FILE *f;
	int fd, err;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	err = fill(f, ctx);
	err = fclose(f) || err;
	if (!err)
		err = rename(tmp, path);
	if (err)
		unlink(tmp);
	return err ? -1 : 0;
}

static int fill_state(FILE *f, const void *ctx)
{
	const struct try_state *st = ctx;

	fprintf(f, "pid %d\ndeadline %lld\nwhat %s\n", st->timer_pid, st->deadline, st->what);
	if (st->link[0])
		fprintf(f, "link %s\n", st->link);
	return ferror(f) ? -1 : 0;
}

static int fill_rules(FILE *f, const void *ctx)
{
	const struct snapshot *s = ctx;
	struct rules rules;
	char why[256];
	int err;

	if (rules_decompile(s->rules, s->limits, &rules))
		return -1;
	if (sources_load(s->rules, &rules.sources, why, sizeof(why))) {
		rules_free(&rules);
		return -1;
	}
	fprintf(f, "# the ruleset before a change on trial (xdpport --try)\n");
	err = rulesfile_write(f, &rules);
	rules_free(&rules);
	return err;
}

static int fill_line(FILE *f, const void *ctx)
{
	fprintf(f, "%s\n", (const char *)ctx);
	return ferror(f) ? -1 : 0;
}

bool try_pending(struct try_state *st)
{
	FILE *f = fopen(PENDING, "re");
	char line[LINK_PATH_MAX + 8];

	memset(st, 0, sizeof(*st));
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "pid ", 4))
			st->timer_pid = atoi(line + 4);
		else if (!strncmp(line, "deadline ", 9))
			st->deadline = atoll(line + 9);
		else if (!strncmp(line, "what ", 5))
			snprintf(st->what, sizeof(st->what), "%.*s", (int)sizeof(st->what) - 1,
				 line + 5);
		else if (!strncmp(line, "link ", 5))
			snprintf(st->link, sizeof(st->link), "%.*s", (int)sizeof(st->link) - 1,
				 line + 5);
	}
	fclose(f);
	return st->timer_pid > 0;
}

bool try_timer_alive(const struct try_state *st)
{
	char path[64], comm[32];

	snprintf(path, sizeof(path), "/proc/%d/comm", st->timer_pid);
	return input_read_line(path, comm, sizeof(comm)) && !strcmp(comm, TIMER_NAME);
}

long long try_seconds_left(const struct try_state *st)
{
	long long left = st->deadline - now();

	return left > 0 ? left : 0;
}

bool try_last(char *buf, size_t len)
{
	return input_read_line(LAST, buf, len);
}

static void stop_timer(const struct try_state *st)
{
	if (st->timer_pid != getpid() && try_timer_alive(st))
		kill(st->timer_pid, SIGTERM);
}

/* The trial is over: what happened goes into LAST, the rest is removed. */
static void end_trial(const struct try_state *st, const char *outcome)
{
	char line[256], when[32] = "";
	time_t t = now();
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	snprintf(line, sizeof(line), "'%s' %s at %s", st->what, outcome, when);
	write_file(LAST, fill_line, line);
	unlink(PENDING);
	unlink(PREVIOUS);
}

int try_confirm_locked(const struct try_state *st)
{
	stop_timer(st);
	end_trial(st, "confirmed");
	return 0;
}

static int restore_previous(struct filter *f, const char *what)
{
	struct rules rules;
	unsigned long errors;
	int err = 0;
	char why[160];
	size_t len;
	char *buf;

	if (input_read(PREVIOUS, PREVIOUS_MAX_BYTES, &buf, &len, why, sizeof(why)))
		return fail(EXIT_FAIL, what, "%s: %s", PREVIOUS, why);
	errors = rulesfile_parse(buf, len, PREVIOUS, &rules, NULL, NULL);
	free(buf);
	if (errors) {
		rules_free(&rules);
		return fail(EXIT_FAIL, what, "%s: not a valid rules file: nothing restored",
			    PREVIOUS);
	}
	rules_compile(&rules, &restored, &restored_limits);
	/* The source slot the change left is rebuilt from the saved rules and sets. */
	if (rules.sources.nrules || rules.sources.nsets ||
	    (filter_live(f)->sources & XDPPORT_SOURCES_MODEL))
		err = sources_switch(f, &restored, &restored_limits, &rules.sources, why,
				     sizeof(why));
	else
		filter_replace(f, &restored, &restored_limits);
	rules_free(&rules);
	if (err)
		return fail(EXIT_FAIL, what, "%s: %s, nothing restored", PREVIOUS, why);
	return 0;
}

/* attach --try: the interface goes back to being unfiltered. */
static void remove_link(const char *path)
{
	int fd = bpf_obj_get(path);

	if (fd >= 0) {
		bpf_link_detach(fd);
		close(fd);
	}
	unlink(path);
}

int try_revert_locked(struct filter *f, const struct try_state *st, const char *what)
{
	int err = 0;

	stop_timer(st);
	if (st->link[0])
		remove_link(st->link);
	else
		err = restore_previous(f, what);
	if (!err)
		end_trial(st, st->timer_pid == getpid() ? "reverted by its timer" : "rolled back");
	return err;
}

/* The timer: sleeps to the deadline, then reverts unless the trial is over. It
 * sleeps on the monotonic clock: setting the time of day moves no trial. */
static void __attribute__((noreturn)) timer_main(long long deadline)
{
	struct timespec until;
	struct try_state st;
	struct filter f;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += deadline - now();
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
		;
	if (!cli_filter_open(&f, FILTER_CREATE | FILTER_LOCK, TIMER_NAME)) {
		if (try_pending(&st) && st.timer_pid == getpid())
			try_revert_locked(&f, &st, TIMER_NAME);
		filter_close(&f);
	}
	_exit(0);
}

/* Double fork: the timer is nobody's child, in a session of its own, holding no
 * file of ours (the filter's lock above all). Returns its pid, or -1. */
static int start_timer(long long deadline)
{
	int pipefd[2], pid = -1, status;
	pid_t child;

	fflush(stdout);
	fflush(stderr);
	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	child = fork();
	if (child == 0) {
		int null;

		setsid();
		if (fork() != 0)
			_exit(0);
		pid = getpid();
		if (write(pipefd[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(1);
		close_range(3, ~0U, 0);
		null = open("/dev/null", O_RDWR);
		for (int fd = 0; fd <= 2 && null >= 0; fd++)
			dup2(null, fd);
		if (null > 2)
			close(null);
		signal(SIGHUP, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		prctl(PR_SET_NAME, TIMER_NAME);
		if (chdir("/"))
			_exit(1);
		timer_main(deadline);
	}
	close(pipefd[1]);
	if (child > 0) {
		if (read(pipefd[0], &pid, sizeof(pid)) != sizeof(pid))
			pid = -1;
		waitpid(child, &status, 0);
	}
	close(pipefd[0]);
	return pid;
}

/* --try SECS: 1 to TRY_SECS_MAX; 0 without --try, -1 when SECS is bad. */
static int try_seconds(const struct cmdline *cl)
{
	const char *text = cmd_opt(cl, "try");
	char *end;
	long secs;

	if (!text)
		return 0;
	errno = 0;
	secs = strtol(text, &end, 10);
	if (errno || end == text || *end || secs < 1 || secs > TRY_SECS_MAX)
		return -1;
	return secs;
}

int try_check_usage(const struct cmdline *cl)
{
	if (try_seconds(cl) >= 0)
		return 0;
	return usage_error(cl, "--try takes the seconds to wait for 'xdpport confirm' (1 to %d), "
			       "not '%s'",
			   TRY_SECS_MAX, cmd_opt(cl, "try"));
}

int try_arm(const struct cmdline *cl, const struct xdpport_ruleset *previous,
	    const struct xdpport_limits *previous_limits, const char *link)
{
	int secs = try_seconds(cl), err;
	struct try_state pending;

	if (secs <= 0)
		return try_check_usage(cl);
	err = private_dir(cl->cmd->name);
	if (err)
		return err;
	if (try_pending(&pending))
		return fail(EXIT_FAIL, cl->cmd->name,
			    "'%s' is already on trial (reverts in %lld s): 'xdpport confirm' or "
			    "'xdpport rollback' first",
			    pending.what, try_seconds_left(&pending));
	memset(&armed, 0, sizeof(armed));
	cli_what(cl, 0, -1, armed.what, sizeof(armed.what));
	for (char *c = armed.what; *c; c++)	/* one line in the state file */
		if (*c < 0x20 || *c == 0x7f)
			*c = '?';
	if (link)
		snprintf(armed.link, sizeof(armed.link), "%s", link);
	struct snapshot snapshot = { previous, previous_limits };

	if (previous && write_file(PREVIOUS, fill_rules, &snapshot))
		return fail(EXIT_FAIL, cl->cmd->name, "cannot save the running ruleset in %s: %s",
			    PREVIOUS, strerror(errno));
	armed.deadline = now() + secs;
	armed.timer_pid = start_timer(armed.deadline);
	if (armed.timer_pid < 0) {
		unlink(PREVIOUS);
		return fail(EXIT_FAIL, cl->cmd->name, "cannot start the revert timer: %s",
			    strerror(errno));
	}
	if (write_file(PENDING, fill_state, &armed)) {
		err = errno;
		stop_timer(&armed);
		unlink(PREVIOUS);
		return fail(EXIT_FAIL, cl->cmd->name, "cannot write %s: %s", PENDING, strerror(err));
	}
	return 0;
}

void try_disarm(const struct cmdline *cl)
{
	if (!armed.timer_pid || !try_seconds(cl))
		return;
	stop_timer(&armed);
	unlink(PENDING);
	unlink(PREVIOUS);
	armed.timer_pid = 0;
}

/* ENTER within the time keeps the change; EOF, or the time running out, reverts it. */
static bool answered_in_time(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	long long left = armed.deadline - now();
	char line[256];

	if (left <= 0 || poll(&p, 1, left * 1000) <= 0)
		return false;
	return fgets(line, sizeof(line), stdin) != NULL;
}

/* The terminal's answer, acted on now rather than left to the timer. */
static int settle(const struct cmdline *cl, bool keep)
{
	struct try_state st;
	struct filter f;
	int err = cli_filter_open(&f, FILTER_CREATE | FILTER_LOCK, cl->cmd->name);

	if (err)
		return err;
	/* Not ours any more: its timer (or a rollback) ended the trial first. */
	if (try_pending(&st) && st.timer_pid == armed.timer_pid)
		err = keep ? try_confirm_locked(&st) : try_revert_locked(&f, &st, cl->cmd->name);
	else if (keep)
		err = fail(EXIT_FAIL, cl->cmd->name, "too late: the trial of '%s' already ended "
						     "(see 'xdpport status')", armed.what);
	filter_close(&f);
	if (err)
		return err;
	if (keep) {
		printf("confirmed: '%s' stays\n", armed.what);
		return 0;
	}
	return fail(EXIT_FAIL, cl->cmd->name, "not confirmed in time: what was there before '%s' "
					     "is back", armed.what);
}

int try_done(const struct cmdline *cl, int err)
{
	long long secs = armed.deadline - now();

	if (err || !armed.timer_pid)
		return err;
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && !cl->json) {
		printf("'%s' is in force. Press ENTER within %lld s to keep it; otherwise it is "
		       "reverted.\n", armed.what, secs);
		fflush(stdout);
		return settle(cl, answered_in_time());
	}
	if (!cl->json)
		printf("'%s' is in force on trial: it is reverted in %lld s unless you run "
		       "'xdpport confirm'\n", armed.what, secs);
	return 0;
}
