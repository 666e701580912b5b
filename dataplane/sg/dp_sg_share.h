/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiled filters shared by the ports whose rules are the same. Ports of
 * one security group with a remote-group rule get the same flattened rules
 * (one per member address, with the same ids), so 500 ports of the default
 * group compiled 500 equal rte_acl sets of ~500 rules: most of a node
 * restart's time and most of the filters' memory. Now they are compiled
 * once and counted.
 *
 * Contract
 *  - Control thread only (the counts are plain integers).
 *  - dp_sg_share_get: the set for rules[0..n), an existing equal one
 *    (memcmp of the rules, as the conf's same_rules) with one more
 *    reference, or a new one compiled with dp_sg_set_create; NULL with
 *    errno as dp_sg_set_create sets it.
 *  - dp_sg_share_put: one reference less; the last frees the set. The
 *    caller makes sure no worker can still read it through this reference:
 *    after an RCU grace period (dp_tables_retire_with calls it), or when it
 *    was never published, or once no worker runs.
 */
#ifndef VIRGA_DP_SG_SHARE_H
#define VIRGA_DP_SG_SHARE_H

#include <stdint.h>

#include "dp_sg.h"

struct dp_sg_set *dp_sg_share_get(const struct dp_sg_rule *rules, uint32_t n);
void dp_sg_share_put(struct dp_sg_set *set);

/* How many distinct sets are compiled, and how many references they have
 * (the unit tests' view; the CLI does not show it yet). */
void dp_sg_share_counts(uint32_t *sets, uint32_t *refs);

#endif
