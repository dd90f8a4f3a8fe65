// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>

#include "links.h"
#include "xdpport.h"

__u64 links_netns(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : st.st_ino;
}

void links_path(char *buf, size_t len, int ifindex)
{
	snprintf(buf, len, "%s/link-%llu-%d", XDPPORT_PIN_DIR, (unsigned long long)links_netns(),
		 ifindex);
}

int links_list(struct link_pin *out, int max)
{
	DIR *dir = opendir(XDPPORT_PIN_DIR);
	struct dirent *de;
	int n = 0;

	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		unsigned long long netns;
		int ifindex;
		char tail;

		if (sscanf(de->d_name, "link-%llu-%d%c", &netns, &ifindex, &tail) != 2)
			continue;
		if (n < max) {
			snprintf(out[n].path, sizeof(out[n].path), "%s/%s", XDPPORT_PIN_DIR,
				 de->d_name);
			out[n].netns = netns;
			out[n].ifindex = ifindex;
		}
		n++;
	}
	closedir(dir);
	return n;
}

int links_count(void)
{
	return links_list(NULL, 0);
}
