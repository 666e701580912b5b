/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The network half's client of the dataplane's control socket: the
 * connection and the boot it talks to, what was sent to that boot, one
 * call and a paged list. What every part that programs the dataplane
 * (the reconciler, routers, DHCP, floating IPs, l2pop, security groups)
 * goes through. Control thread only.
 */
#ifndef AG_NETWORK_DP_H
#define AG_NETWORK_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <virga/dp_api.h>

#include "common/node.h"

struct dp_client;

#define AG_MAX_UPLINKS 8

struct ag_dp {
	const char *socket;
	struct dp_client *client; /* NULL while disconnected */
	uint64_t boot_id;         /* of the dataplane last programmed; 0 = none yet */
	json_t *applied;          /* port name -> hash of the config last sent (this boot) */
	json_t *ports_ok;         /* port name -> true: forwarding as desired after the last pass */
	struct ag_uplink uplinks[AG_MAX_UPLINKS];
	int n_uplinks;
	unsigned int passes;      /* reconcile passes done; the first one is logged in full */
	bool sg_unsupported_said; /* the dataplane answered sg_set with -EOPNOTSUPP */
};

/* What one pass changed, counted by every part that programs the dataplane. */
struct ag_reconcile_stats {
	unsigned int kept, added, updated, removed, failed;
};

void ag_dp_init(struct ag_dp *dp, const char *socket);
void ag_dp_free(struct ag_dp *dp);
/* Connects if needed and says hello; a new boot forgets what was sent.
 * 0, or a negative errno (then disconnected). */
int ag_dp_hello(struct ag_dp *dp);
/* Drops the connection (after a failure: the next pass reconnects). */
void ag_dp_disconnect(struct ag_dp *dp);
/* One request to the connected dataplane; a failure is logged with what. */
int ag_dp_call(struct ag_dp *dp, enum dp_msg_type type, const char *what, const void *req,
                size_t len, void *resp, size_t cap);
/* Every page of a list (filter ""), as one malloc'ed array of entry_size entries. */
int ag_dp_list(struct ag_dp *dp, enum dp_msg_type type, size_t entry_size, void **out,
                size_t *n_out);
/* FNV-1a over data, from h (AG_FNV1A_INIT to start): the digests of what
 * was sent that ag_dp.applied keeps, to send only what changed. */
uint64_t ag_fnv1a(uint64_t h, const void *data, size_t len);
#define AG_FNV1A_INIT 0xcbf29ce484222325ull

#endif /* AG_NETWORK_DP_H */
