// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_args.h"

int source_from_index(char *const *words, int n)
{
	/* The first letter first: a big rules file asks this of every word. */
	for (int i = 0; i < n; i++)
		if (words[i][0] == 'f' && !strcmp(words[i], "from"))
			return i;
	return -1;
}

int source_arg_parse(const char *word, const struct sources *s, struct source_rule *out,
		     char *why, size_t why_len)
{
	char message[128];

	out->set = 0;
	memset(&out->prefix, 0, sizeof(out->prefix));
	if (word[0] == '@') {
		const struct source_set *set = sources_find_set(s, word + 1);

		if (!set) {
			snprintf(why, why_len, "'%.40s': no set called '%.40s' ('xdpport set %.40s "
				 "FILE' makes one)", word, word + 1, word + 1);
			return -1;
		}
		out->set = set->origin;
		return 0;
	}
	if (prefix_parse(word, strlen(word), &out->prefix, message, sizeof(message))) {
		snprintf(why, why_len, "'%.48s': %s", word, message);
		return -1;
	}
	return 0;
}

int source_rules_edit(struct sources *s, int action, char *const *ports, int nports,
		      char *const *sources, int nsources, bool strict_delete, char *why,
		      size_t why_len)
{
	struct port_range *range = calloc(2 * nports + 1, sizeof(*range));
	struct source_rule *rule = calloc(nsources + 1, sizeof(*rule));
	int nranges = 0, err = -1;

	if (!range || !rule) {
		snprintf(why, why_len, "out of memory");
		goto out;
	}
	if (nsources == 0) {
		snprintf(why, why_len, "'from' needs at least one SOURCE (an address, a CIDR "
			 "or @SET)");
		goto out;
	}
	for (int i = 0; i < nports; i++) {
		struct portspec spec;
		char message[128];

		if (portspec_parse(ports[i], &spec, message, sizeof(message))) {
			snprintf(why, why_len, "'%.40s': %s", ports[i], message);
			goto out;
		}
		for (int r = 0; r < spec.n; r++)
			range[nranges++] = spec.range[r];
	}
	if (!nranges)
		range[nranges++] = (struct port_range){ 0, 0, 0 };	/* every frame */
	for (int i = 0; i < nsources; i++)
		if (source_arg_parse(sources[i], s, &rule[i], why, why_len))
			goto out;
	for (int r = 0; r < nranges; r++)
		for (int i = 0; i < nsources; i++) {
			rule[i].range = range[r];
			rule[i].verdict = action == 1 ? VERDICT_DROP : VERDICT_PASS;
			if (action != 2 && sources_add_rule(s, &rule[i])) {
				snprintf(why, why_len, "out of memory");
				goto out;
			}
			if (action == 2 &&
			    !sources_delete_rule(s, &range[r], rule[i].set, &rule[i].prefix) &&
			    strict_delete) {
				snprintf(why, why_len, "'%.48s': no such source rule ('xdpport list' "
					 "shows them)", sources[i]);
				goto out;
			}
		}
	err = 0;
out:
	free(range);
	free(rule);
	return err;
}

void source_format(const struct sources *s, const struct source_rule *r, char *buf, size_t len)
{
	const struct source_set *set = r->set ? sources_set_by_origin(s, r->set) : NULL;

	if (r->set)
		snprintf(buf, len, "@%s", set ? set->name : "?");
	else
		prefix_format(&r->prefix, buf, len);
}

void source_rule_format(const struct sources *s, const struct source_rule *r, char *buf,
			size_t len)
{
	char ports[32] = "", source[PREFIX_TEXT_MAX + SET_NAME_MAX];

	if (r->range.protos)
		port_range_format(ports, sizeof(ports), &r->range);
	source_format(s, r, source, sizeof(source));
	snprintf(buf, len, "%s %s%sfrom %s", r->verdict == VERDICT_DROP ? "deny" : "allow", ports,
		 ports[0] ? " " : "", source);
}
