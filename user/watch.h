/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The refresh loop of `stats --watch`: ticks on the monotonic clock, stops cleanly on
 * SIGINT, SIGTERM or SIGHUP, and on a terminal redraws one screen in place (like top)
 * on the alternate screen, with the cursor hidden and typed keys not echoed; all of it
 * is restored when the watch ends. Errors printed meanwhile are held back and shown
 * after the terminal is restored, where they stay readable.
 */
#ifndef XDPPORT_WATCH_H
#define XDPPORT_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct watch {
	double every;		/* seconds between ticks */
	bool screen;		/* redraw in place on a terminal */
	struct timespec start;	/* tick k is due at start + k * every */
	unsigned long tick;
	/* What watch_end() puts back. */
	bool echo_off;
	int saved_stderr;
	void *held_errors;	/* FILE *: stderr while the screen is up */
};

/* Takes over the signals (and the terminal when `screen`). */
void watch_start(struct watch *w, double every, bool screen);

/* Shows one screen (screen mode): `text` replaces what is on the terminal, cut to its
 * height. Outside screen mode the caller prints to stdout itself. Returns false when
 * stdout is gone (a closed pipe): time to stop. */
bool watch_show(struct watch *w, const char *text, size_t len);

/* Sleeps until the next tick; returns false when told to stop. */
bool watch_wait(struct watch *w);

/* Restores the terminal and prints the held-back errors. */
void watch_end(struct watch *w);

#endif
