/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How a server is shown: Nova 2.1's document from the row, its ports (the
 * addresses per network name) and what its node reported (the status
 * machine described in server.h). Inside the caller's read transaction.
 */
#include "server_priv.h"

#include <stdio.h>
#include <string.h>

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

/* Appends {"name"} for group id to out, once a name (Nova shows names). */
static void add_group(struct cp_ctx *ctx, const char *id, json_t *out)
{
	json_t *g = cp_obj_get(ctx->db, "security_group", id), *have;
	const char *name = g ? cp_json_str(g, "name") : NULL;
	size_t i;

	json_array_foreach(out, i, have)
		if (name && strcmp(cp_json_str(have, "name") ?: "", name) == 0)
			name = NULL;
	if (name)
		json_array_append_new(out, json_pack("{s:s}", "name", name));
	json_decref(g);
}

/* Nova's "security_groups": those of the server's ports, as they are now;
 * a server with no port (never placed) shows those it asked for. */
static json_t *groups(struct cp_ctx *ctx, const json_t *s)
{
	json_t *ports = cp_obj_list_by(ctx->db, "port", "device_id", cp_json_str(s, "id") ?: "");
	json_t *out = json_array(), *p, *g;
	size_t i, j;

	json_array_foreach(ports, i, p)
		json_array_foreach(json_object_get(p, "security_groups"), j, g)
			add_group(ctx, json_string_value(g) ?: "", out);
	if (json_array_size(ports) == 0)
		json_array_foreach(json_object_get(s, "virga:security_groups"), j, g)
			add_group(ctx, json_string_value(g) ?: "", out);
	if (json_array_size(ports) == 0 && json_array_size(out) == 0)
		json_array_append_new(out, json_pack("{s:s}", "name", "default"));
	json_decref(ports);
	return out;
}

/* Nova's "os-extended-volumes:volumes_attached": [{"id"}], its block device mappings. */
static json_t *volumes(const json_t *s)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach(json_object_get(s, "virga:volumes"), i, e)
		json_array_append_new(out, json_pack("{s:s}", "id", cp_json_str(e, "volume_id") ?: ""));
	return out;
}

static json_t *link_pair(const char *kind, const char *id)
{
	char self[256];

	snprintf(self, sizeof(self), "/compute/v2.1/%s/%s", kind, id);
	return json_pack("{s:s, s:[{s:s, s:s}]}", "id", id, "links", "rel", "bookmark", "href",
		self);
}

/* The server as Nova 2.1 shows it (inside a read transaction). */
json_t *cp_server_view(struct cp_ctx *ctx, const json_t *s)
{
	const char *id = cp_json_str(s, "id");
	json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:s, s:o}",
		"id", id, "name", cp_json_str(s, "name") ?: "", "tenant_id",
		cp_json_str(s, "tenant_id") ?: "", "user_id", cp_json_str(s, "user_id") ?: "",
		"created", cp_json_str(s, "created") ?: "", "updated",
		cp_json_str(s, "updated") ?: "", "image",
		link_pair("images", cp_json_str(s, "virga:image") ?: ""), "flavor",
		link_pair("flavors", cp_json_str(s, "virga:flavor_id") ?: ""), "addresses",
		addresses(ctx, id), "hostId", "", "accessIPv4", "", "accessIPv6", "", "metadata",
		json_object_get(s, "metadata") ? json_incref(json_object_get(s, "metadata")) :
			json_object());

	json_object_set_new(out, "key_name", cp_json_str(s, "key_name") ?
		json_string(cp_json_str(s, "key_name")) : json_null());
	json_object_set_new(out, "config_drive", json_string("True"));
	json_object_set_new(out, "OS-DCF:diskConfig", json_string("MANUAL"));
	json_object_set_new(out, "OS-EXT-AZ:availability_zone", json_string("nova"));
	json_object_set_new(out, "security_groups", groups(ctx, s));
	json_object_set_new(out, "os-extended-volumes:volumes_attached", volumes(s));
	/* Booted from a volume: Nova's image is the empty string. */
	if (!*(cp_json_str(s, "virga:image") ?: ""))
		json_object_set_new(out, "image", json_string(""));
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

