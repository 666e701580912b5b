/* SPDX-License-Identifier: Apache-2.0 */
/* Ports on the control thread: add, delete, attach, port security, snapshots. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_malloc.h>

#include "core/dp_log.h"
#include "engine/dp_conf.h"
#include "engine/dp_worker.h"
#include "dp_port_dev.h"
#include "dp_vhost.h"
#include "dhcp/dp_dhcp.h"
#include "sg/dp_sg_conf.h"

struct dp_port_conf dp_port_confs[DP_MAX_PORTS];
uint16_t dp_port_epochs[DP_MAX_PORTS];

#define DEFAULT_MTU 1500

int dp_conf_port_by_name(const char *name)
{
	for (int p = 0; p < DP_MAX_PORTS; p++)
		if (dp_port_confs[p].used && strcmp(dp_port_confs[p].name, name) == 0)
			return p;
	return -ENOENT;
}

static void add_mac(struct dp_port *p, const struct rte_ether_addr *mac)
{
	for (unsigned int i = 0; i < p->n_macs; i++)
		if (rte_is_same_ether_addr(&p->macs[i], mac))
			return;
	p->macs[p->n_macs++] = *mac;
}

static void add_addr(struct dp_port *p, const struct dp_ip_prefix *ip,
		const struct rte_ether_addr *mac)
{
	struct dp_sec_addr *a = &p->addrs[p->n_addrs++];

	a->family = ip->family;
	a->prefixlen = ip->prefixlen;
	a->mac = *mac;
	memcpy(a->v6, ip->addr, ip->family == AF_INET ? 4 : 16);
}

static void build_security(struct dp_port *p, const struct dp_port_conf *c)
{
	p->security = c->security;
	if (!c->security)
		return;
	/* Until its MAC is configured a port may send nothing at all. */
	if (rte_is_zero_ether_addr(&c->mac))
		return;
	add_mac(p, &c->mac);
	for (unsigned int i = 0; i < c->n_addrs; i++)
		add_addr(p, &c->addrs[i], &c->mac);
	for (unsigned int i = 0; i < c->n_pairs; i++) {
		const struct rte_ether_addr *mac = (const struct rte_ether_addr *)c->pairs[i].mac;

		/* A pair without a MAC uses the port's own (Neutron's rule). */
		if (rte_is_zero_ether_addr(mac))
			mac = &c->mac;
		add_mac(p, mac);
		add_addr(p, &c->pairs[i].ip, mac);
	}
}

static void build_vlan_map(struct dp_port *p, const char *physnet)
{
	for (uint16_t id = 1; id < DP_MAX_NETWORKS; id++) {
		const struct dp_net_conf *n = &dp_net_confs[id];

		if (!n->used || strcmp(n->physnet, physnet) != 0)
			continue;
		if (n->type == DP_NET_FLAT)
			p->vlan_net[0] = id;
		else if (n->type == DP_NET_VLAN)
			p->vlan_net[n->seg_id] = id;
	}
}

int dp_conf_publish_port(uint16_t port_id)
{
	const struct dp_port_conf *c = &dp_port_confs[port_id];
	struct dp_port *p;

	if (!c->used) {
		dp_tables_publish_port(port_id, NULL);
		return 0;
	}
	p = rte_zmalloc("port", sizeof(*p), RTE_CACHE_LINE_SIZE);
	if (p == NULL)
		return -ENOMEM;
	p->port_id = port_id;
	p->epoch = dp_port_epochs[port_id];
	p->mode = c->mode;
	p->net_id = c->mode == DP_PORT_ACCESS ? c->net_id : 0;
	p->max_payload = c->mtu;
	if (c->mode == DP_PORT_UPLINK)
		build_vlan_map(p, c->physnet);
	if (c->mode == DP_PORT_ACCESS) {
		build_security(p, c);
		dp_sg_conf_fill(p, port_id);
	}
	dp_tables_publish_port(port_id, p);
	return 0;
}

/* A vhost-user port's MAC, locally administered and from its id: it has no device
 * of its own to give one, and the engine's frames from it (if any) need one. */
static void vhost_mac(uint16_t port_id, struct rte_ether_addr *mac)
{
	const struct rte_ether_addr m = {{0x02, 'v', 'g', 0, port_id >> 8, port_id & 0xff}};

	*mac = m;
}

/* Opens what is behind a new port: its ethdev, or its vhost-user socket. */
static int open_dev(const struct dp_port_add_req *req, uint16_t mtu, uint16_t *port_id,
		struct rte_ether_addr *mac)
{
	int rc;

	if (req->kind == DP_PORT_KIND_ETHDEV)
		return dp_port_dev_open(req->devargs, mtu, port_id, mac);
	rc = dp_vhost_alloc_id();
	if (rc < 0)
		return rc;
	*port_id = rc;
	vhost_mac(*port_id, mac);
	return dp_vhost_open(*port_id, req->devargs);
}

int dp_conf_port_add(const struct dp_port_add_req *req, struct dp_port_add_reply *reply)
{
	uint16_t mtu = req->mtu ? req->mtu : DEFAULT_MTU;
	struct dp_port_conf *c;
	uint16_t port_id;
	struct rte_ether_addr mac;
	int rc, id;

	if (!dp_conf_name_ok(req->name, sizeof(req->name), true) ||
			!dp_conf_name_ok(req->devargs, sizeof(req->devargs), true) ||
			mtu < 68 || mtu > 9000 ||
			(req->kind != DP_PORT_KIND_ETHDEV && req->kind != DP_PORT_KIND_VHOST_USER))
		return -EINVAL;
	id = dp_conf_port_by_name(req->name);
	if (id >= 0) {
		c = &dp_port_confs[id];
		if (!req->exist_ok || c->kind != req->kind || strcmp(c->devargs, req->devargs) != 0)
			return -EEXIST;
		if (c->mtu != mtu) {
			rc = dp_port_dev_set_mtu(id, mtu);
			if (rc < 0)
				return rc;
			c->mtu = mtu;
			dp_conf_publish_port(id);
		}
		reply->port_id = id;
		memcpy(reply->mac, &c->dev_mac, 6);
		return 0;
	}
	for (int p = 0; p < DP_MAX_PORTS; p++)
		if (dp_port_confs[p].used && dp_port_confs[p].kind == req->kind &&
				strcmp(dp_port_confs[p].devargs, req->devargs) == 0)
			return -EEXIST;
	rc = open_dev(req, mtu, &port_id, &mac);
	if (rc < 0)
		return rc;
	c = &dp_port_confs[port_id];
	memset(c, 0, sizeof(*c));
	c->used = true;
	snprintf(c->name, sizeof(c->name), "%s", req->name);
	snprintf(c->devargs, sizeof(c->devargs), "%s", req->devargs);
	c->kind = req->kind;
	c->port_id = port_id;
	c->mtu = mtu;
	c->dev_mac = mac;
	/* Secure by default: a VM port sends nothing until its MAC is configured. */
	c->security = true;
	dp_port_epochs[port_id]++;
	rc = dp_conf_publish_port(port_id);
	if (rc == 0)
		rc = dp_workers_publish_rxqs();
	if (rc < 0) {
		c->used = false;
		dp_conf_publish_port(port_id);
		dp_workers_publish_rxqs();
		dp_tables_synchronize();
		dp_port_dev_close(port_id);
		return rc;
	}
	reply->port_id = port_id;
	memcpy(reply->mac, &mac, 6);
	DP_LOG(INFO, "port %s added: %s%s (port id %u)", c->name,
			c->kind == DP_PORT_KIND_VHOST_USER ? "vhost-user " : "", c->devargs, port_id);
	return 0;
}

/* Republishes what depends on a port's attachment after it changed. */
static int publish_attachment(uint8_t mode, uint16_t net_id, const char *physnet)
{
	if (mode == DP_PORT_ACCESS)
		return dp_conf_publish_network(net_id);
	if (mode == DP_PORT_UPLINK)
		return dp_conf_publish_physnet(physnet);
	return 0;
}

int dp_conf_port_detach(const char *name)
{
	int id = dp_conf_port_by_name(name);
	struct dp_port_conf *c;
	uint8_t mode;
	int rc;

	if (id < 0)
		return id;
	c = &dp_port_confs[id];
	mode = c->mode;
	c->mode = DP_PORT_DETACHED;
	if (mode == DP_PORT_UNDERLAY)
		dp_conf_vtep_unset();
	/* Its MACs belong to the old attachment: flush them all at once. */
	dp_port_epochs[id]++;
	dp_conf_publish_port(id);
	rc = publish_attachment(mode, c->net_id, c->physnet);
	/* And its connections, tracked in the old network's zone. */
	if (mode == DP_PORT_ACCESS)
		dp_sg_conf_port_detached(id);
	return rc;
}

int dp_conf_port_attach(const struct dp_port_attach_req *req)
{
	int id = dp_conf_port_by_name(req->port), net = 0;
	struct dp_port_conf *c;

	if (id < 0)
		return id;
	if (!dp_conf_name_ok(req->network, sizeof(req->network), false) ||
			!dp_conf_name_ok(req->physnet, sizeof(req->physnet), false))
		return -EINVAL;
	c = &dp_port_confs[id];
	if (req->mode == DP_PORT_ACCESS) {
		net = dp_conf_net_by_name(req->network);
		if (net < 0)
			return net;
		if (c->mode == DP_PORT_ACCESS && c->net_id == net)
			return 0;
	} else if (req->mode == DP_PORT_UPLINK) {
		if (req->physnet[0] == '\0')
			return -EINVAL;
		if (c->mode == DP_PORT_UPLINK && strcmp(c->physnet, req->physnet) == 0)
			return 0;
		for (int p = 0; p < DP_MAX_PORTS; p++)
			if (p != id && dp_port_confs[p].used && dp_port_confs[p].mode == DP_PORT_UPLINK &&
					strcmp(dp_port_confs[p].physnet, req->physnet) == 0)
				return -EADDRINUSE;
	} else {
		return -EINVAL;
	}
	if (c->mode != DP_PORT_DETACHED)
		dp_conf_port_detach(req->port);
	c->mode = req->mode;
	c->net_id = net;
	snprintf(c->physnet, sizeof(c->physnet), "%s", req->mode == DP_PORT_UPLINK ? req->physnet : "");
	dp_conf_publish_port(id);
	return publish_attachment(c->mode, c->net_id, c->physnet);
}

int dp_conf_port_del(const char *name, bool missing_ok)
{
	int id = dp_conf_port_by_name(name);

	if (id < 0)
		return missing_ok ? 0 : id;
	dp_conf_port_detach(name);
	dp_port_confs[id].used = false;
	dp_conf_publish_port(id);
	dp_workers_publish_rxqs();
	/* No worker may poll or send on the device past this point. */
	dp_tables_synchronize();
	dp_sg_conf_port_deleted(id);
	dp_conf_dhcp_port_gone((uint16_t)id);
	dp_port_dev_close(id);
	DP_LOG(INFO, "port %s deleted", name);
	return 0;
}

static bool prefix_ok(const struct dp_ip_prefix *ip)
{
	return (ip->family == AF_INET && ip->prefixlen <= 32) ||
	       (ip->family == AF_INET6 && ip->prefixlen <= 128);
}

int dp_conf_port_security(const struct dp_port_security_req *req)
{
	int id = dp_conf_port_by_name(req->port);
	const struct rte_ether_addr *mac = (const void *)req->mac;
	struct dp_port_conf *c;

	if (id < 0)
		return id;
	if (req->n_addrs > DP_MAX_ADDRS || req->n_pairs > DP_MAX_PAIRS)
		return -EINVAL;
	if (req->enabled && (rte_is_zero_ether_addr(mac) || !rte_is_unicast_ether_addr(mac)))
		return -EINVAL;
	for (unsigned int i = 0; i < req->n_addrs; i++)
		if (!prefix_ok(&req->addrs[i]))
			return -EINVAL;
	for (unsigned int i = 0; i < req->n_pairs; i++)
		if (!prefix_ok(&req->pairs[i].ip))
			return -EINVAL;
	c = &dp_port_confs[id];
	c->security = req->enabled;
	c->mac = *mac;
	c->n_addrs = req->n_addrs;
	c->n_pairs = req->n_pairs;
	memcpy(c->addrs, req->addrs, sizeof(c->addrs));
	memcpy(c->pairs, req->pairs, sizeof(c->pairs));
	return dp_conf_publish_port(id);
}
