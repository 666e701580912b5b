/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Nova's os-volume_attachments: a server's volumes, asked of its node
 * through the feed (the row's "virga:volumes", see server.h), the volume's
 * status moved along Cinder's machine (volume.h) in the same transaction,
 * and the node's reports that finish each step. Nova 2.1's shapes: an
 * attachment is {"id" (the volume's), "volumeId", "serverId", "device",
 * "tag"}.
 */
#include "server_priv.h"
#include "../volume/volume.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define VOLUMES "virga:volumes"

static json_t *nova_view(const char *server_id, const json_t *e)
{
	const char *vol = cp_json_str(e, "volume_id") ?: "";

	return json_pack("{s:s, s:s, s:s, s:s, s:n}", "id", vol, "volumeId", vol, "serverId",
		server_id, "device", cp_json_str(e, "device") ?: "", "tag");
}

/* The server's entry for volume_id (borrowed), its index in *at; NULL when none. */
static json_t *find_entry(const json_t *s, const char *volume_id, size_t *at)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(s, VOLUMES), i, e)
		if (strcmp(cp_json_str(e, "volume_id") ?: "", volume_id) == 0) {
			if (at)
				*at = i;
			return e;
		}
	return NULL;
}

static int not_attached(struct cp_ctx *ctx, const char *id, const char *volume_id)
{
	return cp_fail(&ctx->err, -ENOENT, "itemNotFound",
		"Instance %s is not attached to volume %s", id, volume_id);
}

/* Nova attaches and detaches in vm_state active, paused or stopped, no task
 * running (inside the caller's transaction). */
static int state_allows(struct cp_ctx *ctx, const json_t *s, const char *action)
{
	json_t *view = cp_server_view(ctx, s);
	const char *vm = cp_json_str(view, "OS-EXT-STS:vm_state") ?: "";
	const char *task = cp_json_str(view, "OS-EXT-STS:task_state");
	int rc = 0;

	if (task != NULL)
		rc = cp_fail(&ctx->err, -EBUSY, "conflictingRequest",
			"Cannot '%s' instance %s while it is in task_state %s", action,
			cp_json_str(s, "id"), task);
	else if (strcmp(vm, "active") && strcmp(vm, "paused") && strcmp(vm, "stopped"))
		rc = cp_fail(&ctx->err, -EBUSY, "conflictingRequest",
			"Cannot '%s' instance %s while it is in vm_state %s", action,
			cp_json_str(s, "id"), vm);
	json_decref(view);
	return rc;
}

static bool device_used(const json_t *s, const char *dev)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(s, VOLUMES), i, e)
		if (strcmp(cp_json_str(e, "device") ?: "", dev) == 0)
			return true;
	return false;
}

/* The device the volume gets: the one asked ("/dev/vdX" or "vdX"), else the
 * first free after the root disk vda. */
static int pick_device(struct cp_ctx *ctx, const json_t *s, const json_t *want, char dev[16])
{
	const char *w = json_string_value(want), *name;

	if (want != NULL && !json_is_null(want) && w == NULL)
		return cp_server_bad(ctx, "Invalid input for field/attribute device.");
	if (w != NULL) {
		name = strncmp(w, "/dev/", 5) == 0 ? w + 5 : w;
		if (strlen(name) != 3 || strncmp(name, "vd", 2) || name[2] < 'b' || name[2] > 'z')
			return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"The supplied device path (%.64s) is invalid.", w);
		snprintf(dev, 16, "/dev/%s", name);
		return device_used(s, dev) ? cp_fail(&ctx->err, -EBUSY, "conflictingRequest",
						     "The supplied device path (%s) is in use.", dev)
					   : 0;
	}
	for (char c = 'b'; c <= 'z'; c++) {
		snprintf(dev, 16, "/dev/vd%c", c);
		if (!device_used(s, dev))
			return 0;
	}
	return cp_server_bad(ctx, "No free disk device names for prefix 'vd'.");
}

/* Nova's schema: volumeId is a UUID (it also names the volume's file). */
static bool uuid_like(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!(s[n] >= '0' && s[n] <= '9') && !(s[n] >= 'a' && s[n] <= 'f') && s[n] != '-')
			return false;
	return n == 36;
}

/* Appends what s's node is asked for volume vol on dev (attach), with the
 * volume driver's connection_info, as Nova keeps it in the block device
 * mapping; the entry (borrowed), or NULL with ctx->err set. */
static json_t *add_entry(struct cp_ctx *ctx, json_t *s, const char *vol, const char *dev,
	const char *store)
{
	json_t *conn = cp_volume_connection(ctx, vol, store), *e;
	char att[CP_ID_LEN];

	if (conn == NULL)
		return NULL;
	cp_uuid(att, true);
	e = json_pack("{s:s, s:s, s:s, s:o, s:s}", "volume_id", vol, "attachment_id", att,
		"device", dev, "connection_info", conn, "action", "attach");
	if (e == NULL) {
		cp_fail(&ctx->err, -ENOMEM, "computeFault", "out of memory");
		return NULL;
	}
	if (!json_is_array(json_object_get(s, VOLUMES)))
		json_object_set_new(s, VOLUMES, json_array());
	json_array_append_new(json_object_get(s, VOLUMES), e);
	return e;
}

/* Writes the change (s stored, the volume stepped) and commits; rolls back on failure. */
static int finish(struct cp_ctx *ctx, int rc)
{
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return cp_db_commit(ctx->db) ? cp_server_db_down(ctx) : 0;
}

int cp_server_volume_attach(struct cp_ctx *ctx, const char *id, const json_t *req,
	const char *store, json_t **out)
{
	const char *vol = cp_json_str(req, "volumeId");
	char dev[16];
	json_t *s, *e = NULL;
	int rc;

	if (!json_is_object(req) || vol == NULL || !uuid_like(vol))
		return cp_server_bad(ctx, "Invalid input for field/attribute volumeId: a volume's UUID "
					  "is required.");
	if (cp_db_begin(ctx->db, true))
		return cp_server_db_down(ctx);
	s = cp_server_get(ctx, id);
	if (s == NULL) {
		cp_db_rollback(ctx->db);
		return cp_server_not_found(ctx, id);
	}
	rc = state_allows(ctx, s, "attach_volume");
	if (rc == 0)
		rc = pick_device(ctx, s, json_object_get(req, "device"), dev);
	if (rc == 0)
		rc = cp_volume_step(ctx, vol, CP_VOLUME_RESERVE, NULL);
	if (rc == 0)
		rc = (e = add_entry(ctx, s, vol, dev, store)) ? cp_server_put(ctx, s) : ctx->err.code;
	rc = finish(ctx, rc);
	if (rc == 0)
		*out = nova_view(id, e);
	json_decref(s);
	return rc;
}

int cp_server_volume_list(struct cp_ctx *ctx, const char *id, json_t **out)
{
	json_t *s = cp_server_load(ctx, id), *e;
	size_t i;

	if (s == NULL)
		return cp_server_not_found(ctx, id);
	*out = json_array();
	json_array_foreach(json_object_get(s, VOLUMES), i, e)
		json_array_append_new(*out, nova_view(id, e));
	json_decref(s);
	return 0;
}

int cp_server_volume_show(struct cp_ctx *ctx, const char *id, const char *volume_id,
	json_t **out)
{
	json_t *s = cp_server_load(ctx, id), *e;

	if (s == NULL)
		return cp_server_not_found(ctx, id);
	e = find_entry(s, volume_id, NULL);
	if (e != NULL)
		*out = nova_view(id, e);
	json_decref(s);
	return e ? 0 : not_attached(ctx, id, volume_id);
}

int cp_server_volume_detach(struct cp_ctx *ctx, const char *id, const char *volume_id)
{
	json_t *s, *e = NULL;
	int rc;

	if (cp_db_begin(ctx->db, true))
		return cp_server_db_down(ctx);
	s = cp_server_get(ctx, id);
	rc = s ? 0 : cp_server_not_found(ctx, id);
	if (rc == 0 && (e = find_entry(s, volume_id, NULL)) == NULL)
		rc = not_attached(ctx, id, volume_id);
	if (rc == 0 && cp_json_bool(e, "boot", false))
		rc = cp_server_bad(ctx, "Can't detach root device volume");
	if (rc == 0)
		rc = state_allows(ctx, s, "detach_volume");
	/* 400 while it is attaching (or detaching already), as Cinder refuses. */
	if (rc == 0)
		rc = cp_volume_step(ctx, volume_id, CP_VOLUME_BEGIN_DETACH, NULL);
	if (rc == 0) {
		json_object_set_new(e, "action", json_string("detach"));
		rc = cp_server_put(ctx, s);
	}
	rc = finish(ctx, rc);
	json_decref(s);
	return rc;
}

int cp_server_report_volume(struct cp_ctx *ctx, const char *node, const char *id,
	const char *volume_id, const json_t *report)
{
	const char *st = cp_json_str(report, "status"), *att = cp_json_str(report, "attachment_id");
	const char *fault = cp_json_str(report, "fault") ?: "no reason given";
	json_t *s, *e, *a;
	bool attach;
	size_t at;
	int rc;

	if (!st || !att || (strcmp(st, "attached") && strcmp(st, "detached") && strcmp(st, "error")))
		return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
			"Body must be {\"attachment_id\", \"status\": attached|detached|error, "
			"\"fault\"}");
	if (cp_db_begin(ctx->db, true))
		return cp_server_db_down(ctx);
	s = cp_obj_get(ctx->db, CP_SERVER_KIND, id);
	rc = cp_server_node_check(ctx, node, id, s);
	e = rc ? NULL : find_entry(s, volume_id, &at);
	/* A report on an attachment that is no longer asked for changes nothing. */
	if (e == NULL || strcmp(cp_json_str(e, "attachment_id") ?: "", att) != 0) {
		json_decref(s);
		return finish(ctx, rc);
	}
	attach = strcmp(cp_json_str(e, "action") ?: "", "attach") == 0;
	if (strcmp(st, "error") == 0)
		fprintf(stderr, "virga-controller: server %s: node %s could not %s volume %s: %s\n",
			id, node, attach ? "attach" : "detach", volume_id, fault);
	else if (cp_json_str(report, "fault"))
		/* Attached, but not resized to its extended size: the guest sees it at
		 * its next start; the volume is in-use all the same, as in Nova. */
		fprintf(stderr, "virga-controller: server %s: node %s: volume %s: %s\n", id, node,
			volume_id, fault);
	if (strcmp(st, "attached") == 0 && attach) {
		a = json_pack("{s:s, s:s, s:s, s:s}", "server_id", id, "attachment_id", att,
			"device", cp_json_str(e, "device") ?: "", "host_name", node);
		rc = cp_volume_step(ctx, volume_id, CP_VOLUME_ATTACHED, a);
		json_decref(a);
	} else if (strcmp(st, "error") == 0 && !attach) {
		/* Still in the guest: in-use again, and the node keeps it. */
		rc = cp_volume_step(ctx, volume_id, CP_VOLUME_DETACH_FAILED, NULL);
		json_object_set_new(e, "action", json_string("attach"));
		rc = rc ? rc : cp_server_put(ctx, s);
	} else if (strcmp(st, "error") == 0 || !attach) {
		/* Detached, or never attached: available, and no longer the server's. */
		rc = cp_volume_step(ctx, volume_id, CP_VOLUME_RELEASE, NULL);
		json_array_remove(json_object_get(s, VOLUMES), at);
		rc = rc ? rc : cp_server_put(ctx, s);
	}
	json_decref(s);
	return finish(ctx, rc);
}

int cp_server_volume_extended(struct cp_ctx *ctx, const char *id, const char *volume_id,
	json_int_t gb)
{
	json_t *s, *e;
	int rc = 0;

	if (cp_db_begin(ctx->db, true))
		return cp_server_db_down(ctx);
	/* Cinder's event, not the caller's request: any project's server. */
	s = cp_obj_get(ctx->db, CP_SERVER_KIND, id);
	e = s ? find_entry(s, volume_id, NULL) : NULL;
	if (e == NULL)
		rc = not_attached(ctx, id, volume_id);
	if (rc == 0) {
		json_object_set_new(e, "size", json_integer(gb));
		rc = cp_server_put(ctx, s);
	}
	json_decref(s);
	return finish(ctx, rc);
}

void cp_server_volumes_release(struct cp_ctx *ctx, const json_t *srv)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(srv, VOLUMES), i, e)
		cp_volume_step(ctx, cp_json_str(e, "volume_id") ?: "", CP_VOLUME_RELEASE, NULL);
}

/* boot_index 0, as an integer or the string the CLI sends (Nova takes both). */
static bool boot_index_0(const json_t *m)
{
	const json_t *idx = json_object_get(m, "boot_index");

	return (json_is_integer(idx) && json_integer_value(idx) == 0) ||
	       (json_is_string(idx) && strcmp(json_string_value(idx), "0") == 0);
}

/*
 * An image into a new volume (`server create --boot-from-volume N --image
 * I`, or --block-device source_type=image,destination_type=volume): the
 * volume is made now, from the image, as Nova asks Cinder to before it
 * boots; the caller deletes it if the server is not made after all.
 */
static int volume_from_image(struct cp_ctx *ctx, const json_t *m, struct cp_server_boot *b)
{
	long long gb = cp_json_count(json_object_get(m, "volume_size"));
	json_t *vreq, *v = NULL;
	int rc;

	if (gb < 1)
		return cp_server_bad(ctx, "Invalid input for field/attribute volume_size: a new "
					  "volume from an image needs its size in GiB.");
	vreq = json_pack("{s:I, s:s}", "size", (json_int_t)gb, "imageRef", cp_json_str(m, "uuid"));
	rc = vreq ? cp_volume_create(ctx, vreq, b->store, b->image_dir, &v) : -ENOMEM;
	json_decref(vreq);
	if (rc == 0)
		snprintf(b->made, sizeof(b->made), "%s", cp_json_str(v, "id") ?: "");
	json_decref(v);
	return rc;
}

int cp_server_boot_volume(struct cp_ctx *ctx, const json_t *req, struct cp_server_boot *b)
{
	const json_t *bdm = json_object_get(req, "block_device_mapping_v2"), *m, *boot_map = NULL;
	const char *vol, *src;
	bool from_image = false;
	json_t *v;
	size_t i;
	int rc;

	b->volume_id = NULL;
	b->made[0] = '\0';
	b->delete_on_termination = false;
	if (bdm == NULL || json_is_null(bdm))
		return 0;
	if (!json_is_array(bdm))
		return cp_server_bad(ctx, "Invalid input for field/attribute block_device_mapping_v2.");
	json_array_foreach(bdm, i, m) {
		vol = cp_json_str(m, "uuid");
		src = cp_json_str(m, "source_type") ?: "";
		if (!boot_index_0(m))
			return cp_server_bad(ctx, "Only one block device, the boot volume "
						  "(boot_index 0), is supported so far.");
		if ((strcmp(src, "volume") && strcmp(src, "image")) ||
			strcmp(cp_json_str(m, "destination_type") ?: "", "volume"))
			return cp_server_bad(ctx, "Only booting from a volume, existing (source_type "
						  "volume) or made from an image (source_type image), "
						  "is supported so far.");
		if (vol == NULL || !uuid_like(vol) || b->volume_id != NULL)
			return cp_server_bad(ctx, "Invalid input for field/attribute uuid: one boot "
						  "volume's or image's UUID.");
		b->volume_id = vol;
		boot_map = m;
		from_image = strcmp(src, "image") == 0;
		b->delete_on_termination = cp_json_truthy(json_object_get(m, "delete_on_termination"));
	}
	if (b->volume_id == NULL)
		return 0;
	if (from_image) {
		/* Last, after every check of the mapping: a refused mapping makes nothing. */
		if ((rc = volume_from_image(ctx, boot_map, b)) != 0)
			return rc;
		b->volume_id = b->made;
	}
	/* Checked before anything is made, so a refused create writes nothing;
	 * reserved with the server's row (cp_server_reserve_boot_volume). */
	v = cp_volume_load(ctx, "volume", b->volume_id);
	if (v == NULL)
		return cp_fail(&ctx->err, -EINVAL, "badRequest", "Volume %s could not be found.",
			b->volume_id);
	if (strcmp(cp_json_str(v, "status") ?: "", "available") != 0) {
		json_decref(v);
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
			"Invalid volume: volume %s status must be 'available'.", b->volume_id);
	}
	json_decref(v);
	return 0;
}

void cp_server_boot_volume_undo(struct cp_ctx *ctx, const struct cp_server_boot *b)
{
	struct cp_err keep = ctx->err; /* the create's own error is what the caller answers */

	if (b->made[0])
		cp_volume_delete(ctx, b->made, b->store);
	ctx->err = keep;
}

void cp_server_volumes_delete_on_termination(struct cp_ctx *ctx, const json_t *srv,
	const char *store)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(srv, VOLUMES), i, e)
		if (json_is_true(json_object_get(e, "delete_on_termination")) &&
			cp_volume_delete(ctx, cp_json_str(e, "volume_id") ?: "", store) != 0)
			fprintf(stderr, "virga-controller: server %s: could not delete its volume %s "
					"(delete_on_termination): %s\n",
				cp_json_str(srv, "id") ?: "?", cp_json_str(e, "volume_id") ?: "?",
				ctx->err.msg);
}

int cp_server_reserve_boot_volume(struct cp_ctx *ctx, json_t *srv, const struct cp_server_boot *b)
{
	int rc = cp_volume_step(ctx, b->volume_id, CP_VOLUME_RESERVE, NULL);
	json_t *e;

	if (rc == 0 && (e = add_entry(ctx, srv, b->volume_id, "/dev/vda", b->store)) == NULL)
		rc = ctx->err.code;
	if (rc == 0) {
		json_object_set_new(e, "boot", json_true());
		if (b->delete_on_termination)
			json_object_set_new(e, "delete_on_termination", json_true());
	}
	return rc;
}
