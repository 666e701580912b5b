/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Glance image data: PUT /image/v2/images/{id}/file streams the body into
 * the image store as MHD reads it (API_STREAM: never whole in memory, no
 * body cap), GET streams the stored file back from its descriptor.
 */
#include "api.h"
#include "../controlplane/image/image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct image_stream {
	struct api_stream base; /* first: the api_stream pointer is this */
	struct cp_db *db;
	void *svc;
	struct cp_caller caller;
	char id[CP_ID_LEN];
	struct cp_image_upload up;
};

static struct cp_ctx ctx_of(struct image_stream *s)
{
	return (struct cp_ctx){.db = s->db, .caller = &s->caller, .svc = s->svc};
}

static int stream_write(struct api_stream *base, const char *data, size_t len, struct cp_err *err)
{
	struct image_stream *s = (struct image_stream *)base;
	int rc = cp_image_upload_write(&s->up, data, len);

	if (rc == -EINVAL)
		return cp_fail(err, -EINVAL, "BadRequest",
		                "Image data does not match disk_format %s", s->up.disk_format);
	if (rc)
		return cp_fail(err, rc == -ENOSPC ? -EMSGSIZE : -EIO, "InternalError",
		                "could not write the image data");
	return 0;
}

static void stream_cancel(struct api_stream *base)
{
	struct image_stream *s = (struct image_stream *)base;
	struct cp_ctx ctx = ctx_of(s);

	cp_image_upload_fail(&ctx, s->id, &s->up);
	free(s);
}

static int stream_end(struct api_stream *base, struct api_req *req)
{
	struct image_stream *s = (struct image_stream *)base;
	struct cp_ctx ctx = ctx_of(s);
	int rc = cp_image_upload_done(&ctx, s->id, &s->up);

	if (rc)
		req->ctx.err = ctx.err;
	free(s);
	return rc ? rc : api_reply(req, 204, NULL);
}

static int image_upload(struct api_req *req, const void *arg)
{
	struct image_stream *s = calloc(1, sizeof(*s));
	int rc;

	(void)arg;
	if (!s)
		return cp_fail(&req->ctx.err, -ENOMEM, "InternalError", "out of memory");
	rc = cp_image_upload_start(&req->ctx, req->arg[0], req->srv->image_dir, &s->up);
	if (rc) {
		free(s);
		return rc;
	}
	s->base = (struct api_stream){stream_write, stream_end, stream_cancel};
	s->db = req->ctx.db;
	s->svc = req->ctx.svc;
	s->caller = req->caller;
	snprintf(s->id, sizeof(s->id), "%s", req->arg[0]);
	req->stream = &s->base;
	return 0;
}

static int image_download(struct api_req *req, const void *arg)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, rc = cp_image_file(&req->ctx, req->arg[0], req->srv->image_dir, path);

	(void)arg;
	if (rc)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		return cp_fail(&req->ctx.err, -ENOENT, "NotFound", "The image data is missing.");
	}
	req->resp_is_file = true;
	req->resp_fd = fd;
	req->resp_size = (uint64_t)st.st_size;
	req->status = 200;
	return 0;
}

const struct api_route api_image_data_routes[] = {
                {"PUT", "/image/v2/images/*/file", image_upload, NULL, API_STREAM, API_GLANCE},
                {"GET", "/image/v2/images/*/file", image_download, NULL, 0, API_GLANCE},
                {NULL, NULL, NULL, NULL, 0, 0},
};
