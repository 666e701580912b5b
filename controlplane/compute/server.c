/* SPDX-License-Identifier: Apache-2.0 */
/* Nova v2.1 servers: see server.h. */
#include "server_priv.h"
#include "compute.h"
#include "../image/image.h"
#include "../network/network.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cp_server_not_found(struct cp_ctx *ctx, const char *id)
{
	return cp_fail(&ctx->err, -ENOENT, "itemNotFound", "Instance %s could not be found.", id);
}

int cp_server_bad(struct cp_ctx *ctx, const char *msg)
{
	return cp_fail(&ctx->err, -EINVAL, "badRequest", "%s", msg);
}

int cp_server_db_down(struct cp_ctx *ctx)
{
	return cp_fail(&ctx->err, -EIO, "computeFault", "database unavailable");
}

json_t *cp_server_get(struct cp_ctx *ctx, const char *id)
{
	json_t *s = cp_obj_get(ctx->db, CP_SERVER_KIND, id);

	if (s && !ctx->caller->is_admin && !ctx->caller->is_service &&
		strcmp(cp_json_str(s, "tenant_id") ?: "", ctx->caller->project_id) != 0) {
		json_decref(s);
		s = NULL;
	}
	return s;
}

json_t *cp_server_load(struct cp_ctx *ctx, const char *id)
{
	json_t *s;

	if (cp_db_begin(ctx->db, false))
		return NULL;
	s = cp_server_get(ctx, id);
	cp_db_commit(ctx->db);
	return s;
}

static bool base64_ok(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!isalnum((unsigned char)*s) && *s != '+' && *s != '/' && *s != '=' &&
			*s != '\n' && *s != '\r')
			return false;
	return n <= 65535 * 4 / 3 + 4;
}

/* The flavor, image and key the request names; 400 as Nova when one is
 * missing. A server booted from a volume (boot_volume) has no image. */
static int resolve(struct cp_ctx *ctx, const json_t *req, json_t *srv, const char *boot_volume)
{
	const char *name = cp_json_str(req, "name"), *image = cp_json_str(req, "imageRef");
	const char *flavor = cp_json_str(req, "flavorRef"), *key = cp_json_str(req, "key_name");
	const char *ud = cp_json_str(req, "user_data");
	json_t *f = NULL, *img = NULL, *k = NULL;

	if (!name || !*name || strlen(name) > 255)
		return cp_server_bad(ctx, "Invalid input for field/attribute name.");
	if (boot_volume)
		image = NULL; /* Nova ignores the image of a server booted from a volume */
	else if (!image || !*image)
		return cp_server_bad(ctx, "Missing imageRef attribute.");
	if (!flavor)
		return cp_server_bad(ctx, "Missing flavorRef attribute.");
	if (ud && !base64_ok(ud))
		return cp_server_bad(ctx, "User data needs to be valid base 64.");
	if (image && (cp_image_show(ctx, image, &img) != 0 ||
		strcmp(cp_json_str(img, "status") ?: "", "active") != 0)) {
		json_decref(img);
		return cp_fail(&ctx->err, -EINVAL, "badRequest", "Image %s could not be found.", image);
	}
	json_decref(img);
	if (cp_flavor_show(ctx, flavor, &f) != 0)
		return cp_fail(&ctx->err, -EINVAL, "badRequest", "Flavor %s could not be found.",
			flavor);
	if (key && cp_keypair_show(ctx, key, &k) != 0) {
		json_decref(f);
		return cp_server_bad(ctx, "Invalid key_name provided.");
	}
	json_object_set_new(srv, "name", json_string(name));
	json_object_set_new(srv, "virga:image", json_string(image ?: ""));
	json_object_set_new(srv, "virga:flavor_id", json_string(flavor));
	json_object_set_new(srv, "virga:flavor", json_pack("{s:O, s:O, s:O}", "vcpus",
		json_object_get(f, "vcpus"), "ram", json_object_get(f, "ram"), "disk",
		json_object_get(f, "disk")));
	if (ud)
		json_object_set_new(srv, "virga:user_data", json_string(ud));
	if (k) {
		json_object_set_new(srv, "key_name", json_string(key));
		json_object_set_new(srv, "virga:key_data", json_incref(json_object_get(k, "public_key")));
	}
	if (json_is_object(json_object_get(req, "metadata")))
		json_object_set(srv, "metadata", json_object_get(req, "metadata"));
	json_decref(f);
	json_decref(k);
	return 0;
}

/* Where the server goes: the scheduler over the live compute agents. */
static void schedule(struct cp_ctx *ctx, json_t *srv)
{
	json_t *agents, *servers;
	char host[256];

	agents = cp_obj_list(ctx->db, "agent", NULL, false, NULL, 0);
	servers = cp_obj_list(ctx->db, CP_SERVER_KIND, NULL, false, NULL, 0);
	if (cp_sched_pick(agents, servers, json_object_get(srv, "virga:flavor"), cp_now(),
		    cp_agent_down_time(), host) == 0)
		json_object_set_new(srv, "OS-EXT-SRV-ATTR:host", json_string(host));
	else
		json_object_set_new(srv, "virga:fault", json_string("No valid host was found."));
	json_decref(agents);
	json_decref(servers);
}

int cp_server_create(struct cp_ctx *ctx, const json_t *req, const char *store,
	const char *image_dir, json_t **out)
{
	struct cp_server_boot boot = {.store = store, .image_dir = image_dir};
	json_t *srv = json_object(), *plan = json_array(), *made = json_array(), *groups = json_array();
	char id[CP_ID_LEN], now[32];
	int rc;

	*out = NULL;
	if (!json_is_object(req))
		rc = cp_server_bad(ctx, "Invalid input: the body needs a server object.");
	else if (!ctx->caller->project_id[0])
		rc = cp_fail(&ctx->err, -EPERM, "forbidden", "A project scope is needed.");
	else if ((rc = cp_server_boot_volume(ctx, req, &boot)) == 0)
		rc = resolve(ctx, req, srv, boot.volume_id);
	if (rc == 0 && cp_db_begin(ctx->db, false))
		rc = cp_server_db_down(ctx);
	else if (rc == 0) {
		rc = cp_server_plan_networks(ctx, json_object_get(req, "networks"), plan);
		if (rc == 0)
			rc = cp_server_plan_groups(ctx, json_object_get(req, "security_groups"), groups);
		schedule(ctx, srv);
		cp_db_commit(ctx->db);
	}
	if (rc)
		goto out;
	cp_uuid(id, true);
	cp_time_iso(now, cp_now());
	json_object_set_new(srv, "id", json_string(id));
	json_object_set_new(srv, "tenant_id", json_string(ctx->caller->project_id));
	json_object_set_new(srv, "user_id", json_string(ctx->caller->user_id));
	json_object_set_new(srv, "created", json_string(now));
	json_object_set_new(srv, "updated", json_string(now));
	json_object_set_new(srv, "virga:power", json_string("running"));
	json_object_set_new(srv, "virga:reboot", json_integer(0));
	json_object_set(srv, "virga:security_groups", groups);
	/* Ports only for a server that has a node: an unplaced one is ERROR with none. */
	if (json_object_get(srv, "OS-EXT-SRV-ATTR:host"))
		rc = cp_server_bind_ports(ctx, srv, plan, made);
	json_object_set(srv, "virga:ports", made);
	if (rc) {
		cp_server_release_ports(ctx, srv);
		goto out;
	}
	/* The boot volume is reserved with the row, in its transaction: a
	 * volume that is no longer available refuses the server. */
	if (cp_db_begin(ctx->db, true) != 0) {
		rc = cp_server_db_down(ctx);
	} else {
		if (boot.volume_id && json_object_get(srv, "OS-EXT-SRV-ATTR:host"))
			rc = cp_server_reserve_boot_volume(ctx, srv, &boot);
		if (rc == 0 && cp_obj_put(ctx->db, CP_SERVER_KIND, srv, ctx->caller->project_id,
				       NULL, false) != 0)
			rc = cp_server_db_down(ctx);
		if (rc)
			cp_db_rollback(ctx->db);
		else if (cp_db_commit(ctx->db) != 0) /* a failed commit rolls back */
			rc = cp_server_db_down(ctx);
	}
	if (rc) {
		cp_server_release_ports(ctx, srv);
		goto out;
	}
	rc = cp_server_show(ctx, id, out);
out:
	if (rc)
		cp_server_boot_volume_undo(ctx, &boot);
	json_decref(srv);
	json_decref(plan);
	json_decref(made);
	json_decref(groups);
	return rc;
}

int cp_server_show(struct cp_ctx *ctx, const char *id, json_t **out)
{
	json_t *s = cp_server_load(ctx, id);

	if (s == NULL)
		return cp_server_not_found(ctx, id);
	if (cp_db_begin(ctx->db, false)) {
		json_decref(s);
		return cp_server_db_down(ctx);
	}
	*out = cp_server_view(ctx, s);
	cp_db_commit(ctx->db);
	json_decref(s);
	return 0;
}

int cp_server_list(struct cp_ctx *ctx, bool all_tenants, json_t **out)
{
	bool every = all_tenants && ctx->caller->is_admin;
	json_t *all, *s;
	size_t i;

	if (cp_db_begin(ctx->db, false))
		return cp_server_db_down(ctx);
	all = cp_obj_list(ctx->db, CP_SERVER_KIND, every ? NULL : ctx->caller->project_id, false,
		NULL, 0);
	*out = json_array();
	json_array_foreach(all, i, s)
		json_array_append_new(*out, cp_server_view(ctx, s));
	cp_db_commit(ctx->db);
	json_decref(all);
	return 0;
}

static void stamp_updated(json_t *s)
{
	char now[32];

	cp_time_iso(now, cp_now());
	json_object_set_new(s, "updated", json_string(now));
}

int cp_server_store(struct cp_ctx *ctx, json_t *s)
{
	stamp_updated(s);
	return cp_obj_put_tx(ctx->db, CP_SERVER_KIND, s, cp_json_str(s, "tenant_id"), NULL, false)
		? cp_server_db_down(ctx) : 0;
}

int cp_server_put(struct cp_ctx *ctx, json_t *s)
{
	stamp_updated(s);
	return cp_obj_put(ctx->db, CP_SERVER_KIND, s, cp_json_str(s, "tenant_id"), NULL, false)
		? cp_server_db_down(ctx) : 0;
}

int cp_server_update(struct cp_ctx *ctx, const char *id, const json_t *req, json_t **out)
{
	const char *name = cp_json_str(req, "name");
	json_t *s;
	int rc;

	if (!json_is_object(req) || (json_object_get(req, "name") && (!name || !*name ||
					strlen(name) > 255)))
		return cp_server_bad(ctx, "Invalid input for field/attribute name.");
	s = cp_server_load(ctx, id);
	if (s == NULL)
		return cp_server_not_found(ctx, id);
	if (name)
		json_object_set_new(s, "name", json_string(name));
	rc = cp_server_store(ctx, s);
	json_decref(s);
	return rc ? rc : cp_server_show(ctx, id, out);
}

int cp_server_delete(struct cp_ctx *ctx, const char *id, const char *store)
{
	json_t *s = cp_server_load(ctx, id);
	int rc;

	if (s == NULL)
		return cp_server_not_found(ctx, id);
	cp_server_release_ports(ctx, s);
	/* Its volumes go back to available with the row, in one transaction:
	 * none is left attached to a server that is gone. */
	rc = cp_db_begin(ctx->db, true) ? cp_server_db_down(ctx) : 0;
	if (rc == 0) {
		cp_server_volumes_release(ctx, s);
		cp_obj_del(ctx->db, CP_SERVER_CONSOLE_KIND, id);
		rc = cp_obj_del(ctx->db, CP_SERVER_KIND, id);
		if (rc)
			cp_db_rollback(ctx->db);
		else
			rc = cp_db_commit(ctx->db); /* a failed commit rolls back */
		rc = rc ? cp_server_db_down(ctx) : 0;
	}
	if (rc == 0)
		cp_server_volumes_delete_on_termination(ctx, s, store);
	json_decref(s);
	return rc;
}

