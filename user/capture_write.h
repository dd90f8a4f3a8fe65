/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where captured frames go: a pcap file (Ethernet link type, libpcap's dump API) or
 * stdout as pcap (-w -), and/or one line per frame on stdout, as text or as JSON
 * (--json), naming what pcap cannot carry: the interface and the reason.
 */
#ifndef XDPPORT_CAPTURE_WRITE_H
#define XDPPORT_CAPTURE_WRITE_H

#include <linux/types.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>

#include "capture.h"
#include "capture_session.h"

struct capture_writer {
	pcap_t *dead;
	pcap_dumper_t *dumper;		/* NULL: no pcap */
	bool to_stdout;			/* -w - */
	bool flush_each;		/* pcap into a pipe: every frame at once */
	bool lines, json;		/* a line per frame on stdout; JSON ones */
	__u32 snap_len;
	__s64 to_realtime_ns;		/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	const struct capture_target *targets;	/* by slot, for the interface names */
	__u64 written;
};

/* `path`: a pcap file, "-" for stdout, NULL for lines only. Returns 0, or -1 with why
 * in `why`. */
int capture_writer_open(struct capture_writer *w, const char *path, bool json, __u32 snap_len,
			const struct capture_target *targets, char *why, size_t why_len);

/* Writes one frame (at most snap_len bytes of it). Returns 0 or a negative errno. */
int capture_write(struct capture_writer *w, const struct capture_frame *frame,
		  const __u8 *data);

/* Pushes out what is buffered. Returns 0 or a negative errno. */
int capture_writer_flush(struct capture_writer *w);

/* Flushes and closes; returns 0 or a negative errno. */
int capture_writer_close(struct capture_writer *w);

#endif
