// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>

#include "capture_match.h"

/* The data path's parser, compiled here too, so --port sees in a frame the port the
 * filter saw (VLAN tags, IPv6 extension headers, fragments alike). It is written for
 * clang's BPF target: its unroll hints mean nothing to other compilers. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunknown-pragmas"
#include "../bpf/parse.h"
#pragma GCC diagnostic pop

bool capture_frame_port(const __u8 *data, __u32 len, __u32 *proto, __u32 *port)
{
	/* Like a driver's buffer: 2 bytes in, so the IP header after 14 bytes of Ethernet
	 * is aligned for the parser's struct reads (the ring buffer's copy is not). */
	static __u8 aligned[2 + CAPTURE_SNAP_MAX] __attribute__((aligned(8)));
	struct frame f = {};
	enum frame_kind kind;

	len = len < CAPTURE_SNAP_MAX ? len : CAPTURE_SNAP_MAX;
	memcpy(aligned + 2, data, len);
	kind = parse_frame(aligned + 2, aligned + 2 + len, &f);

	*proto = f.proto;
	*port = f.port;
	return kind == FRAME_PORT;
}

int capture_match_init(struct capture_match *m, const char *portspec, const char *expression,
		       char *why, size_t why_len)
{
	memset(m, 0, sizeof(*m));
	if (portspec) {
		if (portspec_parse(portspec, &m->port, why, why_len))
			return -1;
		m->by_port = true;
	}
	if (!expression)
		return 0;
	m->dead = pcap_open_dead(DLT_EN10MB, CAPTURE_SNAP_MAX);
	if (!m->dead) {
		snprintf(why, why_len, "libpcap cannot make a handle");
		return -1;
	}
	if (pcap_compile(m->dead, &m->program, expression, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(why, why_len, "not a filter expression: %s", pcap_geterr(m->dead));
		pcap_close(m->dead);
		m->dead = NULL;
		return -1;
	}
	m->by_expression = true;
	return 0;
}

static bool port_matches(const struct capture_match *m, const __u8 *data, __u32 len)
{
	__u32 proto, port;

	if (!capture_frame_port(data, len, &proto, &port))
		return false;
	for (int i = 0; i < m->port.n; i++) {
		const struct port_range *r = &m->port.range[i];

		if ((r->protos & PROTO_BIT(proto)) && port >= r->first && port <= r->last)
			return true;
	}
	return false;
}

bool capture_match(const struct capture_match *m, const struct capture_frame *frame,
		   const __u8 *data)
{
	struct pcap_pkthdr h = { .caplen = frame->cap_len, .len = frame->len };

	if (m->by_port && !port_matches(m, data, frame->cap_len))
		return false;
	return !m->by_expression || pcap_offline_filter(&m->program, &h, data);
}

void capture_match_free(struct capture_match *m)
{
	if (m->by_expression)
		pcap_freecode(&m->program);
	if (m->dead)
		pcap_close(m->dead);
	memset(m, 0, sizeof(*m));
}
