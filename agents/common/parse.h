/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading the names and addresses the controller sends, as both halves of
 * the agent need them: MACs, IP prefixes and Neutron UUIDs. Pure
 * functions, safe anywhere.
 */
#ifndef AG_COMMON_PARSE_H
#define AG_COMMON_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include <virga/dp_api.h>

/* "aa:bb:cc:dd:ee:ff" (NULL or anything else: -EINVAL). */
int ag_parse_mac(const char *s, uint8_t mac[6]);
/* "10.0.0.5", "10.0.0.0/24" or an IPv6 form; a bare address is a host. 0 or -EINVAL. */
int ag_parse_prefix(const char *s, struct dp_ip_prefix *p);
/* A Neutron UUID (8-4-4-4-12 hex): how the agent names what it owns in the
 * dataplane and in libvirt. */
bool ag_is_uuid(const char *name);

#endif /* AG_COMMON_PARSE_H */
