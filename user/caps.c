// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"

#ifndef CAP_BPF
#define CAP_BPF 39	/* Linux 5.8; older headers lack it */
#endif

bool caps_have(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

	if (cap < 0 || cap >= 32 * _LINUX_CAPABILITY_U32S_3 ||
	    syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

bool caps_have_bpf(void)
{
	return caps_have(CAP_BPF) || caps_have(CAP_SYS_ADMIN);
}

const char *caps_missing(bool net_admin)
{
	bool bpf = caps_have_bpf(), net = !net_admin || caps_have(CAP_NET_ADMIN);

	if (bpf && net)
		return NULL;
	if (!bpf && !net)
		return "CAP_BPF (or CAP_SYS_ADMIN) and CAP_NET_ADMIN";
	return bpf ? "CAP_NET_ADMIN" : "CAP_BPF (or CAP_SYS_ADMIN)";
}
