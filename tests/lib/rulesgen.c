// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>

#include "rulesgen.h"

static unsigned pick(unsigned *seed, unsigned n)
{
	return rand_r(seed) % n;
}

/* A random port, mostly in a small window so that rules overlap and touch. */
static unsigned random_port(unsigned *seed)
{
	switch (pick(seed, 8)) {
	case 0:
		return pick(seed, XDPPORT_PORTS);
	case 1:
		return pick(seed, 2) ? 0 : 65535;
	default:
		return 1000 + pick(seed, 200);
	}
}

static void model_ports(struct rules_model *m, int action, int protos, unsigned first,
			unsigned last)
{
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		if (protos & (1 << p))
			for (unsigned port = first; port <= last; port++)
				m->rule[p][port] = action;	/* -1 is delete */
}

static void port_line(unsigned *seed, FILE *out, struct rules_model *m)
{
	static const char *const proto[] = { "tcp", "udp" };
	int action = pick(seed, 3), specs = 1 + pick(seed, 3);

	fprintf(out, "%s", action == 0 ? "allow" : action == 1 ? "deny" : "delete");
	for (int s = 0; s < specs; s++) {
		unsigned first = random_port(seed), last = first;
		int p = pick(seed, 3);

		if (pick(seed, 2)) {
			last = first + pick(seed, pick(seed, 4) ? 40 : 70000);
			if (last > 65535)
				last = 65535;
		}
		fprintf(out, pick(seed, 2) ? " " : " \t ");
		fprintf(out, first == last ? "%u" : "%u-%u", first, last);
		if (p < 2)
			fprintf(out, "/%s", proto[p]);
		model_ports(m, action == 2 ? -1 : action, p < 2 ? 1 << p : 3, first, last);
	}
	if (pick(seed, 4) == 0)
		fprintf(out, " # trailing");
}

/* replies on|off, replies timeout KIND SECS; the defaults are the man page's. */
static const char *const timeout_kind[XDPPORT_FLOW_NSTATES] = {
	"tcp-syn", "tcp", "tcp-closing", "udp", "udp-answered",
};
static const unsigned timeout_default[XDPPORT_FLOW_NSTATES] = { 120, 432000, 120, 30, 120 };

static void replies_line(unsigned *seed, FILE *out, struct rules_model *m)
{
	int what = pick(seed, 3);

	if (what < 2) {
		fprintf(out, "replies %s", what ? "on" : "off");
		m->replies = what;
	} else {
		int kind = pick(seed, XDPPORT_FLOW_NSTATES);
		unsigned secs = pick(seed, 8) ? 1 + pick(seed, 100000) : 2147483647u;

		fprintf(out, "replies\ttimeout %s  %u", timeout_kind[kind], secs);
		m->timeout[kind] = secs;
	}
}

void rulesgen_file(unsigned *seed, FILE *out, int max_lines, struct rules_model *m)
{
	static const char *const verdict[] = { "pass", "drop", "allow", "deny" };
	static const char *const proto[] = { "tcp", "udp" };
	const char *eol = pick(seed, 4) ? "\n" : "\r\n";
	int lines = pick(seed, max_lines + 1);

	memset(m->rule, -1, sizeof(m->rule));
	m->policy[0] = m->policy[1] = m->fragments = 0;
	m->replies = 1;
	memcpy(m->timeout, timeout_default, sizeof(m->timeout));
	for (int l = 0; l < lines; l++) {
		int kind = pick(seed, 10);

		if (kind == 0) {
			int v = pick(seed, 4), p = pick(seed, 3);

			fprintf(out, "policy %s%s%s", verdict[v], p < 2 ? " " : "",
				p < 2 ? proto[p] : "");
			for (int q = 0; q < XDPPORT_NPROTO; q++)
				if (p == 2 || p == q)
					m->policy[q] = v & 1;	/* pass, drop, allow, deny */
		} else if (kind == 1) {
			int v = pick(seed, 4);

			fprintf(out, "fragments %s", verdict[v]);
			m->fragments = v & 1;
		} else if (kind == 2 && pick(seed, 2)) {
			fprintf(out, "%*s# comment %d", (int)pick(seed, 3), "", l);
		} else if (kind == 2) {
			replies_line(seed, out, m);
		} else {
			port_line(seed, out, m);
		}
		fputs(eol, out);
	}
}

bool rulesgen_matches(const struct rules_model *m, const struct xdpport_ruleset *rs)
{
	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		if (rs->policy[p] != m->policy[p]) {
			printf("    %s policy %d, model says %d\n", p ? "udp" : "tcp", rs->policy[p],
			       m->policy[p]);
			return false;
		}
		for (unsigned port = 0; port < XDPPORT_PORTS; port++) {
			int want = m->rule[p][port] < 0 ? m->policy[p] : 2 + m->rule[p][port];

			if (rs->entry[p][port] != want) {
				printf("    %s/%u: entry %d, model says %d\n", p ? "udp" : "tcp", port,
				       rs->entry[p][port], want);
				return false;
			}
		}
	}
	if (rs->fragments != m->fragments) {
		printf("    fragments %d, model says %d\n", rs->fragments, m->fragments);
		return false;
	}
	if (rs->replies != m->replies) {
		printf("    replies %d, model says %d\n", rs->replies, m->replies);
		return false;
	}
	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++)
		if (rs->timeout[s] != m->timeout[s]) {
			printf("    timeout %s %u, model says %u\n", timeout_kind[s], rs->timeout[s],
			       m->timeout[s]);
			return false;
		}
	return true;
}
