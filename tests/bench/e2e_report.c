// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * e2e_report: turns the raw end-to-end measurements tests/bench/bench.sh records into
 * Markdown tables, target checks and plot data.
 *
 *   e2e_report --floor KEY --subject KEY [--versus KEY,KEY...] [--clock wall|cpu]
 *              [--targets FILE] [--data FILE] < raw.tsv
 *
 * Prints one table per traffic kind, and a table of the targets (to FILE with
 * --targets); --data writes medians for plotting. Targets against the --versus
 * receivers are "xdpport rule drop at least 3 times as fast".
 *
 * Input, one measurement a line, tab-separated ('#' lines ignored):
 *   round traffic receiver cores sent wall_ns cpu_max_ns received dropped label
 * `received` and `dropped` are counted at the receiving end; Mpps is received frames
 * over the generator's wall time (--clock wall, the default) or over the CPU time of
 * its busiest sending thread, receive work included (--clock cpu: what the wall time
 * would have been with the CPUs to ourselves; see tests/lib/livegen.h). Each figure is
 * the median of the rounds ± half their range; each ratio is the median of the
 * per-round ratios (both sides measured in the same round, moments apart).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define MAX_ROUNDS	101
#define MAX_NAMES	16
#define NAME_LEN	64

/* Targets from the brief, in one place. */
#define TARGET_OF_FLOOR		0.85	/* xdpport drop ≥ 85% of the empty XDP_DROP */
#define TARGET_VERSUS		3.0	/* ≥ 3× nftables and iptables */
#define TARGET_SCALING		1.7	/* 2 cores ≥ 1.7× 1 core */

struct cell {
	int n;
	double mpps[MAX_ROUNDS];	/* indexed by round */
	double dropped_share[MAX_ROUNDS];
	bool have[MAX_ROUNDS];
};

static char traffics[MAX_NAMES][NAME_LEN], receivers[MAX_NAMES][NAME_LEN];
static char labels[MAX_NAMES][128];
static int ntraffics, nreceivers, max_round;
static const char *clock_name = "wall clock";
static struct cell cells[MAX_NAMES][MAX_NAMES][2];	/* traffic, receiver, cores-1 */

static int intern(char names[][NAME_LEN], int *n, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(names[i], name))
			return i;
	if (*n == MAX_NAMES) {
		fprintf(stderr, "e2e_report: too many names\n");
		exit(1);
	}
	snprintf(names[*n], NAME_LEN, "%s", name);
	return (*n)++;
}

static int find(char names[][NAME_LEN], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

static void read_input(bool cpu_clock)
{
	char line[512];

	while (fgets(line, sizeof(line), stdin)) {
		char traffic[NAME_LEN], receiver[NAME_LEN], label[128] = "";
		unsigned long long sent, wall_ns, cpu_ns, received, dropped, ns;
		int round, cores, t, r;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%d\t%63[^\t]\t%63[^\t]\t%d\t%llu\t%llu\t%llu\t%llu\t%llu\t%127[^\n]",
			   &round, traffic, receiver, &cores, &sent, &wall_ns, &cpu_ns, &received,
			   &dropped, label) < 9 || round < 0 || round >= MAX_ROUNDS || cores < 1 ||
		    cores > 2 || !wall_ns || !cpu_ns) {
			fprintf(stderr, "e2e_report: bad line: %s", line);
			exit(1);
		}
		ns = cpu_clock ? cpu_ns : wall_ns;
		t = intern(traffics, &ntraffics, traffic);
		r = intern(receivers, &nreceivers, receiver);
		if (label[0])
			snprintf(labels[r], sizeof(labels[r]), "%s", label);
		struct cell *c = &cells[t][r][cores - 1];

		c->mpps[round] = received * 1e3 / ns;
		c->dropped_share[round] = received ? (double)dropped / received : 0;
		c->have[round] = true;
		c->n++;
		if (round + 1 > max_round)
			max_round = round + 1;
	}
}

/* Median and spread of a cell's Mpps over the rounds it has. */
static bool cell_summary(const struct cell *c, struct summary *s)
{
	double v[MAX_ROUNDS];
	int n = 0;

	for (int i = 0; i < max_round; i++)
		if (c->have[i])
			v[n++] = c->mpps[i];
	if (n)
		*s = summarize(v, n);
	return n > 0;
}

static double min_dropped_share(const struct cell *c)
{
	double m = 1;

	for (int i = 0; i < max_round; i++)
		if (c->have[i] && c->dropped_share[i] < m)
			m = c->dropped_share[i];
	return m;
}

/* Median over rounds of a / b, using only rounds both have. */
static bool ratio(const struct cell *a, const struct cell *b, struct summary *s)
{
	double v[MAX_ROUNDS];
	int n = 0;

	for (int i = 0; i < max_round; i++)
		if (a->have[i] && b->have[i] && b->mpps[i] > 0)
			v[n++] = a->mpps[i] / b->mpps[i];
	if (n)
		*s = summarize(v, n);
	return n > 0;
}

static void fmt_ratio(char *buf, size_t len, const struct cell *a, const struct cell *b)
{
	struct summary s;

	if (ratio(a, b, &s))
		snprintf(buf, len, "%.2f ±%.2f", s.median, s.spread);
	else
		snprintf(buf, len, "–");
}

static void fmt_mpps(char *buf, size_t len, const struct cell *c)
{
	struct summary s;

	if (cell_summary(c, &s))
		snprintf(buf, len, "%.2f ±%.2f", s.median, s.spread);
	else
		snprintf(buf, len, "–");
}

static void print_traffic_table(int t, int floor, int subject)
{
	printf("| receiver | 1 core Mpps | 2 cores Mpps | 2 cores ÷ 1 core "
	       "| ÷ empty XDP_DROP (1 core) | xdpport rule drop ÷ this (1 core) "
	       "| dropped (1 / 2 cores) |\n");
	printf("|---|--:|--:|--:|--:|--:|--:|\n");
	for (int r = 0; r < nreceivers; r++) {
		struct cell *one = &cells[t][r][0], *two = &cells[t][r][1];
		char m1[32], m2[32], sc[32], vf[32], vs[32], d1[16] = "–", d2[16] = "–";

		fmt_mpps(m1, sizeof(m1), one);
		fmt_mpps(m2, sizeof(m2), two);
		fmt_ratio(sc, sizeof(sc), two, one);
		fmt_ratio(vf, sizeof(vf), one, &cells[t][floor][0]);
		fmt_ratio(vs, sizeof(vs), &cells[t][subject][0], one);
		/* The lowest share over all rounds: a drop receiver must drop every frame. */
		if (one->n)
			snprintf(d1, sizeof(d1), "%.1f%%", 100 * min_dropped_share(one));
		if (two->n)
			snprintf(d2, sizeof(d2), "%.1f%%", 100 * min_dropped_share(two));
		printf("| %s | %s | %s | %s | %s | %s | %s / %s |\n",
		       labels[r][0] ? labels[r] : receivers[r], m1, m2, sc, r == floor ? "1" : vf,
		       r == subject ? "1" : vs, d1, d2);
	}
}

/* One cell of the targets table: a ratio of rates, all targets being "at least". */
static void target_cell(FILE *out, const struct cell *a, const struct cell *b, double target)
{
	struct summary s;

	if (ratio(a, b, &s))
		fprintf(out, " %.2f ±%.2f %s |", s.median, s.spread, s.median >= target ? "✓" : "✗");
	else
		fprintf(out, " – |");
}

/* Targets, one row each, one column per traffic kind. */
static void print_targets(FILE *out, int floor, int subject, char versus[][NAME_LEN], int nversus)
{
	int policy = find(receivers, nreceivers, "xdpport-policy");

	fprintf(out, "| target (%s) |", clock_name);
	for (int t = 0; t < ntraffics; t++)
		fprintf(out, " %s |", traffics[t]);
	fprintf(out, "\n|---|");
	for (int t = 0; t < ntraffics; t++)
		fprintf(out, "--:|");
	fprintf(out, "\n| xdpport rule drop ÷ empty XDP_DROP, 1 core ≥ %.2f |", TARGET_OF_FLOOR);
	for (int t = 0; t < ntraffics; t++)
		target_cell(out, &cells[t][subject][0], &cells[t][floor][0], TARGET_OF_FLOOR);
	if (policy >= 0) {
		fprintf(out, "\n| xdpport policy drop ÷ empty XDP_DROP, 1 core ≥ %.2f |",
			TARGET_OF_FLOOR);
		for (int t = 0; t < ntraffics; t++)
			target_cell(out, &cells[t][policy][0], &cells[t][floor][0], TARGET_OF_FLOOR);
	}
	for (int v = 0; v < nversus; v++) {
		int r = find(receivers, nreceivers, versus[v]);

		if (r < 0)
			continue;
		fprintf(out, "\n| xdpport rule drop ÷ %s, 1 core ≥ %.0f |", versus[v], TARGET_VERSUS);
		for (int t = 0; t < ntraffics; t++)
			target_cell(out, &cells[t][subject][0], &cells[t][r][0], TARGET_VERSUS);
	}
	fprintf(out, "\n| xdpport rule drop, 2 cores ÷ 1 core ≥ %.1f |", TARGET_SCALING);
	for (int t = 0; t < ntraffics; t++)
		target_cell(out, &cells[t][subject][1], &cells[t][subject][0], TARGET_SCALING);
	fprintf(out, "\n");
}

static void write_data(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		exit(1);
	}
	fprintf(f, "# traffic\treceiver\tcores\tmedian_mpps\tspread\tlabel\n");
	for (int t = 0; t < ntraffics; t++)
		for (int r = 0; r < nreceivers; r++)
			for (int c = 0; c < 2; c++) {
				struct summary s;

				if (cell_summary(&cells[t][r][c], &s))
					fprintf(f, "%s\t%s\t%d\t%.3f\t%.3f\t%s\n", traffics[t],
						receivers[r], c + 1, s.median, s.spread,
						labels[r][0] ? labels[r] : receivers[r]);
			}
	fclose(f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "floor", required_argument, NULL, 'f' },
		{ "subject", required_argument, NULL, 's' },
		{ "versus", required_argument, NULL, 'v' },
		{ "data", required_argument, NULL, 'd' },
		{ "clock", required_argument, NULL, 'c' },
		{ "targets", required_argument, NULL, 't' },
		{ 0 },
	};
	const char *floor_key = NULL, *subject_key = NULL, *data = NULL, *targets = NULL;
	char versus[MAX_NAMES][NAME_LEN], *list = NULL, *save = NULL;
	int nversus = 0, floor, subject, c;
	bool cpu_clock = false;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': floor_key = optarg; break;
		case 's': subject_key = optarg; break;
		case 'v': list = optarg; break;
		case 'd': data = optarg; break;
		case 't': targets = optarg; break;
		case 'c':
			if (strcmp(optarg, "wall") && strcmp(optarg, "cpu")) {
				fprintf(stderr, "e2e_report: --clock wall or cpu\n");
				return 2;
			}
			cpu_clock = !strcmp(optarg, "cpu");
			break;
		default:
			fprintf(stderr, "usage: e2e_report --floor KEY --subject KEY [--versus K,K] "
					"[--clock wall|cpu] [--targets FILE] [--data FILE] < raw.tsv\n");
			return 2;
		}
	}
	if (!floor_key || !subject_key) {
		fprintf(stderr, "e2e_report: --floor and --subject are required\n");
		return 2;
	}
	for (char *v = list ? strtok_r(list, ",", &save) : NULL; v && nversus < MAX_NAMES;
	     v = strtok_r(NULL, ",", &save))
		snprintf(versus[nversus++], NAME_LEN, "%s", v);

	if (cpu_clock)
		clock_name = "CPU time";
	read_input(cpu_clock);
	floor = find(receivers, nreceivers, floor_key);
	subject = find(receivers, nreceivers, subject_key);
	if (floor < 0 || subject < 0) {
		fprintf(stderr, "e2e_report: no measurements of %s or %s\n", floor_key, subject_key);
		return 1;
	}
	for (int t = 0; t < ntraffics; t++) {
		printf("\n#### Traffic: %s\n\n", traffics[t]);
		print_traffic_table(t, floor, subject);
	}
	if (targets) {
		FILE *f = fopen(targets, "w");

		if (!f) {
			perror(targets);
			return 1;
		}
		print_targets(f, floor, subject, versus, nversus);
		fclose(f);
	} else {
		printf("\n");
		print_targets(stdout, floor, subject, versus, nversus);
	}
	if (data)
		write_data(data);
	return 0;
}
