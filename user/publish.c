// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Publishing a change to the running filter: one switch for every map of a ruleset.
 *
 * A ruleset spans several maps, and each has two slots:
 *   - the ruleset itself: xdpport_rules' slot[0] and slot[1]; `active` names the one
 *     that runs;
 *   - the configs of its limited ports: xdpport_limits, indexed by the same number;
 *   - its source tables and their model: the maps in slot `source_slot` (a field of
 *     the ruleset) of the maps-in-maps xdpport_src4_bits, _src4, _src4_long,
 *     _src_trie and _src_model (user/sources_store.c builds them).
 * The data path loads `active` once per frame and reaches all the rest through it,
 * so one store of `active` switches every map of a ruleset at once: no frame sees
 * half of a change, and no per-frame lookup pays for it. Every change larger than
 * one port's entries takes the same steps, under the filter's lock:
 *   1. publish_begin(): wait until no frame still runs with the inactive slot (frames
 *      that picked it before the last flip); until then, nothing of it is written;
 *   2. fill every map of the inactive slot: the source tables (sources_stage), then
 *      the limits and the ruleset (filter_replace);
 *   3. flip `active`, one release store (filter_replace): the next frame sees it all;
 *   4. free what only the old ruleset used (sources_release_other): that is writing
 *      the slot that just became inactive, so it starts with step 1 again.
 * The one exception is filter_commit_port: one port's entries written in place in
 * the running slot, a single byte store per protocol that every frame sees whole.
 */
#include <linux/membarrier.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "limit.h"
#include "maps.h"

static struct xdpport_ruleset *active_slot(const struct filter *f)
{
	return &f->rules->slot[__atomic_load_n(&f->rules->active, __ATOMIC_ACQUIRE) & 1];
}

/* Stamps the rules with the time of a change (xdpport_rules_applied_timestamp_seconds). */
static void mark_changed(struct filter *f)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	__atomic_store_n(&f->rules->changed_ns, (__u64)now.tv_sec * 1000000000 + now.tv_nsec,
			 __ATOMIC_RELAXED);
}

/*
 * Waits until no XDP program still runs with a ruleset slot it picked before our last
 * flip. XDP programs run inside RCU read-side sections, and MEMBARRIER_CMD_GLOBAL
 * returns after an RCU grace period. Without it (nohz_full kernels), wait far longer
 * than any program runs.
 */
static void wait_for_readers(void)
{
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) != 0)
		usleep(50 * 1000);
}

void publish_begin(struct filter *f)
{
	/* A grace period costs milliseconds: one per flip. A filter just opened does not
	 * know when the last command flipped, so it waits once. */
	if (f->inactive_idle)
		return;
	wait_for_readers();
	f->inactive_idle = true;
}

/* Step 3: the inactive slot, filled, becomes the running one. */
static void flip(struct filter *f, __u32 slot)
{
	__atomic_store_n(&f->rules->active, slot, __ATOMIC_RELEASE);
	f->inactive_idle = false;	/* frames may still run with the old slot */
	mark_changed(f);
}

void filter_commit_port(struct filter *f, __u16 port, const __u8 entry[XDPPORT_NPROTO])
{
	struct xdpport_ruleset *live = active_slot(f);
	bool changed = false;

	for (int p = 0; p < XDPPORT_NPROTO; p++)
		if (live->entry[p][port] != entry[p]) {
			__atomic_store_n(&live->entry[p][port], entry[p], __ATOMIC_RELAXED);
			changed = true;
		}
	if (changed)
		mark_changed(f);
}

/*
 * A timeout that grows lets live flows live longer than the per-port expiries the
 * data path checks first (xdpport_flowports) allow for: raise every port that ever
 * had a flow to cover now plus the longest new timeout, before the change is live.
 */
static void cover_longer_timeouts(const struct filter *f, const struct xdpport_ruleset *now,
				  const struct xdpport_ruleset *next)
{
	struct xdpport_flowports *fp;
	__u64 longest = 0, until;
	bool longer = false;
	struct timespec ts;

	for (int s = 0; s < XDPPORT_FLOW_NSTATES; s++) {
		longer |= next->timeout[s] > now->timeout[s];
		if (next->timeout[s] > longest)
			longest = next->timeout[s];
	}
	if (!longer || f->fd[MAP_FLOWPORTS] < 0)
		return;
	fp = mmap(NULL, sizeof(*fp), PROT_READ | PROT_WRITE, MAP_SHARED, f->fd[MAP_FLOWPORTS], 0);
	if (fp == MAP_FAILED)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	until = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec + longest * 1000000000ULL;
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		for (int port = 0; port < XDPPORT_PORTS; port++) {
			__u64 old = __atomic_load_n(&fp->expiry[p][port], __ATOMIC_RELAXED);

			while (old && old < until &&
			       !__atomic_compare_exchange_n(&fp->expiry[p][port], &old, until, false,
							    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
				;
		}
	munmap(fp, sizeof(*fp));
}

void filter_replace(struct filter *f, const struct xdpport_ruleset *next,
		    const struct xdpport_limits *limits)
{
	__u32 active = __atomic_load_n(&f->rules->active, __ATOMIC_RELAXED) & 1;
	__u32 inactive = active ^ 1;

	cover_longer_timeouts(f, active_slot(f), next);
	publish_begin(f);
	limits_copy(next, &f->limits[inactive], limits ? limits : &f->limits[active]);
	memcpy(&f->rules->slot[inactive], next, sizeof(*next));
	flip(f, inactive);
}

/* The one port number whose entries differ, -1 when none do, -2 when several do. */
static int changed_port(const struct xdpport_ruleset *a, const struct xdpport_ruleset *b)
{
	int found = -1;

	for (int p = 0; p < XDPPORT_NPROTO; p++) {
		if (!memcmp(a->entry[p], b->entry[p], XDPPORT_PORTS))
			continue;
		for (int port = 0; port < XDPPORT_PORTS; port++) {
			if (a->entry[p][port] == b->entry[p][port] || port == found)
				continue;
			if (found >= 0)
				return -2;
			found = port;
		}
	}
	return found;
}

void filter_commit(struct filter *f, const struct xdpport_ruleset *next)
{
	struct xdpport_ruleset *live = active_slot(f);
	int port;

	/* Everything after the entries (policies, fragments, replies, timeouts, sources). */
	if (memcmp(live->policy, next->policy, sizeof(*next) - offsetof(typeof(*next), policy))) {
		filter_replace(f, next, NULL);
		return;
	}
	port = changed_port(live, next);
	if (port == -2) {
		filter_replace(f, next, NULL);
		return;
	}
	if (port >= 0) {
		__u8 entry[XDPPORT_NPROTO];

		for (int p = 0; p < XDPPORT_NPROTO; p++)
			entry[p] = next->entry[p][port];
		filter_commit_port(f, port, entry);
	}
}

