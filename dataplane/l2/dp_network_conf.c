/* SPDX-License-Identifier: Apache-2.0 */
/* Networks on the control thread: create, delete, and build their snapshots. */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "core/dp_log.h"
#include "engine/dp_conf.h"
#include "engine/dp_neigh.h"
#include "l3/dp_router_conf.h"
#include "sg/dp_sg_conf.h"

struct dp_net_conf dp_net_confs[DP_MAX_NETWORKS];

#define DEFAULT_MTU 1500

bool dp_conf_name_ok(const char *name, size_t size, bool required)
{
	size_t len = strnlen(name, size);

	return len < size && (!required || len > 0);
}

int dp_conf_net_by_name(const char *name)
{
	for (int id = 1; id < DP_MAX_NETWORKS; id++)
		if (dp_net_confs[id].used && strcmp(dp_net_confs[id].name, name) == 0)
			return id;
	return -ENOENT;
}

const char *dp_conf_net_name(uint16_t id)
{
	return id < DP_MAX_NETWORKS && dp_net_confs[id].used ? dp_net_confs[id].name : "?";
}

static int find_uplink(const char *physnet)
{
	for (int p = 0; p < DP_MAX_PORTS; p++)
		if (dp_port_confs[p].used && dp_port_confs[p].mode == DP_PORT_UPLINK &&
				strcmp(dp_port_confs[p].physnet, physnet) == 0)
			return p;
	return -ENOENT;
}

int dp_conf_publish_network(uint16_t net_id)
{
	const struct dp_net_conf *c = &dp_net_confs[net_id];
	struct dp_network *n;
	int up;

	if (!c->used) {
		dp_tables_publish_network(net_id, NULL);
		return 0;
	}
	n = rte_zmalloc("network", sizeof(*n), RTE_CACHE_LINE_SIZE);
	if (n == NULL)
		return -ENOMEM;
	n->id = net_id;
	n->type = c->type;
	n->vlan_id = c->type == DP_NET_VLAN ? c->seg_id : 0;
	n->vni = c->type == DP_NET_VXLAN ? c->seg_id : 0;
	n->n_peers = c->n_peers;
	memcpy(n->peers, c->peers, sizeof(n->peers));
	for (uint16_t i = 0; i < c->n_peers; i++)
		n->peer_set[c->peers[i] / 64] |= 1ull << (c->peers[i] % 64);
	n->n_rifs = dp_conf_net_rifs(net_id, n->rifs);
	n->max_payload = c->mtu;
	up = c->physnet[0] ? find_uplink(c->physnet) : -ENOENT;
	n->uplink_port = up >= 0 ? up : DP_NO_PORT;
	for (uint16_t p = 0; p < DP_MAX_PORTS; p++)
		if (dp_port_confs[p].used && dp_port_confs[p].mode == DP_PORT_ACCESS &&
				dp_port_confs[p].net_id == net_id)
			n->members[n->n_members++] = p;
	dp_tables_publish_network(net_id, n);
	return 0;
}

int dp_conf_publish_physnet(const char *physnet)
{
	int rc = 0, up;

	if (physnet[0] == '\0')
		return 0;
	for (uint16_t id = 1; id < DP_MAX_NETWORKS && rc == 0; id++)
		if (dp_net_confs[id].used && strcmp(dp_net_confs[id].physnet, physnet) == 0)
			rc = dp_conf_publish_network(id);
	up = find_uplink(physnet);
	if (rc == 0 && up >= 0)
		rc = dp_conf_publish_port(up);
	return rc;
}

uint32_t dp_conf_net_count_ports(uint16_t net_id)
{
	uint32_t n = 0;

	for (int p = 0; p < DP_MAX_PORTS; p++)
		n += dp_port_confs[p].used && dp_port_confs[p].mode == DP_PORT_ACCESS &&
		     dp_port_confs[p].net_id == net_id;
	return n;
}

static int validate(const struct dp_network_add_req *req)
{
	if (!dp_conf_name_ok(req->name, sizeof(req->name), true) ||
			!dp_conf_name_ok(req->physnet, sizeof(req->physnet), false))
		return -EINVAL;
	if (req->mtu != 0 && (req->mtu < 68 || req->mtu > 9000))
		return -EINVAL;
	switch (req->type) {
	case DP_NET_FLAT:
		return req->seg_id == 0 ? 0 : -EINVAL;
	case DP_NET_VLAN:
		/* 0 and 4095 are reserved (802.1Q 9.6), and a VLAN rides a provider network. */
		return req->seg_id >= 1 && req->seg_id <= 4094 && req->physnet[0] ? 0 : -EINVAL;
	case DP_NET_VXLAN:
		/* A 24-bit VNI (RFC 7348 5); the overlay rides the VTEP, not a physnet. */
		return req->seg_id >= 1 && req->seg_id <= 0xffffff && req->physnet[0] == '\0' ? 0 :
				-EINVAL;
	default:
		return -EINVAL;
	}
}

/* Another network already claims this physnet's VLAN (or its untagged slot), or this VNI. */
static bool segment_taken(const struct dp_network_add_req *req)
{
	if (req->physnet[0] == '\0' && req->type != DP_NET_VXLAN)
		return false;
	for (int id = 1; id < DP_MAX_NETWORKS; id++) {
		const struct dp_net_conf *c = &dp_net_confs[id];

		if (c->used && c->type == req->type && c->seg_id == req->seg_id &&
				strcmp(c->physnet, req->physnet) == 0)
			return true;
	}
	return false;
}

int dp_conf_net_add(const struct dp_network_add_req *req, uint16_t *id_out)
{
	/* Neutron's default for VXLAN: 1500 less the 50 bytes of encapsulation. */
	uint16_t mtu = req->mtu ? req->mtu : req->type == DP_NET_VXLAN ? DEFAULT_MTU - 50 : DEFAULT_MTU;
	struct dp_net_conf *c;
	int rc, id = dp_conf_net_by_name(req->name);

	rc = validate(req);
	if (rc < 0)
		return rc;
	if (id > 0) {
		c = &dp_net_confs[id];
		if (!req->exist_ok || c->type != req->type || c->seg_id != req->seg_id ||
				strcmp(c->physnet, req->physnet) != 0)
			return -EEXIST;
		*id_out = id;
		if (c->mtu == mtu)
			return 0;
		c->mtu = mtu;
		return dp_conf_publish_network(id);
	}
	if (segment_taken(req))
		return -EADDRINUSE;
	for (id = 1; id < DP_MAX_NETWORKS && dp_net_confs[id].used; id++)
		;
	if (id == DP_MAX_NETWORKS)
		return -ENOSPC;
	c = &dp_net_confs[id];
	memset(c, 0, sizeof(*c));
	c->used = true;
	snprintf(c->name, sizeof(c->name), "%s", req->name);
	snprintf(c->physnet, sizeof(c->physnet), "%s", req->physnet);
	c->type = req->type;
	c->seg_id = req->seg_id;
	c->mtu = mtu;
	rc = dp_conf_publish_network(id);
	if (rc == 0)
		rc = dp_conf_publish_physnet(c->physnet);
	if (rc == 0 && c->type == DP_NET_VXLAN)
		rc = dp_conf_publish_vtep();
	if (rc < 0) {
		c->used = false;
		dp_conf_publish_network(id);
		return rc;
	}
	*id_out = id;
	DP_LOG(INFO, "network %s added (id %d)", c->name, id);
	return 0;
}

static enum dp_kv_visit purge_network(uint64_t key, uint64_t val, void *arg)
{
	RTE_SET_USED(val);
	return dp_fdb_key_net(key) == *(uint16_t *)arg ? DP_KV_DELETE : DP_KV_KEEP;
}

int dp_conf_net_del(const char *name, bool missing_ok)
{
	struct dp_net_rif rifs[DP_MAX_NET_RIFS];
	char physnet[DP_PHYSNET_LEN];
	int id = dp_conf_net_by_name(name);
	uint16_t net_id;

	if (id < 0)
		return missing_ok ? 0 : id;
	if (dp_conf_net_count_ports(id) > 0 || dp_conf_net_rifs(id, rifs) > 0)
		return -EBUSY;
	net_id = id;
	memcpy(physnet, dp_net_confs[id].physnet, sizeof(physnet));
	dp_conf_peers_release(net_id);
	dp_net_confs[id].used = false;
	dp_conf_publish_network(net_id);
	dp_conf_publish_physnet(physnet);
	dp_conf_publish_vtep();
	/* The id may be reused by the next network: its MACs must not survive it. Wait
	 * until no worker can still be switching a frame of the old network, or one
	 * could learn a MAC into it after the purge. */
	dp_tables_synchronize();
	dp_kv_walk(&dp_tables.fdb, 0, purge_network, &net_id);
	dp_neigh_purge_scope(net_id);
	dp_sg_conf_network_deleted(net_id);
	DP_LOG(INFO, "network %s deleted", name);
	return 0;
}
