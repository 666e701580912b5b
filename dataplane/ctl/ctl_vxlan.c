/* SPDX-License-Identifier: Apache-2.0 */
/* Control socket handlers for the overlay: the VTEP, its peers, neighbours. */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "engine/dp_conf.h"
#include "engine/dp_neigh.h"
#include "engine/dp_worker.h"
#include "ctl_handlers.h"

HANDLER(dp_ctl_vtep_set)
{
	const struct dp_vtep_set_req *r = req;

	NO_REPLY;
	if (!dp_conf_name_ok(r->port, sizeof(r->port), true))
		return -EINVAL;
	return dp_conf_vtep_set(r);
}

FORWARD_HANDLER(dp_ctl_vtep_peer_add, dp_conf_peer_add)

FORWARD_HANDLER(dp_ctl_vtep_peer_del, dp_conf_peer_del)

HANDLER(dp_ctl_vtep_peer_list)
{
	const struct dp_list_req *r = req;
	struct dp_vtep_peer_list_reply *out = reply;
	const uint32_t page = DP_CTL_PAGE(sizeof(out->entries[0]));
	uint32_t id;

	RTE_SET_USED(req_len);
	out->count = 0;
	/* Pages end on a network boundary: a network has at most DP_MAX_NET_PEERS. */
	for (id = RTE_MAX(r->cursor, 1u); id < DP_MAX_NETWORKS; id++) {
		const struct dp_net_conf *n = &dp_net_confs[id];

		if (!n->used || n->n_peers == 0)
			continue;
		if (out->count + n->n_peers > page)
			break;
		for (uint16_t i = 0; i < n->n_peers; i++) {
			struct dp_vtep_peer_info *e = &out->entries[out->count++];

			memset(e, 0, sizeof(*e));
			snprintf(e->network, sizeof(e->network), "%s", n->name);
			memcpy(e->ip, &dp_peer_confs[n->peers[i]].ip, 4);
			e->vni = n->seg_id;
		}
	}
	out->next_cursor = id < DP_MAX_NETWORKS ? id : 0;
	*reply_len = sizeof(*out) + out->count * sizeof(out->entries[0]);
	return 0;
}

struct neigh_page {
	struct dp_neigh_list_reply *out;
	uint32_t stop_at;
	uint32_t now;
};

static enum dp_kv_visit list_neigh(uint64_t key, uint64_t val, void *arg)
{
	struct neigh_page *pg = arg;
	struct dp_neigh_info *e = &pg->out->entries[pg->out->count++];
	uint16_t scope = key >> 32;
	uint32_t ip = (uint32_t)key;

	memset(e, 0, sizeof(*e));
	if (scope == DP_NEIGH_SCOPE_UNDERLAY)
		snprintf(e->scope, sizeof(e->scope), "underlay");
	else if (scope < DP_MAX_NETWORKS)
		snprintf(e->scope, sizeof(e->scope), "%s", dp_net_confs[scope].name);
	memcpy(e->ip, &ip, 4);
	memcpy(e->mac, &val, 6);
	e->state = val & DP_NEIGH_VAL_PERMANENT ? DP_NEIGH_PERMANENT :
		   val & DP_NEIGH_VAL_REACHABLE	 ? DP_NEIGH_REACHABLE :
						   DP_NEIGH_INCOMPLETE;
	e->age_sec = val & DP_NEIGH_VAL_PERMANENT ? 0 : (pg->now - dp_neigh_seen(val)) & DP_NEIGH_SEEN_MASK;
	return pg->out->count >= pg->stop_at ? DP_KV_STOP : DP_KV_KEEP;
}

HANDLER(dp_ctl_neigh_list)
{
	const struct dp_list_req *r = req;
	struct dp_neigh_list_reply *out = reply;
	struct neigh_page pg = {
		.out = out,
		.stop_at = DP_CTL_PAGE(sizeof(out->entries[0])) - DP_KV_SLOTS,
		.now = dp_clock_sec(),
	};

	RTE_SET_USED(req_len);
	if (r->cursor > dp_tables.neigh.mask)
		return -EINVAL;
	out->count = 0;
	out->next_cursor = dp_kv_walk(&dp_tables.neigh, r->cursor, list_neigh, &pg);
	*reply_len = sizeof(*out) + out->count * sizeof(out->entries[0]);
	return 0;
}

/* "underlay", or a network a router has an interface on. */
static int neigh_scope(const char *name)
{
	int net;

	if (!dp_conf_name_ok(name, DP_NAME_LEN, true))
		return -EINVAL;
	if (strcmp(name, "underlay") == 0)
		return DP_NEIGH_SCOPE_UNDERLAY;
	net = dp_conf_net_by_name(name);
	return net;
}

HANDLER(dp_ctl_neigh_add)
{
	const struct dp_neigh_req *r = req;
	const struct rte_ether_addr *mac = (const void *)r->mac;
	int scope = neigh_scope(r->scope);
	uint32_t ip;

	NO_REPLY;
	if (scope < 0)
		return scope;
	memcpy(&ip, r->ip, 4);
	if (ip == 0 || !rte_is_unicast_ether_addr(mac) || rte_is_zero_ether_addr(mac))
		return -EINVAL;
	return dp_neigh_add_permanent(scope, ip, mac, r->exist_ok);
}

HANDLER(dp_ctl_neigh_del)
{
	const struct dp_neigh_req *r = req;
	int scope = neigh_scope(r->scope), rc;
	uint32_t ip;

	NO_REPLY;
	if (scope < 0)
		return scope == -ENOENT && r->missing_ok ? 0 : scope;
	memcpy(&ip, r->ip, 4);
	rc = dp_neigh_del(scope, ip);
	return rc == -ENOENT && r->missing_ok ? 0 : rc;
}
