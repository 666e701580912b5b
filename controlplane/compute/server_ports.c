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
#define MAX_GROUPS 16

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

/* The project's security group named (or whose id is) ref, or NULL; *many
 * when more than one has the name. */
static json_t *find_group(struct cp_ctx *ctx, const char *project, const char *ref, bool *many)
{
	json_t *all = cp_obj_list(ctx->db, "security_group", project, false, NULL, 0), *g, *hit = NULL;
	size_t i;

	*many = false;
	json_array_foreach(all, i, g) {
		if (strcmp(cp_json_str(g, "id") ?: "", ref) == 0) {
			json_decref(hit);
			hit = json_incref(g);
			*many = false;
			break;
		}
		if (strcmp(cp_json_str(g, "name") ?: "", ref) == 0) {
			*many = hit != NULL;
			json_decref(hit);
			hit = json_incref(g);
		}
	}
	json_decref(all);
	return hit;
}

static bool has_id(const json_t *ids, const char *id)
{
	const json_t *v;
	size_t i;

	json_array_foreach(ids, i, v)
		if (strcmp(json_string_value(v), id) == 0)
			return true;
	return false;
}

int cp_server_plan_groups(struct cp_ctx *ctx, const json_t *groups, json_t *ids)
{
	const char *project = ctx->caller->project_id;
	const json_t *g;
	size_t i;

	if (groups == NULL || json_is_null(groups))
		return 0;
	if (!json_is_array(groups) || json_array_size(groups) > MAX_GROUPS)
		return cp_server_bad(ctx, "Invalid input for field/attribute security_groups.");
	json_array_foreach(groups, i, g) {
		const char *ref = cp_json_str(g, "name");
		json_t *hit;
		bool many;

		if (!json_is_object(g) || !ref || !*ref || strlen(ref) > 255)
			return cp_server_bad(ctx, "Invalid input for field/attribute security_groups: "
				"[{\"name\": NAME or ID}].");
		hit = find_group(ctx, project, ref, &many);
		if (many) {
			json_decref(hit);
			return cp_fail(&ctx->err, -EEXIST, "conflictingRequest",
				"Multiple security groups found matching '%s'. Use an ID to be more specific.",
				ref);
		}
		/* "default" before the project's first port: Neutron makes it then. */
		if (hit == NULL && strcmp(ref, "default") == 0)
			continue;
		if (hit == NULL)
			return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Security group %s not found for project %s.", ref, project);
		if (!has_id(ids, cp_json_str(hit, "id")))
			json_array_append_new(ids, json_string(cp_json_str(hit, "id")));
		json_decref(hit);
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
			/* Nova applies the groups asked for to the ports it makes only. */
			if (json_array_size(json_object_get(srv, "virga:security_groups")))
				json_object_set(req, "security_groups",
					json_object_get(srv, "virga:security_groups"));
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

int cp_server_interfaces(struct cp_ctx *ctx, const char *id, json_t **out)
{
	json_t *srv = cp_server_load(ctx, id), *ports, *p, *ip;
	size_t i, j;

	if (srv == NULL)
		return cp_server_not_found(ctx, id);
	json_decref(srv);
	if (cp_db_begin(ctx->db, false))
		return cp_server_db_down(ctx);
	ports = cp_obj_list_by(ctx->db, "port", "device_id", id);
	cp_db_commit(ctx->db);
	*out = json_array();
	json_array_foreach(ports, i, p) {
		json_t *ips = json_array();

		json_array_foreach(json_object_get(p, "fixed_ips"), j, ip)
			json_array_append_new(ips, json_pack("{s:s, s:s}", "subnet_id",
				cp_json_str(ip, "subnet_id") ?: "", "ip_address",
				cp_json_str(ip, "ip_address") ?: ""));
		json_array_append_new(*out, json_pack("{s:s, s:s, s:s, s:s, s:o}", "port_id",
			cp_json_str(p, "id") ?: "", "net_id", cp_json_str(p, "network_id") ?: "",
			"mac_addr", cp_json_str(p, "mac_address") ?: "", "port_state",
			cp_json_str(p, "status") ?: "DOWN", "fixed_ips", ips));
	}
	json_decref(ports);
	return 0;
}
