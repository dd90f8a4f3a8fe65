// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Commands that touch interfaces: attach, detach, status. */
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
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
#include "ruleset.h"
#include "xdpport.skel.h"

static struct xdpport_ruleset running;

static const char *mode_name(__u32 flags)
{
	return flags == XDP_FLAGS_SKB_MODE ? "generic" : "native";
}

/* Resolves IFACE in the current network namespace; prints the error on failure. */
static int iface_index(const char *name, const char *what)
{
	int ifindex = if_nametoindex(name);

	if (!ifindex && strlen(name) >= IF_NAMESIZE)
		fail(EXIT_USAGE, what, "'%s' is too long to be an interface name", name);
	else if (!ifindex)
		fail(EXIT_FAIL, what, "no interface named '%s'", name);
	return ifindex;
}

/* The link pinned at `path` if it still holds an interface, else -1 (and the pin of a
 * link whose interface is gone is removed). */
static int open_live_link(const char *path, struct bpf_link_info *info)
{
	__u32 len = sizeof(*info);
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return -1;
	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len) == 0 && info->xdp.ifindex)
		return fd;
	close(fd);
	unlink(path);
	return -1;
}

static __u32 link_prog_id(int link_fd)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(link_fd, &info, &len) ? 0 : info.prog_id;
}

/* Someone else's XDP program on the interface: refuse, or take it off with --replace. */
static int clear_foreign_program(int ifindex, const char *iface, bool replace, const char *what)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	__u32 id = 0;

	if (bpf_xdp_query(ifindex, 0, &q) || q.attach_mode == XDP_ATTACHED_NONE)
		return 0;
	if (!replace)
		return fail(EXIT_FAIL, what,
			    "%s already runs another XDP program (id %u); add --replace to replace it",
			    iface, q.prog_id);
	/* Programs attached through a bpf_link can only be removed through it. */
	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_LINK_TYPE_XDP &&
		    info.xdp.ifindex == (__u32)ifindex)
			bpf_link_detach(fd);
		close(fd);
	}
	bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL);
	if (bpf_xdp_query(ifindex, 0, &q) == 0 && q.attach_mode != XDP_ATTACHED_NONE)
		return fail(EXIT_FAIL, what, "cannot remove the XDP program already on %s", iface);
	return 0;
}

/* A free row of the interface table; the row of a link that is gone is free too. */
static int free_iface_slot(const struct filter *f)
{
	for (__u32 slot = 0; slot < XDPPORT_IFACE_SLOTS; slot++) {
		struct xdpport_iface iface;
		struct bpf_link_info info;
		char path[LINK_PATH_MAX];
		int fd;

		if (bpf_map_lookup_elem(f->ifaces_fd, &slot, &iface) || !iface.ifindex)
			return slot;
		snprintf(path, sizeof(path), "%s/link-%llu-%u", XDPPORT_PIN_DIR,
			 (unsigned long long)iface.netns, iface.ifindex);
		fd = open_live_link(path, &info);
		if (fd < 0)
			return slot;
		close(fd);
	}
	return -1;
}

static int reset_slot_counters(const struct filter *f, __u32 slot)
{
	int ncpus = libbpf_num_possible_cpus();
	struct xdpport_totals zero[ncpus > 0 ? ncpus : 1];

	memset(zero, 0, sizeof(zero));
	return bpf_map_update_elem(f->totals_fd, &slot, zero, BPF_ANY);
}

/* Creates the XDP link in `flags` mode; in auto mode falls back to generic. */
static int create_link(int prog_fd, int ifindex, const char *iface, const char *mode,
		       __u32 *flags, const char *what)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	int fd, native_err;

	*flags = strcmp(mode, "generic") ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
	opts.flags = *flags;
	fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
	if (fd >= 0 || strcmp(mode, "auto"))
		goto out;
	native_err = errno;
	*flags = opts.flags = XDP_FLAGS_SKB_MODE;
	fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
	if (fd >= 0)
		warn("%s: native XDP failed (%s); attached in generic mode, which filters after "
		     "the kernel has allocated each packet and is much slower",
		     iface, native_err == EOPNOTSUPP ? "the driver has no XDP support"
						     : errno_reason(native_err));
out:
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EINVAL) && *flags == XDP_FLAGS_DRV_MODE)
		fail(EXIT_FAIL, what, "%s: the driver does not support native XDP (%s); "
				      "use --mode generic or --mode auto",
		     iface, errno_reason(errno));
	else if (fd < 0)
		fail(EXIT_FAIL, what, "cannot attach to %s: %s", iface, errno_reason(errno));
	return fd;
}

static int attach_locked(struct cmdline *cl, struct filter *f, int ifindex, const char *mode)
{
	const char *iface = cl->argv[0], *what = cl->cmd->name;
	struct xdpport_ruleset open_all;
	struct bpf_link_info info;
	struct xdpport_iface row;
	struct xdpport *skel;
	char path[LINK_PATH_MAX];
	int link_fd, slot, err;
	__u32 flags;

	links_path(path, sizeof(path), ifindex);
	link_fd = open_live_link(path, &info);
	if (link_fd >= 0) {
		close(link_fd);
		printf("xdpport is already attached to %s (program id %u); nothing to do\n", iface,
		       info.prog_id);
		return EXIT_OK;
	}
	err = clear_foreign_program(ifindex, iface, cmd_opt(cl, "replace"), what);
	if (err)
		return err;
	/* Before the attach the interface passes everything. */
	ruleset_reset(&open_all);
	filter_read(f, &running);
	err = guard_check(&open_all, &running, cl->force, what);
	if (err)
		return err;
	slot = free_iface_slot(f);
	if (slot < 0)
		return fail(EXIT_FAIL, what, "already attached to %d interfaces, the most it counts",
			    XDPPORT_IFACE_SLOTS);
	skel = filter_load_program(slot, what);
	if (!skel)
		return EXIT_FAIL;
	link_fd = create_link(bpf_program__fd(skel->progs.xdpport), ifindex, iface, mode, &flags,
			      what);
	err = link_fd < 0 ? EXIT_FAIL : 0;
	if (!err && bpf_obj_pin(link_fd, path))
		err = fail(EXIT_FAIL, what, "cannot pin the link at %s: %s", path,
			   errno_reason(errno));
	if (!err) {
		row = (struct xdpport_iface){ ifindex, flags, links_netns() };
		reset_slot_counters(f, slot);
		bpf_map_update_elem(f->ifaces_fd, &slot, &row, BPF_ANY);
		printf("attached to %s in %s mode (program id %u)\n", iface, mode_name(flags),
		       link_prog_id(link_fd));
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
	ifindex = iface_index(cl->argv[0], cl->cmd->name);
	if (!ifindex)
		return strlen(cl->argv[0]) >= IF_NAMESIZE ? EXIT_USAGE : EXIT_FAIL;
	err = filter_open(&f, FILTER_CREATE | FILTER_LOCK, cl->cmd->name);
	if (err)
		return err;
	err = attach_locked(cl, &f, ifindex, mode);
	filter_close(&f);
	return err;
}

/* Takes the filter off the interface pinned at `pin` and forgets its row. */
static int detach_pin(const struct filter *f, const struct link_pin *pin, const char *what)
{
	int fd = bpf_obj_get(pin->path);

	if (fd >= 0) {
		bpf_link_detach(fd);	/* even if another process still holds the link */
		close(fd);
	}
	if (unlink(pin->path) && errno != ENOENT)
		return fail(EXIT_FAIL, what, "cannot remove %s: %s", pin->path, errno_reason(errno));
	if (f->ifaces_fd >= 0)
		for (__u32 slot = 0; slot < XDPPORT_IFACE_SLOTS; slot++) {
			struct xdpport_iface row;

			if (!bpf_map_lookup_elem(f->ifaces_fd, &slot, &row) &&
			    row.ifindex == (__u32)pin->ifindex && row.netns == pin->netns) {
				row = (struct xdpport_iface){};
				bpf_map_update_elem(f->ifaces_fd, &slot, &row, BPF_ANY);
			}
		}
	return 0;
}

static int detach_all(const struct filter *f, const char *what)
{
	struct link_pin pins[XDPPORT_IFACE_SLOTS * 2];
	int n = links_list(pins, XDPPORT_IFACE_SLOTS * 2), err = 0;

	for (int i = 0; i < n && i < XDPPORT_IFACE_SLOTS * 2; i++)
		err = detach_pin(f, &pins[i], what) ?: err;
	printf("detached from %d interface%s\n", n, n == 1 ? "" : "s");
	return err;
}

int cmd_detach(struct cmdline *cl)
{
	bool all = cmd_opt(cl, "all");
	struct link_pin pin = {};
	struct filter f;
	int err;

	if (all == (cl->argc == 1))
		return usage_error(cl, "name one interface, or --all");
	if (!all) {
		pin.ifindex = iface_index(cl->argv[0], cl->cmd->name);
		if (!pin.ifindex)
			return strlen(cl->argv[0]) >= IF_NAMESIZE ? EXIT_USAGE : EXIT_FAIL;
		pin.netns = links_netns();
		links_path(pin.path, sizeof(pin.path), pin.ifindex);
	}
	/* Detaching must work whatever build pinned the maps: only the directory is needed. */
	err = filter_open(&f, FILTER_LOCK | FILTER_DIR_ONLY, cl->cmd->name);
	if (err == NOT_SET_UP && all) {
		printf("detached from 0 interfaces\n");
		return EXIT_OK;
	}
	if (err == NOT_SET_UP || (!err && !all && access(pin.path, F_OK)))
		err = fail(EXIT_FAIL, cl->cmd->name, "xdpport is not attached to %s", cl->argv[0]);
	if (!err) {
		f.ifaces_fd = bpf_obj_get(XDPPORT_PIN_DIR "/xdpport_ifaces");
		err = all ? detach_all(&f, cl->cmd->name) : detach_pin(&f, &pin, cl->cmd->name);
		if (!err && !all)
			printf("detached from %s\n", cl->argv[0]);
	}
	filter_close(&f);
	return err;
}

struct attachment {
	struct link_pin pin;
	char name[IF_NAMESIZE];	/* empty: not in this network namespace, or gone */
	__u32 prog_id, link_id, mode;
	bool live;
};

static void describe(const struct link_pin *pin, struct attachment *a)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_link_info info;
	int fd;

	memset(a, 0, sizeof(*a));
	a->pin = *pin;
	fd = bpf_obj_get(pin->path);
	if (fd >= 0) {
		__u32 len = sizeof(info);

		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.xdp.ifindex) {
			a->live = true;
			a->prog_id = info.prog_id;
			a->link_id = info.id;
		}
		close(fd);
	}
	if (pin->netns == links_netns() && if_indextoname(pin->ifindex, a->name) &&
	    !bpf_xdp_query(pin->ifindex, 0, &q))
		a->mode = q.attach_mode;
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
		json_bool("attached", a[i].live);
		json_string("mode", a[i].live ? attach_mode_name(a[i].mode) : "none");
		json_uint("program_id", a[i].prog_id);
		json_uint("link_id", a[i].link_id);
		json_object_end();
	}
	json_array_end();
	json_object_begin("policy");
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		json_string(proto_name(p), running.policy[p] ? "drop" : "pass");
	json_object_end();
	json_string("fragments", running.fragments ? "drop" : "pass");
	json_object_begin("rules");
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		json_uint(proto_name(p), ruleset_count(&running, p));
	json_object_end();
	json_bool("rules_set", set_up);
	json_uint("guarded_port", guard_port());
	json_object_end();
}

static void status_text(const struct attachment *a, int n)
{
	if (n == 0)
		printf("not attached to any interface\n");
	for (int i = 0; i < n; i++) {
		if (!a[i].live)
			printf("%-16s gone (interface %d no longer exists)\n",
			       a[i].name[0] ? a[i].name : "-", a[i].pin.ifindex);
		else if (a[i].name[0])
			printf("%-16s %-8s program %u, link %u\n", a[i].name,
			       attach_mode_name(a[i].mode), a[i].prog_id, a[i].link_id);
		else
			printf("%-16s in network namespace %llu: program %u, link %u\n", "-",
			       (unsigned long long)a[i].pin.netns, a[i].prog_id, a[i].link_id);
	}
	printf("policy           tcp %s, udp %s; fragments %s\n",
	       running.policy[XDPPORT_TCP] ? "drop" : "pass",
	       running.policy[XDPPORT_UDP] ? "drop" : "pass", running.fragments ? "drop" : "pass");
	printf("rules            %u tcp, %u udp\n", ruleset_count(&running, XDPPORT_TCP),
	       ruleset_count(&running, XDPPORT_UDP));
	printf("lockout guard    tcp/%u\n", guard_port());
}

int cmd_status(struct cmdline *cl)
{
	struct link_pin pins[XDPPORT_IFACE_SLOTS * 2];
	struct attachment found[XDPPORT_IFACE_SLOTS * 2];
	struct filter f;
	int n, err = filter_open(&f, 0, cl->cmd->name);

	if (err && err != NOT_SET_UP)
		return err;
	if (err == NOT_SET_UP)
		ruleset_reset(&running);
	else
		filter_read(&f, &running);
	filter_close(&f);
	n = links_list(pins, XDPPORT_IFACE_SLOTS * 2);
	if (n > XDPPORT_IFACE_SLOTS * 2)
		n = XDPPORT_IFACE_SLOTS * 2;
	for (int i = 0; i < n; i++)
		describe(&pins[i], &found[i]);
	if (cl->json)
		status_json(found, n, err != NOT_SET_UP);
	else
		status_text(found, n);
	return EXIT_OK;
}
