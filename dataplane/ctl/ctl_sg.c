/* SPDX-License-Identifier: Apache-2.0 */
/* Control socket handlers for security groups and connection tracking. */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "engine/dp_conf.h"
#include "engine/dp_worker.h"
#include "ct/dp_ct.h"
#include "ctl_handlers.h"
#include "l3/dp_router_conf.h"
#include "sg/dp_sg_conf.h"

HANDLER(dp_ctl_sg_set)
{
	NO_REPLY;
	return dp_sg_conf_set(req, req_len);
}

/* A list request's filter naming a port: its id, -1 for "", or -ENOENT / -EINVAL. */
static int port_filter(const struct dp_list_req *r)
{
	if (!dp_conf_name_ok(r->filter, sizeof(r->filter), false))
		return -EINVAL;
	if (r->filter[0] == '\0')
		return -1;
	return dp_conf_port_by_name(r->filter);
}

HANDLER(dp_ctl_sg_list)
{
	const struct dp_list_req *r = req;
	struct dp_sg_list_reply *out = reply;
	const uint32_t page = DP_CTL_PAGE(sizeof(out->entries[0]));
	int only = port_filter(r);
	uint32_t id;

	RTE_SET_USED(req_len);
	if (only < -1)
		return only;
	out->count = 0;
	for (id = r->cursor; id < DP_MAX_PORTS && out->count < page; id++) {
		const struct dp_sg_port_conf *c = &dp_sg_confs[id];
		struct dp_sg_info *e;

		if (!dp_port_confs[id].used || !c->enabled || (only >= 0 && (int)id != only))
			continue;
		e = &out->entries[out->count++];
		memset(e, 0, sizeof(*e));
		snprintf(e->port, sizeof(e->port), "%s", dp_port_confs[id].name);
		e->stateful = c->stateful;
		e->n_rules = c->n_rules;
		e->generation = c->gen;
		e->connections = dp_tables.ct ? dp_ct_port_count(dp_tables.ct, id) : 0;
	}
	out->next_cursor = id < DP_MAX_PORTS ? id : 0;
	*reply_len = sizeof(*out) + out->count * sizeof(out->entries[0]);
	return 0;
}

HANDLER(dp_ctl_sg_rules)
{
	const struct dp_list_req *r = req;
	struct dp_sg_rules_reply *out = reply;
	const uint32_t page = DP_CTL_PAGE(sizeof(out->entries[0]));
	const struct dp_sg_port_conf *c;
	int port = port_filter(r);
	uint32_t i;

	RTE_SET_USED(req_len);
	if (port == -1)
		return -EINVAL; /* the rules of which port? */
	if (port < 0)
		return port;
	c = &dp_sg_confs[port];
	out->count = 0;
	for (i = r->cursor; c->enabled && i < c->n_rules && out->count < page; i++)
		out->entries[out->count++] = c->specs[i];
	out->next_cursor = c->enabled && i < c->n_rules ? i : 0;
	*reply_len = sizeof(*out) + out->count * sizeof(out->entries[0]);
	return 0;
}

static const char *port_name(uint16_t port)
{
	return port < DP_MAX_PORTS && dp_port_confs[port].used ? dp_port_confs[port].name : "";
}

static void ct_entry_info(const struct dp_ct_info *in, uint32_t now, struct dp_ct_entry_info *e)
{
	const struct dp_ct_key *k = &in->key;
	uint8_t o = in->orig_side;
	uint32_t age = now - in->last_seen, timeout = dp_ct_timeout(in->l4, in->state);

	memset(e, 0, sizeof(*e));
	if (k->zone < DP_MAX_NETWORKS && dp_net_confs[k->zone].used)
		snprintf(e->network, sizeof(e->network), "%s", dp_net_confs[k->zone].name);
	else if ((k->zone & DP_CT_ZONE_ROUTER) &&
			(k->zone & ~DP_CT_ZONE_ROUTER) < DP_MAX_ROUTERS &&
			dp_router_confs[k->zone & ~DP_CT_ZONE_ROUTER] != NULL)
		snprintf(e->network, sizeof(e->network), "router %.56s",
				dp_router_confs[k->zone & ~DP_CT_ZONE_ROUTER]->name);
	if (in->nat) {
		e->nat = 1;
		memcpy(e->nat_src, &in->translation.src_ip, 4);
		memcpy(e->nat_dst, &in->translation.dst_ip, 4);
		e->nat_sport = in->translation.src_port ? rte_be_to_cpu_16(in->translation.src_port) :
							  rte_be_to_cpu_16(k->port[o]);
	}
	snprintf(e->orig_port, sizeof(e->orig_port), "%s", port_name(in->rec[DP_CT_ORIGINATOR].port));
	snprintf(e->resp_port, sizeof(e->resp_port), "%s", port_name(in->rec[DP_CT_RESPONDER].port));
	e->family = k->family;
	e->proto = k->proto;
	if (in->l4 == DP_CT_L4_TCP) {
		/* The protocol's states are Linux's, as ours. */
		e->state = in->state;
		e->replied = in->state != DP_CT_TCP_SYN_SENT && in->state != DP_CT_TCP_NONE;
	} else {
		e->state = DP_CT_ST_NONE;
		e->replied = in->state == DP_CT_REPLIED;
	}
	memcpy(e->src, k->addr[o], sizeof(e->src));
	memcpy(e->dst, k->addr[!o], sizeof(e->dst));
	if (in->l4 == DP_CT_L4_ICMP) {
		/* The echo identifier, kept on the requester's side of the key. */
		e->sport = e->dport = rte_be_to_cpu_16(k->port[o]);
	} else {
		e->sport = rte_be_to_cpu_16(k->port[o]);
		e->dport = rte_be_to_cpu_16(k->port[!o]);
	}
	e->age_sec = (int32_t)age > 0 ? age : 0;
	e->expires_sec = timeout > e->age_sec ? timeout - e->age_sec : 0;
}

HANDLER(dp_ctl_ct_list)
{
	const struct dp_list_req *r = req;
	struct dp_ct_list_reply *out = reply;
	const uint32_t page = DP_CTL_PAGE(sizeof(out->entries[0]));
	const struct dp_ct *ct = dp_tables.ct;
	struct dp_ct_info batch[64];
	int only = port_filter(r);
	uint32_t cursor = r->cursor, now = dp_clock_sec(), got;

	RTE_SET_USED(req_len);
	if (only < -1)
		return only;
	out->count = 0;
	out->next_cursor = 0;
	*reply_len = sizeof(*out);
	if (ct == NULL)
		return 0;
	if (cursor >= ct->n_slots)
		return -EINVAL;
	/* Never more from dp_ct_list than the page still takes: it moves the cursor
	 * past whatever it returns. */
	while (out->count < page &&
			(got = dp_ct_list(ct, &cursor, batch,
					 RTE_MIN((uint32_t)RTE_DIM(batch), page - out->count))) > 0) {
		for (uint32_t i = 0; i < got; i++) {
			if (batch[i].dead)
				continue;
			if (only >= 0 && batch[i].rec[0].port != only && batch[i].rec[1].port != only)
				continue;
			ct_entry_info(&batch[i], now, &out->entries[out->count++]);
		}
	}
	out->next_cursor = cursor < ct->n_slots ? cursor : 0;
	*reply_len = sizeof(*out) + out->count * sizeof(out->entries[0]);
	return 0;
}

HANDLER(dp_ctl_ct_stats)
{
	struct dp_ct_stats_reply *out = reply;
	struct dp_ct_stats st = {0};

	RTE_SET_USED(req);
	RTE_SET_USED(req_len);
	memset(out, 0, sizeof(*out));
	*reply_len = sizeof(*out);
	if (dp_tables.ct == NULL)
		return 0;
	dp_ct_stats_get(dp_tables.ct, &st);
	out->entries = st.in_use;
	out->max_entries = dp_tables.ct->max_entries;
	out->created = st.created;
	out->expired = st.expired;
	out->table_full = st.table_full;
	out->port_limit = st.port_limit;
	/* Every packet refused as invalid, by creation or by a connection's state:
	 * what the workers counted under ct_invalid. */
	for (unsigned int i = 0; i < dp_workers.n; i++)
		out->invalid += dp_workers.w[i]->drops[DP_DROP_CT_INVALID];
	out->per_port_limit = dp_tables.ct->port_limit[0];
	return 0;
}

HANDLER(dp_ctl_ct_flush)
{
	const struct dp_ct_flush_req *r = req;
	struct dp_ct_flush_reply *out = reply;
	int port = -1;

	RTE_SET_USED(req_len);
	if (!dp_conf_name_ok(r->port, sizeof(r->port), false))
		return -EINVAL;
	if (r->port[0] != '\0' && (port = dp_conf_port_by_name(r->port)) < 0)
		return port;
	memset(out, 0, sizeof(*out));
	if (dp_tables.ct != NULL)
		out->flushed = port < 0 ? dp_ct_flush(dp_tables.ct) :
					  dp_ct_flush_port(dp_tables.ct, port);
	*reply_len = sizeof(*out);
	return 0;
}
