/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Security groups on the control thread: each port's filter as the control
 * socket set it (DP_MSG_SG_SET, see dp_api.h), compiled into a rule set
 * (sg/dp_sg.h) and published in the port's snapshot; and the connection
 * table the stateful filters share (ct/dp_ct.h), its expiry and flushes.
 *
 * Contract
 *  - Control thread only, like every dp_conf_* store. Workers read only what
 *    dp_conf_publish_port copies into struct dp_port: the compiled set, the
 *    stateful flag and the generation.
 *  - A filter is compiled whole, off the packet path, when its last chunk
 *    arrives; a build that fails changes nothing (the filter in force stays).
 *    The set it replaces is freed after an RCU grace period
 *    (dp_tables_retire_with), together with the snapshot that pointed to it.
 *  - Generations: every change of a port's rules (or of its stateful flag)
 *    gives the filter a new generation, unique in this process and never 0
 *    (DP_CT_GEN_NONE). Connection records carry the generation that allowed
 *    them, so a stale one is checked again at its next packet. Setting the
 *    same rules again (labels aside) keeps the generation and compiles nothing.
 *  - Changed rules are enforced by workers at each connection's next packet,
 *    and by the control thread within its next expiry step (dp_sg_conf_expire).
 *  - A filter is enforced while its port is an access port; it is kept when
 *    the port is detached and applies again when it is attached.
 *  - A deleted port loses its filter and, after the grace period that port
 *    deletion waits anyway, its tracked connections; a deleted network's
 *    connections are flushed by zone, so a network that reuses its id starts
 *    with none.
 */
#ifndef VIRGA_DP_SG_CONF_H
#define VIRGA_DP_SG_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>

#include <virga/dp_api.h>

#include "dp_sg.h"

struct dp_port;

struct dp_sg_port_conf {
	bool enabled;
	bool stateful;
	uint32_t gen;
	uint32_t n_rules;
	struct dp_sg_rule_spec *specs; /* as sent (labels for the trace, SG_RULES) */
	struct dp_sg_set *set;	       /* compiled from specs; what the snapshot points to */
	/* An SG_SET arriving in chunks: rules 0..pending_n of pending_total so far. */
	struct dp_sg_rule_spec *pending;
	uint32_t pending_n;
	uint32_t pending_total;
	bool pending_stateful;
	/* The rules changed: connections with a record of an older generation are to
	 * be checked again by the control thread (dp_sg_conf_expire). */
	bool sweep;
};

extern struct dp_sg_port_conf dp_sg_confs[DP_MAX_PORTS];

/* Start-up: the connection table (max_entries 0: the default; port_limit 0: none).
 * 0 or -errno. */
int dp_sg_conf_init(uint32_t ct_max, uint32_t ct_port_limit);
/* Exit, once no worker runs: every filter and the connection table. */
void dp_sg_conf_fini(void);

/*
 * DP_MSG_SG_SET: one chunk of a port's filter (len: the request's whole body,
 * rules included). 0 when the chunk was taken (and, for the last, the filter
 * applied), or -EINVAL (a bad rule, a chunk out of order), -EBADMSG (len does
 * not match n_rules), -ENOENT (no such port), -ENOSPC (too many rules),
 * -ENOMEM.
 */
int dp_sg_conf_set(const struct dp_sg_set_req *req, uint32_t len);

/* dp_conf_publish_port: the filter fields of port_id's new snapshot. */
void dp_sg_conf_fill(struct dp_port *p, uint16_t port_id);

/* A port was deleted and a grace period has passed since its snapshot went. */
void dp_sg_conf_port_deleted(uint16_t port_id);
/* A port left its network: its connections (in that zone) go with it. */
void dp_sg_conf_port_detached(uint16_t port_id);
/* A network was deleted and a grace period has passed. */
void dp_sg_conf_network_deleted(uint16_t net_id);

/*
 * The control loop, as often as it likes: expires connections in small steps
 * (the whole table every few seconds) and deletes the ones workers killed.
 * First, when a port's rules changed since the last call, it checks again
 * every connection whose record on that port is of an older generation,
 * idle ones too: the record is renewed where a rule still allows the
 * connection's original direction, the connection deleted where none does.
 * (Workers do the same at a connection's next packet; this keeps the
 * promise of dp_api.h that the others end within a second, and frees their
 * place in the table and in the port's count.)
 */
void dp_sg_conf_expire(void);

/* The label of rule `id` of port_id's filter, or NULL. */
const char *dp_sg_conf_label(uint16_t port_id, uint32_t id);

#endif
