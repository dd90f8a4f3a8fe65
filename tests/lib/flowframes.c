// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* One flow's frames through the harness's programs, and its flow table (flowframes.h). */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>

#include "flowframes.h"
#include "reasons.h"
#include "report.h"
#include "rules.h"

const struct flow_tuple tcp4 = { 0, IPPROTO_TCP, LOCAL_PORT, REMOTE_PORT, 0 };
const struct flow_tuple udp4 = { 0, IPPROTO_UDP, 5353, 53, 0 };
const struct flow_tuple tcp6 = { 1, IPPROTO_TCP, LOCAL_PORT, 443, 0 };
const struct flow_tuple udp6 = { 1, IPPROTO_UDP, 40000, 123, 0 };

static struct harness *h;

void flowframes_use(struct harness *harness)
{
	h = harness;
}

struct pkt flow_frame(const struct flow_tuple *t, bool inbound, uint8_t flags)
{
	struct pkt_spec s = {
		.ethertype = t->v6 ? ETH_P_IPV6 : ETH_P_IP, .proto = t->proto, .vlans = t->vlans,
		.sport = inbound ? t->remote_port : t->local_port,
		.dport = inbound ? t->local_port : t->remote_port, .payload = 12,
	};
	size_t alen = t->v6 ? 16 : 4, src = t->v6 ? 8 : 12;
	struct pkt p;
	uint8_t tmp[16];

	if (!pkt_build(&s, &p))
		report(false, "frame builds");
	if (t->proto == IPPROTO_TCP)
		p.data[p.l4_off + 13] = flags;
	if (inbound) {
		memcpy(tmp, p.data + p.l3_off + src, alen);
		memcpy(p.data + p.l3_off + src, p.data + p.l3_off + src + alen, alen);
		memcpy(p.data + p.l3_off + src + alen, tmp, alen);
	}
	return p;
}

struct pkt flow_frame_from(const struct flow_tuple *t, uint8_t flags, uint8_t last_byte)
{
	struct pkt p = flow_frame(t, true, flags);

	p.data[p.l3_off + (t->v6 ? 23 : 15)] = last_byte;
	return p;
}

struct xdpport_flow_key flow_key_of(const struct flow_tuple *t)
{
	struct xdpport_flow_key k = {
		.local_port = htons(t->local_port), .remote_port = htons(t->remote_port),
		.proto = t->proto == IPPROTO_UDP ? XDPPORT_UDP : XDPPORT_TCP,
		.family = t->v6 ? 6 : 4,
	};

	if (t->v6) {
		inet_pton(AF_INET6, "2001:db8::1", k.local);
		inet_pton(AF_INET6, "2001:db8::2", k.remote);
	} else {
		inet_pton(AF_INET, "198.18.0.1", k.local);
		inet_pton(AF_INET, "198.18.0.2", k.remote);
	}
	return k;
}

int flow_count(void)
{
	struct xdpport_flow_key k, next;
	int n = 0;

	for (void *prev = NULL; !bpf_map_get_next_key(h->flows_fd, prev, &next); prev = &k) {
		k = next;
		n++;
	}
	return n;
}

void flows_forget(void)
{
	struct xdpport_flow_key k;

	while (!bpf_map_get_next_key(h->flows_fd, NULL, &k))
		bpf_map_delete_elem(h->flows_fd, &k);
	memset(h->flowports, 0, sizeof(*h->flowports));
}

void send_out(const struct flow_tuple *t, uint8_t flags)
{
	struct pkt p = flow_frame(t, false, flags), copy = p;
	int ret = harness_run_egress(h, p.data, p.len, 1, NULL);

	if (ret != TC_ACT_UNSPEC || memcmp(&p, &copy, sizeof(p)))
		report(false, "egress returned %d (want TC_ACT_UNSPEC, %d) and left the packet "
		       "as it was", ret, TC_ACT_UNSPEC);
}

bool inbound_gets(const struct pkt *p, int reason)
{
	struct xdpport_totals before, after;
	int got, moved = -1, want = reason & XDPPORT_REASON_DROP ? XDP_DROP : XDP_PASS;

	harness_totals(h, 0, &before);
	got = harness_run(h, p->data, p->len, 1, NULL);
	harness_totals(h, 0, &after);
	for (int r = 0; r < XDPPORT_NREASONS; r++)
		if (after.reason[r].packets != before.reason[r].packets)
			moved = moved == -1 ? r : -2;
	if (got == want && moved == reason)
		return true;
	printf("    verdict %d (want %d), counter moved: %s (want %s)\n", got, want,
	       moved == -2 ? "several" : reason_name(moved), reason_name(reason));
	pkt_hexdump(p->data, p->len, "    ");
	return false;
}

void expect_in(const char *name, const struct pkt *p, int reason)
{
	report(inbound_gets(p, reason), "%s: %s", name, reason_name(reason));
}

void rules_policy_drop(void)
{
	struct rules r;

	rules_init(&r);
	rules_set_policy(&r, PROTOS_ALL, VERDICT_DROP);
	rules_compile(&r, h->rs, NULL);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
