/* SPDX-License-Identifier: Apache-2.0 */
/* Control socket handlers for DHCP answered by the engine (dhcp/dp_dhcp.h). */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "dhcp/dp_dhcp.h"
#include "engine/dp_conf.h"
#include "ctl_handlers.h"

FORWARD_HANDLER(dp_ctl_dhcp_set, dp_conf_dhcp_set)

FORWARD_HANDLER(dp_ctl_dhcp_del, dp_conf_dhcp_del)

/* Cursor: the port id to go on from; with up to DP_MAX_PORTS ports, a list of
 * more than a page goes on from there. */
HANDLER(dp_ctl_dhcp_list)
{
	const struct dp_list_req *r = req;
	struct dp_dhcp_list_reply *out = reply;
	const uint32_t page = DP_CTL_PAGE(sizeof(out->entries[0]));
	int only = -1;

	RTE_SET_USED(req_len);
	if (memchr(r->filter, '\0', sizeof(r->filter)) == NULL)
		return -EINVAL;
	if (r->filter[0] != '\0') {
		only = dp_conf_port_by_name(r->filter);
		if (only < 0)
			return only;
	}
	out->count = 0;
	out->next_cursor = 0;
	for (uint32_t id = r->cursor; id < DP_MAX_PORTS; id++) {
		const struct dp_dhcp_entry *e = dp_dhcp_entries[id];
		struct dp_dhcp_info *info;
		struct dp_dhcp_counters c;

		if (e == NULL || (only >= 0 && (int)id != only))
			continue;
		if (out->count == page) {
			out->next_cursor = id;
			break;
		}
		info = &out->entries[out->count++];
		memset(info, 0, sizeof(*info));
		info->conf = e->conf;
		dp_conf_dhcp_counters((uint16_t)id, &c);
		info->discovers = c.by_type[DP_DHCP_DISCOVER];
		info->requests = c.by_type[DP_DHCP_REQUEST];
		info->informs = c.by_type[DP_DHCP_INFORM];
		info->releases = c.by_type[DP_DHCP_RELEASE];
		info->declines = c.by_type[DP_DHCP_DECLINE];
		info->offers = c.by_type[DP_DHCP_OFFER];
		info->acks = c.by_type[DP_DHCP_ACK];
		info->naks = c.by_type[DP_DHCP_NAK];
		info->rate_limited = c.rate_limited;
	}
	*reply_len = sizeof(*out) + out->count * sizeof(out->entries[0]);
	return 0;
}
