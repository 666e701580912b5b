/* SPDX-License-Identifier: Apache-2.0 */
#include "image_store.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Ids come from the URL: refuse anything that could leave the store. */
static bool plain_name(const char *id)
{
	if (!id[0] || id[0] == '.' || strlen(id) > 64)
		return false;
	for (const char *p = id; *p; p++)
		if (*p == '/')
			return false;
	return true;
}

int cp_image_path(const char *store_dir, const char *id, char *out)
{
	if (!plain_name(id))
		return -EINVAL;
	if (snprintf(out, PATH_MAX, "%s/%s", store_dir, id) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

int cp_image_upload_begin(struct cp_image_upload *u, const char *store_dir, const char *id,
                const char *disk_format)
{
	int rc;

	memset(u, 0, sizeof(*u));
	u->fd = -1;
	if ((rc = cp_image_path(store_dir, id, u->final_path)))
		return rc;
	if (snprintf(u->tmp_path, PATH_MAX, "%s/.%s.part", store_dir, id) >= PATH_MAX)
		return -ENAMETOOLONG;
	snprintf(u->disk_format, sizeof(u->disk_format), "%s", disk_format);
	if (mkdir(store_dir, 0700) != 0 && errno != EEXIST)
		return -errno;
	/* O_TRUNC: a .part left by a crash mid-upload is stale. */
	u->fd = open(u->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (u->fd < 0)
		return -errno;
	cp_md5_init(&u->md5);
	crypto_hash_sha512_init(&u->sha512);
	return 0;
}

static int check_head(struct cp_image_upload *u)
{
	u->format_checked = true;
	if (!cp_image_format_matches(u->disk_format, u->head, u->head_len))
		return -EINVAL;
	return 0;
}

int cp_image_upload_write(struct cp_image_upload *u, const void *data, size_t len)
{
	const char *p = data;
	size_t left = len;

	if (!u->format_checked) {
		size_t take = CP_IMAGE_SNIFF_LEN - u->head_len;

		if (take > len)
			take = len;
		memcpy(u->head + u->head_len, data, take);
		u->head_len += take;
		if (u->head_len == CP_IMAGE_SNIFF_LEN && check_head(u))
			return -EINVAL;
	}
	cp_md5_update(&u->md5, data, len);
	crypto_hash_sha512_update(&u->sha512, data, len);
	while (left) {
		ssize_t n = write(u->fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		left -= (size_t)n;
	}
	u->size += len;
	return 0;
}

/* The rename is durable only once the directory is on disk too. */
static void sync_dir(const char *file)
{
	char dir[PATH_MAX];
	int fd;

	snprintf(dir, sizeof(dir), "%s", file);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int cp_image_upload_finish(struct cp_image_upload *u, struct cp_image_digest *d)
{
	uint8_t md5[CP_MD5_LEN], sha[crypto_hash_sha512_BYTES];
	int rc = 0;

	if (!u->format_checked && check_head(u))
		rc = -EINVAL;
	if (!rc && fsync(u->fd) != 0)
		rc = -errno;
	if (!rc && close(u->fd) != 0)
		rc = -errno;
	else if (!rc)
		u->fd = -1;
	if (!rc && rename(u->tmp_path, u->final_path) != 0)
		rc = -errno;
	if (rc) {
		cp_image_upload_abort(u);
		return rc;
	}
	sync_dir(u->final_path);
	cp_md5_final(&u->md5, md5);
	crypto_hash_sha512_final(&u->sha512, sha);
	d->size = u->size;
	cp_hex(md5, sizeof(md5), d->checksum);
	cp_hex(sha, sizeof(sha), d->os_hash_value);
	u->tmp_path[0] = '\0';
	return 0;
}

void cp_image_upload_abort(struct cp_image_upload *u)
{
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	if (u->tmp_path[0])
		unlink(u->tmp_path);
	u->tmp_path[0] = '\0';
}
