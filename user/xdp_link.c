// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "errors.h"
#include "xdp_link.h"

const char *xdp_mode_name(__u32 attach_mode)
{
	return attach_mode == XDP_ATTACHED_SKB ? "generic" : "native";
}

bool xdp_query(int ifindex, struct bpf_xdp_query_opts *q, __u32 *id)
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

int xdp_remove_foreign(int ifindex, const char *iface, const char *what)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	__u32 id = 0, prog_id;

	if (!xdp_query(ifindex, &q, &prog_id))
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
	if (xdp_query(ifindex, &q, &prog_id))
		return fail(EXIT_FAIL, what, "cannot remove XDP program %u from %s", prog_id, iface);
	return 0;
}

int xdp_link_create(int prog_fd, int ifindex, const char *iface, const char *mode,
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

void xdp_program_name(__u32 id, char name[BPF_OBJ_NAME_LEN])
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
