/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agents' internal API (service token):
 *  GET /internal/v1/nodes/{node}/changes?since=REV[&timeout=SECONDS]: the
 *    long poll. Held (suspended, holding no thread) until the revision
 *    moves past since or the timeout passes.
 *  PUT /internal/v1/nodes/{node}/ports/{id}/status {"status", "applied_rev"}:
 *    what the node's dataplane does with a port (ACTIVE once it forwards).
 *  PUT /internal/v1/nodes/{node}/floatingips/{id}/status {"status",
 *    "applied_rev"}: the same for a floating IP, from the node hosting its
 *    router's gateway (ACTIVE once it translates).
 *  PUT /internal/v1/nodes/{node}/{ports|floatingips}/status {"statuses":
 *    {id: status, ...}, "applied_rev"}: many of those at once, in one
 *    transaction (an agent's pass); 200 {"refused": {id: reason}}.
 *  PUT /internal/v1/nodes/{node} {"agent_type", "binary", "configurations",
 *    "topic"?, "start_flag"?}: the node's agent registers and keeps alive
 *    (201 when it was new, 200 with the agent as Neutron shows it).
 * With --tls-client-ca each also needs the node's client certificate
 * (node_certs.c).
 */
#include "api.h"
#include "../controlplane/db/feed.h"
#include "../controlplane/network/network.h"

#include <errno.h>
#include <stdlib.h>

static int feed_changes(struct api_req *req, const void *arg)
{
	const char *since_s = api_query(req, "since"), *timeout_s = api_query(req, "timeout");
	int timeout_ms = req->srv->feed_timeout_ms;
	long long since = 0;
	char *out = NULL, *end;
	int rc;

	(void)arg;
	if (!req->caller.is_service && !req->caller.is_admin)
		return cp_fail(&req->ctx.err, -EPERM, "PolicyNotAuthorized",
			"The change feed needs the service token or admin.");
	if (since_s) {
		since = strtoll(since_s, &end, 10);
		if (*end || since < 0)
			return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest",
				"since must be a non-negative revision");
	}
	if (timeout_s) {
		long t = strtol(timeout_s, &end, 10);

		if (*end || t < 0)
			return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest",
				"timeout must be a non-negative number of seconds");
		if (t * 1000 < timeout_ms)
			timeout_ms = (int)t * 1000;
	}
	if (!api_wait_revision(req, since, timeout_ms))
		return api_reply(req, 202, NULL); /* held: never sent */
	/* As text: written once, never a tree dumped again (feed_text.c). */
	rc = cp_feed_changes_text(&req->ctx, req->arg[0], since, &out);
	return rc ? rc : api_reply_text(req, 200, out);
}

/* Who takes a status report: the service function of the object's kind. */
struct status_sink {
	int (*report)(struct cp_ctx *ctx, const char *node, const char *id, const char *status,
		int64_t applied_rev);
	int (*report_many)(struct cp_ctx *ctx, const char *node, const json_t *statuses,
		int64_t applied_rev, json_t **refused);
};
static const struct status_sink port_sink = {cp_port_report_status, cp_port_report_statuses};
static const struct status_sink fip_sink = {cp_fip_report_status, cp_fip_report_statuses};

/* {"status": STRING, "applied_rev": INTEGER} for the object arg[1] of node arg[0]. */
static int report_status(struct api_req *req, const void *arg)
{
	const struct status_sink *sink = arg;
	const json_t *st = json_object_get(req->json, "status");
	const json_t *rev = json_object_get(req->json, "applied_rev");
	int rc;

	if (!json_is_object(req->json) || !json_is_string(st) || !json_is_integer(rev))
		return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest",
			"Body must be {\"status\": STRING, \"applied_rev\": INTEGER}");
	rc = sink->report(&req->ctx, req->arg[0], req->arg[1], json_string_value(st),
		json_integer_value(rev));
	return rc ? rc : api_reply(req, 204, NULL);
}

/* {"statuses": {ID: STRING, ...}, "applied_rev": INTEGER}: a pass's reports
 * for node arg[0] at once; 200 {"refused": {ID: reason}} for those not taken. */
static int report_statuses(struct api_req *req, const void *arg)
{
	const struct status_sink *sink = arg;
	const json_t *st = json_object_get(req->json, "statuses");
	const json_t *rev = json_object_get(req->json, "applied_rev");
	json_t *refused;
	int rc;

	if (!json_is_object(req->json) || !json_is_object(st) || !json_is_integer(rev))
		return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest",
			"Body must be {\"statuses\": {ID: STRING, ...}, \"applied_rev\": INTEGER}");
	rc = sink->report_many(&req->ctx, req->arg[0], st, json_integer_value(rev), &refused);
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "refused", refused));
}

/* The node's agent reports itself (Neutron's report_state): the body is
 * the report, the node the path's. */
static int report_agent(struct api_req *req, const void *arg)
{
	json_t *agent = NULL;
	int rc;

	(void)arg;
	rc = cp_agent_report(&req->ctx, req->arg[0], req->json, &agent);
	if (rc < 0)
		return rc;
	return api_reply(req, rc ? 201 : 200, json_pack("{s:o}", "agent", agent));
}

const struct api_route api_feed_routes[] = {
	{"PUT", "/internal/v1/nodes/*", report_agent, NULL, API_NODE, API_NEUTRON},
	{"GET", "/internal/v1/nodes/*/changes", feed_changes, NULL, API_NODE, API_NEUTRON},
	{"PUT", "/internal/v1/nodes/*/ports/status", report_statuses, &port_sink, API_NODE,
		API_NEUTRON},
	{"PUT", "/internal/v1/nodes/*/floatingips/status", report_statuses, &fip_sink, API_NODE,
		API_NEUTRON},
	{"PUT", "/internal/v1/nodes/*/ports/*/status", report_status, &port_sink, API_NODE,
		API_NEUTRON},
	{"PUT", "/internal/v1/nodes/*/floatingips/*/status", report_status, &fip_sink, API_NODE,
		API_NEUTRON},
	{NULL, NULL, NULL, NULL, 0, 0},
};
