// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * capture: the frames the filter drops (or passes, with --all), as pcap for tcpdump and
 * Wireshark or as one line each, until COUNT frames, SECS seconds or a signal; then a
 * summary line on stderr. While it runs, bpf/capture.bpf.c is attached to every
 * interface's copy of the filter (capture_session.c); the filter itself is untouched.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture_match.h"
#include "capture_session.h"
#include "capture_write.h"
#include "cli.h"
#include "reasons.h"
#include "errors.h"

#define RATE_DEFAULT	10000		/* frames per second per CPU */
#define POLL_MS		100		/* how often a --duration end is noticed */
#define EXPRESSION_MAX	4096

#define REASONS_ALL	((1u << XDPPORT_NREASONS) - 1)

struct capture_options {
	const char *path;		/* -w; NULL: lines on stdout */
	__u64 count;			/* 0: no limit */
	double duration;		/* 0: no limit */
	__u32 snap_len;
	struct capture_settings settings;
	const char *port;
	char expression[EXPRESSION_MAX];	/* "": none */
};

struct capture_run {
	struct capture_writer writer;
	struct capture_match match;
	__u64 count, unmatched;
	int write_err;
	bool done;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* Plain decimal (no sign, space or hex) up to `max`. */
static int parse_number(const char *text, unsigned long max, unsigned long *out)
{
	char *end;

	if (!*text || text[strspn(text, "0123456789")])
		return -1;
	errno = 0;
	*out = strtoul(text, &end, 10);
	return errno || *out > max ? -1 : 0;
}

static int parse_duration(const char *text, double *secs)
{
	char *end;

	if (!*text || text[strspn(text, "0123456789.")])
		return -1;	/* not "inf", "1e3" or " 2" */
	errno = 0;
	*secs = strtod(text, &end);
	return *end || errno || !(*secs > 0 && *secs <= 31536000) ? -1 : 0;
}

static int reason_by_name(const char *name, size_t len)
{
	char word[32];

	if (len >= sizeof(word))
		return -1;
	memcpy(word, name, len);
	word[len] = '\0';
	return reason_parse(word);
}

/* "pass-policy, pass-rule, ...": every reason's name, for the error. */
static const char *reason_list(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < nreasons && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "", reasons[i].name);
	return buf;
}

/* The drop reasons: what a capture takes without --reason or --all. */
static __u32 drop_reasons(void)
{
	__u32 mask = 0;

	for (int i = 0; i < nreasons; i++)
		if (reasons[i].drop)
			mask |= 1u << reasons[i].id;
	return mask;
}

/* --reason drop-rule --reason drop-policy, or --reason drop-rule,drop-policy. */
static int parse_reasons(const struct cmdline *cl, __u32 *mask)
{
	const char *values[CMD_MAX_LIST_VALUES];
	int n = cmd_opt_list(cl, "reason", values, CMD_MAX_LIST_VALUES);

	*mask = 0;
	for (int i = 0; i < n; i++) {
		for (const char *p = values[i];; p++) {
			size_t len = strcspn(p, ",");
			int r = reason_by_name(p, len);

			char names[256];

			if (r < 0)
				return usage_error(cl, "--reason '%s': not a reason (%s)", values[i],
						   reason_list(names, sizeof(names)));
			*mask |= 1u << r;
			p += len;
			if (!*p)
				break;
		}
	}
	return 0;
}

static int join_expression(const struct cmdline *cl, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < cl->argc; i++) {
		int n = snprintf(out + used, len - used, "%s%s", i ? " " : "", cl->argv[i]);

		if (n < 0 || (size_t)n >= len - used)
			return usage_error(cl, "the expression is longer than %zu bytes", len - 1);
		used += n;
	}
	return 0;
}

static int parse_options(const struct cmdline *cl, struct capture_options *o)
{
	const char *count = cmd_opt(cl, "count"), *snap = cmd_opt(cl, "snaplen");
	const char *rate = cmd_opt(cl, "rate"), *sample = cmd_opt(cl, "sample");
	const char *duration = cmd_opt(cl, "duration");
	unsigned long v;
	int err;

	memset(o, 0, sizeof(*o));
	o->path = cmd_opt(cl, "write");
	o->port = cmd_opt(cl, "port");
	if (o->path && !*o->path)
		return usage_error(cl, "-w needs a file name, or - for stdout");
	if (o->path && !strcmp(o->path, "-") && cl->json)
		return usage_error(cl, "-w - writes pcap to stdout: --json lines cannot go there too");
	if (count && (parse_number(count, ~0UL, &v) || !v))
		return usage_error(cl, "-c needs a number of frames, not '%s'", count);
	o->count = count ? v : 0;
	if (duration && parse_duration(duration, &o->duration))
		return usage_error(cl, "--duration needs seconds (more than 0), not '%s'",
				   duration);
	o->snap_len = CAPTURE_SNAP_MAX;
	if (snap && parse_number(snap, 262144, &v))
		return usage_error(cl, "-s needs a number of bytes (0: %u), not '%s'",
				   CAPTURE_SNAP_MAX, snap);
	if (snap && v)
		o->snap_len = v < CAPTURE_SNAP_MAX ? v : CAPTURE_SNAP_MAX;
	o->settings.rate = RATE_DEFAULT;
	if (rate && parse_number(rate, 100000000, &v))
		return usage_error(cl, "--rate needs frames per second per CPU (0: no cap), not "
				       "'%s'", rate);
	if (rate)
		o->settings.rate = v;
	o->settings.sample = 1;
	if (sample && (parse_number(sample, 1000000000, &v) || !v))
		return usage_error(cl, "--sample needs N (1 frame in N), not '%s'", sample);
	if (sample)
		o->settings.sample = v;
	err = parse_reasons(cl, &o->settings.reasons);
	if (err)
		return err;
	if (o->settings.reasons && cmd_opt(cl, "all"))
		return usage_error(cl, "--all captures every reason: not with --reason");
	if (!o->settings.reasons)
		o->settings.reasons = cmd_opt(cl, "all") ? REASONS_ALL : drop_reasons();
	/* --port and EXPRESSION look into the headers whatever -s writes. */
	o->settings.snap_len = o->snap_len > CAPTURE_MATCH_BYTES ? o->snap_len : CAPTURE_MATCH_BYTES;
	return join_expression(cl, o->expression, sizeof(o->expression));
}

static int on_frame(void *ctx, const struct capture_frame *frame, const __u8 *data)
{
	struct capture_run *run = ctx;

	if (run->done)
		return 1;
	if (!capture_match(&run->match, frame, data)) {
		run->unmatched++;
		return 0;
	}
	run->write_err = capture_write(&run->writer, frame, data);
	run->done = run->write_err || (run->count && run->writer.written >= run->count);
	return run->done;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART: poll returns */

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a reader that went away ends the capture: EPIPE */
}

static void say_started(const struct capture_session *s, __u32 wanted)
{
	char ifaces[512] = "", why[256] = "";
	size_t used = 0, wused = 0;

	for (int slot = 0; slot < XDPPORT_IFACE_SLOTS; slot++)
		if (s->hook_fd[slot] >= 0 && used < sizeof(ifaces))
			used += snprintf(ifaces + used, sizeof(ifaces) - used, "%s%s",
					 used ? ", " : "", s->target[slot].name);
	for (int i = 0; i < nreasons; i++)
		if ((wanted & (1u << reasons[i].id)) && wused < sizeof(why))
			wused += snprintf(why + wused, sizeof(why) - wused, "%s%s",
					  wused ? " " : "", reasons[i].name);
	error_line("capture: on %s (%s); Ctrl-C ends", ifaces, why);
}

static void summary(const struct capture_session *s, const struct capture_run *run,
		    const struct capture_options *o)
{
	struct capture_cpu c;
	char extra[128] = "";

	capture_counts(s, &c);
	if (o->settings.sample > 1)
		snprintf(extra, sizeof(extra), ", %llu left out by --sample",
			 (unsigned long long)c.sampled_out);
	if (run->match.by_port || run->match.by_expression)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 ", %llu not matching", (unsigned long long)run->unmatched);
	error_line("capture: %llu captured, %llu left out by the rate cap, %llu lost%s",
		   (unsigned long long)run->writer.written, (unsigned long long)c.capped,
		   (unsigned long long)c.lost, extra);
}

/* Reads frames until COUNT, SECS, a signal or a write error. */
static int run_capture(struct capture_session *s, struct capture_run *run,
		       const struct capture_options *o)
{
	double deadline = o->duration ? now_s() + o->duration : 0;

	while (!run->done && !stop_signal) {
		int timeout = POLL_MS, n;

		if (deadline) {
			double left = deadline - now_s();

			if (left <= 0)
				break;
			timeout = left * 1000 < POLL_MS ? (int)(left * 1000) + 1 : POLL_MS;
		}
		n = capture_poll(s, timeout);
		if (n < 0 && n != -EINTR && n != -ECANCELED)
			return -n;
		if (!run->write_err)
			run->write_err = capture_writer_flush(&run->writer);
		run->done |= run->write_err != 0;
	}
	/* Ended by a signal or SECS: what the ring buffer holds was captured before. */
	if (!run->done)
		capture_poll(s, 0);
	return 0;
}

static int cmd_capture(struct cmdline *cl)
{
	static struct capture_session session;
	static struct capture_options o;
	struct capture_run run = {};
	char why[512];
	int err;

	err = parse_options(cl, &o);
	if (err)
		return err;
	if (capture_match_init(&run.match, o.port, o.expression[0] ? o.expression : NULL, why,
			       sizeof(why)))
		return usage_error(cl, "%s%s%s", o.port && !run.match.by_port ? "--port " : "",
				   o.port && !run.match.by_port ? o.port : "", why);
	run.count = o.count;
	catch_signals();
	err = capture_start(&session, &o.settings, on_frame, &run, cl->cmd->name);
	if (err) {
		capture_match_free(&run.match);
		return err;
	}
	if (capture_writer_open(&run.writer, o.path, cl->json, o.snap_len, session.target, why,
				sizeof(why))) {
		capture_stop(&session);
		capture_match_free(&run.match);
		return fail(EXIT_FAIL, "capture -w", "%s", why);
	}
	say_started(&session, o.settings.reasons);
	err = run_capture(&session, &run, &o);
	summary(&session, &run, &o);
	capture_stop(&session);
	capture_match_free(&run.match);
	if (!run.write_err)
		run.write_err = capture_writer_close(&run.writer);
	else
		capture_writer_close(&run.writer);
	if (err)
		return fail(EXIT_FAIL, cl->cmd->name, "cannot read the captured frames: %s",
			    errno_reason(err));
	/* A reader that went away (tcpdump -c, head) is an end, not a failure: what
	 * stdout still holds can go nowhere. */
	if (run.write_err == -EPIPE) {
		__fpurge(stdout);
		clearerr(stdout);
	} else if (run.write_err) {
		return fail(EXIT_FAIL, cl->cmd->name, "cannot write the frames: %s",
			    strerror(-run.write_err));
	}
	return EXIT_OK;
}

const struct command cmd_capture_def = {
	.name = "capture", .run = cmd_capture, .min_args = 0, .max_args = -1,
	.args = "[EXPRESSION]",
	.summary = "the frames the filter drops, as pcap or lines",
	.options = {
		{ "write", OPT_VALUE, "-w FILE|-  write pcap (Ethernet) to FILE, or to stdout "
				      "with -" },
		{ "count", OPT_VALUE, "-c COUNT  end after COUNT frames" },
		{ "duration", OPT_VALUE, "--duration SECS  end after SECS seconds" },
		{ "snaplen", OPT_VALUE, "-s SNAPLEN  bytes kept of each frame (default, 0: 9216)" },
		{ "reason", OPT_LIST, "--reason REASON...  only these reasons (repeat, or a,b)" },
		{ "port", OPT_VALUE, "--port PORTSPEC  only frames to these ports" },
		{ "all", OPT_FLAG, "--all  passed frames too (default: dropped only)" },
		{ "rate", OPT_VALUE, "--rate N  at most N frames/s per CPU (default 10000; 0: no "
				     "cap)" },
		{ "sample", OPT_VALUE, "--sample N  one frame in N" },
	},
	.takes = TAKES_JSON,
	.help = "Shows the frames the filter drops on every attached interface (--all: passed\n"
		"ones too), as pcap with -w (Ethernet frames, for tcpdump and Wireshark; '-w -'\n"
		"writes to stdout, flushed per frame), else as one line each: time, interface,\n"
		"reason, length, port. --json: a JSON object per frame with its reason and\n"
		"interface, which pcap cannot carry. Ends after COUNT frames, SECS seconds or\n"
		"Ctrl-C, then prints one line on stderr: captured, left out by the rate cap,\n"
		"lost. The kernel copies at most --rate frames a second per CPU (default 10000),\n"
		"so a capture cannot slow the filter down; --reason and --all choose in the\n"
		"kernel, before the cap, --port and EXPRESSION (a tcpdump filter) after it.\n"
		"Nothing stays attached after it ends, however it ends. REASON: the names\n"
		"'xdpport stats' uses (drop-rule, drop-policy, ...).\n"
		"\n"
		"Examples:\n"
		"  xdpport capture -c 1000 --port 443 -w flood.pcap\n"
		"  xdpport capture -w - --reason drop-policy | tcpdump -nr -\n"
		"  xdpport capture --duration 10 --json udp and not port 53\n",
};
