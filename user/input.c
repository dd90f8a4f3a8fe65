// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"

#define CHUNK	(64 * 1024)

/* Reads fd to its end into a growing buffer; returns 0 or -1 (why filled). */
static int read_fd(int fd, size_t hint, size_t max, char **buf, size_t *len, char *why,
		   size_t why_len)
{
	size_t cap = (hint ? hint : CHUNK) + 1, n = 0;
	char *b = NULL;

	for (;;) {
		ssize_t got;

		if (!b || n + 1 >= cap) {
			char *grown;

			if (b)
				cap = cap * 2 > max + 2 ? max + 2 : cap * 2;
			grown = realloc(b, cap);
			if (!grown) {
				snprintf(why, why_len, "out of memory");
				goto fail;
			}
			b = grown;
		}
		got = read(fd, b + n, cap - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(why, why_len, "cannot read: %s", strerror(errno));
			goto fail;
		}
		if (got == 0)
			break;
		n += got;
		if (n > max) {
			snprintf(why, why_len, "larger than %zu MiB; not a rules file?", max >> 20);
			goto fail;
		}
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
fail:
	free(b);
	return -1;
}

int input_read(const char *path, size_t max, char **buf, size_t *len, char *why,
	       size_t why_len)
{
	int is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	int err;

	if (fd < 0) {
		snprintf(why, why_len, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		snprintf(why, why_len, "cannot read: %s", strerror(errno));
		err = -1;
	} else if (S_ISDIR(st.st_mode)) {
		snprintf(why, why_len, "is a directory");
		err = -1;
	} else {
		/* Regular files say how big they are: read them in one go if they fit.
		 * /proc files say 0, pipes and devices nothing: grow as it comes. */
		size_t hint = S_ISREG(st.st_mode) && st.st_size > 0 && (size_t)st.st_size <= max
				      ? (size_t)st.st_size + 1
				      : 0;

		err = read_fd(fd, hint, max, buf, len, why, why_len);
	}
	if (!is_stdin)
		close(fd);
	return err;
}

bool input_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	bool ok = f && fgets(buf, len, f);

	if (f)
		fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}
