// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpport detach: takes the filter off an interface, or off all of them. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "cli_lib.h"
#include "egress.h"
#include "errors.h"
#include "filter.h"
#include "iface_arg.h"
#include "iface_name.h"
#include "iface_slots.h"
#include "json.h"
#include "links.h"
#include "xdp_link.h"

/* Takes the filter off the interface pinned at `pin`; its row is forgotten after. */
static int detach_pin(const struct link_pin *pin, const char *what)
{
	int fd = bpf_obj_get(pin->path);

	if (fd >= 0) {
		bpf_link_detach(fd);	/* even if another process still holds the link */
		close(fd);
	}
	if (unlink(pin->path) && errno != ENOENT)
		return fail(EXIT_FAIL, what, "cannot remove %s: %s", pin->path, errno_reason(errno));
	return cli_egress_detach(pin->netns, pin->ifindex, what);
}

static void print_detached(const struct cmdline *cl, int detached, int stale)
{
	if (cl->json) {
		json_object_begin(NULL);
		if (!cmd_opt(cl, "all"))
			json_string("name", cl->argv[0]);
		json_uint("detached", detached);
		json_uint("stale_pins_removed", stale);
		json_object_end();
		return;
	}
	if (cmd_opt(cl, "all"))
		printf("detached from %d interface%s\n", detached, detached == 1 ? "" : "s");
	else if (detached)
		printf("detached from %s\n", cl->argv[0]);
	if (stale)
		printf("removed %d pin%s left by deleted interfaces\n", stale, stale == 1 ? "" : "s");
}

static int detach_all(const struct cmdline *cl)
{
	struct link_pin pins[XDPPORT_IFACE_SLOTS * 2];
	int stale = links_prune(), n, err = 0;

	n = links_list(pins, XDPPORT_IFACE_SLOTS * 2);
	for (int i = 0; i < n && i < XDPPORT_IFACE_SLOTS * 2; i++)
		err = detach_pin(&pins[i], cl->cmd->name) ?: err;
	print_detached(cl, n, stale);
	return err;
}

/* Where xdpport runs on an interface named `iface` in another network namespace:
 * writes "nsenter --net=/run/netns/web " (or "") into `enter`; false when nowhere. */
static bool attached_elsewhere(const char *iface, char *label, size_t label_len, char *enter,
			       size_t enter_len)
{
	struct link_pin pins[XDPPORT_IFACE_SLOTS * 2];
	int n = links_list(pins, XDPPORT_IFACE_SLOTS * 2);
	__u64 here = links_netns();

	for (int i = 0; i < n && i < XDPPORT_IFACE_SLOTS * 2; i++) {
		char name[IF_NAMESIZE], netns_name[NETNS_NAME_MAX];
		struct bpf_link_info info;
		int fd;

		if (pins[i].netns == here || (fd = links_open_live(pins[i].path, &info)) < 0)
			continue;
		close(fd);
		iface_lookup(pins[i].netns, pins[i].ifindex, name, netns_name);
		if (strcmp(name, iface))
			continue;
		iface_label(label, label_len, name, pins[i].ifindex, pins[i].netns, netns_name,
			    false);
		if (netns_name[0])
			snprintf(enter, enter_len, "nsenter --net=/run/netns/%s ", netns_name);
		else
			enter[0] = '\0';
		return true;
	}
	return false;
}

/* Detaching an interface xdpport is not on is harmless: say so, and what is there. */
static int not_attached(const struct cmdline *cl, int ifindex, int stale)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	__u32 id;

	if (!cl->json && xdp_query(ifindex, &q, &id))
		printf("xdpport is not attached to %s (it runs another XDP program, id %u, which "
		       "xdpport leaves alone)\n",
		       cl->argv[0], id);
	else if (!cl->json)
		printf("xdpport is not attached to %s: nothing to do\n", cl->argv[0]);
	print_detached(cl, 0, stale);
	return EXIT_OK;
}

static int detach_one(const struct cmdline *cl)
{
	const char *iface = cl->argv[0];
	int stale = links_prune(), ifindex = if_nametoindex(iface);
	struct bpf_link_info info;
	struct link_pin pin = {};
	int fd;

	if (!ifindex) {
		char label[IFACE_LABEL_MAX], enter[NETNS_NAME_MAX + 32];

		/* The same error with or without stale pins; those go on the way. */
		if (stale && !cl->json)
			printf("removed %d pin%s left by deleted interfaces\n", stale,
			       stale == 1 ? "" : "s");
		fflush(stdout);	/* before the error line, where both go to one place */
		if (attached_elsewhere(iface, label, sizeof(label), enter, sizeof(enter)))
			return fail(EXIT_FAIL, cl->cmd->name,
				    "no interface named '%s' in this network namespace; xdpport is "
				    "attached to %s: '%sxdpport detach %s' there, or 'xdpport "
				    "detach --all' from anywhere",
				    iface, label, enter, iface);
		return iface_arg_unknown(iface, cl->cmd->name);
	}
	pin.ifindex = ifindex;
	pin.netns = links_netns();
	links_path(pin.path, sizeof(pin.path), ifindex);
	fd = links_open_live(pin.path, &info);
	if (fd < 0) {
		cli_egress_detach(pin.netns, ifindex, cl->cmd->name);	/* no XDP: no recorder */
		return not_attached(cl, ifindex, stale);
	}
	close(fd);
	if (detach_pin(&pin, cl->cmd->name))
		return EXIT_FAIL;
	print_detached(cl, 1, stale);
	return EXIT_OK;
}

static int cmd_detach(struct cmdline *cl)
{
	bool all = cmd_opt(cl, "all");
	struct filter f;
	int err;

	if (all == (cl->argc == 1))
		return usage_error(cl, "name one interface, or --all");
	if (!all && iface_arg_valid(cl->argv[0], cl->cmd->name))
		return EXIT_USAGE;
	if (iface_arg_privileges(cl->cmd->name))
		return EXIT_FAIL;
	/* Detaching must work whatever build pinned the maps: only the directory is needed,
	 * and the interface table only if it has the shape this build knows. */
	err = cli_filter_open(&f, FILTER_LOCK | FILTER_DIR_ONLY, cl->cmd->name);
	if (err == NOT_SET_UP && all) {
		print_detached(cl, 0, 0);
		return EXIT_OK;
	}
	if (err == NOT_SET_UP) {
		int ifindex = iface_arg_index(cl->argv[0], cl->cmd->name);

		return ifindex ? not_attached(cl, ifindex, 0) : EXIT_FAIL;
	}
	if (err)
		return err;
	err = all ? detach_all(cl) : detach_one(cl);
	egress_prune();
	f.fd[MAP_IFACES] = filter_map_fd("xdpport_ifaces");
	iface_slots_forget_dead(f.fd[MAP_IFACES]);
	filter_close(&f);
	return err;
}

const struct command cmd_detach_def = {
	.name = "detach", .run = cmd_detach, .min_args = 0, .max_args = 1,
	.args = "IFACE | --all",
	.summary = "remove the filter from an interface",
	.options = {
		{ "all", OPT_FLAG, "--all  from every interface" },
	},
	.takes = TAKES_JSON,
	.help = "Takes the filter off IFACE, or off every interface with --all. The rules stay\n"
		"(see 'xdpport list') until 'xdpport flush', and the next attach uses them.\n"
		"Detaching an interface the filter is not on is harmless; pins left behind by\n"
		"deleted interfaces are removed on the way. A name with no interface in this\n"
		"network namespace is an error, which says where the filter runs on one of that\n"
		"name in another namespace.\n"
		"\n"
		"Examples:\n"
		"  xdpport detach eth0\n"
		"  xdpport detach --all\n",
};
