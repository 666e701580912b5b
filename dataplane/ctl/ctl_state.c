/* SPDX-License-Identifier: Apache-2.0 */
/* Control socket handlers for what the dataplane knows and counts: the MAC
 * table, counters, packet trace, and HELLO. Also the handler table. */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "core/dp_trace.h"
#include "engine/dp_conf.h"
#include "engine/dp_worker.h"
#include "ctl_handlers.h"

HANDLER(dp_ctl_hello)
{
	struct dp_hello_reply *out = reply;

	RTE_SET_USED(req);
	RTE_SET_USED(req_len);
	memset(out, 0, sizeof(*out));
	out->boot_id = dp_ctl_boot_id;
	out->generation = dp_ctl_generation;
	out->tsc_hz = rte_get_tsc_hz();
	out->n_workers = dp_workers.n;
	out->api_version = DP_API_VERSION;
	*reply_len = sizeof(*out);
	return 0;
}

/* Resolves a MAC request to its table key; the port (or remote VTEP) too when asked. */
static int mac_key(const struct dp_mac_req *r, bool want_port, uint64_t *key, int *port)
{
	uint32_t remote;
	const struct rte_ether_addr *mac = (const void *)r->mac;
	int net;

	if (!dp_conf_name_ok(r->network, sizeof(r->network), true) ||
			!dp_conf_name_ok(r->port, sizeof(r->port), false))
		return -EINVAL;
	if (!rte_is_unicast_ether_addr(mac) || rte_is_zero_ether_addr(mac))
		return -EINVAL;
	net = dp_conf_net_by_name(r->network);
	if (net < 0)
		return net;
	memcpy(&remote, r->remote_vtep, 4);
	if (want_port && remote != 0) {
		/* l2population: the MAC lives behind a peer of this VXLAN network. */
		if (r->port[0] != '\0' || dp_net_confs[net].type != DP_NET_VXLAN)
			return -EINVAL;
		*port = dp_conf_peer_by_ip(remote);
		if (*port < 0)
			return *port;
		*port += DP_PEER_BASE;
	} else if (want_port) {
		*port = dp_conf_port_by_name(r->port);
		if (*port < 0)
			return *port;
	}
	*key = dp_fdb_key(net, mac);
	return 0;
}

HANDLER(dp_ctl_mac_add)
{
	const struct dp_mac_req *r = req;
	uint64_t key, val;
	int port, rc;

	NO_REPLY;
	rc = mac_key(r, true, &key, &port);
	if (rc < 0)
		return rc;
	if (dp_kv_lookup(&dp_tables.fdb, key, dp_kv_hash(key), &val) &&
			(val & DP_FDB_VAL_STATIC) && !r->exist_ok)
		return -EEXIST;
	return dp_kv_set(&dp_tables.fdb, key, dp_kv_hash(key),
			dp_fdb_val(port, port >= DP_PEER_BASE ? dp_tables.peer_epoch[port - DP_PEER_BASE] :
					dp_port_epochs[port], true, dp_clock_sec()));
}

HANDLER(dp_ctl_mac_del)
{
	const struct dp_mac_req *r = req;
	uint64_t key;
	int rc;

	NO_REPLY;
	rc = mac_key(r, false, &key, NULL);
	if (rc < 0)
		return rc == -ENOENT && r->missing_ok ? 0 : rc;
	rc = dp_kv_del(&dp_tables.fdb, key, dp_kv_hash(key));
	return rc == -ENOENT && r->missing_ok ? 0 : rc;
}

struct mac_page {
	struct dp_mac_list_reply *out;
	uint32_t stop_at; /* leave room for the rest of a bucket and its spill */
	int net_filter;	  /* 0: all */
	uint32_t now;
};

static enum dp_kv_visit list_one(uint64_t key, uint64_t val, void *arg)
{
	struct mac_page *pg = arg;
	uint16_t net = dp_fdb_key_net(key), port = DP_FDB_VAL_PORT(val);
	struct dp_mac_info *e;

	/* Stale entries (port detached since) are gone as far as anyone can see. */
	if ((pg->net_filter && net != pg->net_filter) || dp_conf_fdb_stale(val))
		return DP_KV_KEEP;
	e = &pg->out->entries[pg->out->count++];
	memset(e, 0, sizeof(*e));
	snprintf(e->network, sizeof(e->network), "%s", dp_net_confs[net].name);
	if (port >= DP_PEER_BASE)
		memcpy(e->remote_vtep, &dp_tables.peer_ip[port - DP_PEER_BASE], 4);
	else
		snprintf(e->port, sizeof(e->port), "%s", dp_port_confs[port].name);
	dp_fdb_key_mac(key, (struct rte_ether_addr *)e->mac);
	e->is_static = (val & DP_FDB_VAL_STATIC) != 0;
	e->age_sec = e->is_static ? 0 : pg->now - DP_FDB_VAL_SEEN(val);
	return pg->out->count >= pg->stop_at ? DP_KV_STOP : DP_KV_KEEP;
}

HANDLER(dp_ctl_mac_list)
{
	const struct dp_list_req *r = req;
	struct dp_mac_list_reply *out = reply;
	struct mac_page pg = {
		.out = out,
		.stop_at = DP_CTL_PAGE(sizeof(out->entries[0])) - DP_KV_SLOTS,
		.now = dp_clock_sec(),
	};

	RTE_SET_USED(req_len);
	if (!dp_conf_name_ok(r->filter, sizeof(r->filter), false))
		return -EINVAL;
	if (r->filter[0]) {
		pg.net_filter = dp_conf_net_by_name(r->filter);
		if (pg.net_filter < 0)
			return pg.net_filter;
	}
	if (r->cursor > dp_tables.fdb.mask)
		return -EINVAL;
	out->count = 0;
	out->next_cursor = dp_kv_walk(&dp_tables.fdb, r->cursor, list_one, &pg);
	*reply_len = sizeof(*out) + out->count * sizeof(out->entries[0]);
	return 0;
}

HANDLER(dp_ctl_stats)
{
	struct dp_stats_reply *out = reply;

	RTE_SET_USED(req);
	RTE_SET_USED(req_len);
	RTE_BUILD_BUG_ON(DP_DROP_REASON_MAX > DP_STATS_MAX_DROPS);
	memset(out, 0, sizeof(*out));
	out->tsc_hz = rte_get_tsc_hz();
	out->n_workers = RTE_MIN(dp_workers.n, (uint32_t)DP_STATS_MAX_WORKERS);
	out->n_drops = DP_DROP_REASON_MAX;
	for (unsigned int r = 0; r < DP_DROP_REASON_MAX; r++)
		snprintf(out->drops[r].name, sizeof(out->drops[r].name), "%s", dp_drop_reason_name(r));
	for (unsigned int i = 0; i < out->n_workers; i++) {
		const struct dp_worker *w = dp_workers.w[i];

		out->workers[i].lcore_id = w->lcore_id;
		out->workers[i].busy_cycles = w->busy_cycles;
		out->workers[i].idle_cycles = w->idle_cycles;
		out->workers[i].packets = w->packets;
		for (unsigned int r = 0; r < DP_DROP_REASON_MAX; r++)
			out->drops[r].packets += w->drops[r];
	}
	*reply_len = sizeof(*out);
	return 0;
}

HANDLER(dp_ctl_trace_set)
{
	const struct dp_trace_set_req *r = req;

	NO_REPLY;
	return dp_trace_set(r->enabled, r->max_records);
}

HANDLER(dp_ctl_trace_show)
{
	const struct dp_list_req *r = req;
	struct dp_trace_list_reply *out = reply;

	RTE_SET_USED(req_len);
	dp_trace_drain();
	out->count = dp_trace_read(r->cursor, out->entries, DP_CTL_PAGE(sizeof(out->entries[0])),
			&out->next_cursor);
	*reply_len = sizeof(*out) + out->count * sizeof(out->entries[0]);
	return 0;
}

const struct dp_ctl_handler dp_ctl_handlers[DP_MSG_TYPE_MAX] = {
	[DP_MSG_HELLO] = {0, dp_ctl_hello},
	[DP_MSG_NETWORK_ADD] = {sizeof(struct dp_network_add_req), dp_ctl_network_add},
	[DP_MSG_NETWORK_DEL] = {sizeof(struct dp_network_del_req), dp_ctl_network_del},
	[DP_MSG_NETWORK_LIST] = {sizeof(struct dp_list_req), dp_ctl_network_list},
	[DP_MSG_PORT_ADD] = {sizeof(struct dp_port_add_req), dp_ctl_port_add},
	[DP_MSG_PORT_DEL] = {sizeof(struct dp_port_del_req), dp_ctl_port_del},
	[DP_MSG_PORT_ATTACH] = {sizeof(struct dp_port_attach_req), dp_ctl_port_attach},
	[DP_MSG_PORT_DETACH] = {sizeof(struct dp_port_detach_req), dp_ctl_port_detach},
	[DP_MSG_PORT_SECURITY] = {sizeof(struct dp_port_security_req), dp_ctl_port_security},
	[DP_MSG_PORT_LIST] = {sizeof(struct dp_list_req), dp_ctl_port_list},
	[DP_MSG_MAC_ADD] = {sizeof(struct dp_mac_req), dp_ctl_mac_add},
	[DP_MSG_MAC_DEL] = {sizeof(struct dp_mac_req), dp_ctl_mac_del},
	[DP_MSG_MAC_LIST] = {sizeof(struct dp_list_req), dp_ctl_mac_list},
	[DP_MSG_STATS] = {0, dp_ctl_stats},
	[DP_MSG_TRACE_SET] = {sizeof(struct dp_trace_set_req), dp_ctl_trace_set},
	[DP_MSG_TRACE_SHOW] = {sizeof(struct dp_list_req), dp_ctl_trace_show},
	[DP_MSG_VTEP_SET] = {sizeof(struct dp_vtep_set_req), dp_ctl_vtep_set},
	[DP_MSG_VTEP_PEER_ADD] = {sizeof(struct dp_vtep_peer_req), dp_ctl_vtep_peer_add},
	[DP_MSG_VTEP_PEER_DEL] = {sizeof(struct dp_vtep_peer_req), dp_ctl_vtep_peer_del},
	[DP_MSG_VTEP_PEER_LIST] = {sizeof(struct dp_list_req), dp_ctl_vtep_peer_list},
	[DP_MSG_NEIGH_LIST] = {sizeof(struct dp_list_req), dp_ctl_neigh_list},
	[DP_MSG_ROUTER_ADD] = {sizeof(struct dp_router_req), dp_ctl_router_add},
	[DP_MSG_ROUTER_DEL] = {sizeof(struct dp_router_req), dp_ctl_router_del},
	[DP_MSG_ROUTER_LIST] = {sizeof(struct dp_list_req), dp_ctl_router_list},
	[DP_MSG_ROUTER_IF_ADD] = {sizeof(struct dp_router_if_req), dp_ctl_router_if_add},
	[DP_MSG_ROUTER_IF_DEL] = {sizeof(struct dp_router_if_req), dp_ctl_router_if_del},
	[DP_MSG_ROUTER_IF_MAC_SET] = {sizeof(struct dp_router_if_req), dp_ctl_router_if_mac_set},
	[DP_MSG_ROUTER_GW_SET] = {sizeof(struct dp_router_gw_req), dp_ctl_router_gw_set},
	[DP_MSG_ROUTER_GW_CLEAR] = {sizeof(struct dp_router_gw_req), dp_ctl_router_gw_clear},
	[DP_MSG_FIP_ADD] = {sizeof(struct dp_fip_req), dp_ctl_fip_add},
	[DP_MSG_FIP_DEL] = {sizeof(struct dp_fip_req), dp_ctl_fip_del},
	[DP_MSG_FIP_LIST] = {sizeof(struct dp_list_req), dp_ctl_fip_list},
	[DP_MSG_NAT_STATS] = {sizeof(struct dp_list_req), dp_ctl_nat_stats},
	[DP_MSG_ROUTE_ADD] = {sizeof(struct dp_route_req), dp_ctl_route_add},
	[DP_MSG_ROUTE_DEL] = {sizeof(struct dp_route_req), dp_ctl_route_del},
	[DP_MSG_ROUTE_LIST] = {sizeof(struct dp_list_req), dp_ctl_route_list},
	[DP_MSG_NEIGH_ADD] = {sizeof(struct dp_neigh_req), dp_ctl_neigh_add},
	[DP_MSG_NEIGH_DEL] = {sizeof(struct dp_neigh_req), dp_ctl_neigh_del},
	[DP_MSG_PORT_STATS] = {sizeof(struct dp_list_req), dp_ctl_port_stats},
	[DP_MSG_SG_SET] = {sizeof(struct dp_sg_set_req), dp_ctl_sg_set, .trailing = true},
	[DP_MSG_SG_LIST] = {sizeof(struct dp_list_req), dp_ctl_sg_list},
	[DP_MSG_SG_RULES] = {sizeof(struct dp_list_req), dp_ctl_sg_rules},
	[DP_MSG_CT_LIST] = {sizeof(struct dp_list_req), dp_ctl_ct_list},
	[DP_MSG_CT_STATS] = {0, dp_ctl_ct_stats},
	[DP_MSG_CT_FLUSH] = {sizeof(struct dp_ct_flush_req), dp_ctl_ct_flush},
	[DP_MSG_DHCP_SET] = {sizeof(struct dp_dhcp_set_req), dp_ctl_dhcp_set},
	[DP_MSG_DHCP_DEL] = {sizeof(struct dp_dhcp_del_req), dp_ctl_dhcp_del},
	[DP_MSG_DHCP_LIST] = {sizeof(struct dp_list_req), dp_ctl_dhcp_list},
};
