/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Neutron's agents: one per node, registered and kept alive by the node's
 * virga-agent (PUT /internal/v1/nodes/{node}), shown to admins as Neutron
 * shows its L2 agents (GET/PUT/DELETE /v2.0/agents), alive while its last
 * heartbeat is within the agent down time. A member's list is empty (its
 * show, update and delete 403), as Neutron's admin_only policy answers.
 *
 * A report that changes nothing but the heartbeat rewrites the row in
 * place without a new revision: every node reports every few seconds, and
 * a revision would wake every agent's long poll for nothing. A report that
 * changes what the node is (type, binary, configurations: the tunnel
 * address the overlay will need, the capacity a scheduler will need), or
 * the first one after an agent start, is an ordinary revision.
 *
 * Death is a revision too: cp_agent_sweep (every second, from the
 * controller's main thread) declares an agent silent for longer than the
 * agent down time dead, stores that on it and sets its node's ports DOWN
 * and the floating IPs of the routers whose gateway it hosts,
 * in one transaction. Being a revision, it wakes every agent's long poll,
 * and the feed then leaves the node out of the others' l2population
 * (feed_l2pop.c). A report from a node declared dead brings it back: a
 * revision again, and its ports go ACTIVE through its own status reports
 * once its dataplane forwards for them.
 */
#include "network.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define AGENT_TIME_FMT "%Y-%m-%d %H:%M:%S" /* Neutron's agents' timestamps */
#define DEFAULT_DOWN_TIME 30
/* Stored on an agent the sweep declared dead; never shown (agent_render). */
#define DECLARED_DEAD "virga:declared_dead"

static int down_time = DEFAULT_DOWN_TIME;

void cp_agent_set_down_time(int seconds)
{
	down_time = seconds > 0 ? seconds : DEFAULT_DOWN_TIME;
}

static void agent_time(char out[32], int64_t unix_sec)
{
	time_t t = (time_t)unix_sec;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, AGENT_TIME_FMT, &tm);
}

/* The Unix time of an agent timestamp, or -1. */
static int64_t agent_time_parse(const char *s)
{
	struct tm tm = {0};
	const char *end = s ? strptime(s, AGENT_TIME_FMT, &tm) : NULL;

	return end && *end == '\0' ? (int64_t)timegm(&tm) : -1;
}

int cp_agent_down_time(void)
{
	return down_time;
}

bool cp_agent_alive_at(const json_t *agent, int64_t now, int down)
{
	int64_t beat = agent_time_parse(cp_json_str(agent, "heartbeat_timestamp"));

	return beat >= 0 && now - beat <= down &&
	       !json_is_true(json_object_get(agent, DECLARED_DEAD));
}

static void agent_render(struct cp_ctx *ctx, json_t *obj)
{
	(void)ctx;
	json_object_set_new(obj, "alive", json_boolean(cp_agent_alive_at(obj, cp_now(), down_time)));
	json_object_del(obj, DECLARED_DEAD);
	/* Neutron's agents carry neither: they are bookkeeping here. */
	json_object_del(obj, "revision_number");
	json_object_del(obj, "updated_at");
}

/* Only admin_state_up and description change through the API; the rest are
 * listed so that they may be filtered on. */
static const struct cp_attr agent_attrs[] = {
	{"admin_state_up", CP_T_BOOL, CP_A_PUT, NULL},
	{"description", CP_T_STR, CP_A_PUT | CP_A_NULL, NULL},
	{"agent_type", CP_T_STR, 0, NULL},
	{"binary", CP_T_STR, 0, NULL},
	{"topic", CP_T_STR, 0, NULL},
	{"host", CP_T_STR, 0, NULL},
	{"alive", CP_T_BOOL, 0, NULL},
	{"availability_zone", CP_T_STR, 0, NULL},
	{"started_at", CP_T_STR, 0, NULL},
	{"heartbeat_timestamp", CP_T_STR, 0, NULL},
	{"configurations", CP_T_OBJ, 0, NULL},
	{"resources_synced", CP_T_BOOL, 0, NULL},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_agent = {
	.name = "agent",
	.not_found = "AgentNotFound",
	.attrs = agent_attrs,
	.render = agent_render,
	.list_filtered = true,
};

/* The agent of type on host, or NULL (inside a transaction). */
static json_t *agent_find(struct cp_ctx *ctx, const char *host, const char *type)
{
	json_t *all = cp_obj_list(ctx->db, "agent", NULL, false, NULL, 0), *o, *found = NULL;
	size_t i;

	json_array_foreach(all, i, o)
		if (strcmp(cp_json_str(o, "host") ?: "", host) == 0 &&
			strcmp(cp_json_str(o, "agent_type") ?: "", type) == 0) {
			found = json_incref(o);
			break;
		}
	json_decref(all);
	return found;
}

static bool same(const json_t *a, const json_t *b, const char *key)
{
	return json_equal(json_object_get(a, key), json_object_get(b, key));
}

static int check_report(struct cp_ctx *ctx, const json_t *r)
{
	if (!json_is_object(r) || !json_is_string(json_object_get(r, "agent_type")) ||
		!json_is_string(json_object_get(r, "binary")) ||
		!json_is_object(json_object_get(r, "configurations")))
		return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
			"Body must be {\"agent_type\": STRING, \"binary\": STRING, "
			"\"configurations\": OBJECT[, \"topic\": STRING, \"start_flag\": BOOL]}");
	if (json_object_get(r, "topic") && !json_is_string(json_object_get(r, "topic")))
		return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest", "topic must be a string");
	if (json_object_get(r, "start_flag") && !json_is_boolean(json_object_get(r, "start_flag")))
		return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest", "start_flag must be a boolean");
	return 0;
}

/* Writes the report into obj (new or stored); true when more than the
 * heartbeat changed. */
static bool apply_report(json_t *obj, const json_t *r, const char *now)
{
	bool start = cp_json_bool(r, "start_flag", false);
	const char *topic = cp_json_str(r, "topic") ?: "N/A";
	bool revived = json_object_del(obj, DECLARED_DEAD) == 0;
	bool changed = start || revived || !same(obj, r, "binary") ||
		!same(obj, r, "configurations") || strcmp(cp_json_str(obj, "topic") ?: "", topic) != 0;

	json_object_set(obj, "binary", json_object_get(r, "binary"));
	json_object_set(obj, "configurations", json_object_get(r, "configurations"));
	json_object_set_new(obj, "topic", json_string(topic));
	if (start || !cp_json_str(obj, "started_at"))
		json_object_set_new(obj, "started_at", json_string(now));
	json_object_set_new(obj, "heartbeat_timestamp", json_string(now));
	return changed;
}

int cp_agent_report(struct cp_ctx *ctx, const char *node, const json_t *r, json_t **out)
{
	const char *type;
	json_t *obj;
	char now[32], id[CP_ID_LEN];
	bool created = false;
	int rc;

	*out = NULL;
	if (!ctx->caller->is_service && !ctx->caller->is_admin)
		return cp_fail(&ctx->err, -EPERM, "PolicyNotAuthorized",
			"Agent reports need the service token or admin.");
	rc = check_report(ctx, r);
	if (rc)
		return rc;
	type = cp_json_str(r, "agent_type");
	agent_time(now, cp_now());
	if (cp_db_begin(ctx->db, true))
		return cp_fail(&ctx->err, -EIO, "InternalError", "database unavailable");
	obj = agent_find(ctx, node, type);
	if (!obj) {
		cp_uuid(id, true);
		obj = json_pack("{s:s, s:s, s:s, s:b, s:s, s:n, s:s, s:n}", "id", id, "agent_type",
			type, "host", node, "admin_state_up", 1, "description", "",
			"availability_zone", "created_at", now, "resources_synced");
		created = true;
	}
	if (apply_report(obj, r, now) || created)
		rc = cp_obj_put(ctx->db, "agent", obj, NULL, NULL, false);
	else
		rc = cp_obj_rewrite(ctx->db, "agent", obj);
	if (rc) {
		json_decref(obj);
		cp_db_rollback(ctx->db);
		return cp_fail(&ctx->err, rc, "InternalError", "agent not stored");
	}
	if (cp_db_commit(ctx->db)) {
		json_decref(obj);
		return cp_fail(&ctx->err, -EIO, "InternalError", "commit failed");
	}
	agent_render(ctx, obj);
	*out = obj;
	return created ? 1 : 0;
}

const char *cp_agent_tunnel_ip(const json_t *agent)
{
	const char *ip = cp_json_str(json_object_get(agent, "configurations"), "tunneling_ip");

	if (json_is_true(json_object_get(agent, DECLARED_DEAD)) || !ip || !ip[0])
		return NULL;
	return ip;
}

/* Sets DOWN every object of kind k that node hosts and that is not DOWN
 * already (inside a write transaction): the ports bound to a dead node,
 * the floating IPs its gateways translated. How many, or a negative errno. */
static int all_down(struct cp_ctx *ctx, const struct cp_kind *k, const char *host,
	bool (*hosted)(struct cp_ctx *ctx, const json_t *obj, const char *host))
{
	json_t *objs = cp_obj_list(ctx->db, k->name, NULL, false, NULL, 0), *o;
	int n = 0, rc = 0;
	size_t i;

	json_array_foreach(objs, i, o) {
		if (strcmp(cp_json_str(o, "status") ?: "", "DOWN") == 0 || !hosted(ctx, o, host))
			continue;
		json_object_set_new(o, "status", json_string("DOWN"));
		rc = cp_res_store(ctx, k, o);
		if (rc)
			break;
		n++;
	}
	json_decref(objs);
	return rc ? rc : n;
}

/* Whether the agent is silent past the down time at now and not declared dead yet. */
static bool newly_dead(const json_t *agent, int64_t now)
{
	int64_t beat = agent_time_parse(cp_json_str(agent, "heartbeat_timestamp"));

	return beat >= 0 && now - beat > down_time &&
	       !json_is_true(json_object_get(agent, DECLARED_DEAD));
}

int cp_agent_sweep(struct cp_ctx *ctx, int64_t now)
{
	json_t *all, *a;
	int dead = 0, rc = 0, n = 0, n_fips = 0;
	bool any = false;
	size_t i;

	/* A read first: nearly always nobody died, and a write transaction
	 * would be a revision for nothing. */
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	all = cp_obj_list(ctx->db, "agent", NULL, false, NULL, 0);
	json_array_foreach(all, i, a)
		any = any || newly_dead(a, now);
	json_decref(all);
	cp_db_commit(ctx->db);
	if (!any)
		return 0;
	if (cp_db_begin(ctx->db, true))
		return -EIO;
	/* Again inside the write: a heartbeat may have come in between. */
	all = cp_obj_list(ctx->db, "agent", NULL, false, NULL, 0);
	json_array_foreach(all, i, a) {
		const char *host = cp_json_str(a, "host") ?: "";

		if (!newly_dead(a, now))
			continue;
		json_object_set_new(a, DECLARED_DEAD, json_true());
		rc = cp_obj_put(ctx->db, "agent", a, NULL, NULL, false);
		if (rc || (n = all_down(ctx, &cp_kind_port, host, cp_port_hosted_on)) < 0 ||
			(n_fips = all_down(ctx, &cp_kind_floatingip, host, cp_fip_hosted_on)) < 0) {
			rc = rc ? rc : n < 0 ? n : n_fips;
			break;
		}
		fprintf(stderr,
			"virga-controller: node %s silent for more than %d s: declared dead, "
			"%d of its ports and %d floating IPs DOWN\n",
			host, down_time, n, n_fips);
		dead++;
	}
	json_decref(all);
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return cp_db_commit(ctx->db) ? -EIO : dead;
}
