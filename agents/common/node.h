/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node's registration and heartbeat with the controller: what the
 * node offers (tunnel address, uplinks, compute capacity), reported every
 * interval so that `network agent list` shows it alive. Control thread only.
 */
#ifndef AG_COMMON_NODE_H
#define AG_COMMON_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <virga/dp_api.h>

/* A provider uplink given on the command line: reported here as a bridge
 * mapping, attached by the network half. */
struct ag_uplink {
	char physnet[DP_PHYSNET_LEN];
	char ifname[DP_PORT_NAME_LEN]; /* a dataplane port, or a kernel interface to open */
};

#define AG_NODE_AGENT_TYPE "Virga agent" /* what `network agent list` shows */
#define AG_NODE_DEFAULT_INTERVAL 10      /* seconds between reports */

struct ag_node {
	const char *controller, *token, *node;
	const char *tunnel_ip; /* NULL: none (no overlay on this node) */
	const char *state_dir; /* its free space is the disk capacity; NULL: none */
	bool compute;          /* servers can run here (--libvirt): capacity offered as "compute" */
	const struct ag_uplink *uplinks;
	int n_uplinks;
	int interval_s;
	int64_t next_ms;   /* CLOCK_MONOTONIC of the next report; 0: now */
	int last_status;   /* HTTP status of the last answered report, to log changes once */
	bool started;      /* the next report is the first since the agent started */
};

/* Defaults (interval AG_NODE_DEFAULT_INTERVAL, no tunnel, no disk); the
 * caller sets the rest. Strings are kept, not copied. */
void ag_node_init(struct ag_node *n, const char *controller, const char *token, const char *node);
/* The report (a new reference): type, binary, topic, start_flag and the
 * configurations {tunneling_ip, tunnel_types, bridge_mappings, vcpus,
 * memory_mb, disk_gb} (what cannot be measured is null). */
json_t *ag_node_report_body(const struct ag_node *n);
/* Reports when due (at once the first time, then every interval, a second
 * after a failure). Returns the seconds until the next report is due, for
 * the caller to wait no longer. */
int ag_node_tick(struct ag_node *n);

#endif /* AG_COMMON_NODE_H */
