/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Neutron floating IPs in the dataplane: a 1:1 translation (FIP_ADD router
 * fip fixed_ip) on the router whose gateway this node hosts, as Neutron's
 * centralized snat node does. The feed sends every floating IP; the agent
 * takes those associated with a router whose "gateway" names this node.
 *
 * As for ports and routers, the dataplane is the record of what is
 * installed: each pass lists its floating IPs (FIP_LIST), adds what is
 * missing or points elsewhere (FIP_ADD with exist_ok moves a floating IP
 * in place, its counters kept) and deletes only what it has on a router
 * the agent owns (named by a UUID) that the feed no longer associates. A
 * restarted agent finds them there and sends nothing; a restarted
 * dataplane lists none and gets them all again.
 *
 * The engine needs the router's gateway first (GW_SET, gateway.c): this
 * runs after the routers, and a floating IP whose gateway is not set yet
 * waits for the pass that sets it. Status follows what the engine has after
 * the pass: ACTIVE when it translates the floating IP, DOWN otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <virga/dp_client.h>

#include "common/log.h"
#include "common/parse.h"
#include "network/routers.h"

static const char *fip_str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static int parse_ip4(const char *s, uint8_t out[4])
{
	struct dp_ip_prefix p;

	if (ag_parse_prefix(s, &p) < 0 || p.family != AF_INET || p.prefixlen != 32)
		return -EINVAL;
	memcpy(out, p.addr, 4);
	return 0;
}

static const struct ag_router *find_router(const struct ag_desired *d, const char *id)
{
	for (size_t i = 0; i < d->n_routers; i++)
		if (strcmp(d->routers[i].id, id) == 0)
			return &d->routers[i];
	return NULL;
}

/* Why the engine cannot translate out here, or NULL when it can. */
static const char *not_wanted(const struct ag_desired *d, const struct ag_fip *fip)
{
	const struct ag_router *r = find_router(d, fip->router);

	if (r == NULL)
		return "the router has no interface on this node's networks";
	if (r->gw_network[0] == '\0')
		return "its gateway is not programmed here";
	for (size_t i = 0; i < r->n_rifs; i++)
		if (strcmp(r->rifs[i].network, r->gw_network) != 0 &&
		                ag_on_subnet(&r->rifs[i], fip->fixed_ip, 32))
			return NULL;
	return "the fixed address is on no interface of the router on this node";
}

int ag_fips_build(const struct ag_feed *f, struct ag_desired *d)
{
	const char *id;
	json_t *o;

	d->fips = calloc(json_object_size(f->floatingips) + 1, sizeof(*d->fips));
	if (d->fips == NULL)
		return -ENOMEM;
	json_object_foreach(f->floatingips, id, o)
	{
		const json_t *r = json_object_get(f->routers, fip_str(o, "router_id"));
		const json_t *gw = json_object_get(r, "gateway");
		struct ag_fip *out = &d->fips[d->n_fips];
		json_int_t rev = json_integer_value(json_object_get(o, "revision_number"));
		const char *why = NULL;
		char key[AG_ID_LEN + 8];

		if (!json_is_string(json_object_get(o, "port_id")) || !json_is_object(gw) ||
		                strcmp(fip_str(gw, "host"), f->node) != 0)
			continue; /* not associated, or another node (or none) hosts it */
		memset(out, 0, sizeof(*out));
		if (strlen(id) >= sizeof(out->id) || !ag_is_uuid(fip_str(o, "router_id")))
			continue;
		snprintf(out->id, sizeof(out->id), "%s", id);
		snprintf(out->router, sizeof(out->router), "%s", fip_str(o, "router_id"));
		out->active = strcmp(fip_str(o, "status"), "ACTIVE") == 0;
		if (parse_ip4(fip_str(o, "floating_ip_address"), out->fip) < 0 ||
		                parse_ip4(fip_str(o, "fixed_ip_address"), out->fixed_ip) < 0)
			why = "this dataplane translates IPv4 addresses only";
		else
			why = not_wanted(d, out);
		out->wanted = why == NULL;
		snprintf(key, sizeof(key), "fip/%s", id);
		if (why != NULL && ag_once(key, rev))
			ag_log(AG_WARN,
			                "floating IP %s (%s -> %s on router %s): not programmed "
			                "(%s)",
			                id, fip_str(o, "floating_ip_address"),
			                fip_str(o, "fixed_ip_address"), out->router, why);
		d->n_fips++;
	}
	return 0;
}

static const struct ag_fip *wanted_at(
                const struct ag_desired *d, const char *router, const uint8_t fip[4])
{
	for (size_t i = 0; i < d->n_fips; i++)
		if (d->fips[i].wanted && strcmp(d->fips[i].router, router) == 0 &&
		                memcmp(d->fips[i].fip, fip, 4) == 0)
			return &d->fips[i];
	return NULL;
}

/* Whether another wanted floating IP of router is to translate fixed_ip. */
static bool fixed_taken(const struct ag_desired *d, const struct ag_fip *self, const char *router,
                const uint8_t fixed_ip[4])
{
	for (size_t i = 0; i < d->n_fips; i++)
		if (&d->fips[i] != self && d->fips[i].wanted &&
		                strcmp(d->fips[i].router, router) == 0 &&
		                memcmp(d->fips[i].fixed_ip, fixed_ip, 4) == 0)
			return true;
	return false;
}

static void fip_req(struct dp_fip_req *req, const char *router, const uint8_t fip[4],
                const uint8_t fixed_ip[4])
{
	memset(req, 0, sizeof(*req));
	snprintf(req->router, sizeof(req->router), "%s", router);
	memcpy(req->fip, fip, 4);
	if (fixed_ip != NULL)
		memcpy(req->fixed_ip, fixed_ip, 4);
}

static void log_fip(const char *did, const struct dp_fip_req *req)
{
	char fip[INET_ADDRSTRLEN], fixed[INET_ADDRSTRLEN];

	ag_log(AG_INFO, "router %s: %s floating IP %s -> %s", req->router, did,
	                inet_ntop(AF_INET, req->fip, fip, sizeof(fip)),
	                inet_ntop(AF_INET, req->fixed_ip, fixed, sizeof(fixed)));
}

/*
 * Deletes what the engine has on the agent's routers that d does not want
 * there, and marks in have[] the wanted ones it has as wanted. An entry
 * whose fixed address another floating IP now wants goes too, so that two
 * floating IPs that swapped addresses are not refused as ambiguous (the
 * engine keeps one floating IP per fixed address).
 */
static void prune(struct ag_dp *dp, const struct ag_desired *d, const struct dp_fip_info *e,
                size_t n, bool *have, struct ag_reconcile_stats *st)
{
	for (size_t i = 0; i < n; i++) {
		const struct ag_fip *w = wanted_at(d, e[i].router, e[i].fip);
		struct dp_fip_req req;

		if (!ag_is_uuid(e[i].router))
			continue; /* made by hand: not ours */
		if (w != NULL && memcmp(w->fixed_ip, e[i].fixed_ip, 4) == 0) {
			have[w - d->fips] = true;
			continue;
		}
		if (w != NULL && !fixed_taken(d, w, e[i].router, e[i].fixed_ip))
			continue; /* moved: FIP_ADD moves it in place */
		fip_req(&req, e[i].router, e[i].fip, e[i].fixed_ip);
		req.missing_ok = 1;
		if (ag_dp_call(dp, DP_MSG_FIP_DEL, e[i].router, &req, sizeof(req), NULL, 0) < 0) {
			st->failed++;
			continue;
		}
		log_fip("removed", &req);
		st->removed++;
	}
}

/* FIP_ADD for each wanted floating IP the engine lacks or has elsewhere. */
static void ensure(struct ag_dp *dp, const struct ag_desired *d, const struct dp_fip_info *e,
                size_t n, bool *have, struct ag_reconcile_stats *st)
{
	for (size_t i = 0; i < d->n_fips; i++) {
		const struct ag_fip *w = &d->fips[i];
		struct dp_fip_req req;
		bool moved = false;

		if (!w->wanted)
			continue;
		if (have[i]) {
			st->kept++;
			continue;
		}
		if (!ag_gateway_is_set(dp, w->router))
			continue; /* the router's gateway is not in yet: a later pass */
		for (size_t j = 0; j < n; j++)
			moved = moved || (strcmp(e[j].router, w->router) == 0 &&
			                                 memcmp(e[j].fip, w->fip, 4) == 0);
		fip_req(&req, w->router, w->fip, w->fixed_ip);
		req.exist_ok = 1;
		if (ag_dp_call(dp, DP_MSG_FIP_ADD, w->router, &req, sizeof(req), NULL, 0) < 0) {
			st->failed++;
			continue;
		}
		log_fip(moved ? "moved" : "added", &req);
		if (moved)
			st->updated++;
		else
			st->added++;
		have[i] = true;
	}
}

/* Tells the controller when what the engine does differs from what it shows. */
static void report(struct ag_feed *f, const struct ag_desired *d, const bool *have)
{
	json_t *statuses = json_object();

	for (size_t i = 0; i < d->n_fips; i++)
		ag_feed_note_status(statuses, d->fips[i].id, have[i], d->fips[i].active);
	ag_feed_report_statuses(f, "floatingips", statuses);
	json_decref(statuses);
}

void ag_fips_reconcile(struct ag_dp *dp, struct ag_feed *f, const struct ag_desired *d,
                struct ag_reconcile_stats *st)
{
	struct dp_fip_info *e = NULL;
	bool *have = calloc(d->n_fips + 1, sizeof(*have));
	size_t n = 0;
	int rc;

	if (have == NULL) {
		st->failed++;
		return;
	}
	rc = ag_dp_list(dp, DP_MSG_FIP_LIST, sizeof(*e), (void **)&e, &n);
	if (rc == -EOPNOTSUPP) {
		if (ag_once("fip/eopnotsupp", 0))
			ag_log(AG_WARN, "the dataplane has no floating IPs: none programmed");
	} else if (rc < 0) {
		/* Without the engine's view nothing is known: no report either. */
		ag_log(AG_ERR, "cannot list the dataplane's floating IPs: %s", strerror(-rc));
		st->failed++;
		free(have);
		return;
	} else {
		for (size_t i = 0; i < n; i++)
			e[i].router[sizeof(e[i].router) - 1] = '\0';
		prune(dp, d, e, n, have, st);
		ensure(dp, d, e, n, have, st);
	}
	report(f, d, have);
	free(e);
	free(have);
}
