/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DHCP server address of each enable_dhcp subnet, reserved in IPAM as
 * Neutron's DHCP port reserves it: one port per network with device_owner
 * "network:dhcp" and a fixed IP on each of the network's enable_dhcp
 * subnets, the lowest free one of the subnet's pools (the first after the
 * gateway on a fresh subnet, as Neutron's DHCP agent gets it).
 *
 * Neutron's device_id is "dhcp<host-uuid>-<network-id>", naming the host
 * whose DHCP agent serves the network. No host does here (every node's
 * engine answers for its own ports, from this address), so the device_id
 * is "dhcp<network-id>" and the port is bound to no host.
 *
 * The port follows the subnets: made with the first enable_dhcp subnet,
 * given an address when a subnet turns DHCP on, losing it when the subnet
 * turns it off or goes, and deleted with the last one. It belongs to the
 * network's project and counts in its port quota, but is never refused for
 * it (cp_res_insert), as Neutron's service ports. It changes only through
 * the subnet API (cp_port_managed). A subnet whose pools have no free
 * address is left without a server address, hence without DHCP, until the
 * next change on the network finds one.
 */
#include "dhcp_port.h"
#include "network.h"
#include "../db/feed.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define DHCP_OWNER "network:dhcp"
/* Where addresses are tried before the port exists; released right after. */
#define PROBE_ID "dhcp-port-probe"

static void device_id(const char *net_id, char *out, size_t cap)
{
	snprintf(out, cap, "dhcp%s", net_id);
}

bool cp_dhcp_is_server_port(const json_t *port)
{
	char dev[128];

	device_id(cp_json_str(port, "network_id") ?: "", dev, sizeof(dev));
	return strcmp(cp_json_str(port, "device_owner") ?: "", DHCP_OWNER) == 0 &&
		strcmp(cp_json_str(port, "device_id") ?: "", dev) == 0;
}

static json_t *server_port(struct cp_ctx *ctx, const char *net_id)
{
	json_t *ports = cp_obj_list(ctx->db, "port", NULL, false, net_id, 0), *p, *out = NULL;
	size_t i;

	json_array_foreach(ports, i, p)
		if (!out && cp_dhcp_is_server_port(p))
			out = json_incref(p);
	json_decref(ports);
	return out;
}

/* The ids of the network's enable_dhcp subnets, as a set: changed stands for
 * its stored version, gone_id is left out. */
static json_t *dhcp_subnets(struct cp_ctx *ctx, const char *net_id, const json_t *changed,
	const char *gone_id)
{
	json_t *subnets = cp_obj_list(ctx->db, "subnet", NULL, false, net_id, 0), *s;
	json_t *out = json_object();
	const char *cid = changed ? cp_json_str(changed, "id") : NULL;
	size_t i;

	json_array_foreach(subnets, i, s) {
		const char *id = cp_json_str(s, "id") ?: "";

		if (cid && strcmp(id, cid) == 0)
			s = (json_t *)changed;
		if ((!gone_id || strcmp(id, gone_id) != 0) && cp_json_bool(s, "enable_dhcp", true))
			json_object_set_new(out, id, json_true());
	}
	if (changed && cp_json_bool(changed, "enable_dhcp", true))
		json_object_set_new(out, cid, json_true()); /* one being created */
	json_decref(subnets);
	return out;
}

/* Appends to fixed an address on subnet sid for owner_id, recorded in IPAM;
 * a subnet without a free address is skipped. */
static int take_address(struct cp_ctx *ctx, const char *net_id, const char *owner_id,
	const char *sid, json_t *fixed)
{
	json_t *one = json_pack("[{s:s}]", "subnet_id", sid);
	int rc = cp_port_allocate_ips(ctx, net_id, owner_id, one, false);

	if (rc == 0)
		json_array_extend(fixed, one);
	else if (rc == -ENOSPC) {
		memset(&ctx->err, 0, sizeof(ctx->err));
		rc = 0;
	}
	json_decref(one);
	return rc;
}

static int delete_port(struct cp_ctx *ctx, const json_t *port)
{
	int rc = cp_port_release_ips(ctx, cp_json_str(port, "id"));

	if (rc == 0)
		rc = cp_feed_note_members(ctx->db, NULL, port);
	return rc ? rc : cp_obj_del(ctx->db, "port", cp_json_str(port, "id"));
}

int cp_dhcp_port_sync(struct cp_ctx *ctx, const char *net_id, const json_t *changed,
	const char *gone_id, bool may_create)
{
	json_t *want = dhcp_subnets(ctx, net_id, changed, gone_id);
	json_t *port = server_port(ctx, net_id), *fixed = json_array(), *f, *net;
	const char *sid, *pid = port ? cp_json_str(port, "id") : PROBE_ID;
	char dev[128];
	size_t i;
	int rc = 0;

	/* Addresses on subnets that keep DHCP stay as they are. */
	json_array_foreach(port ? json_object_get(port, "fixed_ips") : NULL, i, f)
		if (json_object_get(want, cp_json_str(f, "subnet_id") ?: ""))
			json_array_append(fixed, f);
	json_array_foreach(fixed, i, f)
		json_object_del(want, cp_json_str(f, "subnet_id"));
	if (port && json_object_size(want) == 0 &&
		json_array_size(fixed) == json_array_size(json_object_get(port, "fixed_ips")))
		goto out; /* nothing changes */
	if (!port && (!may_create || json_object_size(want) == 0))
		goto out;
	/* New addresses are recorded under the port (or the probe), then all
	 * of them again from the final list, by the port's own code path. */
	json_object_foreach(want, sid, f)
		if (rc == 0)
			rc = take_address(ctx, net_id, pid, sid, fixed);
	if (rc == 0)
		rc = cp_port_release_ips(ctx, pid);
	if (rc)
		goto out;
	if (json_array_size(fixed) == 0) {
		rc = port ? delete_port(ctx, port) : 0;
	} else if (port) {
		rc = cp_port_allocate_ips(ctx, net_id, pid, fixed, false);
		if (rc == 0) {
			json_object_set(port, "fixed_ips", fixed);
			rc = cp_res_store(ctx, &cp_kind_port, port);
		}
	} else if ((net = cp_obj_get(ctx->db, "network", net_id))) {
		device_id(net_id, dev, sizeof(dev));
		rc = cp_port_create_internal(ctx, net_id, cp_res_owner(net), dev, DHCP_OWNER,
			fixed, "", NULL);
		json_decref(net);
	} else {
		rc = -EIO;
	}
out:
	json_decref(want);
	json_decref(port);
	json_decref(fixed);
	return rc;
}

int cp_dhcp_port_drop(struct cp_ctx *ctx, const char *net_id)
{
	json_t *port = server_port(ctx, net_id);
	int rc = port ? delete_port(ctx, port) : 0;

	json_decref(port);
	return rc;
}
