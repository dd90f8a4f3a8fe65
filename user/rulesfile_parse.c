// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The rules file parser (user/rulesfile.h): each line's words (rulesfile_lines.c) into
 * a struct rules. Port rules and limits are painted port by port as the lines come
 * (later lines win) and become the rules' lists once, at the end. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "limit.h"
#include "portspec.h"
#include "rulesfile.h"
#include "rulesfile_lines.h"
#include "source_args.h"
#include "units.h"

#define QUOTE_MAX	40	/* how much of a bad word an error message repeats */
#define MESSAGE_MAX	256

struct parser {
	const char *name;
	unsigned long line;
	unsigned long errors;
	rulesfile_error_fn on_error;
	void *ctx;
	struct rules *out;		/* settings and sources as they come */
	struct rules_paint paint;	/* port rules and limits, into `out` at the end */
	struct sources *src;		/* out->sources */
	struct rulesfile_line l;	/* the current line, split into words */
};

static void __attribute__((format(printf, 2, 3))) error(struct parser *p, const char *fmt, ...)
{
	char message[MESSAGE_MAX];
	va_list ap;

	p->errors++;
	if (!p->on_error)
		return;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	p->on_error(p->ctx, p->name, p->line, message);
}

/* A word as error messages repeat it: long ones are cut. Words hold printable ASCII
 * only (checked before splitting), so nothing else needs escaping. */
static const char *quote(const char *word, char *buf)
{
	if (strlen(word) <= QUOTE_MAX)
		return word;
	snprintf(buf, QUOTE_MAX + 4, "%.*s...", QUOTE_MAX, word);
	return buf;
}

/* strcmp() for the few short keywords a line starts with: on big files the
 * library call costs more than the comparison. */
static bool is(const char *word, const char *keyword)
{
	while (*word && *word == *keyword)
		word++, keyword++;
	return *word == *keyword;
}

static int parse_verdict(const char *word)
{
	if (is(word, "pass") || is(word, "allow"))
		return VERDICT_PASS;
	if (is(word, "drop") || is(word, "deny"))
		return VERDICT_DROP;
	return -1;
}

/* Up to five digits: 0..65535; returns the end of the digits, or NULL. */
static const char *quick_port(const char *c, unsigned *port)
{
	const char *start = c;

	*port = 0;
	while (*c >= '0' && *c <= '9' && c - start < 5)
		*port = *port * 10 + (*c++ - '0');
	return c > start && *port <= 65535 ? c : NULL;
}

/*
 * The PORTSPECs that fill big files, as save writes them: N or N-M, then nothing,
 * /tcp or /udp. Returns false for anything else (names, upper case, errors), which
 * portspec_parse() then reads: the two always agree (tests/rulesfile_test checks).
 */
static bool quick_portspec(const char *word, struct port_range *out)
{
	unsigned first, last;
	const char *c = quick_port(word, &first);

	if (!c)
		return false;
	last = first;
	if (*c == '-' && !(c = quick_port(c + 1, &last)))
		return false;
	out->protos = PROTOS_ALL;
	if (*c == '/') {
		if (is(c + 1, "tcp"))
			out->protos = PROTO_BIT(XDPPORT_TCP);
		else if (is(c + 1, "udp"))
			out->protos = PROTO_BIT(XDPPORT_UDP);
		else
			return false;
		c += 4;
	}
	if (*c || first > last)
		return false;
	out->first = first;
	out->last = last;
	return true;
}

/* policy pass|drop [tcp|udp] */
static void parse_policy(struct parser *p)
{
	unsigned long errors = p->errors;
	char q[QUOTE_MAX + 4];
	uint32_t protos = PROTOS_ALL;
	int verdict;

	if (p->l.nwords < 2) {
		error(p, "policy: needs pass or drop");
		return;
	}
	verdict = parse_verdict(p->l.word[1]);
	if (verdict < 0)
		error(p, "policy: policy must be pass or drop, not '%s'", quote(p->l.word[1], q));
	if (p->l.nwords >= 3) {
		int proto = proto_parse(p->l.word[2]);

		if (proto < 0)
			error(p, "policy: protocol must be tcp or udp, not '%s'", quote(p->l.word[2], q));
		else
			protos = PROTO_BIT(proto);
	}
	if (p->l.nwords > 3)
		error(p, "policy: unexpected '%s' after policy pass|drop [tcp|udp]",
		      quote(p->l.word[3], q));
	if (p->errors == errors)
		rules_set_policy(p->out, protos, verdict);
}

/* fragments pass|drop */
static void parse_fragments(struct parser *p)
{
	char q[QUOTE_MAX + 4];
	int verdict;

	if (p->l.nwords < 2) {
		error(p, "fragments: needs pass or drop");
		return;
	}
	verdict = parse_verdict(p->l.word[1]);
	if (verdict < 0)
		error(p, "fragments: fragments must be pass or drop, not '%s'", quote(p->l.word[1], q));
	if (p->l.nwords > 2)
		error(p, "fragments: unexpected '%s' after fragments pass|drop", quote(p->l.word[2], q));
	if (!p->errors)
		p->out->fragments = verdict;
}

/* replies on|off, replies timeout KIND SECS */
static void parse_replies(struct parser *p)
{
	char q[QUOTE_MAX + 4];
	int state;
	long long secs;

	if (p->l.nwords >= 2 && (is(p->l.word[1], "on") || is(p->l.word[1], "off"))) {
		if (p->l.nwords > 2)
			error(p, "unexpected '%s' after replies on|off", quote(p->l.word[2], q));
		else if (!p->errors)
			p->out->replies = is(p->l.word[1], "on");
		return;
	}
	if (p->l.nwords >= 2 && is(p->l.word[1], "table-size")) {
		error(p, "replies table-size is not part of a ruleset (it sizes the flow table: "
			 "run it as a command, with nothing attached)");
		return;
	}
	if (p->l.nwords < 2) {
		error(p, "replies needs on, off or timeout KIND SECS");
		return;
	}
	if (!is(p->l.word[1], "timeout")) {
		error(p, "replies takes on, off or timeout KIND SECS, not '%s'", quote(p->l.word[1], q));
		return;
	}
	if (p->l.nwords != 4) {
		error(p, "replies timeout needs KIND (tcp-syn, tcp, tcp-closing, udp, udp-answered) "
			 "and SECS");
		return;
	}
	state = ruleset_timeout_parse(p->l.word[2]);
	secs = parse_decimal(p->l.word[3], 1, RULESET_TIMEOUT_MAX);
	if (state < 0)
		error(p, "'%s' is not a timeout: tcp-syn, tcp, tcp-closing, udp or udp-answered",
		      quote(p->l.word[2], q));
	else if (secs < 0)
		error(p, "a timeout is whole seconds, 1 to %u, not '%s'", RULESET_TIMEOUT_MAX,
		      quote(p->l.word[3], q));
	else if (!p->errors)
		p->out->timeout[state] = secs;
}

enum port_action { ALLOW, DENY, DELETE };

static void apply_range(struct parser *p, enum port_action action, const struct port_range *r)
{
	rules_paint_ports(&p->paint, r,
			  action == DELETE ? RULE_NONE : action == DENY ? VERDICT_DROP : VERDICT_PASS);
}

/* allow|deny|delete [PORTSPEC...] from SOURCE... */
static void parse_from(struct parser *p, enum port_action action, int from)
{
	char why[256];

	if (source_rules_edit(p->src, action, p->l.word + 1, from - 1, p->l.word + from + 1,
			      p->l.nwords - from - 1, false, why, sizeof(why)))
		error(p, "%s: %s", p->l.word[0], why);
}

/* set NAME [ADDRESS|CIDR...]: a named set, its members over any number of lines. */
static void parse_set(struct parser *p)
{
	struct source_set *set;
	char why[128], q[QUOTE_MAX + 4];

	if (p->l.nwords < 2 || !set_name_valid(p->l.word[1])) {
		error(p, "set needs a NAME (letters, digits, '_', '-', '.') and its addresses");
		return;
	}
	set = sources_find_set(p->src, p->l.word[1]);
	if (!set) {
		struct source_set fresh = {};

		snprintf(fresh.name, sizeof(fresh.name), "%s", p->l.word[1]);
		if (sources_put_set(p->src, &fresh, why, sizeof(why))) {
			error(p, "set %s: %s", p->l.word[1], why);
			return;
		}
		set = sources_find_set(p->src, p->l.word[1]);
	}
	for (int i = 2; i < p->l.nwords; i++) {
		struct prefix pf;

		if (prefix_parse(p->l.word[i], strlen(p->l.word[i]), &pf, why, sizeof(why)))
			error(p, "set %s '%s': %s", p->l.word[1], quote(p->l.word[i], q), why);
		else if (source_set_append(set, &pf))
			error(p, "out of memory");
	}
}

/* allow|deny|delete PORTSPEC...: every bad PORTSPEC is its own error. */
static void parse_ports(struct parser *p, enum port_action action)
{
	int from = source_from_index(p->l.word, p->l.nwords);

	if (from >= 0) {
		parse_from(p, action, from);
		return;
	}
	if (p->l.nwords < 2) {
		error(p, "%s needs at least one PORTSPEC (443, 443/tcp, 8000-8100/udp, https)",
		      p->l.word[0]);
		return;
	}
	for (int i = 1; i < p->l.nwords; i++) {
		char why[128], q[QUOTE_MAX + 4];
		struct portspec spec;

		if (quick_portspec(p->l.word[i], &spec.range[0])) {
			spec.n = 1;
		} else if (portspec_parse(p->l.word[i], &spec, why, sizeof(why))) {
			/* Quoted like the CLI's errors (cli_what()): only when it has a quote. */
			error(p, strchr(p->l.word[i], '\'') ? "%s '%s': %s" : "%s %s: %s", p->l.word[0],
			      quote(p->l.word[i], q), why);
			continue;
		}
		if (p->errors)
			continue;	/* nothing will be used: just look for more errors */
		for (int r = 0; r < spec.n; r++)
			apply_range(p, action, &spec.range[r]);
	}
}

/* limit PORTSPEC RATE [burst N] [per-source] | limit PORTSPEC off */
static void parse_limit(struct parser *p)
{
	char why[128], q[QUOTE_MAX + 4];
	struct xdpport_limit limit;
	struct portspec spec;
	int on;

	if (p->l.nwords < 3) {
		error(p, "limit needs PORTSPEC and RATE (limit 53/udp 20000/s) or off");
		return;
	}
	if (portspec_parse(p->l.word[1], &spec, why, sizeof(why))) {
		error(p, "limit '%s': %s", quote(p->l.word[1], q), why);
		return;
	}
	on = limit_parse(&p->l.word[2], p->l.nwords - 2, &limit, why, sizeof(why));
	if (on < 0) {
		error(p, "limit %s: %s", quote(p->l.word[1], q), why);
		return;
	}
	if (p->errors)
		return;
	for (int r = 0; r < spec.n; r++)
		rules_paint_limit(&p->paint, &spec.range[r], on ? &limit : NULL);
}

static bool is_cli_command(const char *word)
{
	static const char *const commands[] = { "attach", "detach", "list", "flush", "status",
						"stats", "apply", "save", "version", "help", "flows" };

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(word, commands[i]))
			return true;
	return false;
}

static void parse_words(struct parser *p)
{
	const char *cmd = p->l.word[0];
	char q[QUOTE_MAX + 4];

	if (is(cmd, "allow"))
		parse_ports(p, ALLOW);
	else if (is(cmd, "deny"))
		parse_ports(p, DENY);
	else if (is(cmd, "delete"))
		parse_ports(p, DELETE);
	else if (is(cmd, "policy"))
		parse_policy(p);
	else if (is(cmd, "fragments"))
		parse_fragments(p);
	else if (is(cmd, "limit"))
		parse_limit(p);
	else if (is(cmd, "replies"))
		parse_replies(p);
	else if (is(cmd, "set"))
		parse_set(p);
	else if (is(cmd, "flush"))
		error(p, "flush is not needed: apply always starts from a clean ruleset");
	else if (is_cli_command(cmd))
		error(p, "'%s' is a command, not a rule; a rules file holds policy, fragments, "
			 "replies, set, allow, deny, delete and limit lines", cmd);
	else
		error(p, "unknown word '%s'; a rules file holds policy, fragments, replies, set, "
			 "allow, deny, delete and limit lines", quote(cmd, q));
}

/* Reads the line at `s`, parses its words; returns where the next line starts. */
static const char *parse_line(struct parser *p, const char *s, const char *end)
{
	char why[MESSAGE_MAX];

	s = rulesfile_line(s, end, &p->l, why, sizeof(why));
	p->line++;
	if (why[0])
		error(p, "%s", why);
	else if (p->l.nwords > 0)
		parse_words(p);
	return s;
}

unsigned long rulesfile_parse(const char *buf, size_t len, const char *name, struct rules *out,
			      rulesfile_error_fn on_error, void *ctx)
{
	static const char bom[] = "\xef\xbb\xbf";
	struct parser *p = malloc(sizeof(*p));
	const char *end = buf + len, *s = buf;
	unsigned long errors;

	rules_init(out);
	if (!p || rules_paint_init(&p->paint)) {
		if (on_error)
			on_error(ctx, name, 0, "out of memory");
		free(p);
		return 1;
	}
	*p = (struct parser){ .name = name, .on_error = on_error, .ctx = ctx, .out = out,
			      .paint = p->paint, .src = &out->sources };
	if (len >= 3 && !memcmp(buf, bom, 3))
		s += 3;
	while (s < end)
		s = parse_line(p, s, end);
	for (size_t i = 0; i < p->src->nsets; i++)
		source_set_sort(&p->src->set[i]);
	if (!p->errors && rules_paint_finish(&p->paint, out))
		error(p, "out of memory");
	errors = p->errors;
	rules_paint_free(&p->paint);
	free(p);
	return errors;
}
