// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The pinned filter (user/filter.c) on a real bpffs: maps are created on demand and
 * claimed for this layout, a one-port change is written in place while anything
 * larger switches slots (filter_commit on compiled bytes, and rules_commit from
 * rules, user/rules_commit.c), pins of another layout are refused, flush removes every
 * pin, and a process that waited for the lock of a directory flush removed ends up
 * holding the lock of the directory that is there now.
 *
 * Works on /sys/fs/bpf/xdpport, so it only runs inside tests/run.sh's sandbox.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errors.h"
#include "filter.h"
#include "report.h"
#include "rules_commit.h"

static struct xdpport_ruleset rs;

/* A fresh error for a library call whose message the case does not look at. */
#define NEW_ERROR	(&(struct lib_error){ 0 })

/* `rs` with the rule `verdict` (RULE_NONE: none) on `range`, or with policy
 * `verdict` (range NULL): read back into rules, edited, compiled again. */
static void edit(const struct port_range *range, int verdict)
{
	struct rules r;

	rules_decompile(&rs, NULL, &r);
	if (range)
		rules_set_ports(&r, range, verdict);
	else
		rules_set_policy(&r, PROTOS_ALL, verdict);
	rules_compile(&r, &rs, NULL);
	rules_free(&r);
}

static bool holds_current_dir(const struct filter *f)
{
	struct stat held, now;

	return !fstat(f->dir_fd, &held) && !stat(XDPPORT_PIN_DIR, &now) &&
	       held.st_ino == now.st_ino;
}

static void test_create(void)
{
	struct filter f;
	int err;

	report(check_eq(filter_purge(NEW_ERROR), 0) &&
		       check_op(access(XDPPORT_PIN_DIR, F_OK), !=, 0),
	       "purge leaves no pin directory");
	report(filter_open(&f, 0, NEW_ERROR) == NOT_SET_UP, "nothing pinned: NOT_SET_UP");
	err = filter_open(&f, FILTER_CREATE | FILTER_LOCK, NEW_ERROR);
	report(check_eq(err, 0) && check_true(f.created) &&
		       check_eq(f.rules->layout, XDPPORT_LAYOUT),
	       "FILTER_CREATE pins the maps and claims them for layout %d", XDPPORT_LAYOUT);
	if (!err) {
		filter_read(&f, &rs);
		report(check_true(ruleset_is_valid(&rs)) &&
			       check_eq(ruleset_count(&rs, XDPPORT_TCP), 0),
		       "new maps hold the empty ruleset");
		filter_close(&f);
	}
	err = filter_open(&f, 0, NEW_ERROR);
	report(check_eq(err, 0) && check_true(!f.created), "second open finds the pins");
	if (!err)
		filter_close(&f);
}

static void test_commit(void)
{
	struct port_range one = { PROTOS_ALL, 443, 443 }, span = { PROTOS_ALL, 8000, 8100 };
	struct filter f;
	__u64 stamp;
	__u32 slot;

	if (filter_open(&f, FILTER_LOCK, NEW_ERROR))
		return (void)report(false, "open for commit");
	filter_read(&f, &rs);
	slot = f.rules->active;
	stamp = filter_changed_ns(&f);
	edit(&one, VERDICT_DROP);
	filter_commit(&f, &rs);
	report(filter_changed_ns(&f) > stamp, "a change stamps the rules with its time");
	report(check_eq(f.rules->active, slot) &&
		       check_eq(f.rules->slot[slot].entry[XDPPORT_UDP][443],
				XDPPORT_ENTRY_RULE_DROP),
	       "one port: written in place, same slot");
	edit(&span, VERDICT_PASS);
	filter_commit(&f, &rs);
	report(check_eq(f.rules->active, !slot) &&
		       check_true(!memcmp(&f.rules->slot[!slot], &rs, sizeof(rs))),
	       "a range: the other slot gets the whole ruleset and becomes active");
	edit(NULL, VERDICT_DROP);
	filter_commit(&f, &rs);
	report(check_eq(f.rules->active, slot) &&
		       check_true(!memcmp(&f.rules->slot[slot], &rs, sizeof(rs))),
	       "a policy: switches slots again");
	stamp = filter_changed_ns(&f);
	filter_commit(&f, &rs);
	report(check_eq(filter_changed_ns(&f), stamp) && check_eq(f.rules->active, slot),
	       "no change: nothing written, the change timestamp stays");
	edit(&one, VERDICT_PASS);
	filter_commit(&f, &rs);
	report(check_op(filter_changed_ns(&f), >, stamp) &&
		       check_eq(f.rules->changed_ns, filter_changed_ns(&f)),
	       "a one-port change in place moves the change timestamp too");
	filter_close(&f);
}

/* The same through rules_commit(): rules in, the same slot behaviour out. */
static void test_rules_commit(void)
{
	struct port_range one = { PROTOS_ALL, 443, 443 }, other = { PROTO_BIT(XDPPORT_TCP), 80, 80 };
	struct port_range span = { PROTOS_ALL, 8000, 8100 };
	struct rules before, after;
	struct filter f;
	__u64 stamp;
	__u32 slot;

	if (filter_open(&f, FILTER_LOCK, NEW_ERROR))
		return (void)report(false, "open for rules_commit");
	rules_load(&f, &before);
	rules_copy(&after, &before);
	slot = f.rules->active;
	rules_set_ports(&after, &one, VERDICT_DROP);
	rules_commit(&f, &before, &after);
	report(check_eq(f.rules->active, slot) &&
		       check_eq(f.rules->slot[slot].entry[XDPPORT_TCP][443],
				XDPPORT_ENTRY_RULE_DROP) &&
		       check_eq(f.rules->slot[slot].entry[XDPPORT_UDP][443],
				XDPPORT_ENTRY_RULE_DROP),
	       "rules_commit, one port: written in place, same slot");
	rules_free(&before);
	rules_load(&f, &before);
	rules_set_ports(&after, &one, VERDICT_PASS);
	rules_set_ports(&after, &other, VERDICT_DROP);
	rules_commit(&f, &before, &after);
	rules_compile(&after, &rs, NULL);
	report(check_eq(f.rules->active, !slot) &&
		       check_true(!memcmp(&f.rules->slot[!slot], &rs, sizeof(rs))),
	       "rules_commit, two ports: the other slot gets the compiled rules, made active");
	rules_free(&before);
	rules_load(&f, &before);
	rules_set_ports(&after, &span, VERDICT_DROP);
	rules_commit(&f, &before, &after);
	rules_compile(&after, &rs, NULL);
	report(check_eq(f.rules->active, slot) &&
		       check_true(!memcmp(&f.rules->slot[slot], &rs, sizeof(rs))),
	       "rules_commit, a range: switches slots again");
	rules_free(&before);
	rules_load(&f, &before);
	stamp = filter_changed_ns(&f);
	rules_commit(&f, &before, &after);
	report(check_eq(filter_changed_ns(&f), stamp) && check_eq(f.rules->active, slot),
	       "rules_commit, no change: nothing written, the change timestamp stays");
	rules_free(&before);
	rules_free(&after);
	filter_close(&f);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* A timeout that grows raises the per-port expiries the data path checks before the
 * flow table, so that no live flow's port is shut early; ports without flows stay 0. */
static void test_longer_timeouts(void)
{
	struct xdpport_flowports *fp;
	struct filter f;
	uint64_t t0 = now_ns(), low;

	if (filter_open(&f, FILTER_CREATE | FILTER_LOCK, NEW_ERROR))
		return (void)report(false, "open for timeouts");
	fp = mmap(NULL, sizeof(*fp), PROT_READ | PROT_WRITE, MAP_SHARED, f.fd[MAP_FLOWPORTS], 0);
	if (fp == MAP_FAILED) {
		filter_close(&f);
		return (void)report(false, "mmap xdpport_flowports");
	}
	fp->expiry[XDPPORT_UDP][40000] = low = t0 + 10 * 1000000000ULL;
	fp->expiry[XDPPORT_UDP][40001] = 0;
	filter_read(&f, &rs);
	rs.timeout[XDPPORT_FLOW_UDP_ANSWERED] = 5;
	filter_commit(&f, &rs);
	report(fp->expiry[XDPPORT_UDP][40000] == low, "a shorter timeout leaves the expiries");
	rs.timeout[XDPPORT_FLOW_UDP_ANSWERED] = 1000;
	filter_commit(&f, &rs);
	report(check_op(fp->expiry[XDPPORT_UDP][40000], >=, t0 + 1000 * 1000000000ULL) &&
		       check_eq(fp->expiry[XDPPORT_UDP][40001], 0),
	       "a longer timeout raises every port with a flow to now + it, and only those");
	munmap(fp, sizeof(*fp));
	filter_close(&f);
}

static void test_layout_word(void)
{
	struct filter f;
	int err;

	if (filter_open(&f, FILTER_LOCK, NEW_ERROR))
		return (void)report(false, "open for layout");
	f.rules->layout = XDPPORT_LAYOUT + 1;
	filter_close(&f);
	err = filter_open(&f, 0, NEW_ERROR);
	report(err == EXIT_FAIL, "pins of another layout are refused");
	if (!err)
		filter_close(&f);
	report(check_op(filter_map_fd("xdpport_ifaces"), >=, 0) &&
		       check_eq(filter_map_fd("nonsense"), -1),
	       "filter_map_fd opens a map of the right shape");
	report(check_eq(filter_purge(NEW_ERROR), 0) &&
		       check_op(access(XDPPORT_PIN_DIR, F_OK), !=, 0),
	       "flush with nothing attached removes them");
}

/* A waits with the lock while B queues for it; A purges the directory; B must not
 * end up holding the lock of the removed directory. */
static void test_lock_after_purge(void)
{
	int ready[2];
	pid_t pid;
	char c;
	struct filter f;
	int err;

	if (pipe(ready))
		return (void)report(false, "pipe");
	pid = fork();
	if (pid == 0) {
		if (filter_open(&f, FILTER_CREATE | FILTER_LOCK, NEW_ERROR))
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		usleep(200 * 1000);	/* the parent is blocked in flock() by now */
		_exit(filter_purge_locked(&f, NEW_ERROR) ? 1 : 0);
	}
	if (read(ready[0], &c, 1) != 1)
		return (void)report(false, "child did not get the lock");
	err = filter_open(&f, FILTER_CREATE | FILTER_LOCK, NEW_ERROR);
	report(check_eq(err, 0) && check_true(holds_current_dir(&f)) &&
		       check_eq(f.rules->layout, XDPPORT_LAYOUT),
	       "the lock of a purged directory is retaken on the new one");
	if (!err)
		filter_close(&f);
	waitpid(pid, NULL, 0);
	filter_purge(NEW_ERROR);
}

int main(void)
{
	if (!getenv("XDPPORT_TEST_SANDBOX")) {
		fprintf(stderr, "filter_test: changes %s: run it through tests/run.sh\n",
			XDPPORT_PIN_DIR);
		return 1;
	}
	if (!freopen("/dev/null", "w", stderr))
		return 1;	/* the refusals' messages */
	test_create();
	test_commit();
	test_rules_commit();
	test_longer_timeouts();
	test_layout_word();
	test_lock_after_purge();
	return report_summary();
}
