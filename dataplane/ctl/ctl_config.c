/* SPDX-License-Identifier: Apache-2.0 */
/* Control socket handlers for networks and ports: decode, call dp_conf, encode. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ethdev.h>

#include "engine/dp_conf.h"
#include "engine/dp_worker.h"
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

/* The pipeline's counters of a port: each worker's, summed. */
static struct dp_port_counters port_counters(uint16_t id)
{
	struct dp_port_counters sum = {0};

	for (unsigned int i = 0; i < dp_workers.n; i++) {
		const struct dp_port_counters *pc = &dp_workers.w[i]->port[id];

		sum.rx_packets += pc->rx_packets;
		sum.rx_bytes += pc->rx_bytes;
		sum.tx_packets += pc->tx_packets;
		sum.tx_bytes += pc->tx_bytes;
		sum.rx_dropped += pc->rx_dropped;
		sum.tx_dropped += pc->tx_dropped;
	}
	return sum;
}

static void port_info(uint16_t id, void *entry)
{
	const struct dp_port_conf *c = &dp_port_confs[id];
	const struct dp_port_counters pc = port_counters(id);
	struct dp_port_info *e = entry;

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
	e->kind = c->kind;
	e->n_addrs = c->n_addrs + c->n_pairs;
	memcpy(e->mac, &c->dev_mac, 6);
	memcpy(e->allowed_mac, &c->mac, 6);
	e->rx_packets = pc.rx_packets;
	e->rx_bytes = pc.rx_bytes;
	e->tx_packets = pc.tx_packets;
	e->tx_bytes = pc.tx_bytes;
	e->rx_dropped = pc.rx_dropped;
	e->tx_dropped = pc.tx_dropped;
}

static void port_stats(uint16_t id, void *entry)
{
	const struct dp_port_counters pc = port_counters(id);
	struct dp_port_stats *e = entry;
	struct rte_eth_stats dev;

	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", dp_port_confs[id].name);
	e->port_id = id;
	e->rx_packets = pc.rx_packets;
	e->rx_bytes = pc.rx_bytes;
	e->tx_packets = pc.tx_packets;
	e->tx_bytes = pc.tx_bytes;
	e->rx_dropped = pc.rx_dropped;
	e->tx_dropped = pc.tx_dropped;
	dp_port_dev_stats(id, &dev);
	e->rx_missed = dev.imissed;
	e->rx_nombuf = dev.rx_nombuf;
	e->rx_errors = dev.ierrors;
	e->tx_errors = dev.oerrors;
}

/* A page of one entry per port from the request's cursor (a port id) on; the reply is
 * a count, the next cursor, and the entries, as in every list reply. */
_Static_assert(offsetof(struct dp_port_stats_reply, entries) ==
				offsetof(struct dp_port_list_reply, entries),
		"list replies share their head");
static void port_page(const struct dp_list_req *r, void *reply, uint32_t *reply_len,
		size_t entry_size, void (*fill)(uint16_t id, void *entry))
{
	struct dp_port_list_reply *out = reply; /* the head every list reply shares */
	const uint32_t page = DP_CTL_PAGE(entry_size);
	uint8_t *entries = (uint8_t *)(out + 1);
	uint32_t id;

	out->count = 0;
	for (id = r->cursor; id < DP_MAX_PORTS && out->count < page; id++)
		if (dp_port_confs[id].used)
			fill(id, entries + entry_size * out->count++);
	out->next_cursor = id < DP_MAX_PORTS ? id : 0;
	*reply_len = sizeof(*out) + out->count * entry_size;
}

HANDLER(dp_ctl_port_list)
{
	RTE_SET_USED(req_len);
	port_page(req, reply, reply_len, sizeof(struct dp_port_info), port_info);
	return 0;
}

HANDLER(dp_ctl_port_stats)
{
	RTE_SET_USED(req_len);
	port_page(req, reply, reply_len, sizeof(struct dp_port_stats), port_stats);
	return 0;
}
