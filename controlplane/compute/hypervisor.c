/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Nova's os-hypervisors at microversion 2.1, read from the agents: a
 * compute node is an agent whose report offers configurations.compute
 * (scheduler.c), and Nova lists a compute node whether its service is up
 * or not, so a dead agent is a hypervisor whose state is "down". Its id is
 * the agent's (tempest and novaclient take a string id; Nova gives UUIDs
 * from 2.53), and its service is the agent too: Virga has one agent per
 * node where Nova has a nova-compute service.
 *
 * The sizes are what the node reports, without the allocation ratios the
 * scheduler applies (Nova shows the raw sizes too), and what is used is
 * what the scheduler counts: the flavors of the servers placed there.
 */
#include "server_priv.h"
#include "../network/network.h"

#include <errno.h>
#include <string.h>

static int forbid(struct cp_ctx *ctx, const char *rule)
{
	return cp_fail(&ctx->err, -EPERM, "forbidden",
		"Policy doesn't allow os_compute_api:os-hypervisors:%s to be performed.", rule);
}

static json_int_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static json_t *brief(const json_t *agent, int64_t now)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "id", cp_json_str(agent, "id") ?: "",
		"hypervisor_hostname", cp_json_str(agent, "host") ?: "", "state",
		cp_agent_alive_at(agent, now, cp_agent_down_time()) ? "up" : "down", "status",
		cp_json_bool(agent, "admin_state_up", true) ? "enabled" : "disabled");
}

static json_t *detailed(const json_t *agent, const json_t *servers, int64_t now)
{
	const json_t *offer = cp_sched_offer(agent);
	/* The node's address even once it is dead: what it was is what an
	 * operator looks for. */
	const char *ip = cp_json_str(json_object_get(agent, "configurations"), "tunneling_ip");
	json_int_t vcpus = num(offer, "vcpus"), ram = num(offer, "memory_mb"),
		   disk = num(offer, "disk_gb");
	json_t *h = brief(agent, now);
	struct cp_sched_use used;

	cp_sched_used(servers, cp_json_str(h, "hypervisor_hostname"), &used);
	/* cpu_info is a JSON text at 2.1 (an object from 2.28); the node
	 * reports no CPU model, so it is empty, which clients read as {}. No
	 * version either: 0 rather than a made-up QEMU version. Nova's
	 * current_workload (instances busy in a task) is not counted: 0. */
	json_object_update_new(h,
		json_pack("{s:s, s:s, s:i, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			  "s:I, s:{s:s, s:s, s:n}}",
			"hypervisor_type", "QEMU", "cpu_info", "", "hypervisor_version", 0,
			"host_ip", ip && *ip ? json_string(ip) : json_null(),
			"vcpus", vcpus, "vcpus_used", used.vcpus, "memory_mb", ram,
			"memory_mb_used", used.ram_mb, "free_ram_mb", ram - used.ram_mb, "local_gb",
			disk, "local_gb_used", used.disk_gb, "free_disk_gb", disk - used.disk_gb,
			"disk_available_least", disk - used.disk_gb, "running_vms", used.servers,
			"current_workload", (json_int_t)0, "service", "host",
			cp_json_str(agent, "host") ?: "", "id", cp_json_str(agent, "id") ?: "",
			"disabled_reason"));
	return h;
}

/* The compute agents and the servers, read in one transaction. */
static int read_rows(struct cp_ctx *ctx, json_t **agents, json_t **servers)
{
	if (cp_db_begin(ctx->db, false))
		return cp_server_db_down(ctx);
	*agents = cp_obj_list(ctx->db, "agent", NULL, false, NULL, 0);
	*servers = cp_obj_list(ctx->db, CP_SERVER_KIND, NULL, false, NULL, 0);
	cp_db_commit(ctx->db);
	if (!*agents || !*servers) {
		json_decref(*agents);
		json_decref(*servers);
		return cp_server_db_down(ctx);
	}
	return 0;
}

int cp_hypervisor_list(struct cp_ctx *ctx, bool detail, json_t **out)
{
	json_t *agents, *servers, *a;
	int64_t now = cp_now();
	size_t i;
	int rc;

	*out = NULL;
	if (!ctx->caller->is_admin)
		return forbid(ctx, detail ? "list-detail" : "list");
	rc = read_rows(ctx, &agents, &servers);
	if (rc)
		return rc;
	*out = json_array();
	json_array_foreach(agents, i, a)
		if (cp_sched_offer(a))
			json_array_append_new(*out, detail ? detailed(a, servers, now) : brief(a, now));
	json_decref(agents);
	json_decref(servers);
	return 0;
}

int cp_hypervisor_show(struct cp_ctx *ctx, const char *id, json_t **out)
{
	json_t *agents, *servers, *a;
	size_t i;
	int rc;

	*out = NULL;
	if (!ctx->caller->is_admin)
		return forbid(ctx, "show");
	rc = read_rows(ctx, &agents, &servers);
	if (rc)
		return rc;
	json_array_foreach(agents, i, a)
		if (cp_sched_offer(a) && strcmp(cp_json_str(a, "id") ?: "", id) == 0) {
			*out = detailed(a, servers, cp_now());
			break;
		}
	json_decref(agents);
	json_decref(servers);
	return *out ? 0 : cp_fail(&ctx->err, -ENOENT, "itemNotFound",
				  "Hypervisor with ID '%s' could not be found.", id);
}
