/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a node's agent reports its dataplane does with an object: a port
 * bound there, or a floating IP of a router whose gateway it hosts. The
 * API then shows ACTIVE only once the dataplane forwards for it (Neutron's
 * agents report the same way), DOWN or ERROR otherwise.
 *
 * A report names the feed revision the agent programmed from
 * (applied_rev): one older than the object's last change describes
 * something the dataplane no longer has to match, and is refused (-EBUSY),
 * as is one from a node that does not host the object. The feed brings
 * the newer state, and the agent reports again.
 */
#include "network.h"

#include <errno.h>
#include <string.h>

/* 0 when node hosts obj, else -EBUSY with ctx->err. */
typedef int hosted_fn(struct cp_ctx *ctx, const json_t *obj, const char *node);

static int check_caller(struct cp_ctx *ctx)
{
	if (!ctx->caller->is_service && !ctx->caller->is_admin)
		return cp_fail(&ctx->err, -EPERM, "PolicyNotAuthorized",
			"Status reports need the service token or admin.");
	return 0;
}

static int check_status(struct cp_ctx *ctx, const char *status)
{
	if (strcmp(status, "ACTIVE") != 0 && strcmp(status, "DOWN") != 0 &&
		strcmp(status, "ERROR") != 0)
		return cp_fail(&ctx->err, -EINVAL, "InvalidInput",
			"status must be ACTIVE, DOWN or ERROR, not '%s'", status);
	return 0;
}

/* Inside a write transaction: one report taken (0, stored when it changes the
 * status) or refused with ctx->err, nothing written. */
static int take(struct cp_ctx *ctx, const struct cp_kind *k, const char *node, const char *id,
	const char *status, int64_t applied_rev, hosted_fn *hosted)
{
	json_t *obj = cp_obj_get(ctx->db, k->name, id);
	int64_t rev;
	int rc;

	if (!obj)
		return cp_fail(&ctx->err, -ENOENT, k->not_found, "%s %s could not be found.",
			k->name, id);
	rev = json_integer_value(json_object_get(obj, "revision_number"));
	rc = hosted(ctx, obj, node);
	if (rc == 0 && rev > applied_rev)
		rc = cp_fail(&ctx->err, -EBUSY, "StaleStatusReport",
			"%s %s changed at revision %lld, after the reported revision %lld.", k->name,
			id, (long long)rev, (long long)applied_rev);
	if (rc == 0 && strcmp(cp_json_str(obj, "status") ?: "", status) != 0) {
		json_object_set_new(obj, "status", json_string(status));
		rc = cp_res_store(ctx, k, obj);
	}
	json_decref(obj);
	return rc;
}

static int commit_or_rollback(struct cp_ctx *ctx, int rc)
{
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return cp_db_commit(ctx->db) ? cp_fail(&ctx->err, -EIO, "InternalError", "commit failed")
				     : 0;
}

static int report(struct cp_ctx *ctx, const struct cp_kind *k, const char *node, const char *id,
	const char *status, int64_t applied_rev, hosted_fn *hosted)
{
	int rc = check_caller(ctx);

	if (rc == 0)
		rc = check_status(ctx, status);
	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, true))
		return cp_fail(&ctx->err, -EIO, "InternalError", "database unavailable");
	return commit_or_rollback(ctx, take(ctx, k, node, id, status, applied_rev, hosted));
}

/*
 * A pass's reports in one transaction (one commit, not one per object: a
 * node restarting with hundreds of ports waited on a commit each). A report
 * refused on its own (unknown, stale, elsewhere, a bad status) goes into
 * *refused as {id: message} and the others are taken; a store that fails
 * takes none.
 */
static int report_many(struct cp_ctx *ctx, const struct cp_kind *k, const char *node,
	const json_t *statuses, int64_t applied_rev, hosted_fn *hosted, json_t **refused)
{
	const char *id;
	json_t *st;
	int rc = 0;

	*refused = NULL;
	if ((rc = check_caller(ctx)))
		return rc;
	if (cp_db_begin(ctx->db, true))
		return cp_fail(&ctx->err, -EIO, "InternalError", "database unavailable");
	*refused = json_object();
	json_object_foreach((json_t *)statuses, id, st) {
		rc = json_is_string(st) ? check_status(ctx, json_string_value(st))
					: cp_fail(&ctx->err, -EINVAL, "InvalidInput",
						  "the status of %s must be a string", id);
		if (rc == 0)
			rc = take(ctx, k, node, id, json_string_value(st), applied_rev, hosted);
		if (rc == -EIO)
			break;
		if (rc)
			json_object_set_new(*refused, id, json_string(ctx->err.msg));
		rc = 0;
	}
	rc = commit_or_rollback(ctx, rc);
	if (rc) {
		json_decref(*refused);
		*refused = NULL;
	}
	return rc;
}

bool cp_port_hosted_on(struct cp_ctx *ctx, const json_t *port, const char *node)
{
	(void)ctx;
	return strcmp(cp_json_str(port, "binding:host_id") ?: "", node) == 0;
}

static int port_hosted(struct cp_ctx *ctx, const json_t *port, const char *node)
{
	if (cp_port_hosted_on(ctx, port, node))
		return 0;
	return cp_fail(&ctx->err, -EBUSY, "PortBoundElsewhere", "Port %s is not bound to node %s.",
		cp_json_str(port, "id"), node);
}

/* A floating IP lives where its router's gateway does (the gateway port's
 * binding, --gateway-node); one not associated lives nowhere. */
bool cp_fip_hosted_on(struct cp_ctx *ctx, const json_t *fip, const char *node)
{
	const char *rid = cp_json_str(fip, "router_id");
	json_t *gws = rid ? cp_ports_of(ctx, rid, "network:router_gateway") : NULL;
	bool on = strcmp(cp_json_str(json_array_get(gws, 0), "binding:host_id") ?: "", node) == 0;

	json_decref(gws);
	return rid && on;
}

static int fip_hosted(struct cp_ctx *ctx, const json_t *fip, const char *node)
{
	if (cp_fip_hosted_on(ctx, fip, node))
		return 0;
	return cp_fail(&ctx->err, -EBUSY, "FloatingIPHostedElsewhere",
		"Floating IP %s is not on a router whose gateway node %s hosts.",
		cp_json_str(fip, "id"), node);
}

int cp_port_report_status(struct cp_ctx *ctx, const char *node, const char *port_id,
	const char *status, int64_t applied_rev)
{
	return report(ctx, &cp_kind_port, node, port_id, status, applied_rev, port_hosted);
}

int cp_fip_report_status(struct cp_ctx *ctx, const char *node, const char *fip_id,
	const char *status, int64_t applied_rev)
{
	return report(ctx, &cp_kind_floatingip, node, fip_id, status, applied_rev, fip_hosted);
}

int cp_port_report_statuses(struct cp_ctx *ctx, const char *node, const json_t *statuses,
	int64_t applied_rev, json_t **refused)
{
	return report_many(ctx, &cp_kind_port, node, statuses, applied_rev, port_hosted, refused);
}

int cp_fip_report_statuses(struct cp_ctx *ctx, const char *node, const json_t *statuses,
	int64_t applied_rev, json_t **refused)
{
	return report_many(ctx, &cp_kind_floatingip, node, statuses, applied_rev, fip_hosted,
		refused);
}
