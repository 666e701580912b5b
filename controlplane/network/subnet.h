/* SPDX-License-Identifier: Apache-2.0 */
/* A subnet document decoded for IPAM (subnet.c). Control threads only. */
#ifndef CP_SUBNET_H
#define CP_SUBNET_H

#include <jansson.h>
#include "ipam.h"

#define CP_MAX_POOLS 16

/* Parses cidr, gateway and allocation pools of a stored subnet. */
int cp_subnet_parse(const json_t *subnet, struct cp_cidr *cidr, bool *has_gw, cp_u128 *gw,
	struct cp_pool *pools, int *n_pools);

#endif
