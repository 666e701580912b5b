/* SPDX-License-Identifier: Apache-2.0 */
/* The DHCP server port of a network (dhcp_port.c). Control threads only,
 * inside the write transaction of the subnet or network change. */
#ifndef CP_DHCP_PORT_H
#define CP_DHCP_PORT_H

#include "../core/resource.h"

/* Whether port is the network's DHCP server port (device_owner
 * "network:dhcp", device_id "dhcp" + its network id). */
bool cp_dhcp_is_server_port(const json_t *port);
/* Brings the DHCP port of network net_id to the network's enable_dhcp
 * subnets: changed (may be NULL) is a subnet as it is about to be stored,
 * gone_id (may be NULL) one about to be deleted. Without may_create a
 * missing port stays missing (a subnet going never makes one). 0 or -errno
 * with ctx->err. */
int cp_dhcp_port_sync(struct cp_ctx *ctx, const char *net_id, const json_t *changed,
	const char *gone_id, bool may_create);
/* Deletes the network's DHCP port, for the network's delete. */
int cp_dhcp_port_drop(struct cp_ctx *ctx, const char *net_id);

#endif
