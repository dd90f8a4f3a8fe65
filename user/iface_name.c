// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <unistd.h>

#include "iface_name.h"
#include "links.h"
#include "netns.h"

void iface_label(char *buf, size_t len, const char *name, int ifindex, __u64 netns,
		 const char *netns_name, bool here)
{
	int n = name[0] ? snprintf(buf, len, "%s", name) : snprintf(buf, len, "if%d", ifindex);

	if (here || n < 0 || (size_t)n >= len)
		return;
	if (netns_name[0])
		snprintf(buf + n, len - n, "@%s", netns_name);
	else
		snprintf(buf + n, len - n, "@ns%llu", (unsigned long long)netns);
}

void iface_lookup(__u64 netns, int ifindex, char name[IF_NAMESIZE],
		  char netns_name[NETNS_NAME_MAX])
{
	int fd = netns_open(netns, netns_name, NETNS_NAME_MAX), saved;

	name[0] = '\0';
	if (netns == links_netns()) {
		if (!if_indextoname(ifindex, name))
			name[0] = '\0';
	} else if (fd >= 0 && (saved = netns_enter(fd)) >= 0) {
		if (!if_indextoname(ifindex, name))
			name[0] = '\0';
		netns_leave(saved);
	}
	if (fd >= 0)
		close(fd);
}
