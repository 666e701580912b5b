/* SPDX-License-Identifier: Apache-2.0 */
/* The file driver's files: see volume_file.h. */
#include "volume_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define GIB (1ull << 30)

void cp_volume_file_path(char *out, size_t len, const char *store, const char *prefix,
		const char *id)
{
	snprintf(out, len, "%s/%s%s.raw", store, prefix, id);
}

int cp_volume_file_size(const char *store, const char *path, uint64_t gb, bool create)
{
	int fd, rc = 0;

	if (create && mkdir(store, 0700) != 0 && errno != EEXIST)
		return -errno;
	fd = open(path, O_WRONLY | (create ? O_CREAT | O_EXCL : 0) | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)(gb * GIB)) != 0 || fsync(fd) != 0)
		rc = -errno;
	close(fd);
	if (rc && create)
		unlink(path);
	return rc;
}

/* Copies [off, off + len) of in to out at the same offset. */
static int copy_range(int in, int out, off_t off, off_t len)
{
	while (len > 0) {
		off_t a = off, b = off;
		ssize_t n = copy_file_range(in, &a, out, &b, (size_t)len, 0);

		if (n <= 0)
			return n == 0 ? -EIO : -errno;
		off += n;
		len -= n;
	}
	return 0;
}

int cp_volume_file_copy(const char *store, const char *src, const char *dst, uint64_t gb)
{
	int in, out, rc = 0;
	off_t end, data, hole;

	if (mkdir(store, 0700) != 0 && errno != EEXIST)
		return -errno;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		rc = -errno;
		close(in);
		return rc;
	}
	end = lseek(in, 0, SEEK_END);
	/* Only the data: the holes stay holes in the copy. */
	for (data = lseek(in, 0, SEEK_DATA); rc == 0 && data >= 0 && data < end;
			data = lseek(in, hole, SEEK_DATA)) {
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			hole = end;
		rc = copy_range(in, out, data, hole - data);
	}
	if (rc == 0 && (ftruncate(out, (off_t)(gb * GIB)) != 0 || fsync(out) != 0))
		rc = -errno;
	close(in);
	close(out);
	if (rc)
		unlink(dst);
	return rc;
}
