/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image file store: <state-dir>/images/<id>, one file per active image.
 * An upload is written as it streams, chunk by chunk, to a temporary name
 * in the same directory (".<id>.part"), hashed on the way (size, MD5 for
 * Glance's checksum, SHA-512 for os_hash_value) and its first bytes checked
 * against the declared disk_format; only a complete upload is fsynced and
 * renamed into place, so a reader never sees a partial file and an upload
 * that fails or is cut leaves nothing behind (abort unlinks it).
 * Memory per upload is the sniff buffer (~32 KiB), whatever the image size.
 * One upload is used by one thread at a time; control threads only.
 */
#ifndef CP_IMAGE_STORE_H
#define CP_IMAGE_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <sodium.h>

#include "image_format.h"
#include "md5.h"

struct cp_image_upload {
	int fd;
	char tmp_path[PATH_MAX];
	char final_path[PATH_MAX];
	char disk_format[16];
	uint64_t size;
	struct cp_md5 md5;
	crypto_hash_sha512_state sha512;
	bool format_checked;
	size_t head_len;
	unsigned char head[CP_IMAGE_SNIFF_LEN];
};

struct cp_image_digest {
	uint64_t size;
	char checksum[2 * CP_MD5_LEN + 1];                    /* md5, hex */
	char os_hash_value[2 * crypto_hash_sha512_BYTES + 1]; /* sha512, hex */
};

/* Path of image id's file under store_dir into out (PATH_MAX). -EINVAL for
 * an id that is not a plain file name. */
int cp_image_path(const char *store_dir, const char *id, char *out);
/* Creates store_dir if needed and opens the temporary file. 0 or -errno. */
int cp_image_upload_begin(struct cp_image_upload *u, const char *store_dir, const char *id,
                const char *disk_format);
/* Appends a chunk. -EINVAL when the first bytes do not match the disk
 * format (the caller aborts), -errno on a write error (-ENOSPC...). */
int cp_image_upload_write(struct cp_image_upload *u, const void *data, size_t len);
/* The body is complete: checks a file shorter than the sniff length, fsyncs,
 * renames into place, fills *d. On error the upload is aborted already. */
int cp_image_upload_finish(struct cp_image_upload *u, struct cp_image_digest *d);
/* Drops the temporary file (safe after a failed finish, and twice). */
void cp_image_upload_abort(struct cp_image_upload *u);

#endif
