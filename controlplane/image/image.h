/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Glance v2 image records (metadata only so far; image_store.h holds the
 * files). An image is a generic object row of kind "image" whose JSON is
 * Glance's image document; the row's public flag is set for public and
 * community images, which every project may see. Policy as Glance's
 * defaults: publicizing an image needs admin; others' private images are
 * invisible (-ENOENT); a protected image cannot be deleted (-EPERM).
 * Control threads only; each call runs its own transaction.
 */
#ifndef CP_IMAGE_H
#define CP_IMAGE_H

#include "../core/resource.h"
#include "image_store.h"

int cp_image_create(struct cp_ctx *ctx, const json_t *req, json_t **out);
int cp_image_show(struct cp_ctx *ctx, const char *id, json_t **out);
/* Every image the caller may see, oldest first. */
int cp_image_list(struct cp_ctx *ctx, json_t **out);
/* Applies a JSON-patch (array of add/replace/remove on "/attr"), all or
 * nothing. */
int cp_image_update(struct cp_ctx *ctx, const char *id, const json_t *ops, json_t **out);
/* Also removes its file from store_dir. */
int cp_image_delete(struct cp_ctx *ctx, const char *id, const char *store_dir);

/* Upload, in three steps around the streamed body: start moves a queued
 * image the caller owns to saving and opens its temporary file (-EBUSY when
 * it is not queued: 409); done records size and hashes and makes it active;
 * fail drops the partial file and puts the image back to queued (a refused
 * format, a write error, a cut connection). */
int cp_image_upload_start(struct cp_ctx *ctx, const char *id, const char *store_dir,
                struct cp_image_upload *u);
int cp_image_upload_done(struct cp_ctx *ctx, const char *id, struct cp_image_upload *u);
void cp_image_upload_fail(struct cp_ctx *ctx, const char *id, struct cp_image_upload *u);
/* The stored file of an active image the caller may see: 0 with *path. */
int cp_image_file(struct cp_ctx *ctx, const char *id, const char *store_dir, char *path);

#endif
