/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET /internal/v1/nodes/{node}/changes?since=REV[&timeout=SECONDS]: the
 * agents' long poll. Held (on this connection's own thread) until the
 * revision moves past since or the timeout passes.
 */
#include "api.h"
#include "../controlplane/db/feed.h"

#include <errno.h>
#include <stdlib.h>

static int feed_changes(struct api_req *req, const void *arg)
{
	const char *since_s = api_query(req, "since"), *timeout_s = api_query(req, "timeout");
	int timeout_ms = req->srv->feed_timeout_ms;
	long long since = 0;
	json_t *out = NULL;
	char *end;
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
	if (cp_db_revision(req->srv->db) <= since && timeout_ms > 0)
		cp_db_wait_revision(req->srv->db, since, timeout_ms);
	rc = cp_feed_changes(&req->ctx, req->arg[0], since, &out);
	return rc ? rc : api_reply(req, 200, out);
}

const struct api_route api_feed_routes[] = {
	{"GET", "/internal/v1/nodes/*/changes", feed_changes, NULL, 0, API_NEUTRON},
	{NULL, NULL, NULL, NULL, 0, 0},
};
