/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Security groups: a port's groups flattened into the engine's filter,
 * and that filter sent when it changed. Control thread only.
 */
#ifndef AG_NETWORK_SECGROUPS_H
#define AG_NETWORK_SECGROUPS_H

#include <stddef.h>

#include <jansson.h>

#include "common/feed.h"
#include "network/desired.h"
#include "network/dp.h"

/*
 * The filter of one Neutron port into out (whose security is built):
 * the rules of all its groups flattened, remote groups expanded into one
 * rule per member address of the rule's family. No filter (sg_enabled
 * false) without port security or groups. Returns 0 or -ENOMEM.
 */
int ag_sg_build(const struct ag_feed *f, const json_t *port, struct ag_port *out);
/*
 * Sends the port's filter (SG_SET, chunked) unless what was last sent to
 * this dataplane boot is the same. Returns 1 when that changed the filter,
 * 0 when nothing changed (nothing to send, the same rules resent after a
 * restart, or a dataplane without security groups: said once), or a
 * negative errno (logged).
 */
int ag_sg_ensure(struct ag_dp *dp, const struct ag_port *p);
/* The key of a port's filter digest in ag_dp.applied. */
void ag_sg_key(char *key, size_t cap, const char *dp_name);

#endif /* AG_NETWORK_SECGROUPS_H */
