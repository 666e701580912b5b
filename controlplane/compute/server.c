/* SPDX-License-Identifier: Apache-2.0 */
/* Nova v2.1 servers: see server.h. */
#include "server.h"
#include "compute.h"
#include "../image/image.h"
#include "../network/network.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PORTS 8
#define CONSOLE_KIND "server_console"

static int not_found(struct cp_ctx *ctx, const char *id)
{
	return cp_fail(&ctx->err, -ENOENT, "itemNotFound", "Instance %s could not be found.", id);
}

static int bad(struct cp_ctx *ctx, const char *msg)
{
	return cp_fail(&ctx->err, -EINVAL, "badRequest", "%s", msg);
}

static int db_down(struct cp_ctx *ctx)
{
	return cp_fail(&ctx->err, -EIO, "computeFault", "database unavailable");
}

/* The server row if the caller may see it (owner or admin), else NULL. */
static json_t *load(struct cp_ctx *ctx, const char *id)
{
	json_t *s;

	if (cp_db_begin(ctx->db, false))
		return NULL;
	s = cp_obj_get(ctx->db, CP_SERVER_KIND, id);
	cp_db_commit(ctx->db);
	if (s && !ctx->caller->is_admin && !ctx->caller->is_service &&
		strcmp(cp_json_str(s, "tenant_id") ?: "", ctx->caller->project_id) != 0) {
		json_decref(s);
		s = NULL;
	}
	return s;
}

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

/* Nova's "addresses" from the server's ports: {network name: [...]}. */
static json_t *addresses(struct cp_ctx *ctx, const char *id)
{
	json_t *ports, *p, *ip, *out = json_object();
	size_t i, j;

	ports = cp_obj_list_by(ctx->db, "port", "device_id", id);
	json_array_foreach(ports, i, p) {
		json_t *net = cp_obj_get(ctx->db, "network", cp_json_str(p, "network_id") ?: "");
		const char *name = net ? cp_json_str(net, "name") : NULL;
		json_t *list;

		if (name == NULL || !*name)
			name = cp_json_str(p, "network_id") ?: "";
		list = json_object_get(out, name);
		if (list == NULL) {
			list = json_array();
			json_object_set_new(out, name, list);
		}
		json_array_foreach(json_object_get(p, "fixed_ips"), j, ip) {
			const char *a = cp_json_str(ip, "ip_address") ?: "";

			json_array_append_new(list, json_pack("{s:i, s:s, s:s, s:s}", "version",
				strchr(a, ':') ? 6 : 4, "addr", a, "OS-EXT-IPS:type", "fixed",
				"OS-EXT-IPS-MAC:mac_addr", cp_json_str(p, "mac_address") ?: ""));
		}
		json_decref(net);
	}
	json_decref(ports);
	return out;
}

static bool ports_active(struct cp_ctx *ctx, const char *id)
{
	json_t *ports = cp_obj_list_by(ctx->db, "port", "device_id", id), *p;
	bool all = json_array_size(ports) > 0;
	size_t i;

	json_array_foreach(ports, i, p)
		if (strcmp(cp_json_str(p, "status") ?: "", "ACTIVE") != 0)
			all = false;
	json_decref(ports);
	return all;
}

/* status, vm_state, task_state, power_state (Nova's numbers) from what was
 * asked and what the node reported. */
static void derive_status(struct cp_ctx *ctx, const json_t *s, json_t *out)
{
	const json_t *rep = json_object_get(s, "virga:report");
	const char *want = cp_json_str(s, "virga:power") ?: "running";
	const char *have = cp_json_str(rep, "power_state");
	const char *fault = cp_json_str(rep, "fault") ?: cp_json_str(s, "virga:fault");
	json_int_t gen = json_integer_value(json_object_get(s, "virga:reboot"));
	json_int_t done = json_integer_value(json_object_get(rep, "reboot"));
	const char *status, *vm, *task = NULL;
	int power = 0;

	if (fault != NULL || (have && strcmp(have, "error") == 0)) {
		status = "ERROR", vm = "error";
		json_object_set_new(out, "fault", json_pack("{s:i, s:s, s:s}", "code", 500,
			"message", fault ? fault : "the node reports an error", "created",
			cp_json_str(s, "updated") ?: ""));
	} else if (have == NULL) {
		status = "BUILD", vm = "building", task = "spawning";
	} else if (gen > done) {
		status = cp_json_bool(s, "virga:reboot_hard", true) ? "HARD_REBOOT" : "REBOOT";
		vm = "active", task = "rebooting_hard", power = 1;
	} else if (strcmp(have, "running") == 0) {
		power = 1;
		if (!ports_active(ctx, cp_json_str(s, "id")))
			status = "BUILD", vm = "building", task = "networking";
		else if (strcmp(want, "shutoff") == 0)
			status = "ACTIVE", vm = "active", task = "powering-off";
		else if (strcmp(want, "paused") == 0)
			status = "ACTIVE", vm = "active", task = "pausing";
		else
			status = "ACTIVE", vm = "active";
	} else if (strcmp(have, "paused") == 0) {
		status = "PAUSED", vm = "paused", power = 3;
		if (strcmp(want, "running") == 0)
			task = "unpausing";
	} else {
		status = "SHUTOFF", vm = "stopped", power = 4;
		if (strcmp(want, "shutoff") != 0)
			task = "powering-on";
	}
	json_object_set_new(out, "status", json_string(status));
	json_object_set_new(out, "OS-EXT-STS:vm_state", json_string(vm));
	json_object_set_new(out, "OS-EXT-STS:task_state", task ? json_string(task) : json_null());
	json_object_set_new(out, "OS-EXT-STS:power_state", json_integer(power));
}

static json_t *link_pair(const char *kind, const char *id)
{
	char self[256];

	snprintf(self, sizeof(self), "/compute/v2.1/%s/%s", kind, id);
	return json_pack("{s:s, s:[{s:s, s:s}]}", "id", id, "links", "rel", "bookmark", "href",
		self);
}

/* The server as Nova 2.1 shows it (inside a read transaction). */
static json_t *shown(struct cp_ctx *ctx, const json_t *s)
{
	const char *id = cp_json_str(s, "id");
	json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:s, s:O}",
		"id", id, "name", cp_json_str(s, "name") ?: "", "tenant_id",
		cp_json_str(s, "tenant_id") ?: "", "user_id", cp_json_str(s, "user_id") ?: "",
		"created", cp_json_str(s, "created") ?: "", "updated",
		cp_json_str(s, "updated") ?: "", "image",
		link_pair("images", cp_json_str(s, "virga:image") ?: ""), "flavor",
		link_pair("flavors", cp_json_str(s, "virga:flavor_id") ?: ""), "addresses",
		addresses(ctx, id), "hostId", "", "accessIPv4", "", "accessIPv6", "", "metadata",
		json_object_get(s, "metadata") ?: json_object());

	json_object_set_new(out, "key_name", cp_json_str(s, "key_name") ?
		json_string(cp_json_str(s, "key_name")) : json_null());
	json_object_set_new(out, "config_drive", json_string("True"));
	json_object_set_new(out, "OS-DCF:diskConfig", json_string("MANUAL"));
	json_object_set_new(out, "OS-EXT-AZ:availability_zone", json_string("nova"));
	json_object_set_new(out, "security_groups",
		json_pack("[{s:s}]", "name", "default"));
	{
		json_t *self = link_pair("servers", id);

		json_object_set(out, "links", json_object_get(self, "links"));
		json_decref(self);
	}
	derive_status(ctx, s, out);
	if (ctx->caller->is_admin) {
		const char *host = cp_json_str(s, "OS-EXT-SRV-ATTR:host");
		char domain[64];

		snprintf(domain, sizeof(domain), "virga-%s", id);
		json_object_set_new(out, "OS-EXT-SRV-ATTR:host", host ? json_string(host) : json_null());
		json_object_set_new(out, "OS-EXT-SRV-ATTR:hypervisor_hostname",
			host ? json_string(host) : json_null());
		json_object_set_new(out, "OS-EXT-SRV-ATTR:instance_name", json_string(domain));
	}
	return out;
}

/* The networks the server asks for, as network ids (Nova's "networks":
 * [{"uuid"} | {"port"}]; none given: the project's only network). */
static int plan_networks(struct cp_ctx *ctx, const json_t *networks, json_t *plan)
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
		return bad(ctx, "Invalid input for field/attribute networks.");
	json_array_foreach(networks, i, n) {
		const char *uuid = cp_json_str(n, "uuid"), *port = cp_json_str(n, "port");
		json_t *o;

		if (!json_is_object(n) || (!uuid == !port))
			return bad(ctx, "Invalid input for field/attribute networks: uuid or port.");
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
static int bind_ports(struct cp_ctx *ctx, const json_t *srv, const json_t *plan, json_t *made)
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
static void release_ports(struct cp_ctx *ctx, const json_t *srv)
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

static bool base64_ok(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!isalnum((unsigned char)*s) && *s != '+' && *s != '/' && *s != '=' &&
			*s != '\n' && *s != '\r')
			return false;
	return n <= 65535 * 4 / 3 + 4;
}

/* The flavor, image and key the request names; 400 as Nova when one is missing. */
static int resolve(struct cp_ctx *ctx, const json_t *req, json_t *srv)
{
	const char *name = cp_json_str(req, "name"), *image = cp_json_str(req, "imageRef");
	const char *flavor = cp_json_str(req, "flavorRef"), *key = cp_json_str(req, "key_name");
	const char *ud = cp_json_str(req, "user_data");
	json_t *f = NULL, *img = NULL, *k = NULL;

	if (!name || !*name || strlen(name) > 255)
		return bad(ctx, "Invalid input for field/attribute name.");
	if (!image || !*image)
		return bad(ctx, "Missing imageRef attribute (booting from a volume is not supported).");
	if (!flavor)
		return bad(ctx, "Missing flavorRef attribute.");
	if (ud && !base64_ok(ud))
		return bad(ctx, "User data needs to be valid base 64.");
	if (cp_image_show(ctx, image, &img) != 0 ||
		strcmp(cp_json_str(img, "status") ?: "", "active") != 0) {
		json_decref(img);
		return cp_fail(&ctx->err, -EINVAL, "badRequest", "Image %s could not be found.", image);
	}
	json_decref(img);
	if (cp_flavor_show(ctx, flavor, &f) != 0)
		return cp_fail(&ctx->err, -EINVAL, "badRequest", "Flavor %s could not be found.",
			flavor);
	if (key && cp_keypair_show(ctx, key, &k) != 0) {
		json_decref(f);
		return bad(ctx, "Invalid key_name provided.");
	}
	json_object_set_new(srv, "name", json_string(name));
	json_object_set_new(srv, "virga:image", json_string(image));
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

int cp_server_create(struct cp_ctx *ctx, const json_t *req, json_t **out)
{
	json_t *srv = json_object(), *plan = json_array(), *made = json_array();
	char id[CP_ID_LEN], now[32];
	int rc;

	*out = NULL;
	if (!json_is_object(req))
		rc = bad(ctx, "Invalid input: the body needs a server object.");
	else if (!ctx->caller->project_id[0])
		rc = cp_fail(&ctx->err, -EPERM, "forbidden", "A project scope is needed.");
	else
		rc = resolve(ctx, req, srv);
	if (rc == 0 && cp_db_begin(ctx->db, false))
		rc = db_down(ctx);
	else if (rc == 0) {
		rc = plan_networks(ctx, json_object_get(req, "networks"), plan);
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
	/* Ports only for a server that has a node: an unplaced one is ERROR with none. */
	if (json_object_get(srv, "OS-EXT-SRV-ATTR:host"))
		rc = bind_ports(ctx, srv, plan, made);
	json_object_set(srv, "virga:ports", made);
	if (rc) {
		release_ports(ctx, srv);
		goto out;
	}
	if (cp_obj_put_tx(ctx->db, CP_SERVER_KIND, srv, ctx->caller->project_id, NULL, false)) {
		release_ports(ctx, srv);
		rc = db_down(ctx);
		goto out;
	}
	rc = cp_server_show(ctx, id, out);
out:
	json_decref(srv);
	json_decref(plan);
	json_decref(made);
	return rc;
}

int cp_server_show(struct cp_ctx *ctx, const char *id, json_t **out)
{
	json_t *s = load(ctx, id);

	if (s == NULL)
		return not_found(ctx, id);
	if (cp_db_begin(ctx->db, false)) {
		json_decref(s);
		return db_down(ctx);
	}
	*out = shown(ctx, s);
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
		return db_down(ctx);
	all = cp_obj_list(ctx->db, CP_SERVER_KIND, every ? NULL : ctx->caller->project_id, false,
		NULL, 0);
	*out = json_array();
	json_array_foreach(all, i, s)
		json_array_append_new(*out, shown(ctx, s));
	cp_db_commit(ctx->db);
	json_decref(all);
	return 0;
}

/* Rewrites the server row (a new revision: its node's feed sends it again). */
static int store(struct cp_ctx *ctx, json_t *s)
{
	char now[32];

	cp_time_iso(now, cp_now());
	json_object_set_new(s, "updated", json_string(now));
	return cp_obj_put_tx(ctx->db, CP_SERVER_KIND, s, cp_json_str(s, "tenant_id"), NULL, false)
		? db_down(ctx) : 0;
}

int cp_server_update(struct cp_ctx *ctx, const char *id, const json_t *req, json_t **out)
{
	const char *name = cp_json_str(req, "name");
	json_t *s;
	int rc;

	if (!json_is_object(req) || (json_object_get(req, "name") && (!name || !*name ||
					strlen(name) > 255)))
		return bad(ctx, "Invalid input for field/attribute name.");
	s = load(ctx, id);
	if (s == NULL)
		return not_found(ctx, id);
	if (name)
		json_object_set_new(s, "name", json_string(name));
	rc = store(ctx, s);
	json_decref(s);
	return rc ? rc : cp_server_show(ctx, id, out);
}

int cp_server_delete(struct cp_ctx *ctx, const char *id)
{
	json_t *s = load(ctx, id);

	if (s == NULL)
		return not_found(ctx, id);
	release_ports(ctx, s);
	json_decref(s);
	cp_obj_del_tx(ctx->db, CONSOLE_KIND, id);
	return cp_obj_del_tx(ctx->db, CP_SERVER_KIND, id) ? db_down(ctx) : 0;
}

static int conflict(struct cp_ctx *ctx, const char *action, const char *id, const char *state)
{
	return cp_fail(&ctx->err, -EBUSY, "conflictingRequest",
		"Cannot '%s' instance %s while it is in vm_state %s", action, id, state);
}

int cp_server_action(struct cp_ctx *ctx, const char *id, const char *action, const json_t *body)
{
	json_t *s = load(ctx, id), *view;
	const char *vm, *task;
	int rc = 0;

	if (s == NULL)
		return not_found(ctx, id);
	if (cp_db_begin(ctx->db, false)) {
		json_decref(s);
		return db_down(ctx);
	}
	view = shown(ctx, s);
	cp_db_commit(ctx->db);
	vm = cp_json_str(view, "OS-EXT-STS:vm_state");
	task = cp_json_str(view, "OS-EXT-STS:task_state");
	/* Nova refuses an action while another task runs (a reboot may follow a
	 * reboot), and in the wrong state. */
	if (task != NULL && !(strcmp(action, "reboot") == 0 && strcmp(task, "rebooting_hard") == 0))
		rc = cp_fail(&ctx->err, -EBUSY, "conflictingRequest",
			"Cannot '%s' instance %s while it is in task_state %s", action, id, task);
	else if (strcmp(action, "os-stop") == 0)
		rc = strcmp(vm, "active") && strcmp(vm, "error") && strcmp(vm, "paused") ?
			conflict(ctx, "stop", id, vm) : 0;
	else if (strcmp(action, "os-start") == 0)
		rc = strcmp(vm, "stopped") ? conflict(ctx, "start", id, vm) : 0;
	else if (strcmp(action, "pause") == 0)
		rc = strcmp(vm, "active") ? conflict(ctx, "pause", id, vm) : 0;
	else if (strcmp(action, "unpause") == 0)
		rc = strcmp(vm, "paused") ? conflict(ctx, "unpause", id, vm) : 0;
	else if (strcmp(action, "reboot") == 0) {
		const char *type = cp_json_str(body, "type");

		if (!type || (strcmp(type, "SOFT") && strcmp(type, "HARD")))
			rc = bad(ctx, "Invalid input for field/attribute type: SOFT or HARD.");
		else if (strcmp(vm, "active") && strcmp(vm, "error"))
			rc = conflict(ctx, "reboot", id, vm);
		else
			json_object_set_new(s, "virga:reboot_hard", json_boolean(!strcmp(type, "HARD")));
	} else
		rc = bad(ctx, "There is no such action.");
	if (rc == 0) {
		if (strcmp(action, "os-stop") == 0)
			json_object_set_new(s, "virga:power", json_string("shutoff"));
		else if (strcmp(action, "pause") == 0)
			json_object_set_new(s, "virga:power", json_string("paused"));
		else if (strcmp(action, "reboot") == 0)
			json_object_set_new(s, "virga:reboot", json_integer(1 +
				json_integer_value(json_object_get(s, "virga:reboot"))));
		else
			json_object_set_new(s, "virga:power", json_string("running"));
		rc = store(ctx, s);
	}
	json_decref(view);
	json_decref(s);
	return rc;
}

int cp_server_console(struct cp_ctx *ctx, const char *id, long length, json_t **out)
{
	json_t *s = load(ctx, id), *c;
	const char *text, *from;

	if (s == NULL)
		return not_found(ctx, id);
	json_decref(s);
	if (cp_db_begin(ctx->db, false))
		return db_down(ctx);
	c = cp_obj_get(ctx->db, CONSOLE_KIND, id);
	cp_db_commit(ctx->db);
	text = c ? cp_json_str(c, "output") ?: "" : "";
	from = text + strlen(text);
	/* The last length lines (a trailing newline ends the last, not a new one). */
	if (length > 0) {
		long lines = 0;

		if (from > text && from[-1] == '\n')
			from--;
		while (from > text && !(from[-1] == '\n' && ++lines == length))
			from--;
	} else {
		from = text;
	}
	*out = json_string(from);
	json_decref(c);
	return 0;
}

/* The server if it is on node, for the node's reports. */
static int load_on_node(struct cp_ctx *ctx, const char *node, const char *id, json_t **s)
{
	*s = NULL;
	if (!ctx->caller->is_service && !ctx->caller->is_admin)
		return cp_fail(&ctx->err, -EPERM, "PolicyNotAuthorized",
			"Node reports need the service token.");
	*s = load(ctx, id);
	if (*s == NULL)
		return not_found(ctx, id);
	if (strcmp(cp_json_str(*s, "OS-EXT-SRV-ATTR:host") ?: "", node) != 0) {
		json_decref(*s);
		return cp_fail(&ctx->err, -EPERM, "forbidden", "Server %s is not on node %s.", id,
			node);
	}
	return 0;
}

int cp_server_report(struct cp_ctx *ctx, const char *node, const char *id, const json_t *report)
{
	const char *st = cp_json_str(report, "power_state");
	json_t *s = NULL, *rep;
	int rc;

	if (!st || (strcmp(st, "running") && strcmp(st, "shutoff") && strcmp(st, "paused") &&
			strcmp(st, "error")) || !json_is_integer(json_object_get(report, "reboot")))
		return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
			"Body must be {\"power_state\": running|shutoff|paused|error, \"fault\", \"reboot\": N}");
	rc = load_on_node(ctx, node, id, &s);
	if (rc)
		return rc;
	rep = json_pack("{s:s, s:O}", "power_state", st, "reboot",
		json_object_get(report, "reboot"));
	if (cp_json_str(report, "fault"))
		json_object_set_new(rep, "fault", json_string(cp_json_str(report, "fault")));
	json_object_set_new(s, "virga:report", rep);
	rc = store(ctx, s);
	json_decref(s);
	return rc;
}

int cp_server_report_console(struct cp_ctx *ctx, const char *node, const char *id,
	const char *output)
{
	json_t *s = NULL, *c;
	int rc = load_on_node(ctx, node, id, &s);

	if (rc)
		return rc;
	json_decref(s);
	c = json_pack("{s:s, s:s}", "id", id, "output", output);
	rc = cp_obj_put_tx(ctx->db, CONSOLE_KIND, c, NULL, NULL, false) ? db_down(ctx) : 0;
	json_decref(c);
	return rc;
}
