// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpport attach: puts the filter on an interface. */
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

#include "cli.h"
#include "cli_lib.h"
#include "egress.h"
#include "errors.h"
#include "filter.h"
#include "guard.h"
#include "help_text.h"
#include "iface_arg.h"
#include "iface_slots.h"
#include "json.h"
#include "links.h"
#include "ruleset.h"
#include "try.h"
#include "xdp_link.h"
#include "xdpport.skel.h"

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
		json_string("mode", xdp_mode_name(attach_mode));
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
		       iface, xdp_mode_name(attach_mode), prog_id, egress_kind_name(egress), egress_id);
	} else if (old->id) {
		printf("attached to %s in %s mode (program id %u; egress %s, program id %u), "
		       "replacing XDP program %u (%s)\n",
		       iface, xdp_mode_name(attach_mode), prog_id, egress_kind_name(egress), egress_id,
		       old->id, old->name[0] ? old->name : "no name");
	} else {
		printf("attached to %s in %s mode (program id %u; egress %s, program id %u)\n",
		       iface, xdp_mode_name(attach_mode), prog_id, egress_kind_name(egress), egress_id);
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

/* Attaching twice is harmless, unless a different mode was asked for. */
static int already_attached(const struct cmdline *cl, int ifindex, const char *mode,
			    __u32 prog_id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	const char *iface = cl->argv[0];
	__u32 id;

	xdp_query(ifindex, &q, &id);
	if (strcmp(mode, "auto") && strcmp(mode, xdp_mode_name(q.attach_mode)))
		return fail(EXIT_FAIL, cl->cmd->name,
			    "%s already runs xdpport in %s mode; 'xdpport detach %s' first to "
			    "attach in %s mode",
			    iface, xdp_mode_name(q.attach_mode), iface, mode);
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
	if (xdp_query(ifindex, &q, &foreign_id) && !cmd_opt(cl, "replace"))
		return fail(EXIT_FAIL, what,
			    "%s already runs another XDP program (id %u); add --replace to "
			    "replace it",
			    iface, foreign_id);
	if (xdp_query(ifindex, &q, &old.id))
		xdp_program_name(old.id, old.name);
	/* Before the attach the interface passes everything. */
	ruleset_reset(&open_all);
	snprintf(guard_what, sizeof(guard_what), "attach %s", iface);
	err = guard_check(&open_all, filter_live(f), cl->force, guard_what);
	if (!err)
		err = try_arm(cl, NULL, NULL, path);	/* its rollback removes the link */
	if (err)
		return err;
	slot = iface_slots_free(f);
	if (slot < 0)
		return fail(EXIT_FAIL, what, "already attached to %d interfaces, the most it counts",
			    XDPPORT_IFACE_SLOTS);
	/* Load first: if that fails, any program already there stays in place. */
	skel = cli_filter_load_program(slot, what);
	if (!skel)
		return EXIT_FAIL;
	/* The row and zeroed counters are in place before the first frame counts. */
	iface_slots_reset_counters(f, slot);
	row = (struct xdpport_iface){ ifindex, XDP_FLAGS_DRV_MODE, links_netns() };
	bpf_map_update_elem(f->fd[MAP_IFACES], &slot, &row, BPF_ANY);
	/* The flow recorder first: without it, replies would drop. If anything after it
	 * fails, it goes again, and the interface is as it was. */
	err = cli_egress_attach(bpf_program__fd(skel->progs.xdpport_egress), ifindex, iface, what);
	egress_on = !err;
	if (!err)
		err = xdp_remove_foreign(ifindex, iface, what);
	link_fd = err ? -1 : xdp_link_create(bpf_program__fd(skel->progs.xdpport), ifindex, iface,
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

		xdp_query(ifindex, &q, &id);
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

static int cmd_attach(struct cmdline *cl)
{
	const char *mode = cmd_opt(cl, "mode");
	struct filter f;
	int ifindex, err;

	if (!mode)
		mode = "auto";
	if (strcmp(mode, "auto") && strcmp(mode, "native") && strcmp(mode, "generic"))
		return usage_error(cl, "mode must be auto, native or generic, not '%s'", mode);
	if (iface_arg_valid(cl->argv[0], cl->cmd->name))
		return EXIT_USAGE;
	if (iface_arg_privileges(cl->cmd->name))
		return EXIT_FAIL;
	ifindex = iface_arg_index(cl->argv[0], cl->cmd->name);
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

const struct command cmd_attach_def = {
	.name = "attach", .run = cmd_attach, .min_args = 1, .max_args = 1,
	.args = "IFACE",
	.summary = "load the filter onto an interface",
	.options = {
		{ "mode", OPT_VALUE, "--mode auto|native|generic  XDP mode (default auto: native, "
				     "else generic with a warning)" },
		{ "replace", OPT_FLAG, "--replace  replace another XDP program on IFACE" },
		OPT_TRY,
	},
	.takes = TAKES_JSON | TAKES_FORCE,
	.help = "Loads the filter onto IFACE, which is then filtered by the current rules. Set\n"
		"them before or after: rules are kept whether or not anything is attached, and\n"
		"every attached interface shares them. The program is attached through a bpf_link\n"
		"pinned under /sys/fs/bpf/xdpport, so it keeps running after this command exits.\n"
		"Attaching an interface twice is harmless.\n"
		"\n"
		"Modes: native runs in the driver, before the kernel allocates the packet (the\n"
		"fast one); generic works on any interface, later and slower; auto (the default)\n"
		"tries native and falls back to generic with a warning saying why.\n"
		"\n"
		"Refuses if IFACE already runs another XDP program, unless --replace.\n"
		"\n"
		"It starts filtering with the current rules, so the lockout guard applies.\n"
		GUARD_HELP
		"\n" TRY_HELP "With --try, the interface is detached again unless confirmed.\n"
		"\n"
		"Examples:\n"
		"  xdpport attach eth0\n"
		"  xdpport attach eth0 --try 60 && xdpport confirm\n"
		"  xdpport attach eth1 --mode generic\n",
};
