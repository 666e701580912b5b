/* SPDX-License-Identifier: Apache-2.0 */
/* Control socket handlers for networks and ports: decode, call dp_conf, encode. */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "core/dp_conf.h"
#include "core/dp_worker.h"
#include "ctl_handlers.h"
#include "port/dp_port_dev.h"

HANDLER(dp_ctl_network_add)
{
	const struct dp_network_add_req *r = req;
	struct dp_network_add_reply *out = reply;
	uint16_t id;
	int rc;

	RTE_SET_USED(req_len);
	rc = dp_conf_net_add(r, &id);
	if (rc == 0) {
		memset(out, 0, sizeof(*out));
		out->id = id;
		*reply_len = sizeof(*out);
	}
	return rc;
}

HANDLER(dp_ctl_network_del)
{
	const struct dp_network_del_req *r = req;

	NO_REPLY;
	if (!dp_conf_name_ok(r->name, sizeof(r->name), true))
		return -EINVAL;
	return dp_conf_net_del(r->name, r->missing_ok);
}

static enum dp_kv_visit count_one(uint64_t key, uint64_t val, void *arg)
{
	uint32_t *per_net = arg;

	RTE_SET_USED(val);
	per_net[dp_fdb_key_net(key)]++;
	return DP_KV_KEEP;
}

HANDLER(dp_ctl_network_list)
{
	const struct dp_list_req *r = req;
	struct dp_network_list_reply *out = reply;
	const uint32_t page = DP_CTL_PAGE(sizeof(out->entries[0]));
	static uint32_t macs[DP_MAX_NETWORKS];
	uint32_t id;

	RTE_SET_USED(req_len);
	memset(macs, 0, sizeof(macs));
	dp_kv_walk(&dp_tables.fdb, 0, count_one, macs);
	out->count = 0;
	for (id = RTE_MAX(r->cursor, 1u); id < DP_MAX_NETWORKS && out->count < page; id++) {
		const struct dp_net_conf *c = &dp_net_confs[id];
		struct dp_network_info *e;

		if (!c->used)
			continue;
		e = &out->entries[out->count++];
		memset(e, 0, sizeof(*e));
		snprintf(e->name, sizeof(e->name), "%s", c->name);
		snprintf(e->physnet, sizeof(e->physnet), "%s", c->physnet);
		e->seg_id = c->seg_id;
		e->id = id;
		e->mtu = c->mtu;
		e->type = c->type;
		e->n_ports = dp_conf_net_count_ports(id);
		e->n_macs = macs[id];
	}
	out->next_cursor = id < DP_MAX_NETWORKS ? id : 0;
	*reply_len = sizeof(*out) + out->count * sizeof(out->entries[0]);
	return 0;
}

HANDLER(dp_ctl_port_add)
{
	struct dp_port_add_reply *out = reply;
	int rc;

	RTE_SET_USED(req_len);
	memset(out, 0, sizeof(*out));
	rc = dp_conf_port_add(req, out);
	if (rc == 0)
		*reply_len = sizeof(*out);
	return rc;
}

HANDLER(dp_ctl_port_del)
{
	const struct dp_port_del_req *r = req;

	NO_REPLY;
	if (!dp_conf_name_ok(r->name, sizeof(r->name), true))
		return -EINVAL;
	return dp_conf_port_del(r->name, r->missing_ok);
}

HANDLER(dp_ctl_port_attach)
{
	const struct dp_port_attach_req *r = req;

	NO_REPLY;
	if (!dp_conf_name_ok(r->port, sizeof(r->port), true))
		return -EINVAL;
	return dp_conf_port_attach(r);
}

HANDLER(dp_ctl_port_detach)
{
	const struct dp_port_detach_req *r = req;

	NO_REPLY;
	if (!dp_conf_name_ok(r->port, sizeof(r->port), true))
		return -EINVAL;
	return dp_conf_port_detach(r->port);
}

HANDLER(dp_ctl_port_security)
{
	const struct dp_port_security_req *r = req;

	NO_REPLY;
	if (!dp_conf_name_ok(r->port, sizeof(r->port), true))
		return -EINVAL;
	return dp_conf_port_security(r);
}

static void port_info(uint16_t id, struct dp_port_info *e)
{
	const struct dp_port_conf *c = &dp_port_confs[id];

	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", c->name);
	snprintf(e->devargs, sizeof(e->devargs), "%s", c->devargs);
	if (c->mode == DP_PORT_ACCESS)
		snprintf(e->network, sizeof(e->network), "%s", dp_net_confs[c->net_id].name);
	snprintf(e->physnet, sizeof(e->physnet), "%s", c->physnet);
	e->port_id = id;
	e->mtu = c->mtu;
	e->mode = c->mode;
	e->security_enabled = c->security;
	e->link_up = dp_port_dev_link_up(id);
	e->n_addrs = c->n_addrs + c->n_pairs;
	memcpy(e->mac, &c->dev_mac, 6);
	memcpy(e->allowed_mac, &c->mac, 6);
	for (unsigned int i = 0; i < dp_workers.n; i++) {
		const struct dp_port_counters *pc = &dp_workers.w[i]->port[id];

		e->rx_packets += pc->rx_packets;
		e->rx_bytes += pc->rx_bytes;
		e->tx_packets += pc->tx_packets;
		e->tx_bytes += pc->tx_bytes;
		e->rx_dropped += pc->rx_dropped;
		e->tx_dropped += pc->tx_dropped;
	}
}

HANDLER(dp_ctl_port_list)
{
	const struct dp_list_req *r = req;
	struct dp_port_list_reply *out = reply;
	const uint32_t page = DP_CTL_PAGE(sizeof(out->entries[0]));
	uint32_t id;

	RTE_SET_USED(req_len);
	out->count = 0;
	for (id = r->cursor; id < RTE_MAX_ETHPORTS && out->count < page; id++)
		if (dp_port_confs[id].used)
			port_info(id, &out->entries[out->count++]);
	out->next_cursor = id < RTE_MAX_ETHPORTS ? id : 0;
	*reply_len = sizeof(*out) + out->count * sizeof(out->entries[0]);
	return 0;
}
