// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ethstats.h"

static int ethtool(int fd, const char *ifname, void *cmd)
{
	struct ifreq ifr = { .ifr_data = cmd };

	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	return ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : 0;
}

static int stats_count(int fd, const char *ifname)
{
	/* The header ends in a flexible array: room for the one count asked for. */
	union {
		struct ethtool_sset_info hdr;
		char room[sizeof(struct ethtool_sset_info) + sizeof(__u32)];
	} info = { .hdr = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_STATS } };
	int err = ethtool(fd, ifname, &info);

	if (err)
		return err;
	return info.hdr.sset_mask ? (int)info.hdr.data[0] : 0;
}

static int matches(const char *name, const char *prefix, const char *suffix)
{
	size_t n = strnlen(name, ETH_GSTRING_LEN), p = strlen(prefix), s = strlen(suffix);

	return n >= p + s && !strncmp(name, prefix, p) && !strncmp(name + n - s, suffix, s);
}

int ethstats_sum(const char *ifname, const char *prefix, const char *suffix, uint64_t *sum)
{
	struct ethtool_gstrings *names = NULL;
	struct ethtool_stats *values = NULL;
	int fd, n, err, found = 0;

	*sum = 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = err = stats_count(fd, ifname);
	if (n <= 0)
		goto out;
	names = calloc(1, sizeof(*names) + (size_t)n * ETH_GSTRING_LEN);
	values = calloc(1, sizeof(*values) + (size_t)n * sizeof(__u64));
	err = -ENOMEM;
	if (!names || !values)
		goto out;
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_STATS;
	names->len = n;
	values->cmd = ETHTOOL_GSTATS;
	values->n_stats = n;
	err = ethtool(fd, ifname, names);
	if (!err)
		err = ethtool(fd, ifname, values);
	if (err)
		goto out;
	/* Both calls report how many they filled; a queue added in between shortens nothing. */
	for (int i = 0; i < n && i < (int)names->len && i < (int)values->n_stats; i++) {
		if (matches((char *)names->data + i * ETH_GSTRING_LEN, prefix, suffix)) {
			*sum += values->data[i];
			found++;
		}
	}
	err = found;
out:
	free(names);
	free(values);
	close(fd);
	return err;
}
