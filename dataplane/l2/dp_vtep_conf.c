/* SPDX-License-Identifier: Apache-2.0 */
/* The VTEP and its remote peers on the control thread. */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "core/dp_log.h"
#include "engine/dp_conf.h"
#include "dp_vxlan.h"

struct dp_vtep_conf dp_vtep_conf;
struct dp_peer_conf dp_peer_confs[DP_MAX_PEERS];

int dp_conf_peer_by_ip(uint32_t ip)
{
	for (int i = 0; i < DP_MAX_PEERS; i++)
		if (dp_peer_confs[i].used && dp_peer_confs[i].ip == ip)
			return i;
	return -ENOENT;
}

static void map_vni(struct dp_vtep *v, uint32_t vni, uint16_t net_id)
{
	uint32_t i = vni & (DP_VNI_MAP_SIZE - 1);

	while (v->vni_map[i].vni != 0)
		i = (i + 1) & (DP_VNI_MAP_SIZE - 1);
	v->vni_map[i].vni = vni;
	v->vni_map[i].net_id = net_id;
}

static void map_peer(struct dp_vtep *v, uint32_t ip, uint16_t index)
{
	uint32_t i = rte_be_to_cpu_32(ip) & (DP_PEER_MAP_SIZE - 1);

	while (v->peer_map[i].ip != 0)
		i = (i + 1) & (DP_PEER_MAP_SIZE - 1);
	v->peer_map[i].ip = ip;
	v->peer_map[i].index = index;
}

int dp_conf_publish_vtep(void)
{
	const struct dp_vtep_conf *c = &dp_vtep_conf;
	const struct dp_port_conf *pc = &dp_port_confs[c->port_id];
	struct dp_vtep *v;

	if (!c->set) {
		dp_tables_publish_vtep(NULL);
		return 0;
	}
	v = rte_zmalloc("vtep", sizeof(*v), RTE_CACHE_LINE_SIZE);
	if (v == NULL)
		return -ENOMEM;
	v->port_id = c->port_id;
	v->udp_port = rte_cpu_to_be_16(c->udp_port);
	v->local_ip = c->local_ip;
	v->mask = c->prefixlen ? rte_cpu_to_be_32(~0u << (32 - c->prefixlen)) : 0;
	v->gateway = c->gateway;
	v->learning = c->learning;
	v->mac = pc->dev_mac;
	v->max_payload = pc->mtu;
	for (uint16_t id = 1; id < DP_MAX_NETWORKS; id++)
		if (dp_net_confs[id].used && dp_net_confs[id].type == DP_NET_VXLAN)
			map_vni(v, dp_net_confs[id].seg_id, id);
	for (uint16_t i = 0; i < DP_MAX_PEERS; i++)
		if (dp_peer_confs[i].used)
			map_peer(v, dp_peer_confs[i].ip, i);
	dp_tables_publish_vtep(v);
	return 0;
}

int dp_conf_vtep_set(const struct dp_vtep_set_req *req)
{
	int port = dp_conf_port_by_name(req->port);
	uint32_t ip, gw, mask;
	struct dp_port_conf *pc;

	if (port < 0)
		return port;
	memcpy(&ip, req->local_ip, 4);
	memcpy(&gw, req->gateway, 4);
	if (req->prefixlen == 0 || req->prefixlen > 32 || ip == 0)
		return -EINVAL;
	mask = rte_cpu_to_be_32(~0u << (32 - req->prefixlen));
	if (gw != 0 && (((gw ^ ip) & mask) != 0 || gw == ip))
		return -EINVAL; /* a gateway we could not reach, or ourselves */
	pc = &dp_port_confs[port];
	if (pc->mode != DP_PORT_DETACHED && pc->mode != DP_PORT_UNDERLAY)
		return -EBUSY;
	if (dp_vtep_conf.set && dp_vtep_conf.port_id != port)
		return -EADDRINUSE; /* one VTEP per node */
	pc->mode = DP_PORT_UNDERLAY;
	dp_conf_publish_port(port);
	dp_vtep_conf = (struct dp_vtep_conf){
		.set = true,
		.port_id = port,
		.local_ip = ip,
		.gateway = gw,
		.prefixlen = req->prefixlen,
		.learning = req->learning,
		.udp_port = req->udp_port ? req->udp_port : DP_VXLAN_PORT,
	};
	DP_LOG(INFO, "VTEP on port %s", pc->name);
	return dp_conf_publish_vtep();
}

void dp_conf_vtep_unset(void)
{
	dp_vtep_conf.set = false;
	dp_conf_publish_vtep();
}

static int vxlan_net(const char *name)
{
	int id;

	if (!dp_conf_name_ok(name, DP_NAME_LEN, true))
		return -EINVAL;
	id = dp_conf_net_by_name(name);
	if (id > 0 && dp_net_confs[id].type != DP_NET_VXLAN)
		return -EINVAL;
	return id;
}

static int net_peer_slot(const struct dp_net_conf *n, uint16_t index)
{
	for (int i = 0; i < n->n_peers; i++)
		if (n->peers[i] == index)
			return i;
	return -1;
}

int dp_conf_peer_add(const struct dp_vtep_peer_req *req)
{
	int id = vxlan_net(req->network), index;
	struct dp_net_conf *n;
	uint32_t ip;

	if (id < 0)
		return id;
	memcpy(&ip, req->ip, 4);
	/* A peer is one unicast address (no multicast underlay: head-end replication). */
	if (ip == 0 || ip == 0xffffffff || (rte_be_to_cpu_32(ip) >> 28) == 0xe)
		return -EINVAL;
	n = &dp_net_confs[id];
	index = dp_conf_peer_by_ip(ip);
	if (index >= 0 && net_peer_slot(n, index) >= 0)
		return req->exist_ok ? 0 : -EEXIST;
	if (n->n_peers == DP_MAX_NET_PEERS)
		return -ENOSPC;
	if (index < 0) {
		for (index = 0; index < DP_MAX_PEERS && dp_peer_confs[index].used; index++)
			;
		if (index == DP_MAX_PEERS)
			return -ENOSPC;
		/* A fresh epoch: MACs learned behind the index's previous owner are stale. */
		dp_tables.peer_epoch[index]++;
		dp_tables.peer_ip[index] = ip;
		dp_peer_confs[index] = (struct dp_peer_conf){.used = true, .ip = ip};
	}
	dp_peer_confs[index].refs++;
	n->peers[n->n_peers++] = index;
	dp_conf_publish_network(id);
	return dp_conf_publish_vtep();
}

static void release(uint16_t index)
{
	if (--dp_peer_confs[index].refs > 0)
		return;
	dp_peer_confs[index].used = false;
	dp_tables.peer_epoch[index]++;
}

int dp_conf_peer_del(const struct dp_vtep_peer_req *req)
{
	int id = vxlan_net(req->network), index, slot;
	struct dp_net_conf *n;
	uint32_t ip;

	if (id < 0)
		return id == -ENOENT && req->missing_ok ? 0 : id;
	memcpy(&ip, req->ip, 4);
	n = &dp_net_confs[id];
	index = dp_conf_peer_by_ip(ip);
	slot = index >= 0 ? net_peer_slot(n, index) : -1;
	if (slot < 0)
		return req->missing_ok ? 0 : -ENOENT;
	n->peers[slot] = n->peers[--n->n_peers];
	release(index);
	dp_conf_publish_network(id);
	return dp_conf_publish_vtep();
}

void dp_conf_peers_release(uint16_t net_id)
{
	struct dp_net_conf *n = &dp_net_confs[net_id];

	while (n->n_peers > 0)
		release(n->peers[--n->n_peers]);
}
