/* SPDX-License-Identifier: Apache-2.0 */
/* A volume from an image (volume_image.c). */
#ifndef CP_VOLUME_IMAGE_H
#define CP_VOLUME_IMAGE_H

#include <limits.h>
#include <stdint.h>

#include "../core/resource.h"

struct cp_volume_image {
	char path[PATH_MAX];   /* the image's file in the image store */
	char format[16];       /* its disk_format: raw, iso or qcow2 */
	uint64_t virtual_bytes; /* what the volume must hold */
};

/* An active image the caller may see, with data: 0 with *src, or -EINVAL (400). */
int cp_volume_image_source(struct cp_ctx *ctx, const char *image_id, const char *image_dir,
		struct cp_volume_image *src);
/* Writes the image into the new file dst (gb GiB); 0 or -errno, dst removed on failure. */
int cp_volume_image_write(const struct cp_volume_image *src, const char *store, const char *dst,
		uint64_t gb);

#endif
