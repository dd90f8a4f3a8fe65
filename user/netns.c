// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"

/* Opens the first entry of `dir` whose `tail` (a path below the entry) is the
 * namespace `ino`; copies the entry's name into `name` unless it is NULL. */
static int scan(const char *dir, const char *tail, bool numeric_only, __u64 ino, char *name,
		size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int fd = -1;

	while (d && fd < 0 && (de = readdir(d))) {
		char path[512];
		struct stat st;

		if (de->d_name[0] == '.' || (numeric_only && !isdigit((unsigned char)de->d_name[0])))
			continue;
		snprintf(path, sizeof(path), "%s/%s%s", dir, de->d_name, tail);
		if (stat(path, &st) || st.st_ino != ino)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && name)
			snprintf(name, len, "%s", de->d_name);
	}
	if (d)
		closedir(d);
	return fd;
}

int netns_open(__u64 ino, char *name, size_t len)
{
	int fd = scan("/run/netns", "", false, ino, name, len);

	if (fd >= 0)
		return fd;
	if (len)
		name[0] = '\0';
	return scan("/proc", "/ns/net", true, ino, NULL, 0);
}

int netns_enter(int ns_fd)
{
	int saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (saved < 0)
		return -1;
	if (setns(ns_fd, CLONE_NEWNET)) {
		close(saved);
		return -1;
	}
	return saved;
}

void netns_leave(int saved_fd)
{
	if (saved_fd < 0)
		return;
	setns(saved_fd, CLONE_NEWNET);
	close(saved_fd);
}
