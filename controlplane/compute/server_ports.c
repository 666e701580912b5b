/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A server's Neutron ports: the networks (or ports) it asks for resolved
 * before anything is written, then made (or taken) on its node as the
 * compute service, as Nova asks Neutron, and deleted (or given back) with
 * the server.
 */
#include "server_priv.h"
#include "../network/network.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_PORTS 8

/* A caller that may bind and own ports for the server's project: the
 * compute service acts for the tenant, as Nova does with Neutron. */
static void service_ctx(const struct cp_ctx *ctx, const char *project, struct cp_caller *as,
	struct cp_ctx *out)
{
	*as = *ctx->caller;
	as->is_admin = true;
	snprintf(as->project_id, sizeof(as->project_id), "%s", project);
	*out = *ctx;
	out->caller = as;
}
/* The networks the server asks for, as network ids (Nova's "networks":
 * [{"uuid"} | {"port"}]; none given: the project's only network). */
int cp_server_plan_networks(struct cp_ctx *ctx, const json_t *networks, json_t *plan)
{
	const json_t *n;
	size_t i;

	if (networks == NULL || json_is_null(networks)) {
		json_t *all = cp_obj_list(ctx->db, "network", ctx->caller->project_id, true, NULL, 0);
		json_t *cand = NULL, *o;

		json_array_foreach(all, i, o) {
			if (cp_json_bool(o, "router:external", false))
				continue;
			if (cand) {
				json_decref(all);
				return cp_fail(&ctx->err, -EEXIST, "conflictingRequest",
					"Multiple possible networks found, use a Network ID to be more specific.");
			}
			cand = o;
		}
		if (cand)
			json_array_append_new(plan, json_pack("{s:s}", "uuid", cp_json_str(cand, "id")));
		json_decref(all);
		return 0;
	}
	if (!json_is_array(networks) || json_array_size(networks) > MAX_PORTS)
		return cp_server_bad(ctx, "Invalid input for field/attribute networks.");
	json_array_foreach(networks, i, n) {
		const char *uuid = cp_json_str(n, "uuid"), *port = cp_json_str(n, "port");
		json_t *o;

		if (!json_is_object(n) || (!uuid == !port))
			return cp_server_bad(ctx, "Invalid input for field/attribute networks: uuid or port.");
		o = cp_obj_get(ctx->db, uuid ? "network" : "port", uuid ? uuid : port);
		if (o == NULL || (!ctx->caller->is_admin &&
				strcmp(cp_json_str(o, "tenant_id") ?: "", ctx->caller->project_id) != 0 &&
				!cp_json_bool(o, "shared", false))) {
			json_decref(o);
			return cp_fail(&ctx->err, -EINVAL, "badRequest", uuid ?
				"Network %s could not be found." : "Port %s could not be found.",
				uuid ? uuid : port);
		}
		if (port && (cp_json_str(o, "device_id") ?: "")[0]) {
			json_decref(o);
			return cp_fail(&ctx->err, -EEXIST, "conflictingRequest",
				"Port %s is still in use.", port);
		}
		json_decref(o);
		json_array_append_new(plan, json_deep_copy(n));
	}
	return 0;
}

/* Makes (or takes) the planned ports for the server on host; their ids into made. */
int cp_server_bind_ports(struct cp_ctx *ctx, const json_t *srv, const json_t *plan, json_t *made)
{
	struct cp_caller as;
	struct cp_ctx sctx;
	const json_t *n;
	size_t i;
	int rc = 0;

	service_ctx(ctx, cp_json_str(srv, "tenant_id"), &as, &sctx);
	json_array_foreach(plan, i, n) {
		json_t *req = json_pack("{s:s, s:s, s:s}", "device_owner", "compute:nova",
			"device_id", cp_json_str(srv, "id"), "binding:host_id",
			cp_json_str(srv, "OS-EXT-SRV-ATTR:host") ?: ""), *p = NULL;

		if (cp_json_str(n, "uuid")) {
			json_object_set_new(req, "network_id", json_string(cp_json_str(n, "uuid")));
			json_object_set_new(req, "project_id", json_string(as.project_id));
			rc = cp_res_create(&sctx, &cp_kind_port, req, &p);
			if (rc == 0)
				json_array_append_new(made, json_pack("{s:s, s:b}", "id",
					cp_json_str(p, "id"), "made", 1));
		} else {
			rc = cp_res_update(&sctx, &cp_kind_port, cp_json_str(n, "port"), req, &p);
			if (rc == 0)
				json_array_append_new(made, json_pack("{s:s, s:b}", "id",
					cp_json_str(n, "port"), "made", 0));
		}
		json_decref(req);
		json_decref(p);
		if (rc)
			break;
	}
	if (rc)
		ctx->err = sctx.err;
	return rc;
}

/* Deletes the ports the server made; unbinds those it was given. */
void cp_server_release_ports(struct cp_ctx *ctx, const json_t *srv)
{
	const json_t *m = json_object_get(srv, "virga:ports"), *p;
	struct cp_caller as;
	struct cp_ctx sctx;
	size_t i;

	service_ctx(ctx, cp_json_str(srv, "tenant_id") ?: "", &as, &sctx);
	json_array_foreach(m, i, p) {
		const char *id = cp_json_str(p, "id");

		if (cp_json_bool(p, "made", true)) {
			cp_res_delete(&sctx, &cp_kind_port, id);
		} else {
			json_t *req = json_pack("{s:s, s:s, s:s}", "device_owner", "", "device_id",
				"", "binding:host_id", ""), *out = NULL;

			cp_res_update(&sctx, &cp_kind_port, id, req, &out);
			json_decref(req);
			json_decref(out);
		}
	}
}
