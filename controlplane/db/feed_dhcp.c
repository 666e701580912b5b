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

#include <string.h>

json_t *cp_feed_dhcp_begin(const json_t *ports, int64_t since)
{
	json_t *servers = json_object(), *touched = json_object(), *p, *f;
	size_t i, j;

	json_array_foreach(ports, i, p) {
		if (!cp_dhcp_is_server_port(p))
			continue;
		if (json_integer_value(json_object_get(p, "revision_number")) > since)
			json_object_set_new(touched, cp_json_str(p, "network_id"), json_true());
		json_array_foreach(json_object_get(p, "fixed_ips"), j, f)
			if (cp_json_str(f, "subnet_id") && cp_json_str(f, "ip_address") &&
				!json_object_get(servers, cp_json_str(f, "subnet_id")))
				json_object_set(servers, cp_json_str(f, "subnet_id"),
					json_object_get(f, "ip_address"));
	}
	return json_pack("{s:o, s:o}", "servers", servers, "touched", touched);
}

bool cp_feed_dhcp_touched(const json_t *dhcp, const char *net_id)
{
	return net_id && json_object_get(json_object_get(dhcp, "touched"), net_id) != NULL;
}

void cp_feed_dhcp_end(json_t *dhcp, json_t *subnets)
{
	const json_t *servers = json_object_get(dhcp, "servers");
	json_t *s, *ip;
	size_t i;

	json_array_foreach(subnets, i, s) {
		ip = json_object_get(servers, cp_json_str(s, "id") ?: "");
		json_object_set(s, "dhcp_server_ip", ip ? ip : json_null());
	}
	json_decref(dhcp);
}
