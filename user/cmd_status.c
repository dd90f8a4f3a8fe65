// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* status: where the filter is attached, in which mode, and the ruleset in short. */
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "errors.h"
#include "filter.h"
#include "guard.h"
#include "json.h"
#include "links.h"
#include "netns.h"
#include "ruleset.h"
#include "sources_store.h"

#define MAX_PINS (XDPPORT_IFACE_SLOTS * 2)

struct attachment {
	struct link_pin pin;
	char name[IF_NAMESIZE];	/* empty: gone, or its namespace was not found */
	char netns_name[64];	/* its /run/netns name, when in another named namespace */
	bool here;		/* in this process's network namespace */
	bool live;		/* the link still holds the interface */
	__u32 prog_id, link_id, attach_mode;
};

static struct xdpport_ruleset nothing_set;
static const struct xdpport_ruleset *running = &nothing_set;
static struct sources sources;	/* the running ruleset's source rules and sets */

static size_t source_prefixes(void)
{
	size_t n = 0;

	for (size_t i = 0; i < sources.nsets; i++)
		n += sources.set[i].n;
	return n;
}

/* Names the interface and reads its XDP mode, in whatever namespace we are in now. */
static void look_up_iface(struct attachment *a)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (!if_indextoname(a->pin.ifindex, a->name))
		a->name[0] = '\0';
	else if (!bpf_xdp_query(a->pin.ifindex, 0, &q))
		a->attach_mode = q.attach_mode;
}

static void describe(const struct link_pin *pin, __u64 here, struct attachment *a)
{
	struct bpf_link_info info;
	int fd;

	memset(a, 0, sizeof(*a));
	a->pin = *pin;
	a->here = pin->netns == here;
	fd = links_open_live(pin->path, &info);
	if (fd >= 0) {
		a->live = true;
		a->prog_id = info.prog_id;
		a->link_id = info.id;
		close(fd);
	}
	if (!a->live)
		return;
	if (a->here) {
		look_up_iface(a);
		return;
	}
	/* Interfaces in other namespaces: step in to name them. */
	fd = netns_open(pin->netns, a->netns_name, sizeof(a->netns_name));
	if (fd >= 0) {
		int saved = netns_enter(fd);

		if (saved >= 0) {
			look_up_iface(a);
			netns_leave(saved);
		}
		close(fd);
	}
}

static const char *attach_mode_name(__u32 mode)
{
	switch (mode) {
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "generic";
	case XDP_ATTACHED_HW:
		return "offload";
	default:
		return "unknown";
	}
}

static const char *verdict_word(__u8 v)
{
	return v ? "drop" : "pass";
}

static void status_json(const struct attachment *a, int n, bool set_up)
{
	json_object_begin(NULL);
	json_string("pin_dir", XDPPORT_PIN_DIR);
	json_array_begin("interfaces");
	for (int i = 0; i < n; i++) {
		json_object_begin(NULL);
		if (a[i].name[0])
			json_string("name", a[i].name);
		else
			json_null("name");
		json_uint("ifindex", a[i].pin.ifindex);
		json_uint("netns", a[i].pin.netns);
		if (a[i].netns_name[0])
			json_string("netns_name", a[i].netns_name);
		else
			json_null("netns_name");
		json_bool("this_netns", a[i].here);
		json_bool("attached", a[i].live);
		json_string("mode", a[i].live ? attach_mode_name(a[i].attach_mode) : "none");
		json_uint("program_id", a[i].prog_id);
		json_uint("link_id", a[i].link_id);
		json_object_end();
	}
	json_array_end();
	json_object_begin("policy");
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		json_string(proto_name(p), verdict_word(running->policy[p]));
	json_object_end();
	json_string("fragments", verdict_word(running->fragments));
	json_object_begin("rules");
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		json_uint(proto_name(p), ruleset_count(running, p));
	json_object_end();
	json_uint("source_rules", sources.nrules);
	json_uint("sets", sources.nsets);
	json_uint("set_prefixes", source_prefixes());
	json_bool("rules_set", set_up);
	json_uint("guarded_port", guard_port());
	json_bool("guard_from_ssh_session", guard_from_session());
	json_object_end();
}

static void print_attachment(const struct attachment *a, const char *label)
{
	char where[96] = "";

	if (!a->here && a->netns_name[0])
		snprintf(where, sizeof(where), " in netns %s", a->netns_name);
	else if (!a->here)
		snprintf(where, sizeof(where), " in netns %llu", (unsigned long long)a->pin.netns);
	if (!a->live)
		printf("%-12s ifindex %d%s: gone, the interface was deleted ('xdpport detach "
		       "--all' removes its pin)\n",
		       label, a->pin.ifindex, where);
	else if (a->name[0])
		printf("%-12s %s%s (%s, program %u, link %u)\n", label, a->name, where,
		       attach_mode_name(a->attach_mode), a->prog_id, a->link_id);
	else
		printf("%-12s ifindex %d%s (program %u, link %u)\n", label, a->pin.ifindex, where,
		       a->prog_id, a->link_id);
}

static void status_text(const struct attachment *a, int n)
{
	if (n == 0)
		printf("%-12s nothing; the rules below are kept, 'xdpport attach IFACE' starts "
		       "filtering\n",
		       "attached to");
	for (int i = 0; i < n; i++)
		print_attachment(&a[i], i == 0 ? "attached to" : "");
	printf("%-12s tcp %s, udp %s\n", "policy", verdict_word(running->policy[XDPPORT_TCP]),
	       verdict_word(running->policy[XDPPORT_UDP]));
	printf("%-12s %s\n", "fragments", verdict_word(running->fragments));
	printf("%-12s %u tcp, %u udp ports\n", "rules", ruleset_count(running, XDPPORT_TCP),
	       ruleset_count(running, XDPPORT_UDP));
	printf("%-12s %zu rules, %zu sets of %zu prefixes\n", "sources", sources.nrules,
	       sources.nsets, source_prefixes());
	printf("%-12s tcp/%u stays open (%s; --force overrides)\n", "guard", guard_port(),
	       guard_from_session() ? "the port of this SSH session" : "SSH");
}

/* A stable order: by namespace, then ifindex. */
static int by_netns_ifindex(const void *a, const void *b)
{
	const struct link_pin *x = a, *y = b;

	if (x->netns != y->netns)
		return x->netns < y->netns ? -1 : 1;
	return x->ifindex - y->ifindex;
}

int cmd_status(struct cmdline *cl)
{
	static struct link_pin pins[MAX_PINS];
	static struct attachment found[MAX_PINS];
	__u64 here = links_netns();
	struct filter f;
	char why[256];
	int n, err = filter_open(&f, 0, cl->cmd->name);

	if (err && err != NOT_SET_UP)
		return err;
	if (err == NOT_SET_UP)
		ruleset_reset(&nothing_set);
	else
		running = filter_live(&f);
	if (sources_load(running, &sources, why, sizeof(why))) {
		filter_close(&f);
		return fail(EXIT_FAIL, cl->cmd->name, "%s", why);
	}
	n = links_list(pins, MAX_PINS);
	if (n > MAX_PINS)
		n = MAX_PINS;
	qsort(pins, n, sizeof(pins[0]), by_netns_ifindex);
	for (int i = 0; i < n; i++)
		describe(&pins[i], here, &found[i]);
	if (cl->json)
		status_json(found, n, err != NOT_SET_UP);
	else
		status_text(found, n);
	sources_free(&sources);
	filter_close(&f);
	return EXIT_OK;
}
