// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "input.h"
#include "ssh_session.h"

#define ANCESTORS_MAX	64	/* a loop guard: real process trees are shallower */
#define SOCKETS_MAX	64	/* sshd holds a handful */

enum tcp_state { TCP_ESTABLISHED = 0x01, TCP_LISTEN = 0x0a };	/* include/net/tcp_states.h */

struct tcp_socket {
	__u16 local_port;
	char remote[48];
};

/* sshd, or sshd-session (the per-connection binary of OpenSSH 9.8 and later). */
static bool is_sshd_name(const char *name)
{
	return !strcmp(name, "sshd") || !strcmp(name, "sshd-session");
}

static bool is_sshd(int pid)
{
	char path[64], buf[4096];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	if (input_read_line(path, buf, sizeof(buf)) && is_sshd_name(buf))
		return true;
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	base = strrchr(buf, '/');
	return is_sshd_name(base ? base + 1 : buf);
}

static int parent_of(int pid)
{
	char path[64], line[256];
	int ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "PPid: %d", &ppid) == 1)
			break;
	fclose(f);
	return ppid;
}

/* The inodes of the sockets process `pid` holds; returns how many (at most max). */
static int socket_inodes(int pid, unsigned long *inodes, int max)
{
	char path[64], link[64];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return 0;
	while (n < max && (e = readdir(d))) {
		ssize_t len;

		if (e->d_name[0] == '.')
			continue;
		len = readlinkat(dirfd(d), e->d_name, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (sscanf(link, "socket:[%lu]", &inodes[n]) == 1)
			n++;
	}
	closedir(d);
	return n;
}

/* The kernel prints an address as the 32-bit words of its bytes, each in %08X of
 * the host's order: reading each word back as a number gives the bytes in place. */
static bool format_address(const char *hex, char *out, size_t len)
{
	size_t words = strlen(hex) / 8;
	unsigned char bytes[16];

	if ((words != 1 && words != 4) || strlen(hex) != words * 8)
		return false;
	for (size_t w = 0; w < words; w++) {
		char word[9];
		__u32 v;

		memcpy(word, hex + w * 8, 8);
		word[8] = '\0';
		v = strtoul(word, NULL, 16);
		memcpy(bytes + w * 4, &v, 4);
	}
	return inet_ntop(words == 1 ? AF_INET : AF_INET6, bytes, out, len) != NULL;
}

static bool has_inode(const unsigned long *inodes, int n, unsigned long inode)
{
	for (int i = 0; i < n; i++)
		if (inodes[i] == inode)
			return true;
	return false;
}

/* Finds one of `inodes` in state `state` in the TCP tables of `pid`'s namespace. */
static bool find_socket(int pid, const unsigned long *inodes, int n, enum tcp_state state,
			struct tcp_socket *out)
{
	static const char *const tables[] = { "tcp", "tcp6" };

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		char path[64], line[512];
		bool found = false;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/net/%s", pid, tables[t]);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (!found && fgets(line, sizeof(line), f)) {
			char local[33], remote[33];
			unsigned lport, rport, st;
			unsigned long inode;

			if (sscanf(line, " %*s %32[0-9A-Fa-f]:%x %32[0-9A-Fa-f]:%x %x %*s %*s %*s "
					 "%*s %*s %lu",
				   local, &lport, remote, &rport, &st, &inode) != 6 ||
			    st != state || !has_inode(inodes, n, inode) || lport > 65535)
				continue;
			out->local_port = lport;
			if (!format_address(remote, out->remote, sizeof(out->remote)))
				strcpy(out->remote, "?");
			found = true;
		}
		fclose(f);
		if (found)
			return true;
	}
	return false;
}

bool ssh_session_find(struct ssh_session *s)
{
	int pid = getppid();

	for (int depth = 0; pid > 1 && depth < ANCESTORS_MAX; depth++, pid = parent_of(pid)) {
		unsigned long inodes[SOCKETS_MAX];
		struct tcp_socket sock;
		int n;

		if (!is_sshd(pid))
			continue;
		n = socket_inodes(pid, inodes, SOCKETS_MAX);
		if (n && find_socket(pid, inodes, n, TCP_ESTABLISHED, &sock)) {
			s->sshd_pid = pid;
			s->local_port = sock.local_port;
			snprintf(s->client, sizeof(s->client), "%s", sock.remote);
			return true;
		}
	}
	return false;
}

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Adds every LISTEN socket of `pid`, one entry per port. */
static int add_listeners(int pid, struct sshd_listener *out, int n, int max)
{
	static const char *const tables[] = { "tcp", "tcp6" };
	unsigned long inodes[SOCKETS_MAX];
	int count = socket_inodes(pid, inodes, SOCKETS_MAX);

	for (size_t t = 0; count && t < sizeof(tables) / sizeof(tables[0]); t++) {
		char path[64], line[512];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/net/%s", pid, tables[t]);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (n < max && fgets(line, sizeof(line), f)) {
			unsigned lport, st;
			unsigned long inode;
			bool known = false;

			if (sscanf(line, " %*s %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x %*s %*s %*s "
					 "%*s %*s %lu",
				   &lport, &st, &inode) != 3 ||
			    st != TCP_LISTEN || !has_inode(inodes, count, inode) || lport > 65535)
				continue;
			for (int i = 0; i < n && !known; i++)
				known = out[i].port == lport;
			if (!known)
				out[n++] = (struct sshd_listener){ pid, lport };
		}
		fclose(f);
	}
	return n;
}

static int by_pid(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int sshd_listeners(struct sshd_listener *out, int max)
{
	int pids[256], npids = 0, n = 0;
	struct dirent *e;
	DIR *d = opendir("/proc");

	if (!d)
		return 0;
	while (npids < (int)(sizeof(pids) / sizeof(pids[0])) && (e = readdir(d)))
		if (all_digits(e->d_name) && is_sshd(atoi(e->d_name)))
			pids[npids++] = atoi(e->d_name);
	closedir(d);
	qsort(pids, npids, sizeof(pids[0]), by_pid);	/* the listener, before its children */
	for (int i = 0; i < npids && n < max; i++)
		n = add_listeners(pids[i], out, n, max);
	return n;
}

#define INCLUDE_DEPTH_MAX 8	/* sshd's own limit is 16; a loop ends here */

struct config_walk {
	__u16 *ports;
	int n, max;
};

static void add_config_port(struct config_walk *w, unsigned long port)
{
	for (int i = 0; i < w->n; i++)
		if (w->ports[i] == port)
			return;
	if (port && port <= 65535 && w->n < w->max)
		w->ports[w->n++] = port;
}

/* ListenAddress host:port, [v6]:port; a bare address (or an IPv6 one) has none. */
static void listen_address_port(struct config_walk *w, const char *value)
{
	const char *colon = strrchr(value, ':');
	char *end;
	unsigned long port;

	if (!colon || (value[0] != '[' && strchr(value, ':') != colon))
		return;
	if (value[0] == '[' && colon[-1] != ']')
		return;
	port = strtoul(colon + 1, &end, 10);
	if (end != colon + 1 && !*end)
		add_config_port(w, port);
}

static void walk_config(const char *path, struct config_walk *w, int depth);

static void include_config(const char *pattern, struct config_walk *w, int depth)
{
	char full[512];
	glob_t g;

	if (pattern[0] == '/')
		snprintf(full, sizeof(full), "%s", pattern);
	else
		snprintf(full, sizeof(full), "/etc/ssh/%s", pattern);
	if (glob(full, 0, NULL, &g))
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		walk_config(g.gl_pathv[i], w, depth + 1);
	globfree(&g);
}

static void walk_config(const char *path, struct config_walk *w, int depth)
{
	char line[1024];
	FILE *f;

	if (depth > INCLUDE_DEPTH_MAX || !(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		char *save, *key = strtok_r(line, " \t\r\n=", &save);
		char *value = key ? strtok_r(NULL, " \t\r\n=", &save) : NULL;
		char *end;

		if (!key || key[0] == '#')
			continue;
		if (value && !strcasecmp(key, "Port") && (strtoul(value, &end, 10), !*end))
			add_config_port(w, strtoul(value, NULL, 10));
		else if (value && !strcasecmp(key, "ListenAddress"))
			listen_address_port(w, value);
		else if (!strcasecmp(key, "Include"))
			for (; value; value = strtok_r(NULL, " \t\r\n", &save))
				include_config(value, w, depth);
	}
	fclose(f);
}

int sshd_config_ports(const char *path, __u16 *out, int max)
{
	struct config_walk w = { out, 0, max };

	walk_config(path, &w, 0);
	return w.n;
}
