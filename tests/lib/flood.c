// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <linux/if_link.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "flood.h"
#include "harness.h"
#include "report.h"
#include "vethpair.h"

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

bool flood_setup(struct veth_pair *vp, const char *tag, int queues, struct harness *h)
{
	int err;

	if (veth_pair_create(vp, tag, queues)) {
		report(false, "create namespaces and veth pair");
		return false;
	}
	harness_open(h);
	if (veth_pair_enter_rx(vp)) {
		report(false, "enter the receiving namespace");
		return false;
	}
	err = bpf_xdp_attach(vp->rx_ifindex, h->prog_fd, XDP_FLAGS_DRV_MODE, NULL);
	if (!report(!err, "attach xdpport to %s in native mode", vp->rx_dev)) {
		printf("    bpf_xdp_attach: %s\n", strerror(-err));
		return false;
	}
	return report(veth_pair_enter_tx(vp) == 0, "enter the sending namespace");
}
