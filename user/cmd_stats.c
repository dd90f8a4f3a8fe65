// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * stats: what the filter passed and dropped, by reason, by interface and by port;
 * once (text, --json, --prometheus), or live with --watch (rates over each interval).
 */
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_lib.h"
#include "counters.h"
#include "errors.h"
#include "filter.h"
#include "reasons.h"
#include "stats_json.h"
#include "sources_store.h"
#include "stats_prom.h"
#include "stats_report.h"
#include "stats_text.h"
#include "watch.h"

#define WATCH_DEFAULT	1.0
#define WATCH_MIN	0.1	/* reading every counter takes some 7 ms on 2 CPUs */
#define WATCH_MAX	86400.0

struct stats_options {
	unsigned top;
	double every;		/* --watch: seconds; 0: print once */
	bool prometheus, reset, json;
	const char *textfile;	/* --textfile DIR: write DIR/xdpport.prom instead */
};

#define TEXTFILE_NAME	"xdpport.prom"

static int parse_top(const char *text, unsigned *top)
{
	char *end;
	unsigned long v;

	*top = 10;
	if (!text)
		return 0;
	if (!strcmp(text, "all")) {
		*top = TOP_ALL;
		return 0;
	}
	if (!*text || text[strspn(text, "0123456789")])
		return -1;	/* plain decimal: no sign, space or hex */
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || v > TOP_ALL)
		return -1;
	*top = v;
	return 0;
}

static int parse_every(const char *text, double *every)
{
	char *end;

	*every = 0;
	if (!text)
		return 0;
	if (!*text) {
		*every = WATCH_DEFAULT;
		return 0;
	}
	if (text[strspn(text, "0123456789.")])
		return -1;	/* plain decimal: not "inf", "1e1", "0x1p1" or " 2" */
	errno = 0;
	*every = strtod(text, &end);
	return *end || errno || !(*every >= WATCH_MIN && *every <= WATCH_MAX) ? -1 : 0;
}

static int parse_options(const struct cmdline *cl, struct stats_options *o)
{
	o->prometheus = cmd_opt(cl, "prometheus");
	o->reset = cmd_opt(cl, "reset");
	o->json = cl->json;
	o->textfile = cmd_opt(cl, "textfile");
	if (o->textfile)
		o->prometheus = true;	/* the textfile collector reads nothing else */
	if (o->textfile && !o->textfile[0])
		return usage_error(cl, "--textfile needs a directory");
	if (parse_top(cmd_opt(cl, "top"), &o->top))
		return usage_error(cl, "--top needs a number of ports or 'all', not '%s'",
				   cmd_opt(cl, "top"));
	if (parse_every(cmd_opt(cl, "watch"), &o->every))
		return usage_error(cl, "--watch needs seconds between %g and %g, not '%s'",
				   WATCH_MIN, WATCH_MAX, cmd_opt(cl, "watch"));
	if (o->prometheus && (o->json || (o->every && !o->textfile)))
		return usage_error(cl, "--prometheus prints once, alone: not with --json or "
				       "--watch (--textfile DIR --watch SECS rewrites a file)");
	if (o->reset && (o->prometheus || o->every || o->json || cmd_opt(cl, "top")))
		return usage_error(cl, "--reset only zeroes the counters: no other option");
	return 0;
}

/* Opens the filter for reading; prints why not. */
static int open_filter(struct filter *f, unsigned flags, const char *what)
{
	int err = cli_filter_open(f, flags, what);

	if (err == NOT_SET_UP)
		return fail(EXIT_FAIL, what, "no filter yet: nothing has been attached or set");
	return err;
}

/* Reads all counters, opening the maps anew each time: a watch then follows a filter
 * that was removed and set up again. Nothing pinned (after flush) reads as zeros, so
 * a textfile cron job serves xdpport_up 0 rather than keeping a stale file. */
static int read_counters(struct counters *c, const char *what)
{
	struct filter f;
	int err = cli_filter_open(&f, 0, what);

	if (err == NOT_SET_UP)
		err = cli_counters_zero(c, what);
	else if (!err)
		err = cli_counters_read(&f, c, what);
	filter_close(&f);
	return err;
}

/* The named sets' metrics, when there are any (a filter that went away has none). */
static void print_set_metrics(FILE *out, const char *what)
{
	struct sources s;
	struct filter f;
	char why[256];
	__u64 *hits;

	if (cli_filter_open(&f, 0, what))
		return;
	if (!sources_load(filter_live(&f), &s, why, sizeof(why))) {
		hits = calloc(s.nsets + 1, sizeof(*hits));
		for (size_t i = 0; hits && i < s.nsets; i++)
			hits[i] = sources_hits(s.set[i].origin);
		if (hits)
			stats_prometheus_sets(out, &s, hits);
		free(hits);
		sources_free(&s);
	}
	filter_close(&f);
}

static int print_once(FILE *out, const struct stats_options *o, const char *what)
{
	struct counters *c = calloc(1, sizeof(*c));
	struct stats_report r = {};
	int err = c ? read_counters(c, what) : fail(EXIT_FAIL, what, "out of memory");

	if (!err && stats_report_build(&r, c, NULL, o->top))
		err = fail(EXIT_FAIL, what, "out of memory");
	if (!err && o->prometheus) {
		stats_prometheus(out, &r);
		print_set_metrics(out, what);
	} else if (!err && o->json)
		stats_json(&r);
	else if (!err)
		stats_text(out, &r, o->top);
	stats_report_free(&r);
	if (c)
		counters_free(c);
	free(c);
	return err;
}

/* One interval's output: a screen for a terminal, else a line (text or JSON). */
static bool show_interval(struct watch *w, const struct stats_options *o,
			  const struct stats_report *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	bool ok;

	if (!w->screen) {
		if (o->json)
			stats_json(r);
		else
			stats_live_line(stdout, r);
		return fflush(stdout) == 0;
	}
	mem = open_memstream(&text, &len);
	if (!mem)
		return false;
	stats_live_screen(mem, r, o->every);
	fclose(mem);
	ok = watch_show(w, text, len);
	free(text);
	return ok;
}

static void show_waiting(struct watch *w, double every)
{
	char text[160];
	int n = snprintf(text, sizeof(text),
			 "xdpport stats: measuring rates over the first %g s... (Ctrl-C to quit)\n",
			 every);

	if (w->screen)
		watch_show(w, text, n);
}

/* Two readings, swapped each interval: the rates need the previous per-CPU values. */
static int watch_loop(const struct stats_options *o, const char *what)
{
	struct counters *readings = calloc(2, sizeof(*readings)), *now, *before;
	const char *term = getenv("TERM");
	struct watch w;
	int err;

	if (!readings)
		return fail(EXIT_FAIL, what, "out of memory");
	now = &readings[0];
	before = &readings[1];
	watch_start(&w, o->every, !o->json && isatty(STDOUT_FILENO) && term &&
					  strcmp(term, "dumb"));
	err = read_counters(before, what);
	if (!err)
		show_waiting(&w, o->every);
	while (!err && watch_wait(&w)) {
		struct stats_report r;
		struct counters *swap;

		err = read_counters(now, what);
		if (!err && stats_report_build(&r, now, before, o->top))
			err = fail(EXIT_FAIL, what, "out of memory");
		if (err)
			break;
		bool shown = show_interval(&w, o, &r);

		stats_report_free(&r);
		if (!shown)	/* nobody reads stdout any more */
			break;
		swap = before;
		before = now;
		now = swap;
	}
	watch_end(&w);
	counters_free(&readings[0]);
	counters_free(&readings[1]);
	free(readings);
	return err;
}

/*
 * --textfile: DIR/xdpport.prom for node_exporter's textfile collector, replaced whole
 * (written to a temporary file in DIR, then renamed over it), so the collector never
 * reads half a file. A filter that cannot be read still gets a file, saying
 * xdpport_up 0, rather than leaving the last good numbers looking current.
 */
static int write_textfile(const struct stats_options *o, const char *what)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	int fd, err, written;
	FILE *out;

	if (snprintf(path, sizeof(path), "%s/" TEXTFILE_NAME, o->textfile) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/." TEXTFILE_NAME ".XXXXXX", o->textfile) >=
		    (int)sizeof(tmp))
		return fail(EXIT_USAGE, what, "--textfile %s: path too long", o->textfile);
	fd = mkstemp(tmp);
	if (fd < 0)
		return fail(EXIT_FAIL, what, "--textfile %s: cannot create a file there: %s",
			    o->textfile, strerror(errno));
	out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		unlink(tmp);
		return fail(EXIT_FAIL, what, "out of memory");
	}
	err = print_once(out, o, what);
	if (err)
		stats_prometheus_up(out, false);
	written = fchmod(fd, 0644) == 0 && fflush(out) == 0 && !ferror(out) && fsync(fd) == 0;
	if (fclose(out) || !written || rename(tmp, path)) {
		int saved = errno;

		unlink(tmp);
		return fail(EXIT_FAIL, what, "--textfile %s: cannot write %s: %s", o->textfile,
			    TEXTFILE_NAME, strerror(saved));
	}
	return err;
}

/* --textfile DIR --watch SECS: rewrites the file every SECS until a stop signal; a
 * failure is reported and the next tick tries again (the filter may come back). */
static int textfile_loop(const struct stats_options *o, const char *what)
{
	struct watch w;

	watch_start(&w, o->every, false);
	do
		write_textfile(o, what);
	while (watch_wait(&w));
	watch_end(&w);
	return EXIT_OK;
}

static int reset(const char *what)
{
	struct filter f;
	int err = open_filter(&f, FILTER_LOCK, what);

	if (!err)
		err = cli_counters_reset(&f, what);
	filter_close(&f);
	return err;
}

static int cmd_stats(struct cmdline *cl)
{
	struct stats_options o;
	int err = parse_options(cl, &o);

	if (err)
		return err;
	if (o.reset)
		return reset(cl->cmd->name);
	if (o.textfile && o.every)
		return textfile_loop(&o, cl->cmd->name);
	if (o.textfile)
		return write_textfile(&o, cl->cmd->name);
	if (o.every)
		return watch_loop(&o, cl->cmd->name);
	return print_once(stdout, &o, cl->cmd->name);
}

const struct command cmd_stats_def = {
	.name = "stats", .run = cmd_stats, .min_args = 0, .max_args = 0,
	.args = "",
	.summary = "packets passed and dropped, by reason and by port",
	.options = {
		{ "top", OPT_VALUE, "--top N|all     ports listed by dropped and by passed "
				    "(default 10)" },
		{ "watch", OPT_OPTIONAL, "--watch [SECS]  live rates, redrawn every SECS "
					 "(default 1); Ctrl-C ends" },
		{ "prometheus", OPT_FLAG, "--prometheus    Prometheus text format (node_exporter "
					  "textfile)" },
		{ "reset", OPT_FLAG, "--reset         zero every counter: all interfaces, ports, "
				     "CPUs" },
		{ "textfile", OPT_VALUE, "--textfile DIR  write --prometheus to DIR/xdpport.prom, "
					 "atomically" },
	},
	.takes = TAKES_JSON,
	.help = "Prints packets and bytes passed and dropped by reason, per interface, the\n"
		"ports with the most drops and passes, and the flow table's inserts, insert\n"
		"failures and evictions (inserts minus entries: only a full table removes one).\n"
		"\n"
		"--textfile DIR writes the Prometheus format to DIR/xdpport.prom for\n"
		"node_exporter's textfile collector, replaced whole (a temporary file renamed\n"
		"over it); with --watch SECS every SECS until SIGTERM. A filter that cannot be\n"
		"read gives xdpport_up 0.\n"
		"\n"
		"Examples:\n"
		"  xdpport stats --top 20\n"
		"  xdpport stats --textfile /var/lib/prometheus/node-exporter --watch 15\n",
	.help_tail = reasons_print,
};
