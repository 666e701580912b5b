/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel's side of a port: the veth pair a namespace (or a VM without
 * vhost-user) is plugged into, made and removed over rtnetlink.
 * Control thread only.
 */
#ifndef AG_NETWORK_NETLINK_H
#define AG_NETWORK_NETLINK_H

#include <stdint.h>

struct ag_nl;
int ag_nl_open(struct ag_nl **out);
void ag_nl_close(struct ag_nl *nl);
/*
 * Makes the veth pair dp_if <-> vm_if exist with this MTU, the dataplane
 * end up, IPv6 off on it, and TX checksum offload off on both ends (af_packet
 * hands the dataplane frames as the kernel built them: offloaded checksums
 * would never be filled in). An existing pair is kept as it is, so a
 * restarted agent does not disturb a running VM. Returns 0 or -errno.
 */
int ag_veth_ensure(struct ag_nl *nl, const char *dp_if, const char *vm_if, uint16_t mtu);
/* Deletes a link (and so its veth peer); a missing one is fine. */
int ag_link_del(struct ag_nl *nl, const char *ifname);

#endif /* AG_NETWORK_NETLINK_H */
