// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>

#include "flood.h"

struct job {
	struct sender *s;
	int ifindex;
};

static void *send_frames(void *arg)
{
	struct job *j = arg;
	struct sender *s = j->s;

	if (!s->opts.nthreads) {
		s->opts.nthreads = 1;
		s->opts.cpus = &s->cpu;
	}
	s->sent = livegen_send(s->gen, j->ifindex, s->p.data, s->p.len, s->count, &s->opts,
			       &s->res);
	return NULL;
}

bool flood_send(struct sender *s, int n, int ifindex)
{
	struct job jobs[LIVEGEN_MAX_THREADS];
	bool ok = true;

	for (int i = 0; i < n; i++) {
		jobs[i] = (struct job){ &s[i], ifindex };
		if (pthread_create(&s[i].thread, NULL, send_frames, &jobs[i])) {
			s[i].sent = -errno;
			s[i].thread = 0;
		}
	}
	for (int i = 0; i < n; i++) {
		if (s[i].thread)
			pthread_join(s[i].thread, NULL);
		ok &= s[i].sent == (int64_t)s[i].count;
	}
	return ok;
}

double flood_seconds(const struct sender *s)
{
	return s->res.ns / 1e9;
}
