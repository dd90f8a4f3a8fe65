// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * replyprobe: the traffic the replies tests need that netprobe cannot make: answers
 * from chosen addresses and ports, late answers, raw TCP segments, long-lived TCP
 * sessions.
 *
 *   replyprobe ask [--from ADDR] [--sport P] DST PORT MS
 *       one datagram to DST:PORT from an unconnected socket (so it sees answers from
 *       anyone); prints "from ADDR PORT" for each datagram in the next MS ms;
 *       exit 0 if one arrived, 1 if none
 *   replyprobe answer ADDR PORT DELAY_MS FROM...
 *       UDP server on ADDR:PORT: every datagram is sent back, DELAY_MS later, from
 *       each FROM:PORT in turn; "ready" when up
 *   replyprobe echo PORT [DELAY_MS]
 *       TCP echo server (IPv4 and IPv6), each line sent back DELAY_MS later; "ready"
 *   replyprobe session ADDR PORT MS
 *       TCP client: connects and prints "connected"; then for each line on stdin sends
 *       it and prints "echo" if it comes back within MS ms, "silent" otherwise
 *   replyprobe tcp-ack SRC SPORT DST DPORT MS
 *       one raw TCP ACK with no connection behind it; exit 0 if the peer's RST comes
 *       back within MS ms (the segment reached its stack), 1 if not
 *   replyprobe syn-flood SRC DST DPORT COUNT
 *       COUNT raw SYNs from SRC, source ports cycling from 1024, to DST:DPORT
 *   replyprobe spray DST PORT COUNT
 *       COUNT datagrams to DST:PORT, each from a new socket: COUNT new UDP flows
 * Exit status 2 on usage errors, 1 on failures (with a message).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TCP_SYN	0x02
#define TCP_RST	0x04
#define TCP_ACK	0x10
#define MAX_FROM 8

static int usage(void)
{
	fprintf(stderr, "usage: replyprobe ask [--from ADDR] [--sport P] DST PORT MS\n"
			"       replyprobe answer ADDR PORT DELAY_MS FROM...\n"
			"       replyprobe echo PORT [DELAY_MS]\n"
			"       replyprobe session ADDR PORT MS\n"
			"       replyprobe tcp-ack SRC SPORT DST DPORT MS\n"
			"       replyprobe syn-flood SRC DST DPORT COUNT\n"
			"       replyprobe spray DST PORT COUNT\n");
	return 2;
}

static int die(const char *what)
{
	fprintf(stderr, "replyprobe: %s: %s\n", what, strerror(errno));
	return 1;
}

/* ADDR and PORT into a sockaddr; false if ADDR is not a numeric address. */
static bool sockaddr_of(const char *addr, unsigned port, struct sockaddr_storage *ss,
			socklen_t *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		*len = sizeof(*in);
		return true;
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return true;
	}
	return false;
}

static void print_from(const struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN];
	const void *a = ss->ss_family == AF_INET ? (const void *)&((struct sockaddr_in *)ss)->sin_addr
						  : (const void *)&((struct sockaddr_in6 *)ss)->sin6_addr;
	unsigned port = ntohs(ss->ss_family == AF_INET ? ((struct sockaddr_in *)ss)->sin_port
						       : ((struct sockaddr_in6 *)ss)->sin6_port);

	printf("from %s %u\n", inet_ntop(ss->ss_family, a, buf, sizeof(buf)), port);
	fflush(stdout);
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000L };

	nanosleep(&t, NULL);
}

static int ask(int argc, char **argv)
{
	const char *from = NULL;
	unsigned sport = 0;
	struct sockaddr_storage to, me;
	socklen_t to_len, me_len;
	int fd, on = 1, got = 0;
	long long deadline;

	while (argc > 0 && !strncmp(argv[0], "--", 2)) {
		if (argc < 2)
			return usage();
		if (!strcmp(argv[0], "--from"))
			from = argv[1];
		else if (!strcmp(argv[0], "--sport"))
			sport = atoi(argv[1]);
		else
			return usage();
		argc -= 2;
		argv += 2;
	}
	if (argc != 3 || !sockaddr_of(argv[0], atoi(argv[1]), &to, &to_len))
		return usage();
	fd = socket(to.ss_family, SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (from || sport) {
		if (!sockaddr_of(from ? from : to.ss_family == AF_INET ? "0.0.0.0" : "::", sport,
				 &me, &me_len))
			return usage();
		if (bind(fd, (struct sockaddr *)&me, me_len))
			return die("bind");
	}
	if (sendto(fd, "probe", 5, 0, (struct sockaddr *)&to, to_len) != 5)
		return die("sendto");
	deadline = now_ms() + atoi(argv[2]);
	for (long long left; (left = deadline - now_ms()) > 0;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		char buf[512];

		if (poll(&p, 1, left) <= 0)
			break;
		if (recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &len) < 0)
			continue;	/* an ICMP error on this socket: not an answer */
		print_from(&peer);
		got++;
	}
	return got ? 0 : 1;
}

static int bound_udp(const char *addr, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, on = 1;

	if (!sockaddr_of(addr, port, &ss, &len))
		exit(usage());
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	/* `ask --from` may send from this address and port too, while we serve. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len))
		exit(die(addr));
	return fd;
}

static int answer(int argc, char **argv)
{
	int in, from[MAX_FROM], nfrom = argc - 3, delay;
	unsigned port;

	if (argc < 4 || nfrom > MAX_FROM)
		return usage();
	port = atoi(argv[1]);
	delay = atoi(argv[2]);
	in = bound_udp(argv[0], port);
	for (int i = 0; i < nfrom; i++)
		from[i] = !strcmp(argv[3 + i], argv[0]) ? in : bound_udp(argv[3 + i], port);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		char buf[512];
		ssize_t n = recvfrom(in, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &len);

		if (n < 0)
			continue;
		sleep_ms(delay);
		for (int i = 0; i < nfrom; i++)
			sendto(from[i], buf, n, 0, (struct sockaddr *)&peer, len);
	}
}

/* One connection at a time: each line read is written back DELAY ms later. */
static int echo(int argc, char **argv)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	int fd = socket(AF_INET6, SOCK_STREAM, 0), off = 0, on = 1, delay;

	if (argc < 1 || argc > 2)
		return usage();
	sa.sin6_port = htons(atoi(argv[0]));
	delay = argc > 1 ? atoi(argv[1]) : 0;
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16))
		return die("listen");
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int c = accept(fd, NULL, NULL);
		char buf[512];
		ssize_t n;

		if (c < 0)
			continue;
		while ((n = read(c, buf, sizeof(buf))) > 0) {
			sleep_ms(delay);
			if (write(c, buf, n) != n)
				break;
		}
		close(c);
	}
}

static int session(int argc, char **argv)
{
	struct sockaddr_storage to;
	socklen_t len;
	char line[256];
	int fd, ms;

	if (argc != 3 || !sockaddr_of(argv[0], atoi(argv[1]), &to, &len))
		return usage();
	ms = atoi(argv[2]);
	fd = socket(to.ss_family, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&to, len))
		return die("connect");
	printf("connected\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		size_t want = strlen(line), have = 0;
		long long deadline = now_ms() + ms;
		char buf[256];

		if (write(fd, line, want) != (ssize_t)want)
			return die("write");
		while (have < want) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			long long left = deadline - now_ms();
			ssize_t n;

			if (left <= 0 || poll(&p, 1, left) <= 0)
				break;
			n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				break;
			have += n;
		}
		printf(have >= want ? "echo\n" : "silent\n");
		fflush(stdout);
	}
	return 0;
}

static uint32_t sum16(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *b = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (b[i] << 8) | b[i + 1];
	if (len & 1)
		sum += b[len - 1] << 8;
	return sum;
}

/* A raw TCP socket bound to SRC, its peer DST:DPORT. The kernel writes the IP header. */
struct raw {
	int fd;
	struct sockaddr_storage src, dst;
	socklen_t dst_len;
};

static bool raw_open(struct raw *r, const char *src, const char *dst)
{
	socklen_t src_len;

	if (!sockaddr_of(src, 0, &r->src, &src_len) || !sockaddr_of(dst, 0, &r->dst, &r->dst_len) ||
	    r->src.ss_family != r->dst.ss_family)
		return false;
	r->fd = socket(r->src.ss_family, SOCK_RAW, IPPROTO_TCP);
	if (r->fd < 0 || bind(r->fd, (struct sockaddr *)&r->src, src_len))
		exit(die("raw socket"));
	return true;
}

static void raw_send(struct raw *r, unsigned sport, unsigned dport, uint8_t flags, uint32_t seq,
		     uint32_t ack)
{
	uint8_t tcp[20] = { 0 }, pseudo[40] = { 0 };
	size_t plen;
	uint32_t sum;

	tcp[0] = sport >> 8, tcp[1] = sport;
	tcp[2] = dport >> 8, tcp[3] = dport;
	for (int i = 0; i < 4; i++) {
		tcp[4 + i] = seq >> (24 - 8 * i);
		tcp[8 + i] = ack >> (24 - 8 * i);
	}
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	tcp[14] = 0xff, tcp[15] = 0xff;	/* window */
	if (r->src.ss_family == AF_INET) {
		memcpy(pseudo, &((struct sockaddr_in *)&r->src)->sin_addr, 4);
		memcpy(pseudo + 4, &((struct sockaddr_in *)&r->dst)->sin_addr, 4);
		pseudo[9] = IPPROTO_TCP;
		pseudo[11] = sizeof(tcp);
		plen = 12;
	} else {
		memcpy(pseudo, &((struct sockaddr_in6 *)&r->src)->sin6_addr, 16);
		memcpy(pseudo + 16, &((struct sockaddr_in6 *)&r->dst)->sin6_addr, 16);
		pseudo[35] = sizeof(tcp);
		pseudo[39] = IPPROTO_TCP;
		plen = 40;
	}
	sum = sum16(tcp, sizeof(tcp), sum16(pseudo, plen, 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	tcp[16] = sum >> 8, tcp[17] = sum;
	if (sendto(r->fd, tcp, sizeof(tcp), 0, (struct sockaddr *)&r->dst, r->dst_len) < 0)
		exit(die("raw send"));
}

/* Waits for a segment DST:DPORT -> SRC:SPORT with RST set. */
static bool raw_wait_rst(struct raw *r, unsigned sport, unsigned dport, int ms)
{
	long long deadline = now_ms() + ms;

	for (long long left; (left = deadline - now_ms()) > 0;) {
		struct pollfd p = { .fd = r->fd, .events = POLLIN };
		uint8_t buf[2048], *tcp = buf;
		ssize_t n;

		if (poll(&p, 1, left) <= 0)
			return false;
		n = recv(r->fd, buf, sizeof(buf), 0);
		if (r->src.ss_family == AF_INET && n >= 20) {	/* IPv4 raw reads include the IP header */
			size_t ihl = (buf[0] & 0xf) * 4;

			if (memcmp(buf + 12, &((struct sockaddr_in *)&r->dst)->sin_addr, 4))
				continue;
			tcp = buf + ihl;
			n -= ihl;
		}
		if (n < 20)
			continue;
		if ((unsigned)((tcp[0] << 8) | tcp[1]) == dport &&
		    (unsigned)((tcp[2] << 8) | tcp[3]) == sport &&
		    (tcp[13] & TCP_RST))
			return true;
	}
	return false;
}

static int tcp_ack(int argc, char **argv)
{
	struct raw r;
	unsigned sport, dport;

	if (argc != 5)
		return usage();
	sport = atoi(argv[1]);
	dport = atoi(argv[3]);
	if (!raw_open(&r, argv[0], argv[2]))
		return usage();
	raw_send(&r, sport, dport, TCP_ACK, 0x12345678, 0x9abcdef0);
	return raw_wait_rst(&r, sport, dport, atoi(argv[4])) ? 0 : 1;
}

static int syn_flood(int argc, char **argv)
{
	struct raw r;
	unsigned dport;
	long count;

	if (argc != 4)
		return usage();
	dport = atoi(argv[2]);
	count = atol(argv[3]);
	if (!raw_open(&r, argv[0], argv[1]) || count <= 0)
		return usage();
	for (long i = 0; i < count; i++)
		raw_send(&r, 1024 + i % 64512, dport, TCP_SYN, 0x1000 + i, 0);
	printf("sent %ld\n", count);
	return 0;
}

static int spray(int argc, char **argv)
{
	struct sockaddr_storage to;
	socklen_t len;
	long count;

	if (argc != 3 || !sockaddr_of(argv[0], atoi(argv[1]), &to, &len))
		return usage();
	count = atol(argv[2]);
	for (long i = 0; i < count; i++) {
		int fd = socket(to.ss_family, SOCK_DGRAM, 0);

		if (fd < 0 || sendto(fd, "probe", 5, 0, (struct sockaddr *)&to, len) != 5)
			return die("spray");
		close(fd);
	}
	printf("sent %ld\n", count);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} modes[] = {
		{ "ask", ask }, { "answer", answer }, { "echo", echo }, { "session", session },
		{ "tcp-ack", tcp_ack }, { "syn-flood", syn_flood }, { "spray", spray },
	};

	if (argc < 2)
		return usage();
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(argv[1], modes[i].name))
			return modes[i].run(argc - 2, argv + 2);
	return usage();
}
