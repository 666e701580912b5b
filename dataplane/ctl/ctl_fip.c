/* SPDX-License-Identifier: Apache-2.0 */
/* Control socket handlers for floating IPs (l3/dp_fip.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "engine/dp_conf.h"
#include "ctl_handlers.h"
#include "l3/dp_fip.h"
#include "l3/dp_router_conf.h"

FORWARD_HANDLER(dp_ctl_fip_add, dp_conf_fip_add)

FORWARD_HANDLER(dp_ctl_fip_del, dp_conf_fip_del)

/* Cursor: router id in the top 16 bits, entry index in the low 16. */
_Static_assert(DP_MAX_ROUTERS <= 1u << 16, "a router id fits a cursor");
#define CURSOR(router, index) ((uint32_t)(router) << 16 | (index))

HANDLER(dp_ctl_fip_list)
{
	const struct dp_list_req *r = req;
	struct dp_fip_list_reply *out = reply;
	const uint32_t page = DP_CTL_PAGE(sizeof(out->entries[0]));
	uint32_t id = r->cursor >> 16, i = r->cursor & 0xffff;
	int only;
	int rc = dp_ctl_router_filter(r->filter, sizeof(r->filter), &only);

	RTE_SET_USED(req_len);
	if (rc < 0)
		return rc;
	out->count = 0;
	out->next_cursor = 0;
	for (; id < DP_MAX_ROUTERS; id++, i = 0) {
		const struct dp_fip_table *t = dp_fip_tables[id];

		if (t == NULL || (only >= 0 && (int)id != only))
			continue;
		for (; i < t->n; i++) {
			struct dp_fip_info *e;
			uint64_t packets[2];

			if (out->count == page) {
				out->next_cursor = CURSOR(id, i);
				goto done;
			}
			e = &out->entries[out->count++];
			memset(e, 0, sizeof(*e)); /* packet counts: not counted yet (no translation)
			                           */
			snprintf(e->router, sizeof(e->router), "%s", dp_router_confs[id]->name);
			memcpy(e->fip, &t->e[i].fip, 4);
			memcpy(e->fixed_ip, &t->e[i].fixed_ip, 4);
			dp_conf_fip_packets((uint16_t)id, &t->e[i], packets);
			e->packets_in = packets[0];
			e->packets_out = packets[1];
		}
	}
done:
	*reply_len = sizeof(*out) + out->count * sizeof(out->entries[0]);
	return 0;
}
