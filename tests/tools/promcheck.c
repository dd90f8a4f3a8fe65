// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * promcheck: a strict checker of the Prometheus text exposition format (0.0.4), for
 * the tests of `xdpport stats --prometheus` (promtool comes only with the whole
 * Prometheus server package). Reads stdin; exit 0 when valid, else 1 with
 * "promcheck: line N: why" on stderr.
 *
 * Checks the grammar (names, label syntax and escapes, values, timestamps, HELP and
 * TYPE lines, final newline) and what Prometheus would reject or promtool would flag:
 * HELP or TYPE twice, TYPE after samples, a family's lines not contiguous, the same
 * series twice, the same label twice, a counter negative or not named *_total, a
 * family without HELP or TYPE. Histograms and summaries (whose samples add suffixes
 * to the family name) are not supported: xdpport exports none.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE	8192
#define MAX_FAMILIES	256
#define MAX_SERIES	65536

struct family {
	char name[256];
	char type[16];
	bool help, typed, sampled, closed;
};

static struct family families[MAX_FAMILIES];
static int n_families;
static char *series[MAX_SERIES];
static int n_series, line_no;
static struct family *current;

static int bad(const char *why, const char *detail)
{
	fprintf(stderr, "promcheck: line %d: %s%s%s\n", line_no, why, detail ? ": " : "",
		detail ? detail : "");
	exit(1);
}

static bool name_char(char c, bool first, bool colon)
{
	return isalpha((unsigned char)c) || c == '_' || (colon && c == ':') ||
	       (!first && isdigit((unsigned char)c));
}

/* Reads a metric name (colons allowed) or label name into out; returns its end. */
static const char *read_name(const char *s, char *out, size_t len, bool colon)
{
	size_t n = 0;

	if (!name_char(*s, true, colon))
		bad("expected a name", s);
	while (name_char(s[n], n == 0, colon)) {
		if (n + 1 >= len)
			bad("name too long", NULL);
		out[n] = s[n];
		n++;
	}
	out[n] = '\0';
	return s + n;
}

static struct family *family(const char *name)
{
	for (int i = 0; i < n_families; i++)
		if (!strcmp(families[i].name, name))
			return &families[i];
	if (n_families == MAX_FAMILIES)
		bad("too many families", NULL);
	snprintf(families[n_families].name, sizeof(families[0].name), "%s", name);
	return &families[n_families++];
}

/* A family's lines must be contiguous: switching to another one closes it. */
static struct family *enter(const char *name)
{
	struct family *f = family(name);

	if (f != current) {
		if (f->closed)
			bad("lines of this family are not together", name);
		if (current)
			current->closed = true;
		current = f;
	}
	return f;
}

static bool valid_value(const char *v, double *out)
{
	char *end;

	if (!strcmp(v, "NaN") || !strcmp(v, "+Inf") || !strcmp(v, "-Inf")) {
		*out = v[0] == '-' ? -1 : 0;
		return true;
	}
	if (!*v || isspace((unsigned char)*v))
		return false;
	*out = strtod(v, &end);
	return !*end && strncasecmp(v, "0x", 2) && !strpbrk(v, "xXpP") &&
	       strcasecmp(v, "inf") && strcasecmp(v, "nan");
}

static void comment(const char *s)
{
	char name[256];
	bool help = !strncmp(s, "# HELP ", 7), type = !strncmp(s, "# TYPE ", 7);
	struct family *f;

	if (!help && !type)
		return;	/* any other comment */
	s = read_name(s + 7, name, sizeof(name), true);
	f = enter(name);
	if (help) {
		if (f->help)
			bad("second HELP", name);
		if (*s != ' ' && *s != '\0')
			bad("HELP: expected a space after the name", name);
		for (s += *s == ' '; *s; s++)
			if (*s == '\\' && s[1] != '\\' && s[1] != 'n')
				bad("HELP: bad escape", s);
			else if (*s == '\\')
				s++;
		f->help = true;
		return;
	}
	if (f->typed)
		bad("second TYPE", name);
	if (f->sampled)
		bad("TYPE after samples", name);
	if (*s != ' ')
		bad("TYPE: expected a space after the name", name);
	s++;
	if (strcmp(s, "counter") && strcmp(s, "gauge") && strcmp(s, "histogram") &&
	    strcmp(s, "summary") && strcmp(s, "untyped"))
		bad("TYPE: unknown type", s);
	snprintf(f->type, sizeof(f->type), "%s", s);
	f->typed = true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sample(const char *s)
{
	char name[256], key[MAX_LINE], labels[64][256], value[64];
	int n_labels = 0;
	struct family *f;
	double v;

	s = read_name(s, name, sizeof(name), true);
	f = enter(name);
	if (*s == '{') {
		s++;
		while (*s != '}') {
			s = read_name(s, labels[n_labels], sizeof(labels[0]), false);
			if (!strncmp(labels[n_labels], "__", 2))
				bad("label names starting with __ are reserved", labels[n_labels]);
			for (int i = 0; i < n_labels; i++)
				if (!strcmp(labels[i], labels[n_labels]))
					bad("the same label twice", labels[i]);
			if (s[0] != '=' || s[1] != '"')
				bad("expected =\" after a label name", s);
			size_t at = strlen(labels[n_labels]);

			labels[n_labels][at++] = '=';
			for (s += 2; *s != '"'; s++) {
				if (!*s)
					bad("unterminated label value", NULL);
				if (*s == '\\' && s[1] != '\\' && s[1] != '"' && s[1] != 'n')
					bad("bad escape in a label value", s);
				if (at + 2 >= sizeof(labels[0]))
					bad("label value too long", NULL);
				if (*s == '\\')
					labels[n_labels][at++] = *s++;
				labels[n_labels][at++] = *s;
			}
			labels[n_labels][at] = '\0';
			n_labels++;
			s++;
			if (*s == ',')
				s++;
			else if (*s != '}')
				bad("expected , or } after a label", s);
			if (n_labels == 64)
				bad("too many labels", NULL);
		}
		s++;
	}
	if (*s != ' ')
		bad("expected a space before the value", s);
	s++;
	size_t n = strcspn(s, " ");

	if (n >= sizeof(value))
		bad("value too long", NULL);
	memcpy(value, s, n);
	value[n] = '\0';
	if (!valid_value(value, &v))
		bad("not a number", value);
	s += n;
	if (*s == ' ') {	/* a timestamp: an integer, milliseconds */
		char *end;

		strtoll(++s, &end, 10);
		if (!*s || *end || !(isdigit((unsigned char)*s) || *s == '-'))
			bad("bad timestamp", s);
	}
	if (!strcmp(f->type, "counter") && (v < 0 || !strcmp(value, "NaN")))
		bad("a counter is negative or NaN", value);
	/* The series: name and labels, sorted, must be unique. */
	char *sorted[64];

	for (int i = 0; i < n_labels; i++)
		sorted[i] = labels[i];
	qsort(sorted, n_labels, sizeof(sorted[0]), cmp_str);
	n = snprintf(key, sizeof(key), "%s", name);
	for (int i = 0; i < n_labels && n < sizeof(key); i++)
		n += snprintf(key + n, sizeof(key) - n, "\x1f%s", sorted[i]);
	for (int i = 0; i < n_series; i++)
		if (!strcmp(series[i], key))
			bad("the same series twice", name);
	if (n_series == MAX_SERIES)
		bad("too many series", NULL);
	series[n_series++] = strdup(key);
	f->sampled = true;
}

int main(void)
{
	char line[MAX_LINE];
	int samples = 0;

	while (fgets(line, sizeof(line), stdin)) {
		size_t len = strlen(line);

		line_no++;
		if (line[len - 1] != '\n')
			bad("line too long, or no newline at the end", NULL);
		line[len - 1] = '\0';
		if (strchr(line, '\r'))
			bad("carriage return", NULL);
		if (line[0] == '#')
			comment(line);
		else if (line[0] == '\0')
			continue;	/* empty lines are allowed */
		else if (isspace((unsigned char)line[0]))
			bad("leading whitespace", NULL);
		else
			sample(line), samples++;
	}
	for (int i = 0; i < n_families; i++) {
		if (!families[i].help || !families[i].typed)
			fprintf(stderr, "promcheck: %s: no %s\n", families[i].name,
				families[i].help ? "TYPE" : "HELP");
		if (!families[i].help || !families[i].typed)
			return 1;
		if (!strcmp(families[i].type, "counter") &&
		    (strlen(families[i].name) < 6 ||
		     strcmp(families[i].name + strlen(families[i].name) - 6, "_total"))) {
			fprintf(stderr, "promcheck: counter %s is not named *_total\n",
				families[i].name);
			return 1;
		}
	}
	printf("promcheck: %d families, %d samples\n", n_families, samples);
	return 0;
}
