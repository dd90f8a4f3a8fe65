/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The N ports with the highest counts out of 131072, in one pass: a min-heap of N. */
#ifndef XDPPORT_PORT_RANK_H
#define XDPPORT_PORT_RANK_H

#include <linux/types.h>

/* Has 4 bytes of trailing padding: compare its fields, never its bytes. */
struct rank_entry {
	__u64 score;
	__u32 key;		/* proto * 65536 + port */
};

struct ranking {
	struct rank_entry *heap;	/* max entries, caller's storage */
	unsigned n, max;
};

void ranking_init(struct ranking *r, struct rank_entry *storage, unsigned max);

/* Offers a key; zero scores are never kept. Ties go to the lower key. */
void ranking_offer(struct ranking *r, __u64 score, __u32 key);

/* Sorts the kept entries, highest score first (r->heap[0..r->n)); returns r->n. */
unsigned ranking_sort(struct ranking *r);

#endif
