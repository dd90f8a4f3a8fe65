/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Floods from several CPUs at once, each sender with its own frame and generator
 * (tests/lib/livegen), for the flood-limit tests and benchmarks. */
#ifndef TEST_FLOOD_H
#define TEST_FLOOD_H

#include <pthread.h>
#include <stdint.h>

#include "livegen.h"
#include "packet.h"

struct sender {
	struct livegen *gen;
	struct pkt p;
	struct livegen_opts opts;	/* nthreads 1 on `cpu` unless set */
	int cpu;
	uint64_t count;
	int64_t sent;			/* what livegen_send() returned */
	struct livegen_result res;
	pthread_t thread;
};

/* Runs the `n` senders at once out of `ifindex` (the caller is in its namespace) and
 * waits for all of them. Returns true when each sent its count. */
bool flood_send(struct sender *s, int n, int ifindex);

struct veth_pair;
struct harness;

/* For tests: a fresh veth pair (`tag`, `queues` queues), xdpport loaded privately
 * into `h` and attached natively to the receiving end, the calling thread left in
 * the sending namespace. Reports each step (tests/lib/report); false on failure. */
bool flood_setup(struct veth_pair *vp, const char *tag, int queues, struct harness *h);

/* A sender's wall time, in seconds. */
double flood_seconds(const struct sender *s);

#endif
