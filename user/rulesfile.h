/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The rules file: what `apply` reads and `save` writes. One rule per line in the
 * CLI's own words, applied in order to a clean ruleset (later lines win):
 *
 *   policy pass|drop [tcp|udp]     fragments pass|drop
 *   replies on|off                 replies timeout KIND SECS
 *   allow PORTSPEC...              deny PORTSPEC...           delete PORTSPEC...
 *   limit PORTSPEC RATE [burst N] [per-source]                limit PORTSPEC off
 *   set NAME ADDRESS|CIDR...       (members of a named set; repeated lines add more)
 *   allow|deny|delete [PORTSPEC...] from SOURCE...   (SOURCE: address, CIDR, @NAME)
 *
 * `#` starts a comment (whole line or trailing); blank lines are ignored; words are
 * separated by spaces or tabs; CRLF line endings and a UTF-8 byte order mark are
 * accepted. Outside comments only printable ASCII is allowed; comments may hold any
 * byte but NUL. Lines are at most RULESFILE_LINE_MAX bytes.
 *
 * The parser is a pure function over a buffer: no BPF, no files, no global state
 * (service names are looked up in /etc/services, like the CLI does).
 */
#ifndef XDPPORT_RULESFILE_H
#define XDPPORT_RULESFILE_H

#include <stddef.h>
#include <stdio.h>

#include "rules.h"

#define RULESFILE_LINE_MAX	4096		/* bytes, without the line ending */
#define RULESFILE_MAX_BYTES	(16u << 20)	/* what `apply` reads at most */

/*
 * Called once per error, in line order. `line` counts from 1; `message` says what is
 * wrong with that line (without the name or line number) and is only valid during
 * the call.
 */
typedef void (*rulesfile_error_fn)(void *ctx, const char *name, unsigned long line,
				   const char *message);

/*
 * Parses buf[0, len) (any bytes; no terminating NUL needed) into the rules `out`
 * (user/rules.h), starting from the clean ruleset: policies, settings, port rules,
 * limits, and the source rules and sets (a set must be defined before a rule names
 * it). `name` is only passed to `on_error` (which may be NULL). Returns the number of
 * errors: 0 means `out` holds the file's rules; otherwise `out` holds nothing to use.
 * rules_free() `out` either way.
 */
unsigned long rulesfile_parse(const char *buf, size_t len, const char *name, struct rules *out,
			      rulesfile_error_fn on_error, void *ctx);

/*
 * Writes `r` in the file format, without a header: the policies, the fragments
 * setting, `replies off` if so and the timeouts that are not the default, the port
 * rules in ascending port order, one per line, the limits, then the sets and the
 * source rules. Parsing the output gives `r` back. Returns 0, or -1 (`out` failed:
 * see ferror()).
 */
int rulesfile_write(FILE *out, const struct rules *r);

#endif
