// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Commands that put the filter on interfaces and take it off: attach, detach. */
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "caps.h"
#include "cli.h"
#include "cli_lib.h"
#include "egress.h"
#include "errors.h"
#include "filter.h"
#include "guard.h"
#include "iface_name.h"
#include "json.h"
#include "links.h"
#include "ruleset.h"
#include "try.h"
#include "xdpport.skel.h"

static const char *mode_name(__u32 attach_mode)
{
	return attach_mode == XDP_ATTACHED_SKB ? "generic" : "native";
}

/* Attaching and detaching need CAP_NET_ADMIN on top of what every command needs. */
static int check_privileges(const char *what)
{
	const char *missing = caps_missing(true);

	return missing ? fail(EXIT_FAIL, what, PRIVILEGES_MISSING, missing) : 0;
}

/* The kernel's rule for a device name (dev_valid_name()): one that breaks it names no
 * interface anywhere, a usage error. Prints why and returns EXIT_USAGE, or 0. */
static int check_iface_name(const char *name, const char *what)
{
	if (!name[0])
		return fail(EXIT_USAGE, what, "an interface name cannot be empty");
	if (strlen(name) >= IF_NAMESIZE)
		return fail(EXIT_USAGE, what, "'%s' is too long to be an interface name (%d bytes "
			    "at most)", name, IF_NAMESIZE - 1);
	if (!strcmp(name, ".") || !strcmp(name, "..") || strpbrk(name, "/: \t\n\v\f\r"))
		return fail(EXIT_USAGE, what, "'%s' cannot be an interface name (no '/', ':' or "
			    "spaces; not . or ..)", name);
	return 0;
}

static int no_such_iface(const char *name, const char *what)
{
	return fail(EXIT_FAIL, what, "no interface named '%s' in this network namespace", name);
}

/* Resolves IFACE (a valid name) in the current network namespace; prints the error
 * and returns 0 when there is none. */
static int iface_index(const char *name, const char *what)
{
	int ifindex = if_nametoindex(name);

	if (!ifindex)
		no_such_iface(name, what);
	return ifindex;
}

/* The XDP program on the interface, if any: its id and how it is attached. */
static bool xdp_program(int ifindex, struct bpf_xdp_query_opts *q, __u32 *id)
{
	memset(q, 0, sizeof(*q));
	q->sz = sizeof(*q);
	if (bpf_xdp_query(ifindex, 0, q) || q->attach_mode == XDP_ATTACHED_NONE)
		return false;
	*id = q->prog_id ?: q->drv_prog_id ?: q->skb_prog_id ?: q->hw_prog_id;
	return true;
}

static bool is_program_of(const struct bpf_xdp_query_opts *q, __u32 prog_id)
{
	return prog_id && (prog_id == q->prog_id || prog_id == q->drv_prog_id ||
			   prog_id == q->skb_prog_id || prog_id == q->hw_prog_id);
}

/* Takes another tool's XDP program off the interface (for --replace). */
static int remove_foreign_program(int ifindex, const char *iface, const char *what)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	__u32 id = 0, prog_id;

	if (!xdp_program(ifindex, &q, &prog_id))
		return 0;
	/* A program attached through a bpf_link can only be removed through its link.
	 * Link info names the ifindex but not its namespace: match the program id too. */
	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_LINK_TYPE_XDP &&
		    info.xdp.ifindex == (__u32)ifindex && is_program_of(&q, info.prog_id))
			bpf_link_detach(fd);
		close(fd);
	}
	bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL);
	if (xdp_program(ifindex, &q, &prog_id))
		return fail(EXIT_FAIL, what, "cannot remove XDP program %u from %s", prog_id, iface);
	return 0;
}

/* Clears the rows of interfaces whose link is gone (deleted interfaces, detached
 * links), so that they are free again and `stats` stops listing them. */
static void forget_dead_rows(int ifaces_fd)
{
	for (__u32 slot = 0; ifaces_fd >= 0 && slot < XDPPORT_IFACE_SLOTS; slot++) {
		struct xdpport_iface row;
		struct bpf_link_info info;
		char path[LINK_PATH_MAX];
		int fd;

		if (bpf_map_lookup_elem(ifaces_fd, &slot, &row) || !row.ifindex)
			continue;
		snprintf(path, sizeof(path), "%s/link-%llu-%u", XDPPORT_PIN_DIR,
			 (unsigned long long)row.netns, row.ifindex);
		fd = links_open_live(path, &info);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		row = (struct xdpport_iface){};
		bpf_map_update_elem(ifaces_fd, &slot, &row, BPF_ANY);
	}
}

static int free_iface_slot(const struct filter *f)
{
	forget_dead_rows(f->fd[MAP_IFACES]);
	for (__u32 slot = 0; slot < XDPPORT_IFACE_SLOTS; slot++) {
		struct xdpport_iface row;

		if (bpf_map_lookup_elem(f->fd[MAP_IFACES], &slot, &row) || !row.ifindex)
			return slot;
	}
	return -1;
}

static int reset_slot_counters(const struct filter *f, __u32 slot)
{
	int ncpus = libbpf_num_possible_cpus();
	struct xdpport_totals zero[ncpus > 0 ? ncpus : 1];

	memset(zero, 0, sizeof(zero));
	return bpf_map_update_elem(f->fd[MAP_TOTALS], &slot, zero, BPF_ANY);
}

/* Creates the XDP link in `mode`; auto tries native, then generic with a warning. */
static int create_link(int prog_fd, int ifindex, const char *iface, const char *mode,
		       const char *what)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	bool generic = !strcmp(mode, "generic");
	int fd, native_err;

	opts.flags = generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
	if (fd >= 0)
		return fd;
	native_err = errno;
	if (!strcmp(mode, "auto")) {
		opts.flags = XDP_FLAGS_SKB_MODE;
		fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
		if (fd >= 0) {
			warn("%s: native XDP failed (%s); attached in generic mode, which filters "
			     "after the kernel has allocated each packet and is much slower",
			     iface, native_err == EOPNOTSUPP ? "the driver has no XDP support"
							     : errno_reason(native_err));
			return fd;
		}
	} else if (!generic && (native_err == EOPNOTSUPP || native_err == EINVAL)) {
		fail(EXIT_FAIL, what, "%s has no native XDP support (%s); use --mode generic or "
				      "--mode auto",
		     iface, errno_reason(native_err));
		return -1;
	}
	fail(EXIT_FAIL, what, "cannot attach to %s: %s", iface, errno_reason(errno));
	return -1;
}

/* What --replace took off the interface: id 0 for nothing. */
struct replaced {
	__u32 id;
	char name[BPF_OBJ_NAME_LEN];
};

static void print_attached(const struct cmdline *cl, int ifindex, __u32 attach_mode,
			   __u32 prog_id, bool already, const struct replaced *old)
{
	const char *iface = cl->argv[0];
	__u32 egress_id;
	enum egress_kind egress = egress_query(ifindex, &egress_id);

	if (cl->json) {
		json_object_begin(NULL);
		json_string("name", iface);
		json_uint("ifindex", ifindex);
		json_string("mode", mode_name(attach_mode));
		json_uint("program_id", prog_id);
		json_string("egress", egress_kind_name(egress));
		json_uint("egress_program_id", egress_id);
		json_bool("already_attached", already);
		if (old->id) {
			json_object_begin("replaced");
			json_uint("program_id", old->id);
			json_string("program_name", old->name);
			json_object_end();
		} else {
			json_null("replaced");
		}
		json_object_end();
	} else if (already) {
		printf("xdpport is already attached to %s (%s mode, program id %u; egress %s, "
		       "program id %u): nothing to do\n",
		       iface, mode_name(attach_mode), prog_id, egress_kind_name(egress), egress_id);
	} else if (old->id) {
		printf("attached to %s in %s mode (program id %u; egress %s, program id %u), "
		       "replacing XDP program %u (%s)\n",
		       iface, mode_name(attach_mode), prog_id, egress_kind_name(egress), egress_id,
		       old->id, old->name[0] ? old->name : "no name");
	} else {
		printf("attached to %s in %s mode (program id %u; egress %s, program id %u)\n",
		       iface, mode_name(attach_mode), prog_id, egress_kind_name(egress), egress_id);
	}
}

/* Loopback carries the host's own traffic, so filtering it surprises: local DNS. */
static void warn_if_loopback(const char *iface)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	if (fd >= 0 && !ioctl(fd, SIOCGIFFLAGS, &ifr) && (ifr.ifr_flags & IFF_LOOPBACK))
		warn("%s is loopback: the rules now filter this host's own connections, replies "
		     "to their ephemeral ports included; under 'policy drop udp' local DNS "
		     "(127.0.0.53) stops answering", iface);
	if (fd >= 0)
		close(fd);
}

/* The name of program `id`, for saying what --replace replaced. */
static void program_name(__u32 id, char name[BPF_OBJ_NAME_LEN])
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	name[0] = '\0';
	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
		snprintf(name, BPF_OBJ_NAME_LEN, "%s", info.name);
	if (fd >= 0)
		close(fd);
}

/* Attaching twice is harmless, unless a different mode was asked for. */
static int already_attached(const struct cmdline *cl, int ifindex, const char *mode,
			    __u32 prog_id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	const char *iface = cl->argv[0];
	__u32 id;

	xdp_program(ifindex, &q, &id);
	if (strcmp(mode, "auto") && strcmp(mode, mode_name(q.attach_mode)))
		return fail(EXIT_FAIL, cl->cmd->name,
			    "%s already runs xdpport in %s mode; 'xdpport detach %s' first to "
			    "attach in %s mode",
			    iface, mode_name(q.attach_mode), iface, mode);
	print_attached(cl, ifindex, q.attach_mode, prog_id, true, &(struct replaced){});
	return EXIT_OK;
}

/* An interface with our XDP program but no egress program (someone removed it with
 * tc or bpftool) gets it back: replies would drop without it. */
static int repair_egress(int ifindex, const char *iface,
			 const char *what)
{
	struct xdpport *skel;
	__u32 id;
	int err;

	if (egress_query(ifindex, &id) != EGRESS_NONE)
		return 0;
	skel = cli_filter_load_program(0, what);
	if (!skel)
		return EXIT_FAIL;
	err = cli_egress_attach(bpf_program__fd(skel->progs.xdpport_egress), ifindex, iface, what);
	xdpport__destroy(skel);
	return err;
}

static int attach_locked(struct cmdline *cl, struct filter *f, int ifindex, const char *mode)
{
	const char *iface = cl->argv[0], *what = cl->cmd->name;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	static struct xdpport_ruleset open_all;
	struct bpf_link_info info;
	struct xdpport_iface row;
	struct xdpport *skel;
	char path[LINK_PATH_MAX], guard_what[64];
	struct replaced old = {};
	int link_fd, slot, err;
	bool egress_on;
	__u32 foreign_id;

	links_path(path, sizeof(path), ifindex);
	link_fd = links_open_live(path, &info);
	if (link_fd >= 0) {
		close(link_fd);
		err = repair_egress(ifindex, iface, what);
		return err ?: already_attached(cl, ifindex, mode, info.prog_id);
	}
	unlink(path);	/* the pin of a deleted interface whose ifindex came back */
	if (xdp_program(ifindex, &q, &foreign_id) && !cmd_opt(cl, "replace"))
		return fail(EXIT_FAIL, what,
			    "%s already runs another XDP program (id %u); add --replace to "
			    "replace it",
			    iface, foreign_id);
	if (xdp_program(ifindex, &q, &old.id))
		program_name(old.id, old.name);
	/* Before the attach the interface passes everything. */
	ruleset_reset(&open_all);
	snprintf(guard_what, sizeof(guard_what), "attach %s", iface);
	err = guard_check(&open_all, filter_live(f), cl->force, guard_what);
	if (!err)
		err = try_arm(cl, NULL, NULL, path);	/* its rollback removes the link */
	if (err)
		return err;
	slot = free_iface_slot(f);
	if (slot < 0)
		return fail(EXIT_FAIL, what, "already attached to %d interfaces, the most it counts",
			    XDPPORT_IFACE_SLOTS);
	/* Load first: if that fails, any program already there stays in place. */
	skel = cli_filter_load_program(slot, what);
	if (!skel)
		return EXIT_FAIL;
	/* The row and zeroed counters are in place before the first frame counts. */
	reset_slot_counters(f, slot);
	row = (struct xdpport_iface){ ifindex, XDP_FLAGS_DRV_MODE, links_netns() };
	bpf_map_update_elem(f->fd[MAP_IFACES], &slot, &row, BPF_ANY);
	/* The flow recorder first: without it, replies would drop. If anything after it
	 * fails, it goes again, and the interface is as it was. */
	err = cli_egress_attach(bpf_program__fd(skel->progs.xdpport_egress), ifindex, iface, what);
	egress_on = !err;
	if (!err)
		err = remove_foreign_program(ifindex, iface, what);
	link_fd = err ? -1 : create_link(bpf_program__fd(skel->progs.xdpport), ifindex, iface,
					 mode, what);
	if (!err && link_fd < 0)
		err = EXIT_FAIL;
	if (!err && bpf_obj_pin(link_fd, path))
		err = fail(EXIT_FAIL, what, "cannot pin the link at %s: %s", path,
			   errno_reason(errno));
	if (err && egress_on)
		cli_egress_detach(links_netns(), ifindex, what);
	if (!err) {
		__u32 id;

		xdp_program(ifindex, &q, &id);
		if (q.attach_mode == XDP_ATTACHED_SKB) {
			row.mode = XDP_FLAGS_SKB_MODE;
			bpf_map_update_elem(f->fd[MAP_IFACES], &slot, &row, BPF_ANY);
		}
		print_attached(cl, ifindex, q.attach_mode, id, false, &old);
		warn_if_loopback(iface);
	} else {
		row = (struct xdpport_iface){};
		bpf_map_update_elem(f->fd[MAP_IFACES], &slot, &row, BPF_ANY);
		try_disarm(cl);
	}
	if (link_fd >= 0)
		close(link_fd);	/* the pin keeps the link, or nothing does if it failed */
	xdpport__destroy(skel);
	return err;
}

int cmd_attach(struct cmdline *cl)
{
	const char *mode = cmd_opt(cl, "mode");
	struct filter f;
	int ifindex, err;

	if (!mode)
		mode = "auto";
	if (strcmp(mode, "auto") && strcmp(mode, "native") && strcmp(mode, "generic"))
		return usage_error(cl, "mode must be auto, native or generic, not '%s'", mode);
	if (check_iface_name(cl->argv[0], cl->cmd->name))
		return EXIT_USAGE;
	if (check_privileges(cl->cmd->name))
		return EXIT_FAIL;
	ifindex = iface_index(cl->argv[0], cl->cmd->name);
	if (!ifindex)
		return EXIT_FAIL;
	err = cli_filter_open(&f, FILTER_CREATE | FILTER_LOCK, cl->cmd->name);
	if (err)
		return err;
	err = attach_locked(cl, &f, ifindex, mode);
	if (err && f.created)
		cli_filter_purge_locked(&f, cl->cmd->name);	/* leave no trace of a failed attach */
	filter_close(&f);
	return try_done(cl, err);
}

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

	if (!cl->json && xdp_program(ifindex, &q, &id))
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
		return no_such_iface(iface, cl->cmd->name);
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

int cmd_detach(struct cmdline *cl)
{
	bool all = cmd_opt(cl, "all");
	struct filter f;
	int err;

	if (all == (cl->argc == 1))
		return usage_error(cl, "name one interface, or --all");
	if (!all && check_iface_name(cl->argv[0], cl->cmd->name))
		return EXIT_USAGE;
	if (check_privileges(cl->cmd->name))
		return EXIT_FAIL;
	/* Detaching must work whatever build pinned the maps: only the directory is needed,
	 * and the interface table only if it has the shape this build knows. */
	err = cli_filter_open(&f, FILTER_LOCK | FILTER_DIR_ONLY, cl->cmd->name);
	if (err == NOT_SET_UP && all) {
		print_detached(cl, 0, 0);
		return EXIT_OK;
	}
	if (err == NOT_SET_UP) {
		int ifindex = iface_index(cl->argv[0], cl->cmd->name);

		return ifindex ? not_attached(cl, ifindex, 0) : EXIT_FAIL;
	}
	if (err)
		return err;
	err = all ? detach_all(cl) : detach_one(cl);
	egress_prune();
	f.fd[MAP_IFACES] = filter_map_fd("xdpport_ifaces");
	forget_dead_rows(f.fd[MAP_IFACES]);
	filter_close(&f);
	return err;
}
