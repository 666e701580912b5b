/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A volume made from an image: the image's bytes (a raw or iso image copied
 * with its holes, a qcow2 one converted to raw by qemu-img) into the
 * volume's new file, which must hold the image's virtual size. Runs inside
 * the create request: seconds for a small image, the client waits (Cinder
 * would answer "creating" and convert in its volume service).
 */
#include "volume_image.h"
#include "volume_file.h"
#include "../image/image.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define QEMU_IMG "/usr/bin/qemu-img"

extern char **environ;

/* Runs argv (no shell), its output to /dev/null; 0 when it exits 0. */
static int run(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	int status, rc;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -rc;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* The virtual size of a qcow2 file, from its header (bytes 24..31, big-endian). */
static int qcow2_size(const char *path, uint64_t *bytes)
{
	unsigned char h[32];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(h, 1, sizeof(h), f) : 0;

	if (f)
		fclose(f);
	if (n != sizeof(h) || memcmp(h, "QFI\xfb", 4) != 0)
		return -EINVAL;
	*bytes = 0;
	for (int i = 24; i < 32; i++)
		*bytes = *bytes << 8 | h[i];
	return 0;
}

int cp_volume_image_source(struct cp_ctx *ctx, const char *image_id, const char *image_dir,
		struct cp_volume_image *src)
{
	json_t *img;
	const char *fmt;
	struct stat st;
	int rc;

	rc = cp_image_show(ctx, image_id, &img);
	if (rc)
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input received: image %s not found.", image_id);
	fmt = cp_json_str(img, "disk_format");
	snprintf(src->format, sizeof(src->format), "%s", fmt ? fmt : "");
	json_decref(img);
	rc = cp_image_file(ctx, image_id, image_dir, src->path);
	if (rc)
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input received: image %s has no data.", image_id);
	if (strcmp(src->format, "qcow2") == 0)
		rc = qcow2_size(src->path, &src->virtual_bytes);
	else if (strcmp(src->format, "raw") == 0 || strcmp(src->format, "iso") == 0)
		rc = stat(src->path, &st) == 0 ? (src->virtual_bytes = (uint64_t)st.st_size, 0) : -errno;
	else
		rc = -EINVAL;
	if (rc)
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input received: cannot make a volume from a %s image.",
				src->format);
	return 0;
}

int cp_volume_image_write(const struct cp_volume_image *src, const char *store, const char *dst,
		uint64_t gb)
{
	int rc;

	if (strcmp(src->format, "qcow2") != 0)
		return cp_volume_file_copy(store, src->path, dst, gb);
	{
		/* -S 4k: runs of zeros stay holes; -n is not used, qemu-img makes dst. */
		char *argv[] = {QEMU_IMG, "convert", "-q", "-f", "qcow2", "-O", "raw", "-S", "4k",
				(char *)src->path, (char *)dst, NULL};

		if (mkdir(store, 0700) != 0 && errno != EEXIST)
			return -errno;
		rc = run(argv);
	}
	if (rc == 0)
		rc = cp_volume_file_size(store, dst, gb, false);
	if (rc == 0)
		chmod(dst, 0600);
	if (rc)
		unlink(dst);
	return rc;
}
