/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The feed's "servers" for a node: each server placed there whose row
 * changed since the agent's revision, as the agent runs it (agents/
 * compute/compute.h): {"id", "name", "hostname", "host", "image_id", "flavor":
 * {"vcpus", "ram", "disk"}, "power_state", "reboot", "user_data",
 * "key_name", "key_data", "ports": [{"port_id", "mac_address"}], "volumes":
 * [{"volume_id", "attachment_id", "device", "connection_info", "size"?,
 * "action", "boot"?}]}. A volume's "connection_info" is its driver's
 * (Cinder-shaped, see volume_driver.h): the file driver's {"driver_volume_
 * type": "file", "data": {"path", "format"}} names the controller's file,
 * which the all-in-one node shares, so the agent opens it there. More
 * nodes need the store on each (an NFS export mounted at the same path) or
 * a driver whose volumes every node reaches (rbd). A deleted server is a
 * tombstone of kind "server" in "deleted". Inside the feed's read
 * transaction.
 */
#include "feed_servers.h"
#include "../compute/server.h"

#include <string.h>

static json_t *str_or_null(const json_t *o, const char *k)
{
	const char *v = cp_json_str(o, k);

	return v ? json_string(v) : json_null();
}

/* The server's volumes as the feed sends them: an entry stored before the
 * volume drivers has the file's "path" and "format" where connection_info
 * now is, which is what the file driver's connection says. */
static json_t *volumes(const json_t *s)
{
	const json_t *stored = json_object_get(s, "virga:volumes");
	json_t *out = json_is_array(stored) ? json_deep_copy(stored) : json_array(), *e;
	size_t i;

	json_array_foreach(out, i, e) {
		if (json_object_get(e, "connection_info") || !cp_json_str(e, "path"))
			continue;
		json_object_set_new(e, "connection_info",
			json_pack("{s:s, s:{s:O, s:s}}", "driver_volume_type", "file", "data", "path",
				json_object_get(e, "path"), "format", cp_json_str(e, "format") ?: "raw"));
		json_object_del(e, "path");
		json_object_del(e, "format");
	}
	return out;
}

static json_t *as_desired(struct cp_db *db, const json_t *s)
{
	const char *id = cp_json_str(s, "id");
	json_t *ports = json_array(), *rows = cp_obj_list_by(db, "port", "device_id", id), *p;
	size_t i;

	json_array_foreach(rows, i, p)
		json_array_append_new(ports, json_pack("{s:s, s:s}", "port_id", cp_json_str(p, "id"),
			"mac_address", cp_json_str(p, "mac_address") ?: ""));
	json_decref(rows);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:s, s:I, s:o, s:o, s:o, s:o, s:o}", "id",
		id, "name", cp_json_str(s, "name") ?: "", "hostname", cp_json_str(s, "name") ?: "",
		"host", cp_json_str(s, "OS-EXT-SRV-ATTR:host"), "image_id",
		cp_json_str(s, "virga:image") ?: "", "flavor", json_object_get(s, "virga:flavor"),
		"power_state", cp_json_str(s, "virga:power") ?: "running", "reboot",
		json_integer_value(json_object_get(s, "virga:reboot")), "user_data",
		str_or_null(s, "virga:user_data"), "key_name", str_or_null(s, "key_name"),
		"key_data", str_or_null(s, "virga:key_data"), "ports", ports, "volumes", volumes(s));
}

json_t *cp_feed_servers(struct cp_db *db, const char *node, int64_t since)
{
	json_t *out = json_array(), *all = cp_obj_list(db, CP_SERVER_KIND, NULL, false, NULL, since);
	json_t *s;
	size_t i;

	json_array_foreach(all, i, s) {
		if (strcmp(cp_json_str(s, "OS-EXT-SRV-ATTR:host") ?: "", node) != 0)
			continue;
		json_array_append_new(out, as_desired(db, s));
	}
	json_decref(all);
	return out;
}
