// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "capture_match.h"
#include "capture_write.h"
#include "reasons.h"
#include "json.h"
#include "portspec.h"

static __s64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__s64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int capture_writer_open(struct capture_writer *w, const char *path, bool json, __u32 snap_len,
			const struct capture_target *targets, char *why, size_t why_len)
{
	struct stat st;

	memset(w, 0, sizeof(*w));
	w->snap_len = snap_len;
	w->targets = targets;
	w->json = json;
	w->lines = json || !path;
	w->to_realtime_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	if (!path)
		return 0;
	w->dead = pcap_open_dead(DLT_EN10MB, snap_len);
	if (!w->dead) {
		snprintf(why, why_len, "libpcap cannot make a handle");
		return -1;
	}
	w->to_stdout = !strcmp(path, "-");
	w->dumper = w->to_stdout ? pcap_dump_fopen(w->dead, stdout) : pcap_dump_open(w->dead, path);
	if (!w->dumper) {
		snprintf(why, why_len, "%s", pcap_geterr(w->dead));
		pcap_close(w->dead);
		w->dead = NULL;
		return -1;
	}
	/* A reader at the other end of a pipe (tcpdump -r -) sees each frame at once. */
	w->flush_each = fstat(fileno(pcap_dump_file(w->dumper)), &st) || !S_ISREG(st.st_mode);
	return 0;
}

static void put_hex(const __u8 *data, __u32 len)
{
	putchar('"');
	for (__u32 i = 0; i < len; i++)
		printf("%02x", data[i]);
	putchar('"');
}

/* One line per frame: the time, the interface, the reason, the length, the port. */
static void write_line(const struct capture_writer *w, const struct capture_frame *frame,
		       const __u8 *data, __u32 cap_len, __s64 ns)
{
	const struct capture_target *t = &w->targets[frame->slot % XDPPORT_IFACE_SLOTS];
	const char *iface = t->name;
	const char *reason = reason_name(frame->reason);
	__u32 proto, port;
	bool has_port = capture_frame_port(data, frame->cap_len, &proto, &port);

	if (w->json) {
		json_object_begin(NULL);
		json_uint("timestamp_ns", ns);
		json_string("name", iface);	/* the interface, as status and stats name it */
		json_uint("ifindex", t->ifindex);
		json_uint("netns", t->netns);
		json_string("reason", reason);
		json_uint("length", frame->len);
		json_uint("captured", cap_len);
		if (has_port) {
			json_string("protocol", proto_name(proto));
			json_uint("port", port);
		} else {
			json_null("protocol");
			json_null("port");
		}
		if (w->dumper) {
			json_uint("frame", w->written + 1);
		} else {
			printf(",\"data\":");
			put_hex(data, cap_len);
		}
		json_object_end();
		return;
	}
	time_t sec = ns / 1000000000;
	struct tm tm;
	char when[16];

	strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&sec, &tm));
	printf("%s.%06lld %s %s %u bytes", when, (long long)(ns % 1000000000) / 1000, iface, reason,
	       frame->len);
	if (has_port)
		printf(" %s/%u", proto_name(proto), port);
	putchar('\n');
}

int capture_write(struct capture_writer *w, const struct capture_frame *frame,
		  const __u8 *data)
{
	__u32 cap_len = frame->cap_len < w->snap_len ? frame->cap_len : w->snap_len;
	__s64 ns = (__s64)frame->time_ns + w->to_realtime_ns;

	if (w->lines)
		write_line(w, frame, data, cap_len, ns);
	if (w->dumper) {
		struct pcap_pkthdr h = { .ts = { .tv_sec = ns / 1000000000,
						 .tv_usec = ns % 1000000000 / 1000 },
					 .caplen = cap_len, .len = frame->len };

		pcap_dump((u_char *)w->dumper, &h, data);
		if (w->flush_each && pcap_dump_flush(w->dumper))
			return -errno;
	}
	w->written++;
	return 0;
}

int capture_writer_flush(struct capture_writer *w)
{
	if (w->dumper && pcap_dump_flush(w->dumper))
		return -errno;
	if (w->lines && fflush(stdout))
		return -errno;
	return 0;
}

int capture_writer_close(struct capture_writer *w)
{
	int err = capture_writer_flush(w);

	if (w->dumper && ferror(pcap_dump_file(w->dumper)) && !err)
		err = -EIO;
	if (w->dumper && !w->to_stdout)	/* stdout stays open for main() to check */
		pcap_dump_close(w->dumper);
	if (w->dead)
		pcap_close(w->dead);
	memset(w, 0, sizeof(*w));
	return err;
}
