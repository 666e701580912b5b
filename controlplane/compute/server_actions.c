/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What is asked of a server's node (os-stop, os-start, reboot, pause,
 * unpause: a new desired state in the row, sent by the feed) and what the
 * node reports back (its power state, the reboot it has done, a fault, the
 * console text). See server.h.
 */
#include "server_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int conflict(struct cp_ctx *ctx, const char *action, const char *id, const char *state)
{
	return cp_fail(&ctx->err, -EBUSY, "conflictingRequest",
		"Cannot '%s' instance %s while it is in vm_state %s", action, id, state);
}

int cp_server_action(struct cp_ctx *ctx, const char *id, const char *action, const json_t *body)
{
	json_t *s = cp_server_load(ctx, id), *view;
	const char *vm, *task;
	int rc = 0;

	if (s == NULL)
		return cp_server_not_found(ctx, id);
	if (cp_db_begin(ctx->db, false)) {
		json_decref(s);
		return cp_server_db_down(ctx);
	}
	view = cp_server_view(ctx, s);
	cp_db_commit(ctx->db);
	vm = cp_json_str(view, "OS-EXT-STS:vm_state");
	task = cp_json_str(view, "OS-EXT-STS:task_state");
	/* Nova refuses an action while another task runs (a reboot may follow a
	 * reboot), and in the wrong state. */
	if (task != NULL && !(strcmp(action, "reboot") == 0 && strcmp(task, "rebooting_hard") == 0))
		rc = cp_fail(&ctx->err, -EBUSY, "conflictingRequest",
			"Cannot '%s' instance %s while it is in task_state %s", action, id, task);
	else if (strcmp(action, "os-stop") == 0)
		rc = strcmp(vm, "active") && strcmp(vm, "error") && strcmp(vm, "paused") ?
			conflict(ctx, "stop", id, vm) : 0;
	else if (strcmp(action, "os-start") == 0)
		rc = strcmp(vm, "stopped") ? conflict(ctx, "start", id, vm) : 0;
	else if (strcmp(action, "pause") == 0)
		rc = strcmp(vm, "active") ? conflict(ctx, "pause", id, vm) : 0;
	else if (strcmp(action, "unpause") == 0)
		rc = strcmp(vm, "paused") ? conflict(ctx, "unpause", id, vm) : 0;
	else if (strcmp(action, "reboot") == 0) {
		const char *type = cp_json_str(body, "type");

		if (!type || (strcmp(type, "SOFT") && strcmp(type, "HARD")))
			rc = cp_server_bad(ctx, "Invalid input for field/attribute type: SOFT or HARD.");
		else if (strcmp(vm, "active") && strcmp(vm, "error"))
			rc = conflict(ctx, "reboot", id, vm);
		else
			json_object_set_new(s, "virga:reboot_hard", json_boolean(!strcmp(type, "HARD")));
	} else
		rc = cp_server_bad(ctx, "There is no such action.");
	if (rc == 0) {
		if (strcmp(action, "os-stop") == 0)
			json_object_set_new(s, "virga:power", json_string("shutoff"));
		else if (strcmp(action, "pause") == 0)
			json_object_set_new(s, "virga:power", json_string("paused"));
		else if (strcmp(action, "reboot") == 0)
			json_object_set_new(s, "virga:reboot", json_integer(1 +
				json_integer_value(json_object_get(s, "virga:reboot"))));
		else
			json_object_set_new(s, "virga:power", json_string("running"));
		rc = cp_server_store(ctx, s);
	}
	json_decref(view);
	json_decref(s);
	return rc;
}

int cp_server_console(struct cp_ctx *ctx, const char *id, long length, json_t **out)
{
	json_t *s = cp_server_load(ctx, id), *c;
	const char *text, *from;

	if (s == NULL)
		return cp_server_not_found(ctx, id);
	json_decref(s);
	if (cp_db_begin(ctx->db, false))
		return cp_server_db_down(ctx);
	c = cp_obj_get(ctx->db, CP_SERVER_CONSOLE_KIND, id);
	cp_db_commit(ctx->db);
	text = c ? cp_json_str(c, "output") ?: "" : "";
	from = text + strlen(text);
	/* The last length lines (a trailing newline ends the last, not a new one). */
	if (length > 0) {
		long lines = 0;

		if (from > text && from[-1] == '\n')
			from--;
		while (from > text && !(from[-1] == '\n' && ++lines == length))
			from--;
	} else {
		from = text;
	}
	*out = json_string(from);
	json_decref(c);
	return 0;
}

int cp_server_node_check(struct cp_ctx *ctx, const char *node, const char *id, const json_t *s)
{
	if (!ctx->caller->is_service && !ctx->caller->is_admin)
		return cp_fail(&ctx->err, -EPERM, "PolicyNotAuthorized",
			"Node reports need the service token.");
	if (s == NULL)
		return cp_server_not_found(ctx, id);
	if (strcmp(cp_json_str(s, "OS-EXT-SRV-ATTR:host") ?: "", node) != 0)
		return cp_fail(&ctx->err, -EPERM, "forbidden", "Server %s is not on node %s.", id,
			node);
	return 0;
}

/* The server if it is on node, for the node's reports. */
static int load_on_node(struct cp_ctx *ctx, const char *node, const char *id, json_t **s)
{
	int rc;

	*s = ctx->caller->is_service || ctx->caller->is_admin ? cp_server_load(ctx, id) : NULL;
	rc = cp_server_node_check(ctx, node, id, *s);
	if (rc) {
		json_decref(*s);
		*s = NULL;
	}
	return rc;
}

int cp_server_report(struct cp_ctx *ctx, const char *node, const char *id, const json_t *report)
{
	const char *st = cp_json_str(report, "power_state");
	json_t *s = NULL, *rep;
	int rc;

	if (!st || (strcmp(st, "running") && strcmp(st, "shutoff") && strcmp(st, "paused") &&
			strcmp(st, "error")) || !json_is_integer(json_object_get(report, "reboot")))
		return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
			"Body must be {\"power_state\": running|shutoff|paused|error, \"fault\", \"reboot\": N}");
	rc = load_on_node(ctx, node, id, &s);
	if (rc)
		return rc;
	rep = json_pack("{s:s, s:O}", "power_state", st, "reboot",
		json_object_get(report, "reboot"));
	if (cp_json_str(report, "fault"))
		json_object_set_new(rep, "fault", json_string(cp_json_str(report, "fault")));
	json_object_set_new(s, "virga:report", rep);
	rc = cp_server_store(ctx, s);
	json_decref(s);
	return rc;
}

int cp_server_report_console(struct cp_ctx *ctx, const char *node, const char *id,
	const char *output)
{
	json_t *s = NULL, *c;
	int rc = load_on_node(ctx, node, id, &s);

	if (rc)
		return rc;
	json_decref(s);
	c = json_pack("{s:s, s:s}", "id", id, "output", output);
	rc = cp_obj_put_tx(ctx->db, CP_SERVER_CONSOLE_KIND, c, NULL, NULL, false) ? cp_server_db_down(ctx) : 0;
	json_decref(c);
	return rc;
}
