/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A router's gateway on the control thread (GW_SET, GW_CLEAR): which of its
 * interfaces leads to the external network, whether what leaves through it
 * is translated (SNAT), and the source port range. Workers read the result
 * in the router's snapshot (dp_router.gw_*), published whole under RCU, and
 * SNAT's ports in the router's pool (nat/dp_snat_pool.h), which lives as
 * long as the gateway once SNAT was on.
 */
#include <errno.h>
#include <string.h>

#include "core/dp_log.h"
#include "engine/dp_conf.h"
#include "engine/dp_inject.h"
#include "nat/dp_snat_pool.h"
#include "dp_router_conf.h"

static int gw_router(const char *name, struct dp_router_conf **c)
{
	int id;

	if (!dp_conf_name_ok(name, DP_NAME_LEN, true))
		return -EINVAL;
	id = dp_conf_router_by_name(name);
	if (id >= 0)
		*c = dp_router_confs[id];
	return id;
}

int dp_conf_router_gw_set(const struct dp_router_gw_req *req)
{
	uint16_t port_min = req->port_min, port_max = req->port_max;
	struct dp_router_conf *c;
	int id = gw_router(req->router, &c), net, slot = -ENOENT, rc;

	if (id < 0)
		return id;
	if (!dp_conf_name_ok(req->network, sizeof(req->network), true) || req->snat > 1)
		return -EINVAL;
	if (port_min == 0 && port_max == 0) {
		port_min = DP_SNAT_PORT_MIN_DEFAULT;
		port_max = DP_SNAT_PORT_MAX_DEFAULT;
	}
	if (port_min == 0 || port_min > port_max)
		return -EINVAL;
	net = dp_conf_net_by_name(req->network);
	if (net <= 0)
		return net < 0 ? net : -ENOENT;
	for (int i = 0; i < c->n_rifs; i++)
		if (c->rifs[i].net_id == net)
			slot = i;
	if (slot < 0)
		return slot; /* ROUTER_IF_ADD on the external network first */
	if (c->gw_rif != DP_NO_GW_RIF && !req->exist_ok)
		return -EEXIST;
	if (c->gw_rif != DP_NO_GW_RIF && c->gw_rif != slot)
		return -EBUSY; /* another gateway: GW_CLEAR it first */
	/* The pool first: a worker that sees gw_snat finds it. */
	if (req->snat && (rc = dp_conf_snat_enable((uint16_t)id, port_min, port_max)) < 0)
		return rc;
	c->gw_rif = (uint8_t)slot;
	c->gw_snat = req->snat;
	c->gw_port_min = port_min;
	c->gw_port_max = port_max;
	DP_LOG(INFO, "router %s gateway on %s (snat %s, ports %u-%u)", c->name, req->network,
			req->snat ? "on" : "off", port_min, port_max);
	rc = dp_conf_publish_router(id);
	/* [fip] The external network learns the gateway's MAC at once (advisory: a lost
	 * announcement waits for the peer's next ARP). */
	if (rc == 0 && dp_inject_garp(c->rifs[slot].net_id, &c->rifs[slot].mac, c->rifs[slot].ip,
				false) < 0)
		DP_LOG(WARNING, "router %s: no gratuitous ARP for its gateway", c->name);
	return rc;
}

int dp_conf_router_gw_clear(const struct dp_router_gw_req *req)
{
	struct dp_router_conf *c;
	int id = gw_router(req->router, &c);

	if (id < 0)
		return id == -ENOENT && req->missing_ok ? 0 : id;
	if (c->gw_rif == DP_NO_GW_RIF)
		return req->missing_ok ? 0 : -ENOENT;
	dp_conf_router_gw_forget_rif(c, c->gw_rif);
	return dp_conf_publish_router(id);
}

void dp_conf_router_gw_forget_rif(struct dp_router_conf *c, uint8_t slot)
{
	if (c->gw_rif != slot)
		return;
	dp_conf_snat_disable(c->id);
	c->gw_rif = DP_NO_GW_RIF;
	c->gw_snat = 0;
	c->gw_port_min = 0;
	c->gw_port_max = 0;
}
