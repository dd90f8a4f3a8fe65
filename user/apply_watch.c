// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * apply --watch FILE: applies FILE now and again whenever it changes, until SIGTERM or
 * SIGINT, which leave the filter and its rules in place. Files change in two ways in
 * practice, and both replace directory entries rather than write into the file:
 *  - a Kubernetes ConfigMap volume: FILE is a symlink through `..data`, itself a
 *    symlink to a `..TIMESTAMP` directory; kubelet writes a new such directory, then
 *    renames a `..data_tmp` symlink over `..data`;
 *  - an editor or configuration management: a temporary file renamed over FILE.
 * So inotify watches the directory of every link on the way from FILE to the file it
 * resolves to (resolved again after every change), not the file. Events come in
 * bursts: FILE is read once they stop for DEBOUNCE_MS. A re-read every --recheck SECS
 * catches what inotify cannot see (a write through another hard link, a remount).
 * Only new content is parsed, and only a ruleset that differs from the running one is
 * switched to. A bad version is one error line and the running rules stay; a version
 * the lockout guard refuses too, and it is tried again at the next change, re-check
 * or SIGHUP (which re-reads FILE at once, as if new).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "cli.h"
#include "errors.h"
#include "input.h"
#include "portspec.h"
#include "ruleset.h"
#include "rulesfile.h"
#include "sources.h"

#define DEBOUNCE_MS	 200	/* quiet time that ends a burst of changes */
#define DEBOUNCE_MAX_MS	 2000	/* a file that never stops changing is read anyway */
#define RECHECK_DEFAULT	 60.0
#define RECHECK_MIN	 0.1
#define RECHECK_MAX	 86400.0
#define LINKS_MAX	 40	/* symlinks followed from FILE, as many as the kernel does */
#define WATCHED_EVENTS	 (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE | \
			  IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

struct watcher {
	const char *path;	/* FILE as given */
	const char *what;	/* names the command in error lines */
	const struct cmdline *cl;	/* --force */
	double recheck;		/* seconds between re-reads */
	int inotify_fd, signal_fd;
	char *seen;		/* the content last handled: applied, or reported bad */
	size_t seen_len;
	bool have_seen;
	bool unreadable;	/* said so already: once per spell */
};

enum wake { WAKE_TIMEOUT, WAKE_CHANGE, WAKE_REREAD, WAKE_STOP };

/* Too big for the stack. */
static struct rules next;	/* the version's rules */
static struct xdpport_ruleset before, after;	/* what ran, what runs now */

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int ms_until(double when)
{
	double left = when - now_s();

	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

/* The directory part of `path` ("." without a slash). */
static void dir_of(const char *path, char dir[PATH_MAX])
{
	const char *slash = strrchr(path, '/');
	size_t n = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);

	if (n == 0) {
		strcpy(dir, ".");
		return;
	}
	memcpy(dir, path, n);
	dir[n] = '\0';
}

/*
 * Watches, on a fresh inotify descriptor, the directory of every link from FILE to the
 * file it resolves to: those hold the entries a change replaces. inotify follows a
 * symlinked directory (`..data`) to the directory it names. Returns false when FILE's
 * own directory cannot be watched.
 */
static bool watch_chain(struct watcher *w)
{
	char link[PATH_MAX], target[PATH_MAX], dir[PATH_MAX];
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	bool watched = false;

	if (fd < 0)
		return false;
	if (w->inotify_fd >= 0)
		close(w->inotify_fd);
	w->inotify_fd = fd;
	if (strlen(w->path) >= sizeof(link))
		return false;
	strcpy(link, w->path);
	for (int i = 0; i <= LINKS_MAX; i++) {
		ssize_t n;
		int len;

		dir_of(link, dir);
		if (inotify_add_watch(fd, dir, WATCHED_EVENTS) >= 0 && i == 0)
			watched = true;
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			break;
		target[n] = '\0';
		len = target[0] == '/' ? snprintf(link, sizeof(link), "%s", target)
				       : snprintf(link, sizeof(link), "%s/%s", dir, target);
		if (len < 0 || len >= (int)sizeof(link))
			break;
	}
	return watched;
}

/* Waits at most `timeout_ms` for a change or a signal; reads what woke it. */
static enum wake wait_for(struct watcher *w, int timeout_ms)
{
	struct pollfd fds[2] = { { w->signal_fd, POLLIN, 0 }, { w->inotify_fd, POLLIN, 0 } };
	struct signalfd_siginfo si;
	char events[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int n = poll(fds, 2, timeout_ms);

	if (n <= 0)
		return WAKE_TIMEOUT;
	if (fds[0].revents & POLLIN)
		return read(w->signal_fd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGHUP
			       ? WAKE_REREAD
			       : WAKE_STOP;
	while (read(w->inotify_fd, events, sizeof(events)) > 0)
		;	/* which entry changed does not matter: FILE is read again */
	return WAKE_CHANGE;
}

struct first_error {
	unsigned long line, count;
	char *message;
};

static void keep_first(void *ctx, const char *name, unsigned long line, const char *message)
{
	struct first_error *e = ctx;

	(void)name;
	if (e->count++ == 0) {
		e->line = line;
		e->message = strdup(message);
	}
}

static const char *verdict_word(int v)
{
	return v == VERDICT_DROP ? "drop" : "pass";
}

/* "tcp: 12 ports with rules (+3 -1, 1 changed), policy drop (was pass)" */
static void describe(FILE *out, int p, const struct xdpport_ruleset *was,
		     const struct xdpport_ruleset *now, bool deltas)
{
	unsigned added = 0, removed = 0, changed = 0;

	for (int port = 0; port < XDPPORT_PORTS; port++) {
		__u8 a = was->entry[p][port], b = now->entry[p][port];
		bool had = a & XDPPORT_ENTRY_RULE, has = b & XDPPORT_ENTRY_RULE;

		added += has && !had;
		removed += had && !has;
		changed += had && has && a != b;
	}
	fprintf(out, "%s: %u ports with rules", proto_name(p), ruleset_count(now, p));
	if (deltas)
		fprintf(out, " (+%u -%u, %u changed)", added, removed, changed);
	fprintf(out, ", policy %s", verdict_word(now->policy[p]));
	if (deltas && was->policy[p] != now->policy[p])
		fprintf(out, " (was %s)", verdict_word(was->policy[p]));
}

/* One line per version: what it did, and what the running ruleset now is. */
static void report(const struct watcher *w, const struct xdpport_ruleset *was,
		   const struct xdpport_ruleset *now)
{
	bool same = !memcmp(was, now, sizeof(*now));

	printf("%s: %s: ", w->path, same ? "already running, nothing to switch" : "applied");
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		describe(stdout, p, was, now, !same);
		fputs("; ", stdout);
	}
	printf("fragments %s", verdict_word(now->fragments));
	if (!same && was->fragments != now->fragments)
		printf(" (was %s)", verdict_word(was->fragments));
	putchar('\n');
	fflush(stdout);
}

static void remember(struct watcher *w, char *buf, size_t len)
{
	free(w->seen);
	w->seen = buf;
	w->seen_len = len;
	w->have_seen = true;
}

/* Reads FILE; new content is parsed and, when valid, applied. */
static void check_file(struct watcher *w)
{
	struct first_error e = {};
	char why[160], *buf;
	size_t len;

	if (input_read(w->path, RULESFILE_MAX_BYTES, &buf, &len, why, sizeof(why))) {
		if (!w->unreadable)
			error_line("%s: %s; the running rules stay", w->path, why);
		w->unreadable = true;
		w->have_seen = false;	/* when it comes back, it is news */
		return;
	}
	w->unreadable = false;
	if (w->have_seen && len == w->seen_len && !memcmp(buf, w->seen, len)) {
		free(buf);
		return;
	}
	rules_free(&next);
	if (rulesfile_parse(buf, len, w->path, &next, keep_first, &e)) {
		error_line("%s:%lu: %s (%lu error%s in this version; the running rules stay)",
			   w->path, e.line, e.message ? e.message : "?", e.count,
			   e.count == 1 ? "" : "s");
		free(e.message);
		remember(w, buf, len);
		return;
	}
	if (apply_switch(w->cl, &next, w->what, &before, &after)) {
		free(buf);	/* said why; tried again at the next change or re-check */
		return;
	}
	remember(w, buf, len);
	report(w, &before, &after);
}

static int parse_recheck(const char *text, double *secs)
{
	char *end;

	*secs = RECHECK_DEFAULT;
	if (!text)
		return 0;
	if (!*text || text[strspn(text, "0123456789.")])
		return -1;	/* plain decimal: no sign, exponent or "inf" */
	errno = 0;
	*secs = strtod(text, &end);
	return *end || errno || !(*secs >= RECHECK_MIN && *secs <= RECHECK_MAX) ? -1 : 0;
}

static int usage_checks(struct cmdline *cl, struct watcher *w)
{
	if (!cmd_opt(cl, "watch"))
		return usage_error(cl, "--recheck goes with --watch");
	if (cmd_opt(cl, "check"))
		return usage_error(cl, "--watch applies; --check changes nothing: pick one");
	if (cmd_opt(cl, "try"))
		return usage_error(cl, "--watch follows FILE for good; --try puts one change on "
				       "trial: pick one");
	if (cl->json)
		return usage_error(cl, "--watch prints one line per version, not JSON");
	if (!strcmp(w->path, "-") || !w->path[0])
		return usage_error(cl, "--watch needs a file, not standard input");
	if (parse_recheck(cmd_opt(cl, "recheck"), &w->recheck))
		return usage_error(cl, "--recheck needs seconds between %g and %g, not '%s'",
				   RECHECK_MIN, RECHECK_MAX, cmd_opt(cl, "recheck"));
	return 0;
}

/* SIGINT and SIGTERM end the watch, SIGHUP re-reads: all through a descriptor, so a
 * signal never interrupts an apply half way. */
static int take_signals(struct watcher *w)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout shows as failed writes */
	w->signal_fd = signalfd(-1, &set, SFD_CLOEXEC);
	return w->signal_fd < 0 ? fail(EXIT_FAIL, w->what, "signalfd: %s", strerror(errno)) : 0;
}

int apply_watch(struct cmdline *cl)
{
	struct watcher w = { .path = cl->argv[0], .what = "apply --watch", .cl = cl,
			     .inotify_fd = -1, .signal_fd = -1 };
	char dir[PATH_MAX];
	int err = usage_checks(cl, &w);

	if (err)
		return err;
	err = take_signals(&w);
	if (err)
		return err;
	if (!watch_chain(&w)) {
		dir_of(w.path, dir);
		err = fail(EXIT_FAIL, w.what, "cannot watch %s: %s", dir, strerror(errno));
	}
	if (!err)
		check_file(&w);	/* now, then at every change */
	for (double due = now_s() + w.recheck; !err; due = now_s() + w.recheck) {
		enum wake why = wait_for(&w, ms_until(due));

		for (double end = now_s() + DEBOUNCE_MAX_MS / 1e3;
		     why == WAKE_CHANGE && now_s() < end;)
			why = wait_for(&w, DEBOUNCE_MS);
		if (why == WAKE_STOP)
			break;
		if (why == WAKE_REREAD)
			w.have_seen = false;
		watch_chain(&w);	/* the links may point elsewhere now */
		check_file(&w);
	}
	free(w.seen);
	rules_free(&next);
	if (w.inotify_fd >= 0)
		close(w.inotify_fd);
	close(w.signal_fd);
	return err;
}
