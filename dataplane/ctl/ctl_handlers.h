/* SPDX-License-Identifier: Apache-2.0 */
/* Request handlers of the control socket, one per message type (see dp_ctl.h). */
#ifndef VIRGA_CTL_HANDLERS_H
#define VIRGA_CTL_HANDLERS_H

#include <rte_common.h>

#include "dp_ctl.h"

#define HANDLER(name) int name(const void *req, uint32_t req_len, void *reply, uint32_t *reply_len)

/* In a handler that answers with a status only (the request's size was checked by the
 * server before the call). */
#define NO_REPLY                                                                                   \
	RTE_SET_USED(req_len);                                                                     \
	RTE_SET_USED(reply);                                                                       \
	RTE_SET_USED(reply_len)

/* A handler that hands its request, as it is, to a dp_conf_* operation. */
#define FORWARD_HANDLER(name, conf_fn)                                                             \
	HANDLER(name)                                                                              \
	{                                                                                          \
		NO_REPLY;                                                                          \
		return conf_fn(req);                                                               \
	}

/* ctl_config.c: networks and ports */
/* A list request's router filter: *only = the router's id, or -1 for "" (all).
 * 0, -EINVAL for a bad name, -ENOENT for no such router. */
int dp_ctl_router_filter(const char *filter, size_t size, int *only);

HANDLER(dp_ctl_network_add);
HANDLER(dp_ctl_network_del);
HANDLER(dp_ctl_network_list);
HANDLER(dp_ctl_port_add);
HANDLER(dp_ctl_port_del);
HANDLER(dp_ctl_port_attach);
HANDLER(dp_ctl_port_detach);
HANDLER(dp_ctl_port_security);
HANDLER(dp_ctl_port_list);
HANDLER(dp_ctl_port_stats);

/* ctl_state.c: MAC table, counters, trace, hello */
HANDLER(dp_ctl_hello);
HANDLER(dp_ctl_mac_add);
HANDLER(dp_ctl_mac_del);
HANDLER(dp_ctl_mac_list);
HANDLER(dp_ctl_stats);
HANDLER(dp_ctl_trace_set);
HANDLER(dp_ctl_trace_show);

/* ctl_vxlan.c: the overlay */
HANDLER(dp_ctl_vtep_set);
HANDLER(dp_ctl_vtep_peer_add);
HANDLER(dp_ctl_vtep_peer_del);
HANDLER(dp_ctl_vtep_peer_list);
HANDLER(dp_ctl_neigh_list);
HANDLER(dp_ctl_neigh_add);
HANDLER(dp_ctl_neigh_del);

/* ctl_router.c: routers */
HANDLER(dp_ctl_router_add);
HANDLER(dp_ctl_router_del);
HANDLER(dp_ctl_router_list);
HANDLER(dp_ctl_router_if_add);
HANDLER(dp_ctl_router_if_del);
HANDLER(dp_ctl_router_if_mac_set);
HANDLER(dp_ctl_router_gw_set);
HANDLER(dp_ctl_router_gw_clear);

/* ctl_fip.c: floating IPs */
HANDLER(dp_ctl_fip_add);
HANDLER(dp_ctl_fip_del);
HANDLER(dp_ctl_fip_list);
HANDLER(dp_ctl_nat_stats);
HANDLER(dp_ctl_route_add);
HANDLER(dp_ctl_route_del);
HANDLER(dp_ctl_route_list);

/* ctl_sg.c: security groups and connection tracking */
HANDLER(dp_ctl_sg_set);
HANDLER(dp_ctl_sg_list);
HANDLER(dp_ctl_sg_rules);
HANDLER(dp_ctl_ct_list);
HANDLER(dp_ctl_ct_stats);
HANDLER(dp_ctl_ct_flush);

/* ctl_dhcp.c: DHCP answered by the engine */
HANDLER(dp_ctl_dhcp_set);
HANDLER(dp_ctl_dhcp_del);
HANDLER(dp_ctl_dhcp_list);

/* How many list entries of `entry_size` fit in a reply after a count/cursor pair. */
#define DP_CTL_PAGE(entry_size)                                                                    \
	((DP_MSG_MAX - sizeof(struct dp_reply_hdr) - 2 * sizeof(uint32_t)) / (entry_size))

#endif
