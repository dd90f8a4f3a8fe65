/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * PORTSPEC: what `allow`, `deny` and `delete` take, and what the rules file uses.
 *   443  443/tcp  443/udp  8000-8100  8000-8100/udp  https  ssh/tcp
 * A port without a protocol means tcp and udp. A service name (from /etc/services)
 * without a protocol means the protocols it is listed for there.
 */
#ifndef XDPPORT_PORTSPEC_H
#define XDPPORT_PORTSPEC_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_BIT(p)	(1u << (p))	/* p: enum xdpport_proto */
#define PROTOS_ALL	(PROTO_BIT(XDPPORT_TCP) | PROTO_BIT(XDPPORT_UDP))

struct port_range {
	uint32_t protos;	/* PROTO_BIT mask */
	uint16_t first, last;	/* inclusive */
};

/* A service name may sit on different ports for tcp and udp: up to one range each. */
struct portspec {
	struct port_range range[2];
	int n;
};

/* Parses `text`; on error returns -1 and writes why into `why`. */
int portspec_parse(const char *text, struct portspec *out, char *why, size_t why_len);

/* "443", "8000-8100/udp": a range as PORTSPEC writes it. */
void port_range_format(char *buf, size_t len, const struct port_range *r);

/* Parses a protocol name ("tcp", "udp"); returns the enum xdpport_proto or -1. */
int proto_parse(const char *text);

/* "tcp" or "udp". */
const char *proto_name(int proto);

#endif
