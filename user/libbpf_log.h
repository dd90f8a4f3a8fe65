/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Who hears libbpf's own messages: nobody where xdpport prints its own one-line error,
 * stderr with -d/--debug. */
#ifndef XDPPORT_LIBBPF_LOG_H
#define XDPPORT_LIBBPF_LOG_H

/* -d/--debug: from now on every libbpf message, debug level included, goes to stderr
 * (libbpf_log_quiet() no longer silences them). */
void libbpf_log_all(void);

/* Silences libbpf before a call whose failure xdpport reports itself, unless
 * libbpf_log_all() asked for everything. */
void libbpf_log_quiet(void);

#endif
