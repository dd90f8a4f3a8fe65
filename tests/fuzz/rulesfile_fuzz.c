// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target for the rules-file parser and writer (user/rulesfile_parse.c,
 * user/rulesfile_write.c). The input is a whole file, any bytes. Checked on every
 * input:
 *
 *  - the error callback runs once per counted error, in line order, with a line
 *    number inside the file and a message that is one line of printable ASCII;
 *  - no errors: the rules compile to a ruleset the CLI could have written
 *    (ruleset_is_valid()), and what rulesfile_write() makes of them parses back,
 *    without errors, to the same rules, which compile to the very same bytes
 *    (policies, fragments and all 131072 port entries) and limit configs.
 *
 * Service names: the parser asks getservbyname(), which re-reads /etc/services on
 * every call (some 600 inputs/s). This file defines getservbyname() and endservent()
 * itself, answering from a copy of /etc/services read once; the program's own
 * symbols take precedence over libc's, so the parser is unchanged. One lookup in 64
 * is also asked of libc (dlsym RTLD_NEXT) and must agree.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulesfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- /etc/services, read once ------------------------------------------------ */

#define SERVICES_MAX	4096
#define ALIASES_MAX	8

struct service {
	char *names[ALIASES_MAX + 2];	/* name, aliases, NULL */
	char proto[8];
	int port;			/* network order, as in struct servent */
};

static struct service services[SERVICES_MAX];
static int nservices;
static bool services_loaded;

/* "name port/proto [alias...] [# comment]", like glibc's files backend reads it. */
static void services_load(void)
{
	FILE *f = fopen("/etc/services", "r");
	char line[1024];

	if (!f)
		return;		/* then every lookup fails, as libc's would */
	while (nservices < SERVICES_MAX && fgets(line, sizeof(line), f)) {
		struct service *s = &services[nservices];
		char *save, *name, *port, *proto, *hash = strchr(line, '#');
		int n = 0;

		if (hash)
			*hash = '\0';
		name = strtok_r(line, " \t\n", &save);
		port = strtok_r(NULL, " \t\n", &save);
		if (!name || !port || !(proto = strchr(port, '/')))
			continue;
		*proto++ = '\0';
		snprintf(s->proto, sizeof(s->proto), "%s", proto);
		s->port = htons(atoi(port));
		s->names[n++] = strdup(name);
		for (char *a; n < ALIASES_MAX + 1 && (a = strtok_r(NULL, " \t\n", &save));)
			s->names[n++] = strdup(a);
		nservices++;
	}
	fclose(f);
}

static struct servent *table_lookup(const char *name, const char *proto)
{
	static struct servent result;

	for (int i = 0; i < nservices; i++) {
		struct service *s = &services[i];

		if (proto && strcmp(s->proto, proto))
			continue;
		for (char **n = s->names; *n; n++)
			if (!strcmp(*n, name)) {
				result = (struct servent){ .s_name = s->names[0],
							   .s_aliases = s->names + 1,
							   .s_port = s->port, .s_proto = s->proto };
				return &result;
			}
	}
	return NULL;
}

struct servent *getservbyname(const char *name, const char *proto)
{
	static struct servent *(*libc_lookup)(const char *, const char *);
	static unsigned long calls;
	struct servent *mine = table_lookup(name, proto), *theirs;
	int port = mine ? mine->s_port : -1;

	if (calls++ % 64)
		return mine;
	if (!libc_lookup)
		libc_lookup = (struct servent *(*)(const char *, const char *))dlsym(
			RTLD_NEXT, "getservbyname");
	theirs = libc_lookup(name, proto);
	if ((theirs ? theirs->s_port : -1) != port) {
		fprintf(stderr, "rulesfile_fuzz: getservbyname(\"%s\", \"%s\"): table says %d, "
				"libc %d\n", name, proto, port, theirs ? theirs->s_port : -1);
		abort();
	}
	return mine;
}

void endservent(void)
{
}

/* ---- the checks -------------------------------------------------------------- */

struct seen {
	unsigned long calls, last_line, lines;
};

static void check_error(void *ctx, const char *name, unsigned long line, const char *message)
{
	struct seen *s = ctx;

	if (strcmp(name, "fuzz") || line < s->last_line || line < 1 || line > s->lines ||
	    !message[0])
		abort();
	for (const char *c = message; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			abort();	/* a message is one printable line */
	s->last_line = line;
	s->calls++;
}

static unsigned long count_lines(const uint8_t *data, size_t size)
{
	unsigned long n = size ? 1 : 0;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n' && i + 1 < size;
	return n;
}

/* Writes `r` into a malloc()ed buffer. */
static char *write_text(const struct rules *r, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f || rulesfile_write(f, r) || fclose(f))
		abort();
	return text;
}

static struct xdpport_ruleset parsed, reparsed;
static struct xdpport_limits limits, relimits;

/* The same port rules, limits and settings. */
static bool same_rules(const struct rules *a, const struct rules *b)
{
	return rules_settings_same(a, b) && rules_limits_same(a, b) && a->nports == b->nports &&
	       (!a->nports || !memcmp(a->port, b->port, sizeof(*a->port) * a->nports)) &&
	       a->sources.nrules == b->sources.nrules && a->sources.nsets == b->sources.nsets;
}

/* The limit configs of every limited port agree. */
static bool same_limits(void)
{
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		for (int port = 0; port < XDPPORT_PORTS; port++)
			if ((parsed.entry[p][port] & XDPPORT_ENTRY_LIMIT) &&
			    memcmp(&limits.port[p][port], &relimits.port[p][port],
				   sizeof(limits.port[p][port])))
				return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen seen = { .lines = count_lines(data, size) };
	struct rules rules, again;
	unsigned long errors;
	size_t len;
	char *text;

	if (!services_loaded) {
		services_load();
		services_loaded = true;
	}
	errors = rulesfile_parse((const char *)data, size, "fuzz", &rules, check_error, &seen);
	if (errors != seen.calls)
		abort();
	if (errors) {
		rules_free(&rules);
		return 0;
	}
	rules_compile(&rules, &parsed, &limits);
	if (!ruleset_is_valid(&parsed))
		abort();
	/* The same rules and bytes back; writing them again would give the same text,
	 * since the writer reads nothing but the rules. */
	text = write_text(&rules, &len);
	if (rulesfile_parse(text, len, "fuzz", &again, NULL, NULL) || !same_rules(&rules, &again))
		abort();
	rules_compile(&again, &reparsed, &relimits);
	if (memcmp(&parsed, &reparsed, sizeof(parsed)) || !same_limits())
		abort();
	rules_free(&rules);
	rules_free(&again);
	free(text);
	return 0;
}
