/* SPDX-License-Identifier: Apache-2.0 */
/* Ports' security-group filters and the connection table, on the control thread
 * (contract in sg/dp_sg_conf.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_cycles.h>

#include "engine/dp_conf.h"
#include "core/dp_log.h"
#include "engine/dp_tables.h"
#include "engine/dp_worker.h"
#include "ct/dp_ct.h"
#include "dp_sg_conf.h"
#include "dp_sg_filter.h"
#include "dp_sg_share.h"

struct dp_sg_port_conf dp_sg_confs[DP_MAX_PORTS];

/* The last generation handed out; never DP_CT_GEN_NONE. */
static uint32_t last_gen;

/* dp_sg_conf_expire: at most ten steps a second, each 1/50 of the table. */
#define EXPIRE_STEPS_PER_SEC 10
#define EXPIRE_FRACTION 50
static uint64_t next_expire_tsc;
/* Some port's sweep flag is set. */
static bool sweep_pending;

static uint32_t new_gen(void)
{
	if (++last_gen == DP_CT_GEN_NONE)
		++last_gen;
	return last_gen;
}

int dp_sg_conf_init(uint32_t ct_max, uint32_t ct_port_limit)
{
	struct dp_ct_conf c = {
		.max_entries = ct_max,
		.port_limit = ct_port_limit,
		.rcu = dp_tables.rcu,
		.socket_id = SOCKET_ID_ANY,
	};

	dp_tables.ct = dp_ct_init(&c);
	if (dp_tables.ct == NULL)
		return -errno;
	return 0;
}

/* After the grace period: the port's reference to a set maybe shared. */
static void destroy_set(void *s)
{
	dp_sg_share_put(s);
}

static void clear_pending(struct dp_sg_port_conf *c)
{
	free(c->pending);
	c->pending = NULL;
	c->pending_n = 0;
	c->pending_total = 0;
}

/* Forgets everything of a port's filter; the set is the caller's to free or retire. */
static struct dp_sg_set *clear(struct dp_sg_port_conf *c)
{
	struct dp_sg_set *set = c->set;

	clear_pending(c);
	free(c->specs);
	memset(c, 0, sizeof(*c));
	return set;
}

void dp_sg_conf_fini(void)
{
	for (unsigned int p = 0; p < DP_MAX_PORTS; p++)
		dp_sg_share_put(clear(&dp_sg_confs[p]));
	dp_ct_fini(dp_tables.ct);
	dp_tables.ct = NULL;
}

void dp_sg_conf_fill(struct dp_port *p, uint16_t port_id)
{
	const struct dp_sg_port_conf *c = &dp_sg_confs[port_id];

	if (!c->enabled)
		return;
	p->sg = c->set;
	p->sg_stateful = c->stateful;
	p->sg_gen = c->gen;
}

/* The protocol's rule into the matcher's; -EINVAL for one it cannot mean. */
static int rule_from_spec(const struct dp_sg_rule_spec *s, struct dp_sg_rule *r)
{
	memset(r, 0, sizeof(*r));
	if (s->direction > DP_SG_DIR_EGRESS || (s->family != AF_INET && s->family != AF_INET6) ||
			s->id == UINT32_MAX || strnlen(s->label, sizeof(s->label)) == sizeof(s->label))
		return -EINVAL;
	r->id = s->id;
	r->dir = s->direction == DP_SG_DIR_INGRESS ? DP_SG_INGRESS : DP_SG_EGRESS;
	r->family = s->family == AF_INET ? DP_SG_IPV4 : DP_SG_IPV6;
	r->proto = s->proto;
	r->prefixlen = s->prefixlen;
	memcpy(r->remote, s->remote, sizeof(r->remote));
	r->has_ports = s->has_ports;
	r->port_min = s->port_min;
	r->port_max = s->port_max;
	r->has_icmp_type = s->has_icmp_type;
	r->has_icmp_code = s->has_icmp_code;
	r->icmp_type = s->icmp_type;
	r->icmp_code = s->icmp_code;
	return dp_sg_rule_check(r);
}

/* The port's rules in force are rules[0..n) (labels and reserved bytes aside). */
static bool same_rules(const struct dp_sg_port_conf *c, const struct dp_sg_rule *rules, uint32_t n)
{
	if (c->n_rules != n)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		struct dp_sg_rule r;

		rule_from_spec(&c->specs[i], &r);
		if (memcmp(&r, &rules[i], sizeof(r)) != 0)
			return false;
	}
	return true;
}

/* Compiles the finished pending set and puts it in force. */
static int apply(uint16_t port_id, struct dp_sg_port_conf *c)
{
	struct dp_sg_rule *rules = NULL;
	struct dp_sg_rule_spec *specs = c->pending;
	uint32_t n = c->pending_total;
	bool stateful = c->pending_stateful;
	struct dp_sg_set *set, *old_set;
	struct dp_sg_rule_spec *old_specs;
	uint32_t old_gen, old_n;
	bool old_stateful, old_enabled;
	int rc = 0;

	c->pending = NULL;
	c->pending_n = c->pending_total = 0;
	if (n > 0 && (rules = calloc(n, sizeof(*rules))) == NULL) {
		free(specs);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		rc = rule_from_spec(&specs[i], &rules[i]);
		/* Ids name rules in records and the trace: one rule each. */
		for (uint32_t j = 0; j < i && rc == 0; j++)
			if (specs[j].id == specs[i].id)
				rc = -EINVAL;
	}
	if (rc == 0 && c->enabled && c->stateful == stateful && same_rules(c, rules, n)) {
		/* Nothing the packet path sees changes: keep the set and its generation,
		 * take the labels. */
		free(rules);
		free(c->specs);
		c->specs = specs;
		return 0;
	}
	set = rc == 0 ? dp_sg_share_get(rules, n) : NULL;
	if (rc == 0 && set == NULL)
		rc = -errno;
	free(rules);
	if (rc < 0) {
		free(specs);
		return rc;
	}

	old_set = c->set;
	old_specs = c->specs;
	old_gen = c->gen;
	old_n = c->n_rules;
	old_stateful = c->stateful;
	old_enabled = c->enabled;
	c->enabled = true;
	c->stateful = stateful;
	c->n_rules = n;
	c->specs = specs;
	c->set = set;
	c->gen = new_gen();
	rc = dp_conf_publish_port(port_id);
	if (rc < 0) {
		/* The new set was never published: free it now. */
		c->enabled = old_enabled;
		c->stateful = old_stateful;
		c->n_rules = old_n;
		c->specs = old_specs;
		c->set = old_set;
		c->gen = old_gen;
		dp_sg_share_put(set);
		free(specs);
		return rc;
	}
	free(old_specs);
	dp_tables_retire_with(old_set, destroy_set);
	/* Connections the old rules allowed: checked again by dp_sg_conf_expire. */
	if (stateful) {
		c->sweep = true;
		sweep_pending = true;
	}
	DP_LOG(INFO, "port %s: %s filter of %u rules (generation %u)", dp_port_confs[port_id].name,
			stateful ? "stateful" : "stateless", n, c->gen);
	return 0;
}

static int disable(uint16_t port_id, struct dp_sg_port_conf *c)
{
	struct dp_sg_set *old;
	int rc;

	clear_pending(c);
	if (!c->enabled)
		return 0;
	c->enabled = false;
	rc = dp_conf_publish_port(port_id);
	if (rc < 0) {
		c->enabled = true;
		return rc;
	}
	old = clear(c);
	dp_tables_retire_with(old, destroy_set);
	DP_LOG(INFO, "port %s: filter removed", dp_port_confs[port_id].name);
	return 0;
}

int dp_sg_conf_set(const struct dp_sg_set_req *req, uint32_t len)
{
	struct dp_sg_port_conf *c;
	int port_id;

	if (len < sizeof(*req) ||
			len != sizeof(*req) + (uint64_t)req->n_rules * sizeof(req->rules[0]))
		return -EBADMSG;
	if (!dp_conf_name_ok(req->port, sizeof(req->port), true))
		return -EINVAL;
	port_id = dp_conf_port_by_name(req->port);
	if (port_id < 0)
		return port_id;
	c = &dp_sg_confs[port_id];
	if (!req->enabled)
		return disable(port_id, c);
	if (req->n_rules > DP_SG_RULES_PER_MSG) {
		clear_pending(c);
		return -EINVAL;
	}
	if (req->offset == 0) {
		/* A new set: whatever was unfinished is dropped. */
		clear_pending(c);
		if (req->total > DP_SG_MAX_RULES)
			return -ENOSPC;
		c->pending = calloc(RTE_MAX(req->total, 1u), sizeof(*c->pending));
		if (c->pending == NULL)
			return -ENOMEM;
		c->pending_total = req->total;
		c->pending_stateful = req->stateful != 0;
	} else if (c->pending == NULL || req->offset != c->pending_n ||
			req->total != c->pending_total || (req->stateful != 0) != c->pending_stateful) {
		clear_pending(c);
		return -EINVAL;
	}
	if ((uint64_t)req->offset + req->n_rules > c->pending_total) {
		clear_pending(c);
		return -EINVAL;
	}
	memcpy(&c->pending[c->pending_n], req->rules, (size_t)req->n_rules * sizeof(req->rules[0]));
	c->pending_n += req->n_rules;
	if (c->pending_n < c->pending_total)
		return 0;
	return apply(port_id, c);
}

void dp_sg_conf_port_deleted(uint16_t port_id)
{
	/* Its last snapshot is gone and its grace period over: its reference goes now. */
	dp_sg_share_put(clear(&dp_sg_confs[port_id]));
	if (dp_tables.ct != NULL)
		dp_ct_flush_port(dp_tables.ct, port_id);
}

void dp_sg_conf_port_detached(uint16_t port_id)
{
	if (dp_tables.ct == NULL || dp_ct_port_count(dp_tables.ct, port_id) == 0)
		return;
	/* A worker still switching one of its frames could create an entry behind
	 * the flush: wait for them first (ct/dp_ct.h, dp_ct_flush_port). */
	dp_tables_synchronize();
	dp_ct_flush_port(dp_tables.ct, port_id);
}

void dp_sg_conf_network_deleted(uint16_t net_id)
{
	if (dp_tables.ct != NULL)
		dp_ct_flush_zone(dp_tables.ct, net_id);
}

/* One connection's record on a port whose rules changed: renewed, or false when no
 * rule of the port allows the connection any more. */
static bool recheck(struct dp_ct *ct, const struct dp_ct_info *e, enum dp_ct_role role,
		const struct dp_sg_port_conf *c)
{
	enum dp_sg_dir dir = role == DP_CT_ORIGINATOR ? DP_SG_EGRESS : DP_SG_INGRESS;
	union {
		struct dp_sg_tuple4 t4;
		struct dp_sg_tuple6 t6;
	} t;
	const uint8_t *tuples[1] = {(const uint8_t *)&t};
	uint32_t res;

	dp_sg_conn_tuple(&e->key, e->orig_side, dir, dp_sg_echo_request(e->key.family), 0, &t);
	dp_sg_classify(c->set, dir, e->key.family == AF_INET ? DP_SG_IPV4 : DP_SG_IPV6, tuples,
			&res, 1);
	if (res == 0)
		return false;
	dp_ct_rec_set(ct, e->idx, role, c->gen, res - 1);
	return true;
}

static void sweep(struct dp_ct *ct)
{
	struct dp_ct_info batch[64];
	uint32_t cursor = 0, n, ended = 0;

	while ((n = dp_ct_list(ct, &cursor, batch, RTE_DIM(batch))) > 0) {
		for (uint32_t i = 0; i < n; i++) {
			const struct dp_ct_info *e = &batch[i];

			for (int role = DP_CT_ORIGINATOR; role <= DP_CT_RESPONDER && !e->dead; role++) {
				const struct dp_ct_rec *r = &e->rec[role];
				const struct dp_sg_port_conf *c;

				if (r->port >= DP_MAX_PORTS)
					continue;
				c = &dp_sg_confs[r->port];
				if (!c->sweep || !c->enabled || !c->stateful || r->gen == c->gen)
					continue;
				if (!recheck(ct, e, role, c)) {
					dp_ct_delete(ct, e->idx);
					ended++;
					break;
				}
			}
		}
	}
	for (unsigned int p = 0; p < DP_MAX_PORTS; p++)
		dp_sg_confs[p].sweep = false;
	sweep_pending = false;
	if (ended)
		DP_LOG(INFO, "rules changed: %u connections no rule allows any more ended", ended);
}

void dp_sg_conf_expire(void)
{
	uint64_t now = rte_rdtsc();
	struct dp_ct *ct = dp_tables.ct;

	if (ct != NULL && sweep_pending)
		sweep(ct);
	if (ct == NULL || now < next_expire_tsc)
		return;
	next_expire_tsc = now + rte_get_tsc_hz() / EXPIRE_STEPS_PER_SEC;
	dp_ct_expire(ct, dp_clock_sec(), RTE_MAX(ct->n_slots / EXPIRE_FRACTION, 64u));
}

const char *dp_sg_conf_label(uint16_t port_id, uint32_t id)
{
	const struct dp_sg_port_conf *c;

	if (port_id >= DP_MAX_PORTS)
		return NULL;
	c = &dp_sg_confs[port_id];
	for (uint32_t i = 0; c->enabled && i < c->n_rules; i++)
		if (c->specs[i].id == id)
			return c->specs[i].label;
	return NULL;
}
