// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The rules file parser and writer, on buffers (no BPF): what each kind of line does,
 * that every error is reported with its line, hostile input, and the round trip
 * parse -> write -> parse on many random rulesets checked against a reference model
 * written independently of user/rules*.c. The parsed rules are compiled
 * (rules_compile) and the bytes checked: what the data path would read.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "rulesgen.h"
#include "rulesfile.h"

#define MAX_ERRORS	64
#define ROUND_TRIPS	400

struct errors {
	unsigned long n;
	unsigned long line[MAX_ERRORS];
	char message[MAX_ERRORS][256];
};

static void collect(void *ctx, const char *name, unsigned long line, const char *message)
{
	struct errors *e = ctx;

	(void)name;
	if (e->n < MAX_ERRORS) {
		e->line[e->n] = line;
		snprintf(e->message[e->n], sizeof(e->message[0]), "%s", message);
	}
	e->n++;
}

static struct xdpport_ruleset rs, rs2;
static struct rules parsed, parsed2;	/* what rs and rs2 are compiled from */
static struct errors errs;

/* Parses into the rules of `out` (parsed or parsed2) and compiles them into `out`. */
static unsigned long parse_buf(const char *buf, size_t len, struct xdpport_ruleset *out)
{
	struct rules *r = out == &rs2 ? &parsed2 : &parsed;
	unsigned long n;

	memset(&errs, 0, sizeof(errs));
	rules_free(r);
	n = rulesfile_parse(buf, len, "test", r, collect, &errs);
	if (n != errs.n)
		printf("    returned %lu errors, reported %lu\n", n, errs.n);
	rules_compile(r, out, NULL);
	return n;
}

static unsigned long parse(const char *text)
{
	return parse_buf(text, strlen(text), &rs);
}

static void show_errors(void)
{
	for (unsigned long i = 0; i < errs.n && i < MAX_ERRORS; i++)
		printf("    test:%lu: %s\n", errs.line[i], errs.message[i]);
}

/* The verdict byte of (proto, port) as the data path would read it. */
static int entry(int proto, int port)
{
	return rs.entry[proto][port];
}

enum { T = XDPPORT_TCP, U = XDPPORT_UDP };
enum { PP = XDPPORT_ENTRY_POLICY_PASS, PD = XDPPORT_ENTRY_POLICY_DROP,
       RP = XDPPORT_ENTRY_RULE_PASS, RD = XDPPORT_ENTRY_RULE_DROP };

struct probe {
	int proto, port, want;
};

struct good_case {
	const char *name;
	const char *text;
	int policy_tcp, policy_udp, fragments;
	struct probe probe[6];	/* ends at want 0 with port 0 */
};

static const struct good_case good_cases[] = {
	{ "empty file is the clean ruleset", "", 0, 0, 0, { { T, 22, PP }, { U, 53, PP } } },
	{ "comments and blank lines only", "# nothing\n\n   \t\n# more\n", 0, 0, 0,
	  { { T, 1, PP } } },
	{ "policy drop, both protocols", "policy drop\n", 1, 1, 0, { { T, 80, PD }, { U, 80, PD } } },
	{ "policy per protocol", "policy drop udp\n", 0, 1, 0, { { T, 80, PP }, { U, 80, PD } } },
	{ "later policy wins", "policy drop\npolicy pass tcp\n", 0, 1, 0,
	  { { T, 9, PP }, { U, 9, PD } } },
	{ "allow and deny are verdict synonyms in policy",
	  "policy deny\npolicy allow udp\nfragments deny\n", 1, 0, 1, { { T, 1, PD } } },
	{ "fragments drop", "fragments drop\n", 0, 0, 1, {} },
	{ "allow without protocol: both", "policy drop\nallow 443\n", 1, 1, 0,
	  { { T, 443, RP }, { U, 443, RP }, { T, 444, PD } } },
	{ "range with protocol", "deny 8000-8100/udp\n", 0, 0, 0,
	  { { U, 8000, RD }, { U, 8100, RD }, { U, 8101, PP }, { T, 8000, PP } } },
	{ "several PORTSPECs on one line", "deny 1 3/tcp 5-6/udp\n", 0, 0, 0,
	  { { T, 1, RD }, { U, 1, RD }, { T, 3, RD }, { U, 3, PP }, { U, 6, RD }, { T, 5, PP } } },
	{ "later rule wins", "allow 100-200\ndeny 150/tcp\n", 0, 0, 0,
	  { { T, 150, RD }, { U, 150, RP }, { T, 149, RP } } },
	{ "delete returns ports to the policy, even one set later",
	  "allow 10-20\ndelete 15\npolicy drop\n", 1, 1, 0,
	  { { T, 15, PD }, { U, 15, PD }, { T, 14, RP } } },
	{ "policy keeps earlier rules", "allow 22/tcp\npolicy drop\n", 1, 1, 0,
	  { { T, 22, RP }, { U, 22, PD } } },
	{ "service names", "policy drop\nallow ssh https/udp\n", 1, 1, 0,
	  { { T, 22, RP }, { U, 443, RP }, { T, 443, PD } } },
	{ "ports 0 and 65535", "deny 0 65535/udp\n", 0, 0, 0,
	  { { T, 0, RD }, { U, 65535, RD }, { T, 65535, PP } } },
	{ "whole port range", "deny 0-65535\n", 0, 0, 0, { { T, 0, RD }, { U, 65535, RD } } },
	{ "trailing comments, tabs, extra spaces", "\t policy  drop\t# why\nallow\t443 # web\n",
	  1, 1, 0, { { T, 443, RP } } },
	{ "comment right after a word", "deny 23#telnet\n", 0, 0, 0, { { T, 23, RD } } },
	{ "protocol names in any case", "deny 5/TCP\npolicy drop UDP\n", 0, 1, 0,
	  { { T, 5, RD }, { U, 5, PD } } },
	{ "no final newline", "policy drop\nallow 80", 1, 1, 0, { { T, 80, RP } } },
	{ "CRLF line endings", "policy drop\r\nallow 80\r\n# done\r\n", 1, 1, 0,
	  { { T, 80, RP } } },
	{ "UTF-8 byte order mark at the start", "\xef\xbb\xbfpolicy drop\n", 1, 1, 0, {} },
	{ "non-ASCII and control bytes in comments", "# caf\xc3\xa9 \x01\x7f\xff\ndeny 1\n", 0, 0,
	  0, { { T, 1, RD } } },
};

static void test_good(const struct good_case *c)
{
	bool ok = parse(c->text) == 0;

	if (!ok)
		show_errors();
	ok = ok && check_eq(rs.policy[T], c->policy_tcp) && check_eq(rs.policy[U], c->policy_udp) &&
	     check_eq(rs.fragments, c->fragments) && check_true(ruleset_is_valid(&rs));
	for (int i = 0; ok && i < 6 && (c->probe[i].want || c->probe[i].port); i++)
		if (entry(c->probe[i].proto, c->probe[i].port) != c->probe[i].want) {
			printf("    %s/%d: entry %d, want %d\n", c->probe[i].proto ? "udp" : "tcp",
			       c->probe[i].port, entry(c->probe[i].proto, c->probe[i].port),
			       c->probe[i].want);
			ok = false;
		}
	report(ok, "parse: %s", c->name);
}

struct want_error {
	unsigned long line;
	const char *says;	/* a part of the message */
};

struct bad_case {
	const char *name;
	const char *text;
	size_t len;		/* 0: strlen(text) */
	struct want_error error[8];	/* every error, in order; ends at line 0 */
};

static const struct bad_case bad_cases[] = {
	/* What is wrong with a PORTSPEC is portspec_parse()'s to say: only the line and
	 * the word are checked here. */
	{ "bad port", "policy drop\nallow 7o\n", 0, { { 2, "allow 7o: " } } },
	{ "every bad PORTSPEC on a line", "allow 1 x-y 99999 5/icmp 4-3\n", 0,
	  { { 1, "allow x-y: " }, { 1, "allow 99999: " }, { 1, "allow 5/icmp: " },
	    { 1, "allow 4-3: " } } },
	{ "errors on many lines, all reported",
	  "allow 80\nallow\npolicy\npolicy maybe\nfragments\nfragments drop now\nfoo 1\n"
	  "attach eth0\nflush\n",
	  0,
	  { { 2, "allow needs at least one PORTSPEC" }, { 3, "policy: needs pass or drop" },
	    { 4, "policy: policy must be pass or drop, not 'maybe'" }, { 5, "fragments: needs pass or drop" },
	    { 6, "unexpected 'now'" }, { 7, "unknown word 'foo'" },
	    { 8, "'attach' is a command, not a rule" }, { 9, "flush is not needed" } } },
	{ "policy protocol and extra words",
	  "policy drop sctp\npolicy drop tcp more\n", 0,
	  { { 1, "policy: protocol must be tcp or udp, not 'sctp'" }, { 2, "unexpected 'more'" } } },
	{ "huge numbers", "allow 99999999999999999999999999\ndeny 1-4294967297\n", 0,
	  { { 1, "allow 99999999999999999999999999: " }, { 2, "deny 1-4294967297: " } } },
	{ "negative and signed ports", "allow -1\nallow +1\n", 0,
	  { { 1, "allow -1: " }, { 2, "allow +1: " } } },
	{ "keywords are lower case", "Policy drop\nALLOW 1\n", 0,
	  { { 1, "unknown word 'Policy'" }, { 2, "unknown word 'ALLOW'" } } },
	{ "NUL byte, even in a comment", "allow 1\nallow 2\0\n# \0\n", 21,
	  { { 2, "NUL byte at column 8" }, { 3, "NUL byte at column 3" } } },
	{ "non-ASCII outside a comment", "allow 1\xc2\xa0" "2\n\xe2\x80\x8b" "deny 3\n", 0,
	  { { 1, "non-ASCII byte 0xc2 at column 8" }, { 2, "non-ASCII byte 0xe2 at column 1" } } },
	{ "control characters", "allow 1\x0b" "2\n\x1b[31mdeny 3\nallow 4\r5\n", 0,
	  { { 1, "control character 0x0b" }, { 2, "control character 0x1b" },
	    { 3, "control character 0x0d at column 8" } } },
	{ "byte order mark not at the start", "allow 1\n\xef\xbb\xbf" "deny 2\n", 0,
	  { { 2, "non-ASCII byte 0xef" } } },
	{ "a long word is cut in the message",
	  "allow aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 0,
	  { { 1, "allow aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...: " } } },
	{ "missing port before the protocol", "deny /tcp\n", 0, { { 1, "deny /tcp: " } } },
};

static void test_bad(const struct bad_case *c)
{
	size_t len = c->len ? c->len : strlen(c->text);
	unsigned long want = 0, n = parse_buf(c->text, len, &rs);
	bool ok = true;

	while (want < 8 && c->error[want].line)
		want++;
	if (n != want) {
		printf("    %lu errors, want %lu\n", n, want);
		ok = false;
	}
	for (unsigned long i = 0; i < want && i < n; i++)
		if (errs.line[i] != c->error[i].line || !strstr(errs.message[i], c->error[i].says)) {
			printf("    error %lu: line %lu '%s', want line %lu '...%s...'\n", i,
			       errs.line[i], errs.message[i], c->error[i].line, c->error[i].says);
			ok = false;
		}
	if (!ok)
		show_errors();
	report(ok, "reject: %s", c->name);
}

/* A line of exactly RULESFILE_LINE_MAX bytes is fine; one more byte is an error on
 * that line alone, and parsing goes on after it. */
static void test_long_lines(void)
{
	size_t size = 3 * (RULESFILE_LINE_MAX + 16);
	char *buf = malloc(size), *c = buf;

	c += sprintf(c, "deny 1");
	memset(c, ' ', RULESFILE_LINE_MAX - 6);
	c += RULESFILE_LINE_MAX - 6;
	c += sprintf(c, "\nallow 2");
	memset(c, ' ', RULESFILE_LINE_MAX - 6);
	c += RULESFILE_LINE_MAX - 6;
	c += sprintf(c, "\nallow 3\nallow x\n");
	report(check_eq(parse_buf(buf, c - buf, &rs), 2) && check_eq(errs.line[0], 2) &&
		       check_has(errs.message[0], "longer than 4096 bytes") &&
		       check_eq(errs.line[1], 4),
	       "reject: a line over %d bytes is one error, and the lines after it are read",
	       RULESFILE_LINE_MAX);

	/* One huge line of nothing but spaces and one word per byte pair. */
	memset(buf, ' ', size);
	for (size_t i = 0; i + 1 < RULESFILE_LINE_MAX; i += 2)
		buf[i] = 'x';
	report(check_eq(parse_buf(buf, RULESFILE_LINE_MAX, &rs), 1) &&
		       check_has(errs.message[0], "unknown word 'x'"),
	       "reject: a line with the most words a line can hold");
	memcpy(buf, "allow", 5);
	for (size_t i = 6; i + 1 < RULESFILE_LINE_MAX; i += 2)
		buf[i] = '1' + i % 9;
	parse_buf(buf, RULESFILE_LINE_MAX, &rs);
	report(check_eq(errs.n, 0) && check_eq(rs.entry[T][1], RP) && check_eq(rs.entry[U][9], RP),
	       "parse: a line with the most PORTSPECs a line can hold");
	free(buf);
}

/* 1 MiB of valid rules, 1 MiB of NULs, 1 MiB of random bytes: an answer, no crash. */
static void test_big_inputs(void)
{
	size_t size = 1 << 20, n = 0;
	char *buf = malloc(size + 64);
	unsigned seed = 7;

	while (n < size)
		n += sprintf(buf + n, "%s %u/%s\n", n % 3 ? "allow" : "deny", (unsigned)(n % 65536),
			     n % 2 ? "tcp" : "udp");
	report(check_eq(parse_buf(buf, n, &rs), 0) && check_true(ruleset_is_valid(&rs)),
	       "parse: 1 MiB of rules");

	memset(buf, 0, size);
	report(parse_buf(buf, size, &rs) == 1, "reject: 1 MiB of NUL bytes is one error (one line)");
	for (size_t i = 0; i < size; i += 64)
		buf[i] = '\n';
	report(check_eq(parse_buf(buf, size, &rs), size / 64) &&
		       check_has(errs.message[0], "NUL byte"),
	       "reject: NUL bytes on every line: one error per line");

	for (size_t i = 0; i < size; i++)
		buf[i] = rand_r(&seed);
	report(parse_buf(buf, size, &rs) > 0, "reject: 1 MiB of random bytes");

	for (size_t i = 0; i < size; i++)
		buf[i] = "\n0123456789-/ #allowdenytcpudp"[rand_r(&seed) % 30];
	parse_buf(buf, size, &rs);
	report(true, "parse: 1 MiB of random rule-like text (%lu errors, no crash)", errs.n);
	free(buf);
}

/*
 * The parser reads common PORTSPECs itself and hands the rest to portspec_parse(),
 * which the CLI uses: on random specs both must accept and reject the same ones and
 * mean the same ports.
 */
static void test_portspec_agrees(void)
{
	static const char alphabet[] = "0123456789--//tcpudTCP ";
	unsigned seed = 5, disagree = 0, accepted = 0;

	for (int i = 0; i < 20000; i++) {
		char spec[16], line[32], why[128];
		int len = 1 + rand_r(&seed) % 12;
		struct portspec ps;
		bool cli_ok, file_ok;

		for (int c = 0; c < len; c++)
			spec[c] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 2)];
		spec[len] = '\0';
		if (i % 4 == 0)	/* plenty of well-formed ones too */
			snprintf(spec, sizeof(spec), "%u-%u/%s", rand_r(&seed) % 70000,
				 rand_r(&seed) % 70000, i % 8 ? "udp" : "tcp");
		snprintf(line, sizeof(line), "deny %s", spec);
		cli_ok = portspec_parse(spec, &ps, why, sizeof(why)) == 0;
		file_ok = parse(line) == 0 && errs.n == 0;
		if (cli_ok) {
			struct rules cli;

			rules_init(&cli);
			for (int r = 0; r < ps.n; r++)
				rules_set_ports(&cli, &ps.range[r], VERDICT_DROP);
			rules_compile(&cli, &rs2, NULL);
			rules_free(&cli);
			accepted++;
		}
		if (cli_ok != file_ok || (cli_ok && memcmp(&rs, &rs2, sizeof(rs)))) {
			if (disagree++ < 5)
				printf("    '%s': portspec_parse %s, rules file %s\n", spec,
				       cli_ok ? "accepts" : "rejects", file_ok ? "accepts" : "rejects");
		}
	}
	report(!disagree, "parse: PORTSPECs mean what they mean on the command line (20000 "
			  "random, %u valid)", accepted);
}

/* An error callback may be NULL: the count is still right. */
static void test_no_callback(void)
{
	struct rules r;

	report(rulesfile_parse("allow x\ndeny y\n", 15, "t", &r, NULL, NULL) == 2,
	       "parse: errors are counted without a callback");
	rules_free(&r);
}

static struct rules_model model;

static char *write_text(const struct rules *r, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f || rulesfile_write(f, r)) {
		printf("    rulesfile_write failed\n");
		exit(1);
	}
	fclose(f);
	return text;
}

/* The written text is compact: no two rules that could be one range. */
static bool compact(const char *text)
{
	unsigned prev_first = 0, prev_last = 0;
	char prev_kind[8] = "", prev_proto[8] = "";
	bool first_rule = true;

	for (const char *line = text, *nl; *line; line = nl ? nl + 1 : "") {
		char kind[8], proto[8] = "";
		unsigned first, last;
		int n;

		nl = strchr(line, '\n');
		if (sscanf(line, "%7s %u-%u/%7s", kind, &first, &last, proto) >= 3)
			n = 1;
		else if (sscanf(line, "%7s %u/%7s", kind, &first, proto) >= 2)
			n = 1, last = first;
		else
			n = 0;
		if (!n)
			continue;
		/* Sorted by first port; a range right after one with the same verdict and
		 * protocols would have been merged. */
		if (!first_rule && first < prev_first)
			return false;
		if (!first_rule && first == prev_last + 1 && !strcmp(kind, prev_kind) &&
		    !strcmp(proto, prev_proto))
			return false;
		first_rule = false;
		prev_first = first;
		prev_last = last;
		strcpy(prev_kind, kind);
		strcpy(prev_proto, proto);
	}
	return true;
}

static void test_round_trips(void)
{
	unsigned seed = 20261124, failed_model = 0, failed_trip = 0, failed_compact = 0;

	for (int i = 0; i < ROUND_TRIPS; i++) {
		char *file = NULL, *text, *again;
		size_t file_len, text_len, again_len;
		FILE *f = open_memstream(&file, &file_len);

		rulesgen_file(&seed, f, 40, &model);
		fclose(f);
		if (parse_buf(file, file_len, &rs) || !rulesgen_matches(&model, &rs) || !ruleset_is_valid(&rs)) {
			if (failed_model++ < 3) {
				printf("    random file %d disagrees with the model:\n%s", i, file);
				show_errors();
			}
			free(file);
			continue;
		}
		text = write_text(&parsed, &text_len);
		if (parse_buf(text, text_len, &rs2) || memcmp(&rs, &rs2, sizeof(rs))) {
			if (failed_trip++ < 3)
				printf("    random file %d: its saved text parses to another ruleset:\n%s",
				       i, text);
		} else {
			again = write_text(&parsed2, &again_len);
			if (again_len != text_len || memcmp(text, again, text_len))
				failed_trip++;
			free(again);
		}
		if (!compact(text) && failed_compact++ < 3)
			printf("    random file %d: saved text is not compact:\n%s", i, text);
		free(text);
		free(file);
	}
	report(!failed_model, "model: %d random files parse to what the reference model says",
	       ROUND_TRIPS);
	report(!failed_trip, "round trip: parse, write, parse, write: same ruleset, same text "
			     "(%d random rulesets)", ROUND_TRIPS);
	report(!failed_compact, "round trip: written rules are sorted ranges, adjacent ones merged");
}

/* The written form of a known ruleset, byte for byte. */
static void test_written_form(void)
{
	size_t len;
	char *text;

	parse("deny 23/tcp\nallow 80 443 8000-8100/udp\npolicy drop udp\nallow 22/tcp\n"
	      "delete 8050/udp\nallow 81\nfragments drop\nallow 53/udp\nallow 53/tcp\n");
	text = write_text(&parsed, &len);
	report(!strcmp(text, "policy pass tcp\npolicy drop udp\nfragments drop\nallow 22/tcp\n"
			     "deny 23/tcp\nallow 53\nallow 80-81\nallow 443\nallow 8000-8049/udp\n"
			     "allow 8051-8100/udp\n"),
	       "write: policies, fragments, then merged rules in port order");
	if (strcmp(text, "policy pass tcp\npolicy drop udp\nfragments drop\nallow 22/tcp\n"
			 "deny 23/tcp\nallow 53\nallow 80-81\nallow 443\nallow 8000-8049/udp\n"
			 "allow 8051-8100/udp\n"))
		printf("%s", text);
	free(text);

	parse("");
	text = write_text(&parsed, &len);
	report(!strcmp(text, "policy pass\nfragments pass\n"), "write: the clean ruleset");
	free(text);

	/* The biggest: every port its own rule, tcp and udp different, read back from
	 * the bytes as save does. */
	for (int port = 0; port < XDPPORT_PORTS; port++) {
		rs.entry[T][port] = port & 1 ? RD : RP;
		rs.entry[U][port] = port & 1 ? RP : RD;
	}
	rules_free(&parsed);
	rules_decompile(&rs, NULL, &parsed);
	text = write_text(&parsed, &len);
	report(check_eq(parse_buf(text, len, &rs2), 0) &&
		       check_true(!memcmp(&rs, &rs2, sizeof(rs))) &&
		       check_op(len, <, RULESFILE_MAX_BYTES),
	       "round trip: all 131072 ports with alternating rules (%zu bytes)", len);
	free(text);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++)
		test_good(&good_cases[i]);
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		test_bad(&bad_cases[i]);
	test_long_lines();
	test_big_inputs();
	test_no_callback();
	test_portspec_agrees();
	test_written_form();
	test_round_trips();
	rules_free(&parsed);
	rules_free(&parsed2);
	return report_summary();
}
