/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Following the controller's change feed for this node
 * (GET /internal/v1/nodes/{node}/changes?since=REV&timeout=S) into a cache
 * of the objects the node needs, and reporting the status of ports and
 * floating IPs back (PUT /internal/v1/nodes/{node}/{ports,floatingips}/status).
 *
 * The cache is the whole truth the agent programs from: the feed sends each
 * object whole when it changes, deletions as tombstones, and ports that
 * stopped being bound here in "unbound", so merging is replacing by id.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/feed.h"
#include "common/http.h"
#include "common/log.h"

/* How long a request may take beyond the long poll it asks for. */
#define FEED_SLACK_MS 10000
/* How long the full state may take: a network node's thousands of routers
 * and their networks took longer than FEED_SLACK_MS to compute and send
 * (8,000 routers on a busy 2-core machine), and a restarted agent that
 * gives up and asks again never gets it while the controller still
 * computes the ones it abandoned. */
#define FEED_FULL_MS 300000

void ag_feed_init(struct ag_feed *f, const char *controller, const char *token, const char *node)
{
	memset(f, 0, sizeof(*f));
	f->controller = controller;
	f->token = token;
	f->node = node;
	f->ports = json_object();
	f->networks = json_object();
	f->subnets = json_object();
	f->security_groups = json_object();
	f->routers = json_object();
	f->floatingips = json_object();
	f->l2pop = json_object();
	f->servers = json_object();
}

void ag_feed_free(struct ag_feed *f)
{
	json_decref(f->ports);
	json_decref(f->networks);
	json_decref(f->subnets);
	json_decref(f->security_groups);
	json_decref(f->routers);
	json_decref(f->floatingips);
	json_decref(f->l2pop);
	json_decref(f->servers);
}

/* The cache map of a feed key or tombstone kind; NULL for kinds we do not keep. */
static json_t *map_of(struct ag_feed *f, const char *kind)
{
	static const struct {
		const char *kind, *key;
		size_t off;
	} maps[] = {
	                {"port", "ports", offsetof(struct ag_feed, ports)},
	                {"network", "networks", offsetof(struct ag_feed, networks)},
	                {"subnet", "subnets", offsetof(struct ag_feed, subnets)},
	                {"security_group", "security_groups",
	                                offsetof(struct ag_feed, security_groups)},
	                {"router", "routers", offsetof(struct ag_feed, routers)},
	                {"floatingip", "floatingips", offsetof(struct ag_feed, floatingips)},
	                {"server", "servers", offsetof(struct ag_feed, servers)},
	};

	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if (strcmp(kind, maps[i].kind) == 0 || strcmp(kind, maps[i].key) == 0)
			return *(json_t **)((char *)f + maps[i].off);
	return NULL;
}

/* The networks of the node's ports, as a set. A new reference. */
static json_t *port_networks(const struct ag_feed *f)
{
	json_t *out = json_object(), *p;
	const char *id, *n;

	json_object_foreach(f->ports, id, p)
		if ((n = json_string_value(json_object_get(p, "network_id"))))
			json_object_set_new(out, n, json_true());
	return out;
}

static bool has_interface_on(const json_t *r, const json_t *nets, const char *net_id)
{
	const json_t *in;
	size_t i;

	json_array_foreach(json_object_get(r, "interfaces"), i, in)
	{
		const char *n = json_string_value(json_object_get(in, "network_id"));

		if (n && (net_id ? strcmp(n, net_id) == 0 : json_object_get(nets, n) != NULL))
			return true;
	}
	return false;
}

/*
 * The l2pop entries are cached like the objects (network/l2pop.c programs
 * them): whether the node still routes into net_id, with a port of its own
 * there or through a router with an interface there that the node
 * instantiates whole (network/desired.c: one it hosts, or one with an
 * interface on a network of its ports).
 */
static bool routes_into(const struct ag_feed *f, const json_t *local, const char *net_id)
{
	const char *id;
	json_t *r;

	if (json_object_get(local, net_id))
		return true;
	json_object_foreach(f->routers, id, r)
	{
		const char *host = json_string_value(json_object_get(r, "host"));

		if (has_interface_on(r, NULL, net_id) &&
		                ((host && strcmp(host, f->node) == 0) ||
		                                has_interface_on(r, local, NULL)))
			return true;
	}
	return false;
}

bool ag_feed_merge_l2pop(struct ag_feed *f, const json_t *doc)
{
	json_t *entry, *tmp, *local;
	const char *id;
	bool changed = false;

	json_object_foreach(json_object_get(doc, "l2pop"), id, entry)
	{
		if (!json_equal(json_object_get(f->l2pop, id), entry))
			changed = true;
		json_object_set(f->l2pop, id, entry);
	}
	/* The feed sends no entry for a network the node left: its ports are
	 * gone from the cache (or its router's interface), so is the entry
	 * (and one comes whole with the next port or interface there). */
	local = port_networks(f);
	json_object_foreach_safe(f->l2pop, tmp, id, entry)
	{
		if (!routes_into(f, local, id)) {
			json_object_del(f->l2pop, id);
			changed = true;
		}
	}
	json_decref(local);
	return changed;
}

/* Applies one feed document; returns whether it changed anything. */
static bool merge(struct ag_feed *f, json_t *doc)
{
	static const char *const keys[] = {"ports", "networks", "subnets", "security_groups",
	                "routers", "floatingips", "servers"};
	bool changed = false;
	json_t *arr, *o;
	size_t i;

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_t *map = map_of(f, keys[k]);

		arr = json_object_get(doc, keys[k]);
		json_array_foreach(arr, i, o)
		{
			const char *id = json_string_value(json_object_get(o, "id"));

			if (id == NULL)
				continue;
			if (!json_equal(json_object_get(map, id), o))
				changed = true;
			json_object_set(map, id, o);
		}
	}
	json_array_foreach(json_object_get(doc, "unbound"), i, o)
	{
		const char *id = json_string_value(o);

		if (id != NULL && json_object_del(f->ports, id) == 0) {
			ag_log(AG_INFO, "port %s is no longer bound to %s", id, f->node);
			changed = true;
		}
	}
	json_array_foreach(json_object_get(doc, "deleted"), i, o)
	{
		const char *kind = json_string_value(json_object_get(o, "kind"));
		const char *id = json_string_value(json_object_get(o, "id"));
		json_t *map = kind ? map_of(f, kind) : NULL;

		if (map != NULL && id != NULL && json_object_del(map, id) == 0)
			changed = true;
	}
	if (ag_feed_merge_l2pop(f, doc))
		changed = true;
	return changed;
}

int ag_feed_poll(struct ag_feed *f, int timeout_s)
{
	struct ag_http_resp resp;
	json_error_t jerr;
	char path[512];
	json_t *doc;
	int64_t rev;
	bool changed;
	int rc;

	/* The first fetch is the full state, and must not wait for a change. */
	if (f->rev == 0)
		timeout_s = 0;
	snprintf(path, sizeof(path), "/internal/v1/nodes/%s/changes?since=%" PRId64 "&timeout=%d",
	                f->node, f->rev, timeout_s);
	rc = ag_http_request(f->controller, "GET", path, f->token, NULL,
	                f->rev == 0 ? FEED_FULL_MS : timeout_s * 1000 + FEED_SLACK_MS, &resp);
	if (rc < 0)
		return rc;
	if (resp.status != 200) {
		ag_log(AG_ERR, "change feed: HTTP %d: %.200s", resp.status, resp.body);
		free(resp.body);
		return resp.status == 401 || resp.status == 403 ? -EACCES : -EPROTO;
	}
	doc = json_loadb(resp.body, resp.len, 0, &jerr);
	free(resp.body);
	if (doc == NULL || !json_is_integer(json_object_get(doc, "revision"))) {
		ag_log(AG_ERR, "change feed: malformed answer (%s)",
		                doc ? "no revision" : jerr.text);
		json_decref(doc);
		return -EPROTO;
	}
	rev = json_integer_value(json_object_get(doc, "revision"));
	if (rev < f->rev) {
		/* The controller's database went back in time (restored or
		 * recreated): what we cached may not exist any more. */
		ag_log(AG_WARN,
		                "controller revision went back from %" PRId64 " to %" PRId64
		                ", fetching the full state again",
		                f->rev, rev);
		json_decref(doc);
		ag_feed_free(f);
		ag_feed_init(f, f->controller, f->token, f->node);
		return ag_feed_poll(f, 0);
	}
	changed = merge(f, doc);
	json_decref(doc);
	if (f->rev == 0)
		changed = true;
	f->rev = rev > 0 ? rev : 1;
	return changed ? 1 : 0;
}

void ag_feed_note_status(json_t *statuses, const char *id, bool forwarding, bool shown_active)
{
	if (forwarding && !shown_active)
		json_object_set_new(statuses, id, json_string("ACTIVE"));
	else if (!forwarding && shown_active)
		json_object_set_new(statuses, id, json_string("DOWN"));
}

int ag_feed_report_statuses(struct ag_feed *f, const char *kind, const json_t *statuses)
{
	struct ag_http_resp resp;
	const json_t *refused;
	json_t *body, *reply, *st;
	const char *id;
	char path[512], *text;
	int rc;

	if (json_object_size(statuses) == 0)
		return 0;
	snprintf(path, sizeof(path), "/internal/v1/nodes/%s/%s/status", f->node, kind);
	body = json_pack("{s:O, s:I}", "statuses", statuses, "applied_rev", (json_int_t)f->rev);
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	rc = text ? ag_http_request(f->controller, "PUT", path, f->token, text, FEED_SLACK_MS, &resp)
	          : -ENOMEM;
	free(text);
	if (rc < 0) {
		ag_log(AG_WARN, "%zu %s statuses not reported (%s), will retry",
		                json_object_size(statuses), kind, strerror(-rc));
		return rc;
	}
	if (resp.status != 200) {
		ag_log(AG_ERR, "%s: reporting %zu statuses: HTTP %d: %.200s (will retry)", kind,
		                json_object_size(statuses), resp.status, resp.body);
		free(resp.body);
		return -EPROTO;
	}
	reply = json_loads(resp.body, 0, NULL);
	free(resp.body);
	refused = json_object_get(reply, "refused");
	json_object_foreach((json_t *)statuses, id, st) {
		json_t *obj = json_object_get(map_of(f, kind), id);

		if (json_object_get(refused, id) != NULL) {
			/* Stale or moved: the feed brings the newer object next. */
			ag_log(AG_DEBUG, "%s %s: status %s not taken (%.200s)", kind, id,
			                json_string_value(st),
			                json_string_value(json_object_get(refused, id)));
			continue;
		}
		if (obj != NULL)
			json_object_set_new(obj, "status", json_copy(st));
		ag_log(AG_INFO, "%s %s is %s", strcmp(kind, "ports") == 0 ? "port" : "floating IP",
		                id, json_string_value(st));
	}
	json_decref(reply);
	return 0;
}
