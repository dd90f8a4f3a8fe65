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
#include "cli_lib.h"
#include "egress.h"
#include "errors.h"
#include "filter.h"
#include "flowtable.h"
#include "guard.h"
#include "iface_name.h"
#include "json.h"
#include "links.h"
#include "netns.h"
#include "limit.h"
#include "ruleset.h"
#include "sources_store.h"
#include "try.h"

#define MAX_PINS (XDPPORT_IFACE_SLOTS * 2)

struct attachment {
	struct link_pin pin;
	char name[IF_NAMESIZE];	/* empty: gone, or its namespace was not found */
	char netns_name[NETNS_NAME_MAX];	/* its /run/netns name, or "" */
	bool here;		/* in this process's network namespace */
	bool live;		/* the link still holds the interface */
	__u32 prog_id, link_id, attach_mode;
	enum egress_kind egress;	/* the flow recorder on its egress */
	__u32 egress_id;
};

static struct xdpport_ruleset nothing_set;
static const struct xdpport_ruleset *running = &nothing_set;
static struct flow_table flows = { .size = XDPPORT_FLOWS_DEFAULT };
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
	a->egress = egress_query(a->pin.ifindex, &a->egress_id);
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
		fd = netns_open(pin->netns, a->netns_name, sizeof(a->netns_name));
		if (fd >= 0)	/* only its name was wanted */
			close(fd);
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

/* What the running ruleset does to a guarded port: "open", or what drops it. */
static const char *guard_verdict(__u16 port)
{
	__u8 entry = running->entry[XDPPORT_TCP][port];

	if (!(entry & XDPPORT_ENTRY_DROP))
		return "open";
	return entry & XDPPORT_ENTRY_RULE ? "dropped by a deny rule" : "dropped by the tcp policy";
}

static const char *source_name(enum guard_source s)
{
	static const char *const names[] = { "ssh_session", "ssh_connection", "sshd_listener",
					     "sshd_config", "default" };

	return names[s];
}

static void guard_json(void)
{
	const struct guarded_port *g;
	int n = guard_ports(&g);
	struct try_state st;

	json_uint("guarded_port", g[0].port);
	json_bool("guard_from_ssh_session",
		  g[0].source == GUARD_SESSION || g[0].source == GUARD_ENVIRONMENT);
	json_array_begin("guard");
	for (int i = 0; i < n; i++) {
		__u8 entry = running->entry[XDPPORT_TCP][g[i].port];

		json_object_begin(NULL);
		json_uint("port", g[i].port);
		json_string("protocol", "tcp");
		json_string("source", source_name(g[i].source));
		if (g[i].pid)
			json_uint("sshd_pid", g[i].pid);
		else
			json_null("sshd_pid");
		if (g[i].client[0])
			json_string("client", g[i].client);
		else
			json_null("client");
		json_bool("open", !(entry & XDPPORT_ENTRY_DROP));
		if (!(entry & XDPPORT_ENTRY_DROP))
			json_null("dropped_by");
		else
			json_string("dropped_by", entry & XDPPORT_ENTRY_RULE ? "rule" : "policy");
		json_object_end();
	}
	json_array_end();
	if (try_pending(&st)) {
		json_object_begin("try");
		json_string("what", st.what);
		json_uint("seconds_left", try_seconds_left(&st));
		json_uint("timer_pid", st.timer_pid);
		json_bool("timer_alive", try_timer_alive(&st));
		json_object_end();
	} else {
		json_null("try");
	}
}

static void guard_text(void)
{
	const struct guarded_port *g;
	int n = guard_ports(&g);
	struct try_state st;
	char last[256];

	for (int i = 0; i < n; i++) {
		char why[128];

		guard_reason(&g[i], why, sizeof(why));
		if (g[i].client[0])
			snprintf(why + strlen(why), sizeof(why) - strlen(why), ", client %s",
				 g[i].client);
		printf("%-12s tcp/%u %s: %s\n", i == 0 ? "guard" : "", g[i].port,
		       guard_verdict(g[i].port), why);
	}
	if (try_pending(&st) && try_timer_alive(&st))
		printf("%-12s '%s' is reverted in %lld s unless 'xdpport confirm' (timer pid %d)\n",
		       "on trial", st.what, try_seconds_left(&st), st.timer_pid);
	else if (try_pending(&st))
		printf("%-12s '%s': its timer (pid %d) is gone; 'xdpport rollback' or "
		       "'xdpport confirm' ends the trial\n",
		       "on trial", st.what, st.timer_pid);
	else if (try_last(last, sizeof(last)))
		printf("%-12s %s\n", "last trial", last);
}

static void status_json(const struct attachment *a, int n, bool set_up)
{
	json_object_begin(NULL);
	json_string("pin_dir", XDPPORT_PIN_DIR);
	json_array_begin("interfaces");
	for (int i = 0; i < n; i++) {
		char name[IFACE_LABEL_MAX];

		/* The name stats gives it too (iface_name.h) */
		iface_label(name, sizeof(name), a[i].name, a[i].pin.ifindex, a[i].pin.netns,
			    a[i].netns_name, a[i].here);
		json_object_begin(NULL);
		json_string("name", name);
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
		json_string("egress", egress_kind_name(a[i].egress));
		json_uint("egress_program_id", a[i].egress_id);
		json_object_end();
	}
	json_array_end();
	json_object_begin("policy");
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		json_string(proto_name(p), verdict_word(running->policy[p]));
	json_object_end();
	json_string("fragments", verdict_word(running->fragments));
	json_bool("replies", running->replies);
	json_object_begin("flows");
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		json_uint(proto_name(p), flows.live[p]);
	json_uint("entries", flows.n);
	json_uint("table_size", flows.size);
	json_object_end();
	json_object_begin("ports_with_rules");
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		json_uint(proto_name(p), ruleset_count(running, p));
	json_object_end();
	json_object_begin("limits");
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		json_uint(proto_name(p), limits_count(running, p));
	json_object_end();
	json_uint("source_rules", sources.nrules);
	json_uint("sets", sources.nsets);
	json_uint("set_prefixes", source_prefixes());
	json_bool("up", set_up);
	guard_json();
	json_object_end();
}

/* Named as stats names it (iface_name.h): eth0, veth1@web, if7@ns4026532210. */
static void print_attachment(const struct attachment *a, const char *label)
{
	char name[IFACE_LABEL_MAX];

	iface_label(name, sizeof(name), a->name, a->pin.ifindex, a->pin.netns, a->netns_name,
		    a->here);
	if (!a->live)
		printf("%-12s %s: gone, the interface was deleted ('xdpport detach --all' "
		       "removes its pin)\n",
		       label, name);
	else if (a->name[0])
		printf("%-12s %s (%s, program %u, link %u; egress %s, program %u)\n", label, name,
		       attach_mode_name(a->attach_mode), a->prog_id, a->link_id,
		       egress_kind_name(a->egress), a->egress_id);
	else
		printf("%-12s %s (program %u, link %u)\n", label, name, a->prog_id, a->link_id);
}

static void status_text(const struct attachment *a, int n)
{
	if (n == 0)
		printf("%-12s none; the rules below are kept, 'xdpport attach IFACE' starts "
		       "filtering\n",
		       "interfaces");
	for (int i = 0; i < n; i++)
		print_attachment(&a[i], i == 0 ? "interfaces" : "");
	printf("%-12s tcp %s, udp %s\n", "policy", verdict_word(running->policy[XDPPORT_TCP]),
	       verdict_word(running->policy[XDPPORT_UDP]));
	printf("%-12s %s\n", "fragments", verdict_word(running->fragments));
	printf("%-12s %s\n", "replies", running->replies ? "on" : "off");
	printf("%-12s %u tcp, %u udp; table %zu of %u entries (%.1f%%)\n", "flows",
	       flows.live[XDPPORT_TCP], flows.live[XDPPORT_UDP], flows.n, flows.size,
	       flows.size ? 100.0 * flows.n / flows.size : 0.0);
	printf("%-12s %u tcp, %u udp ports\n", "rules", ruleset_count(running, XDPPORT_TCP),
	       ruleset_count(running, XDPPORT_UDP));
	printf("%-12s %u tcp, %u udp ports ('xdpport list' shows them)\n", "limits",
	       limits_count(running, XDPPORT_TCP), limits_count(running, XDPPORT_UDP));
	printf("%-12s %zu rules, %zu sets of %zu prefixes\n", "sources", sources.nrules,
	       sources.nsets, source_prefixes());
	guard_text();
}

/* A stable order: by namespace, then ifindex. */
static int by_netns_ifindex(const void *a, const void *b)
{
	const struct link_pin *x = a, *y = b;

	if (x->netns != y->netns)
		return x->netns < y->netns ? -1 : 1;
	return x->ifindex - y->ifindex;
}

static int cmd_status(struct cmdline *cl)
{
	static struct link_pin pins[MAX_PINS];
	static struct attachment found[MAX_PINS];
	__u64 here = links_netns();
	struct filter f;
	char why[256];
	int n, err = cli_filter_open(&f, 0, cl->cmd->name);

	if (err && err != NOT_SET_UP)
		return err;
	if (err == NOT_SET_UP)
		ruleset_reset(&nothing_set);
	else
		running = filter_live(&f);
	if (err != NOT_SET_UP && cli_flowtable_read(&f, &flows, false, cl->cmd->name)) {
		filter_close(&f);
		return EXIT_FAIL;
	}
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

const struct command cmd_status_def = {
	.name = "status", .run = cmd_status, .min_args = 0, .max_args = 0,
	.args = "",
	.summary = "show interfaces, modes, programs, replies, flows and rule counts",
	.takes = TAKES_JSON,
	.help = "Prints the interfaces the filter is attached to (those in other network\n"
		"namespaces too), the mode and program of each and its egress program (tcx or\n"
		"tc), the policies, replies on or off, the flows per protocol and how full the\n"
		"flow table is, how many ports have rules and limits, every port the lockout\n"
		"guard protects (why, and whether the running rules pass it or what drops it),\n"
		"and a change on trial (--try) with the seconds left before it is reverted.\n",
};
