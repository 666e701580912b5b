/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Each subnet the feed sends carries "dhcp_server_ip": the address of its
 * network's DHCP port on it (controlplane/network/dhcp_port.c), from which
 * the engine answers DHCP for the node's ports, or null when the subnet
 * has none (DHCP off, or no free address was left). The DHCP port is bound
 * to no node, so it reaches agents only this way; when it changes (an
 * address added or removed) the network's subnets are sent again.
 */
#include "feed_dhcp.h"
#include "../core/cp.h"
#include "../network/dhcp_port.h"

#include <stdio.h>
#include <string.h>

json_t *cp_feed_dhcp_begin(const json_t *ports, int64_t since)
{
	json_t *touched = json_object(), *p;
	size_t i;

	json_array_foreach(ports, i, p)
		if (cp_dhcp_is_server_port(p) &&
			json_integer_value(json_object_get(p, "revision_number")) > since)
			json_object_set_new(touched, cp_json_str(p, "network_id") ?: "", json_true());
	return touched;
}

bool cp_feed_dhcp_touched(const json_t *dhcp, const char *net_id)
{
	return net_id && json_object_get(dhcp, net_id) != NULL;
}

/* The address on subnet s of its network's DHCP port (by the device_id
 * index: "dhcp" + the network id), or NULL; servers caches the network's
 * DHCP ports for its other subnets. */
static json_t *server_ip(struct cp_db *db, json_t *servers, const json_t *s)
{
	const char *nid = cp_json_str(s, "network_id") ?: "", *sid = cp_json_str(s, "id") ?: "";
	json_t *ports = json_object_get(servers, nid), *p, *f;
	char device[CP_ID_LEN + 8];
	size_t i, j;

	if (!ports) {
		snprintf(device, sizeof(device), "dhcp%s", nid);
		ports = cp_obj_list_by(db, "port", "device_id", device);
		json_object_set_new(servers, nid, ports);
	}
	json_array_foreach(ports, i, p) {
		if (!cp_dhcp_is_server_port(p))
			continue;
		json_array_foreach(json_object_get(p, "fixed_ips"), j, f)
			if (strcmp(cp_json_str(f, "subnet_id") ?: "", sid) == 0 &&
				cp_json_str(f, "ip_address"))
				return json_object_get(f, "ip_address");
	}
	return NULL;
}

void cp_feed_dhcp_end(struct cp_db *db, json_t *dhcp, json_t *subnets)
{
	json_t *servers = json_object(), *s, *ip; /* network id -> its DHCP ports */
	size_t i;

	json_array_foreach(subnets, i, s) {
		ip = server_ip(db, servers, s);
		json_object_set(s, "dhcp_server_ip", ip ? ip : json_null());
	}
	json_decref(servers);
	json_decref(dhcp);
}
