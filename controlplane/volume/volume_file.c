/* SPDX-License-Identifier: Apache-2.0 */
/* The file driver: see volume_file.h. */
#include "volume_file.h"
#include "volume_driver.h"
#include "volume_image.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define GIB (1ull << 30)

#define SNAP_PREFIX "snap-"

static void file_path(char *out, size_t len, const char *store, const char *prefix,
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

/* ---- the driver's ops ---- */

static int file_create(const char *store, const char *id, uint64_t gb)
{
	char path[PATH_MAX];

	file_path(path, sizeof(path), store, "", id);
	return cp_volume_file_size(store, path, gb, true);
}

/* A new volume id, a copy of the file prefix + src_id. */
static int copy_of(const char *store, const char *id, const char *prefix, const char *src_id,
		uint64_t gb)
{
	char from[PATH_MAX], to[PATH_MAX];

	file_path(from, sizeof(from), store, prefix, src_id);
	file_path(to, sizeof(to), store, "", id);
	return cp_volume_file_copy(store, from, to, gb);
}

static int file_from_volume(const char *store, const char *id, const char *src_id, uint64_t gb)
{
	return copy_of(store, id, "", src_id, gb);
}

static int file_from_snapshot(const char *store, const char *id, const char *snap_id,
		uint64_t gb)
{
	return copy_of(store, id, SNAP_PREFIX, snap_id, gb);
}

static int file_from_image(const char *store, const char *id,
		const struct cp_volume_image *image, uint64_t gb)
{
	char path[PATH_MAX];

	file_path(path, sizeof(path), store, "", id);
	return cp_volume_image_write(image, store, path, gb);
}

/* Attached, the file grows under QEMU, which sees the new length once the
 * agent resizes the disk (virDomainBlockResize): a file only grows, so the
 * guest's bytes stay where they are. */
static int file_extend(const char *store, const char *id, uint64_t gb)
{
	char path[PATH_MAX];

	file_path(path, sizeof(path), store, "", id);
	return cp_volume_file_size(store, path, gb, false);
}

static int remove_file(const char *store, const char *prefix, const char *id)
{
	char path[PATH_MAX];

	file_path(path, sizeof(path), store, prefix, id);
	return unlink(path) == 0 || errno == ENOENT ? 0 : -errno;
}

static int file_delete(const char *store, const char *id)
{
	return remove_file(store, "", id);
}

static int file_snapshot_create(const char *store, const char *snap_id, const char *vol_id,
		uint64_t gb)
{
	char from[PATH_MAX], to[PATH_MAX];

	file_path(from, sizeof(from), store, "", vol_id);
	file_path(to, sizeof(to), store, SNAP_PREFIX, snap_id);
	return cp_volume_file_copy(store, from, to, gb);
}

static int file_snapshot_delete(const char *store, const char *snap_id)
{
	return remove_file(store, SNAP_PREFIX, snap_id);
}

static json_t *file_connection(const char *store, const char *id)
{
	char path[PATH_MAX];

	file_path(path, sizeof(path), store, "", id);
	return json_pack("{s:s, s:{s:s, s:s}}", "driver_volume_type", "file", "data", "path", path,
			"format", "raw");
}

const struct cp_volume_driver cp_volume_file_driver = {
	.name = "file",
	.create = file_create,
	.create_from_volume = file_from_volume,
	.create_from_snapshot = file_from_snapshot,
	.create_from_image = file_from_image,
	.extend = file_extend,
	.delete = file_delete,
	.snapshot_create = file_snapshot_create,
	.snapshot_delete = file_snapshot_delete,
	.connection = file_connection,
};
