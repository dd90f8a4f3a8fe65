/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Which captured frames `xdpport capture` keeps: those to a PORTSPEC (--port), read
 * with the filter's own parser (bpf/parse.h), and those a tcpdump EXPRESSION accepts
 * (libpcap's compiler and its offline filter).
 */
#ifndef XDPPORT_CAPTURE_MATCH_H
#define XDPPORT_CAPTURE_MATCH_H

#include <linux/types.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>

#include "capture.h"
#include "portspec.h"

/* Bytes a frame must have for --port and EXPRESSION to see its headers, whatever
 * the snap length written: the capture program copies at least this many. */
#define CAPTURE_MATCH_BYTES	256

struct capture_match {
	bool by_port, by_expression;
	struct portspec port;
	pcap_t *dead;			/* the handle the expression was compiled for */
	struct bpf_program program;
};

/* True when the filter's parser finds a port in the frame: then its protocol (enum
 * xdpport_proto) and destination port. */
bool capture_frame_port(const __u8 *data, __u32 len, __u32 *proto, __u32 *port);

/* Prepares the match; `portspec` and `expression` may be NULL. Returns 0, or -1 with
 * why in `why` (a usage error). */
int capture_match_init(struct capture_match *m, const char *portspec, const char *expression,
		       char *why, size_t why_len);
bool capture_match(const struct capture_match *m, const struct capture_frame *frame,
		   const __u8 *data);
void capture_match_free(struct capture_match *m);

#endif
