/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cinder's side of an attachment: the volume's status and its "attachments"
 * as the compute side's os-volume_attachments and the node's reports move
 * them (see volume.h). Only the status and the attachment shown live here;
 * which server wants which volume on which device is the server's (Nova
 * keeps it in its block device mappings, Virga in the server row, which the
 * node's feed carries).
 */
#include "volume.h"

#include <errno.h>
#include <string.h>

#define KIND "volume"

bool cp_volume_visible(const struct cp_ctx *ctx, const json_t *v)
{
	const char *owner = cp_json_str(v, "os-vol-tenant-attr:tenant_id");

	if (owner == NULL)
		owner = cp_json_str(v, "os-extended-snapshot-attributes:project_id");
	return ctx->caller->is_admin || (owner != NULL && strcmp(owner, ctx->caller->project_id) == 0);
}

static bool status_is(const json_t *v, const char *status)
{
	return strcmp(cp_json_str(v, "status") ?: "", status) == 0;
}

/* Cinder's attachment as `volume show` lists it, from the compute side's. */
static json_t *shown_attachment(const char *volume_id, const json_t *a)
{
	char now[32];

	cp_time_iso(now, cp_now());
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", volume_id, "volume_id",
		volume_id, "server_id", cp_json_str(a, "server_id") ?: "", "attachment_id",
		cp_json_str(a, "attachment_id") ?: "", "device", cp_json_str(a, "device") ?: "",
		"host_name", cp_json_str(a, "host_name") ?: "", "attached_at", now);
}

int cp_volume_step(struct cp_ctx *ctx, const char *id, enum cp_volume_step step,
	const json_t *attachment)
{
	json_t *v = cp_obj_get(ctx->db, KIND, id);
	const char *to = NULL;
	char now[32];
	int rc = 0;

	if (v == NULL || (step == CP_VOLUME_RESERVE && !cp_volume_visible(ctx, v))) {
		json_decref(v);
		return cp_fail(&ctx->err, -ENOENT, "itemNotFound", "Volume %s could not be found.",
			id);
	}
	switch (step) {
	case CP_VOLUME_RESERVE:
		/* Not multiattach: an in-use volume is refused as Cinder refuses it. */
		if (!status_is(v, "available"))
			rc = cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid volume: volume %s status must be 'available'. Currently in "
				"'%s'.",
				id, cp_json_str(v, "status") ?: "");
		to = "attaching";
		break;
	case CP_VOLUME_ATTACHED:
		/* A repeated report (the node's agent restarted) changes nothing. */
		if (status_is(v, "attaching")) {
			to = "in-use";
			json_object_set_new(v, "attachments",
				json_pack("[o]", shown_attachment(id, attachment)));
		}
		break;
	case CP_VOLUME_BEGIN_DETACH:
		if (!status_is(v, "in-use"))
			rc = cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid volume: Unable to detach volume. Volume status must be "
				"'in-use' and attach_status must be 'attached' to detach. Currently "
				"in '%s'.",
				cp_json_str(v, "status") ?: "");
		to = "detaching";
		break;
	case CP_VOLUME_DETACH_FAILED:
		if (status_is(v, "detaching"))
			to = "in-use";
		break;
	case CP_VOLUME_RELEASE:
		to = "available";
		json_object_set_new(v, "attachments", json_array());
		break;
	}
	if (rc == 0 && to != NULL) {
		cp_time_iso(now, cp_now());
		json_object_set_new(v, "status", json_string(to));
		json_object_set_new(v, "updated_at", json_string(now));
		if (cp_obj_put(ctx->db, KIND, v, cp_json_str(v, "os-vol-tenant-attr:tenant_id"), NULL,
			    false))
			rc = cp_fail(&ctx->err, -EIO, "computeFault", "could not store the volume");
	}
	json_decref(v);
	return rc;
}
