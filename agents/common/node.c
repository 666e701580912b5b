/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node's registration and heartbeat: at start and every report
 * interval, PUT /internal/v1/nodes/{node} with what the node is (Neutron's
 * report_state): the agent's type and binary, and in its configurations
 * the tunnel address the overlay will use and the capacity a scheduler will
 * place on. The controller shows the agent dead once it has heard nothing
 * for its agent down time.
 *
 * The capacity is measured at each report, but only in units that rarely
 * move (whole GiB of free disk): a report whose configurations did not
 * change is a plain heartbeat for the controller, which costs it no
 * revision.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "common/node.h"
#include "common/http.h"
#include "common/log.h"

#define NODE_TIMEOUT_MS 5000
#define NODE_RETRY_MS 1000

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ag_node_init(struct ag_node *n, const char *controller, const char *token, const char *node)
{
	memset(n, 0, sizeof(*n));
	n->controller = controller;
	n->token = token;
	n->node = node;
	n->interval_s = AG_NODE_DEFAULT_INTERVAL;
	n->started = true;
}

/* MemTotal in MiB, or -1. */
static json_int_t memory_mb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long long kb = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

static json_t *int_or_null(json_int_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

json_t *ag_node_report_body(const struct ag_node *n)
{
	json_t *mappings = json_object(), *conf;
	struct statvfs vfs;
	json_int_t disk_gb = -1;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	for (int i = 0; i < n->n_uplinks; i++)
		json_object_set_new(
		                mappings, n->uplinks[i].physnet, json_string(n->uplinks[i].ifname));
	if (n->state_dir && statvfs(n->state_dir, &vfs) == 0)
		disk_gb = (json_int_t)((unsigned long long)vfs.f_bavail * vfs.f_frsize >> 30);
	conf = json_pack("{s:o, s:[s], s:o, s:o, s:o, s:o}", "tunneling_ip",
	                n->tunnel_ip ? json_string(n->tunnel_ip) : json_null(), "tunnel_types",
	                "vxlan", "bridge_mappings", mappings, "vcpus", int_or_null(cpus),
	                "memory_mb", int_or_null(memory_mb()), "disk_gb", int_or_null(disk_gb));
	/* What a scheduler places servers on: only a node that runs them offers it. */
	if (n->compute)
		json_object_set_new(conf, "compute",
		                json_pack("{s:o, s:o, s:o}", "vcpus", int_or_null(cpus), "memory_mb",
		                                int_or_null(memory_mb()), "disk_gb",
		                                int_or_null(disk_gb)));
	return json_pack("{s:s, s:s, s:s, s:o, s:b}", "agent_type", AG_NODE_AGENT_TYPE, "binary",
	                "virga-agent", "topic", "N/A", "configurations", conf, "start_flag",
	                n->started);
}

/* One report; 0 once the controller took it. */
static int report(struct ag_node *n)
{
	json_t *body = ag_node_report_body(n);
	char *text = json_dumps(body, JSON_COMPACT);
	struct ag_http_resp resp;
	char path[384];
	int rc;

	json_decref(body);
	if (text == NULL)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/internal/v1/nodes/%s", n->node);
	rc = ag_http_request(n->controller, "PUT", path, n->token, text, NODE_TIMEOUT_MS, &resp);
	free(text);
	if (rc < 0)
		return rc; /* the feed says the controller is unreachable */
	if (resp.status / 100 != 2) {
		if (resp.status != n->last_status)
			ag_log(AG_ERR, "node report: HTTP %d: %.200s", resp.status, resp.body);
		n->last_status = resp.status;
		free(resp.body);
		return -EPROTO;
	}
	free(resp.body);
	if (n->last_status != 200)
		ag_log(AG_INFO, "node %s %s with the controller (every %d s)", n->node,
		                n->started ? "registered" : "reporting again", n->interval_s);
	n->last_status = 200;
	n->started = false;
	return 0;
}

int ag_node_tick(struct ag_node *n)
{
	int64_t now = now_ms();

	if (now >= n->next_ms) {
		/* A failed report is tried again a second later, not a whole
		 * interval: a controller back from an outage sees the node
		 * alive at once. */
		int rc = report(n);

		n->next_ms = now + (rc == 0 ? (int64_t)n->interval_s * 1000 : NODE_RETRY_MS);
	}
	return (int)((n->next_ms - now + 999) / 1000);
}
