// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vethpair.h"

/* Runs a shell command, quietly; on failure shows what it printed. Only ever called
 * with names this file made, so there is nothing to quote. */
static int run(const char *fmt, ...)
{
	char cmd[512], out[] = "/tmp/vethpair.XXXXXX";
	va_list ap;
	int fd, status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fd = mkstemp(out);
	if (fd < 0)
		return -1;
	close(fd);
	{
		char full[sizeof(cmd) + 64];

		snprintf(full, sizeof(full), "%s >%s 2>&1", cmd, out);
		status = system(full);
	}
	if (status != 0) {
		char line[256];
		FILE *f = fopen(out, "r");

		fprintf(stderr, "vethpair: `%s` failed:\n", cmd);
		while (f && fgets(line, sizeof(line), f))
			fprintf(stderr, "    %s", line);
		if (f)
			fclose(f);
	}
	unlink(out);
	return status == 0 ? 0 : -1;
}

static int open_ns(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int ifindex_in(int ns_fd, const char *dev)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), idx = 0;

	if (self < 0)
		return 0;
	if (!setns(ns_fd, CLONE_NEWNET)) {
		idx = if_nametoindex(dev);
		setns(self, CLONE_NEWNET);
	}
	close(self);
	return idx;
}

int veth_pair_create(struct veth_pair *vp, const char *tag, int queues)
{
	int pid = getpid();

	memset(vp, 0, sizeof(*vp));
	vp->tx_ns_fd = vp->rx_ns_fd = -1;
	vp->queues = queues;
	vp->live = true;
	snprintf(vp->tx_ns, sizeof(vp->tx_ns), "%s-%d-tx", tag, pid);
	snprintf(vp->rx_ns, sizeof(vp->rx_ns), "%s-%d-rx", tag, pid);
	snprintf(vp->tx_dev, sizeof(vp->tx_dev), "%.6s%dt", tag, pid % 10000000);
	snprintf(vp->rx_dev, sizeof(vp->rx_dev), "%.6s%dr", tag, pid % 10000000);

	if (run("ip netns add %s", vp->tx_ns) || run("ip netns add %s", vp->rx_ns))
		goto fail;
	/* Created inside the sending namespace, the peer moved straight to the other:
	 * neither end ever exists in the namespace we run in. */
	if (run("ip -n %s link add %s numtxqueues %d numrxqueues %d type veth "
		"peer name %s numtxqueues %d numrxqueues %d netns %s",
		vp->tx_ns, vp->tx_dev, queues, queues, vp->rx_dev, queues, queues, vp->rx_ns))
		goto fail;
	/* No IPv6 means no neighbour discovery or MLD: the kernel sends nothing. */
	if (run("ip netns exec %s sysctl -qw net.ipv6.conf.%s.disable_ipv6=1", vp->tx_ns,
		vp->tx_dev) ||
	    run("ip netns exec %s sysctl -qw net.ipv6.conf.%s.disable_ipv6=1", vp->rx_ns,
		vp->rx_dev))
		goto fail;
	if (run("ip -n %s link set %s address 02:00:00:00:00:01 up", vp->tx_ns, vp->tx_dev) ||
	    run("ip -n %s link set %s address 02:00:00:00:00:02 up", vp->rx_ns, vp->rx_dev))
		goto fail;
	vp->tx_ns_fd = open_ns(vp->tx_ns);
	vp->rx_ns_fd = open_ns(vp->rx_ns);
	if (vp->tx_ns_fd < 0 || vp->rx_ns_fd < 0) {
		fprintf(stderr, "vethpair: open namespaces: %s\n", strerror(errno));
		goto fail;
	}
	vp->tx_ifindex = ifindex_in(vp->tx_ns_fd, vp->tx_dev);
	vp->rx_ifindex = ifindex_in(vp->rx_ns_fd, vp->rx_dev);
	if (!vp->tx_ifindex || !vp->rx_ifindex) {
		fprintf(stderr, "vethpair: veth ends not found in their namespaces\n");
		goto fail;
	}
	return 0;
fail:
	veth_pair_destroy(vp);
	return -1;
}

int veth_pair_enter_tx(const struct veth_pair *vp)
{
	return setns(vp->tx_ns_fd, CLONE_NEWNET) ? -errno : 0;
}

int veth_pair_enter_rx(const struct veth_pair *vp)
{
	return setns(vp->rx_ns_fd, CLONE_NEWNET) ? -errno : 0;
}

void veth_pair_destroy(struct veth_pair *vp)
{
	char path[64];

	if (!vp->live)
		return;
	vp->live = false;
	for (int i = 0; i < 2; i++) {
		int *fd = i ? &vp->rx_ns_fd : &vp->tx_ns_fd;
		const char *name = i ? vp->rx_ns : vp->tx_ns;

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		if (!name[0])
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", name);
		if (access(path, F_OK) == 0)
			run("ip netns del %s", name);
	}
}

int sandbox_enter(void)
{
	if (getenv("XDPPORT_TEST_SANDBOX"))
		return 0;
	if (unshare(CLONE_NEWNS | CLONE_NEWNET)) {
		fprintf(stderr, "sandbox: unshare: %s (root?)\n", strerror(errno));
		return -1;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL) ||
	    (mkdir("/run/netns", 0755) && errno != EEXIST) ||
	    mount("tmpfs", "/run/netns", "tmpfs", 0, NULL)) {
		fprintf(stderr, "sandbox: mounts: %s\n", strerror(errno));
		return -1;
	}
	setenv("XDPPORT_TEST_SANDBOX", "1", 1);
	return run("ip link set lo up");
}
