// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdbool.h>
#include <stdlib.h>

#include "port_rank.h"

/* a ranks below b: lower score, or the same score and a higher key. */
static bool below(const struct rank_entry *a, const struct rank_entry *b)
{
	return a->score < b->score || (a->score == b->score && a->key > b->key);
}

static void swap(struct rank_entry *a, struct rank_entry *b)
{
	struct rank_entry t = *a;

	*a = *b;
	*b = t;
}

void ranking_init(struct ranking *r, struct rank_entry *storage, unsigned max)
{
	*r = (struct ranking){ storage, 0, max };
}

static void sift_down(struct rank_entry *h, unsigned n, unsigned i)
{
	for (;;) {
		unsigned least = i, l = 2 * i + 1, rt = l + 1;

		if (l < n && below(&h[l], &h[least]))
			least = l;
		if (rt < n && below(&h[rt], &h[least]))
			least = rt;
		if (least == i)
			return;
		swap(&h[i], &h[least]);
		i = least;
	}
}

void ranking_offer(struct ranking *r, __u64 score, __u32 key)
{
	struct rank_entry e = { score, key };

	if (!score || !r->max)
		return;
	if (r->n < r->max) {	/* not full: sift the new entry up */
		unsigned i = r->n++;

		r->heap[i] = e;
		while (i > 0 && below(&r->heap[i], &r->heap[(i - 1) / 2])) {
			swap(&r->heap[i], &r->heap[(i - 1) / 2]);
			i = (i - 1) / 2;
		}
	} else if (below(&r->heap[0], &e)) {	/* beats the weakest kept */
		r->heap[0] = e;
		sift_down(r->heap, r->n, 0);
	}
}

static int best_first(const void *a, const void *b)
{
	return below(a, b) ? 1 : below(b, a) ? -1 : 0;
}

unsigned ranking_sort(struct ranking *r)
{
	qsort(r->heap, r->n, sizeof(*r->heap), best_first);
	return r->n;
}
