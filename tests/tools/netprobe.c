// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * netprobe: real TCP and UDP traffic for the end-to-end tests.
 *
 *   netprobe serve PORTS             listen on tcp and udp (IPv4 and IPv6) on PORTS
 *                                    (e.g. 80,443,8000-8010); echo udp; "ready" when up
 *   netprobe tcp ADDR PORT [MS]      connect; exit 0 connected, 1 no answer in MS ms
 *                                    (dropped), 3 refused (reached, nothing listening)
 *   netprobe udp ADDR PORT [MS]      send a datagram, wait for the echo; same exit codes
 *   ... [MS [FROM]]                  probes sent from the local address FROM
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { PROBE_OK = 0, PROBE_SILENT = 1, PROBE_USAGE = 2, PROBE_REFUSED = 3 };

#define MAX_SOCKETS 4096

static int usage(void)
{
	fprintf(stderr, "usage: netprobe serve PORTS | tcp|udp ADDR PORT [MS [FROM]]\n");
	return PROBE_USAGE;
}

static int resolve(const char *addr, const char *port, int type, struct addrinfo **ai)
{
	struct addrinfo hints = { .ai_socktype = type, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };

	return getaddrinfo(addr, port, &hints, ai);
}

static const char *from;	/* the probe's source address; NULL: the kernel's choice */

/* Binds `fd` to `from` (any port); false when it is no local address. */
static bool bind_from(int fd, int type)
{
	struct addrinfo *ai;
	bool ok;

	if (!from)
		return true;
	if (resolve(from, "0", type, &ai))
		return false;
	ok = !bind(fd, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return ok;
}

static int wait_for(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, ms);
}

static int probe_tcp(const char *addr, const char *port, int ms)
{
	struct addrinfo *ai;
	int fd, err = 0;
	socklen_t len = sizeof(err);

	if (resolve(addr, port, SOCK_STREAM, &ai))
		return usage();
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (!bind_from(fd, SOCK_STREAM))
		return usage();
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS)
		return errno == ECONNREFUSED ? PROBE_REFUSED : PROBE_SILENT;
	freeaddrinfo(ai);
	if (wait_for(fd, POLLOUT, ms) <= 0)
		return PROBE_SILENT;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	close(fd);
	if (err == ECONNREFUSED)
		return PROBE_REFUSED;
	return err ? PROBE_SILENT : PROBE_OK;
}

static int probe_udp(const char *addr, const char *port, int ms)
{
	char buf[64];
	struct addrinfo *ai;
	ssize_t n;
	int fd;

	if (resolve(addr, port, SOCK_DGRAM, &ai))
		return usage();
	fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (!bind_from(fd, SOCK_DGRAM))
		return usage();
	/* Connected, so an ICMP port unreachable comes back as ECONNREFUSED. */
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) || send(fd, "probe", 5, 0) != 5)
		return PROBE_SILENT;
	freeaddrinfo(ai);
	if (wait_for(fd, POLLIN, ms) <= 0)
		return PROBE_SILENT;
	n = recv(fd, buf, sizeof(buf), 0);
	close(fd);
	if (n < 0)
		return errno == ECONNREFUSED ? PROBE_REFUSED : PROBE_SILENT;
	return n == 5 && !memcmp(buf, "probe", 5) ? PROBE_OK : PROBE_SILENT;
}

static int listen_on(int type, int port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int fd = socket(AF_INET6, type | SOCK_NONBLOCK, 0), off = 0, on = 1;

	/* One dual-stack socket serves IPv4 and IPv6. */
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    (type == SOCK_STREAM && listen(fd, 128))) {
		fprintf(stderr, "netprobe: port %d: %s\n", port, strerror(errno));
		exit(1);
	}
	return fd;
}

static int serve(const char *ports)
{
	static struct pollfd fds[MAX_SOCKETS];
	static int is_tcp[MAX_SOCKETS];
	char *list = strdup(ports), *save = NULL;
	int n = 0;

	for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int first, last;

		if (sscanf(tok, "%d-%d", &first, &last) != 2)
			last = first = atoi(tok);
		for (int p = first; p <= last && n + 2 <= MAX_SOCKETS; p++) {
			fds[n] = (struct pollfd){ .fd = listen_on(SOCK_STREAM, p), .events = POLLIN };
			is_tcp[n++] = 1;
			fds[n] = (struct pollfd){ .fd = listen_on(SOCK_DGRAM, p), .events = POLLIN };
			is_tcp[n++] = 0;
		}
	}
	free(list);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if (poll(fds, n, -1) < 0)
			return 1;
		for (int i = 0; i < n; i++) {
			struct sockaddr_storage from;
			socklen_t len = sizeof(from);
			char buf[512];
			ssize_t got;

			if (!(fds[i].revents & POLLIN))
				continue;
			if (is_tcp[i]) {
				int c = accept(fds[i].fd, NULL, NULL);

				if (c >= 0)
					close(c);
				continue;
			}
			got = recvfrom(fds[i].fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
			if (got > 0)
				sendto(fds[i].fd, buf, got, 0, (struct sockaddr *)&from, len);
		}
	}
}

int main(int argc, char **argv)
{
	int ms = argc > 4 ? atoi(argv[4]) : 1000;

	if (argc == 3 && !strcmp(argv[1], "serve"))
		return serve(argv[2]);
	if (argc < 4 || ms <= 0)
		return usage();
	from = argc > 5 ? argv[5] : NULL;
	if (!strcmp(argv[1], "tcp"))
		return probe_tcp(argv[2], argv[3], ms);
	if (!strcmp(argv[1], "udp"))
		return probe_udp(argv[2], argv[3], ms);
	return usage();
}
