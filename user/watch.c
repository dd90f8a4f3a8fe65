// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "watch.h"

#define ALT_SCREEN_ON	"\033[?1049h\033[?25l"	/* alternate screen, cursor hidden */
#define ALT_SCREEN_OFF	"\033[?25h\033[?1049l"
#define HOME		"\033[H"
#define CLEAR_EOL	"\033[K"
#define CLEAR_EOS	"\033[J"

static volatile sig_atomic_t stop_requested;
static sigset_t stop_signals;
static struct termios saved_termios;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Stop signals stay blocked except while waiting, so that one arriving at any moment
 * ends the wait at once and never a write half done. */
static void take_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop_signals, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A closed pipe (stats --watch | head) shows up as a failed write instead. */
	signal(SIGPIPE, SIG_IGN);
}

static void echo_off(struct watch *w)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios))
		return;
	t = saved_termios;
	t.c_lflag &= ~ECHO;	/* Ctrl-C still signals: ISIG stays */
	w->echo_off = !tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

/* stderr goes to a temporary file while the alternate screen would swallow it. */
static void hold_errors(struct watch *w)
{
	FILE *held = tmpfile();

	fflush(stderr);
	w->saved_stderr = held ? dup(STDERR_FILENO) : -1;
	if (w->saved_stderr < 0) {
		if (held)
			fclose(held);
		return;
	}
	dup2(fileno(held), STDERR_FILENO);
	w->held_errors = held;
}

static void release_errors(struct watch *w)
{
	FILE *held = w->held_errors;
	char buf[4096];
	size_t n;

	if (!held)
		return;
	fflush(stderr);
	dup2(w->saved_stderr, STDERR_FILENO);
	close(w->saved_stderr);
	rewind(held);
	while ((n = fread(buf, 1, sizeof(buf), held)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(held);
	w->held_errors = NULL;
}

void watch_start(struct watch *w, double every, bool screen)
{
	*w = (struct watch){ .every = every, .screen = screen, .saved_stderr = -1 };
	stop_requested = 0;
	take_signals();
	clock_gettime(CLOCK_MONOTONIC, &w->start);
	if (!screen)
		return;
	echo_off(w);
	hold_errors(w);
	fputs(ALT_SCREEN_ON HOME CLEAR_EOS, stdout);
	fflush(stdout);
}

static struct winsize terminal_size(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || ws.ws_row < 2 || ws.ws_col < 2)
		ws = (struct winsize){ .ws_row = 24, .ws_col = 80 };
	return ws;
}

bool watch_show(struct watch *w, const char *text, size_t len)
{
	struct winsize size = terminal_size();
	const char *end = text + len;

	(void)w;
	fputs(HOME, stdout);
	/* Each line clears what the previous screen left right of it. Lines past the
	 * bottom would scroll the screen and lines wider than it would wrap, shifting
	 * every row below: both are cut (the text is ASCII: a byte is a column). */
	for (int row = 0; text < end && row < size.ws_row; row++) {
		const char *nl = memchr(text, '\n', end - text);
		size_t n = nl ? (size_t)(nl - text) : (size_t)(end - text);

		fwrite(text, 1, n < size.ws_col ? n : size.ws_col, stdout);
		fputs(CLEAR_EOL, stdout);
		if (row + 1 < size.ws_row && nl)
			fputc('\n', stdout);
		text += n + (nl != NULL);
	}
	fputs(CLEAR_EOS, stdout);
	return fflush(stdout) == 0;
}

static double since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
}

bool watch_wait(struct watch *w)
{
	double elapsed = since(&w->start);
	sigset_t during_wait;

	/* The next tick still ahead: a slow refresh skips ticks rather than drift. */
	do
		w->tick++;
	while (w->tick * w->every <= elapsed);
	sigprocmask(SIG_BLOCK, NULL, &during_wait);
	sigdelset(&during_wait, SIGINT);
	sigdelset(&during_wait, SIGTERM);
	sigdelset(&during_wait, SIGHUP);
	while (!stop_requested) {
		double left = w->tick * w->every - since(&w->start);
		struct timespec ts;

		if (left <= 0)
			break;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
		/* Unblocks the stop signals only for the wait, atomically. */
		if (ppoll(NULL, 0, &ts, &during_wait) < 0 && errno != EINTR)
			break;
	}
	return !stop_requested;
}

void watch_end(struct watch *w)
{
	if (w->screen) {
		fputs(ALT_SCREEN_OFF, stdout);
		fflush(stdout);
	}
	if (w->echo_off)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
	release_errors(w);
	/* The stop signals stay caught and blocked: a second Ctrl-C on the way out must
	 * not turn a clean exit into a killed process. */
}
