/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Desired state vs. what the dataplane has, turned into control messages.
 *
 * The dataplane is the record of what is installed: each pass lists its
 * networks and ports, so a restarted agent picks up where the last one left
 * off instead of starting from nothing. What is already right is left
 * alone (traffic keeps flowing through it); what is missing is added, what
 * differs is updated, and only what the agent owns and no longer wants is
 * removed: ports named "tap…", and networks and routers (routers.c)
 * named by a Neutron UUID, and the floating IPs on those routers
 * (fips.c). Nothing else is ever touched, and nothing is
 * flushed.
 *
 * What the port list does not show (port security's addresses) is re-sent
 * once per agent start and dataplane boot, and after that only when it
 * changes: `applied` remembers a hash of what was sent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <virga/dp_client.h>

#include "common/log.h"
#include "common/parse.h"
#include "common/state_dir.h"
#include "network/dhcp.h"
#include "network/l2pop.h"
#include "network/reconcile.h"
#include "network/routers.h"
#include "network/secgroups.h"

struct dp_view {
	struct dp_network_info *nets;
	size_t n_nets;
	struct dp_port_info *ports;
	size_t n_ports;
};

static int view_load(struct ag_dp *dp, struct dp_view *v)
{
	int rc;

	memset(v, 0, sizeof(*v));
	rc = ag_dp_list(dp, DP_MSG_NETWORK_LIST, sizeof(*v->nets), (void **)&v->nets, &v->n_nets);
	if (rc == 0)
		rc = ag_dp_list(dp, DP_MSG_PORT_LIST, sizeof(*v->ports), (void **)&v->ports,
		                &v->n_ports);
	for (size_t i = 0; i < v->n_nets; i++)
		v->nets[i].name[sizeof(v->nets[i].name) - 1] = '\0';
	for (size_t i = 0; i < v->n_ports; i++) {
		v->ports[i].name[sizeof(v->ports[i].name) - 1] = '\0';
		v->ports[i].devargs[sizeof(v->ports[i].devargs) - 1] = '\0';
		v->ports[i].network[sizeof(v->ports[i].network) - 1] = '\0';
		v->ports[i].physnet[sizeof(v->ports[i].physnet) - 1] = '\0';
	}
	return rc;
}

static void view_free(struct dp_view *v)
{
	free(v->nets);
	free(v->ports);
}

static const struct dp_network_info *view_net(const struct dp_view *v, const char *name)
{
	for (size_t i = 0; i < v->n_nets; i++)
		if (strcmp(v->nets[i].name, name) == 0)
			return &v->nets[i];
	return NULL;
}

static const struct dp_port_info *view_port(const struct dp_view *v, const char *name)
{
	for (size_t i = 0; i < v->n_ports; i++)
		if (strcmp(v->ports[i].name, name) == 0)
			return &v->ports[i];
	return NULL;
}

/* Ports the agent created: Neutron's tap names. */
static bool port_is_ours(const char *name)
{
	return strncmp(name, "tap", 3) == 0 && strlen(name) == 3 + AG_PORT_ID_CHARS;
}

/* What was last sent for a port, as one number. */
static json_int_t port_hash(const struct ag_port *p)
{
	uint64_t h = ag_fnv1a(AG_FNV1A_INIT, &p->security, sizeof(p->security));

	h = ag_fnv1a(h, p->network, strlen(p->network));
	h = ag_fnv1a(h, &p->admin_up, sizeof(p->admin_up));
	return (json_int_t)(h >> 1);
}

static bool is_desired_port(const struct ag_desired *d, const char *name)
{
	for (size_t i = 0; i < d->n_ports; i++)
		if (strcmp(d->ports[i].dp_name, name) == 0)
			return true;
	return false;
}

static bool is_desired_net(const struct ag_desired *d, const char *name)
{
	for (size_t i = 0; i < d->n_nets; i++)
		if (strcmp(d->nets[i].id, name) == 0)
			return true;
	return false;
}

/*
 * Removes what the agent owns and no longer wants: ports first, then router
 * interfaces, so that their networks are empty when they go.
 */
static void remove_unwanted(struct ag_dp *dp, struct ag_nl *nl, const struct dp_view *v,
                const struct ag_desired *d, struct ag_reconcile_stats *st)
{
	for (size_t i = 0; i < v->n_ports; i++) {
		const struct dp_port_info *p = &v->ports[i];
		struct dp_port_del_req del = {.missing_ok = 1};
		char dp_if[AG_IFNAME_LEN], key[DP_PORT_NAME_LEN + 4];

		if (!port_is_ours(p->name) || is_desired_port(d, p->name))
			continue;
		snprintf(del.name, sizeof(del.name), "%s", p->name);
		if (ag_dp_call(dp, DP_MSG_PORT_DEL, p->name, &del, sizeof(del), NULL, 0) < 0) {
			st->failed++;
			continue;
		}
		json_object_del(dp->applied, p->name);
		ag_sg_key(key, sizeof(key), p->name);
		json_object_del(dp->applied, key); /* its filter went with it */
		if (p->kind == DP_PORT_KIND_VHOST_USER) {
			/* The socket is the VM's (QEMU listens on it): nothing of ours is left. */
			ag_log(AG_INFO, "removed vhost-user port %s", p->name);
			st->removed++;
			continue;
		}
		snprintf(dp_if, sizeof(dp_if), "vg%s", p->name + 3);
		if (ag_link_del(nl, dp_if) < 0)
			ag_log(AG_WARN, "cannot delete veth %s", dp_if);
		ag_log(AG_INFO, "removed port %s (and veth %s)", p->name, dp_if);
		st->removed++;
	}
	ag_routers_prune(dp, d, st);
	for (size_t i = 0; i < v->n_nets; i++) {
		const struct dp_network_info *n = &v->nets[i];
		struct dp_network_del_req del = {.missing_ok = 1};
		int rc;

		if (!ag_is_uuid(n->name) || is_desired_net(d, n->name))
			continue;
		snprintf(del.name, sizeof(del.name), "%s", n->name);
		rc = dp_client_call(
		                dp->client, DP_MSG_NETWORK_DEL, &del, sizeof(del), NULL, 0, NULL);
		if (rc == -EBUSY) {
			/* Someone else's ports (or a router interface) are on it: not ours to
			 * break. */
			ag_log(AG_DEBUG, "network %s is no longer wanted but still in use",
			                n->name);
			continue;
		}
		if (rc < 0) {
			ag_log(AG_ERR, "dataplane network_del %s: %s", n->name, strerror(-rc));
			st->failed++;
			continue;
		}
		ag_log(AG_INFO, "removed network %s", n->name);
		st->removed++;
	}
}

/* Adds or updates one network; false when its ports cannot go on it. */
static bool ensure_net(struct ag_dp *dp, const struct dp_view *v, const struct ag_net *n,
                struct ag_reconcile_stats *st)
{
	const struct dp_network_info *have = view_net(v, n->id);
	struct dp_network_add_req req = {
	                .type = n->type, .seg_id = n->seg_id, .mtu = n->mtu, .exist_ok = 1};
	struct dp_network_add_reply reply;
	uint16_t mtu = n->mtu ? n->mtu : n->type == DP_NET_VXLAN ? 1450 : 1500;

	if (have != NULL && (have->type != n->type || have->seg_id != n->seg_id ||
	                                    strcmp(have->physnet, n->physnet) != 0)) {
		/* A network's segment never changes in Neutron: this one was made by
		 * hand or by another controller. Changing it would cut its ports off. */
		ag_log(AG_ERR,
		                "network %s exists in the dataplane with another segment "
		                "(%s %u physnet '%s'): leaving it and its ports alone",
		                n->id, dp_net_type_name(have->type), have->seg_id, have->physnet);
		st->failed++;
		return false;
	}
	if (have != NULL && have->mtu == mtu)
		return true;
	snprintf(req.name, sizeof(req.name), "%s", n->id);
	snprintf(req.physnet, sizeof(req.physnet), "%s", n->physnet);
	if (ag_dp_call(dp, DP_MSG_NETWORK_ADD, n->id, &req, sizeof(req), &reply, sizeof(reply)) <
	                0) {
		st->failed++;
		return false;
	}
	if (have == NULL) {
		ag_log(AG_INFO, "added network %s (%s %u%s%s)", n->id, dp_net_type_name(n->type),
		                n->seg_id, n->physnet[0] ? " on " : "", n->physnet);
		st->added++;
	} else {
		st->updated++;
	}
	return true;
}

/* Whether the visible part of a port's security matches what we would send. */
static bool security_looks_same(const struct dp_port_info *have, const struct ag_port *p)
{
	return have->security_enabled == p->security.enabled &&
	       have->n_addrs == p->security.n_addrs &&
	       memcmp(have->allowed_mac, p->security.mac, 6) == 0;
}

/*
 * Brings one port to what p says: the veth, the dataplane port, its
 * attachment and its security. Returns whether the dataplane now forwards
 * for it as desired.
 */
static bool ensure_port(struct ag_dp *dp, struct ag_nl *nl, const struct dp_view *v,
                const struct ag_port *p, struct ag_reconcile_stats *st)
{
	const struct dp_port_info *have = view_port(v, p->dp_name);
	json_int_t hash = port_hash(p);
	bool changed = false;
	int rc;

	if (have != NULL && strcmp(have->devargs, p->devargs) != 0) {
		struct dp_port_del_req del = {.missing_ok = 1};

		/* Someone re-created it on another device: ours is the right one. */
		ag_log(AG_WARN, "port %s is on %s, not %s: re-creating it", p->dp_name,
		                have->devargs, p->devargs);
		snprintf(del.name, sizeof(del.name), "%s", p->dp_name);
		if (ag_dp_call(dp, DP_MSG_PORT_DEL, p->dp_name, &del, sizeof(del), NULL, 0) < 0)
			goto fail;
		have = NULL;
	}
	if (p->kind == DP_PORT_KIND_VHOST_USER && ag_vhost_dir_ensure() < 0)
		goto fail;
	if (p->kind == DP_PORT_KIND_ETHDEV &&
	                (have == NULL || json_object_get(dp->applied, p->dp_name) == NULL)) {
		if (ag_veth_ensure(nl, p->dp_if, p->vm_if, p->mtu) < 0)
			goto fail;
	}
	if (have == NULL) {
		struct dp_port_add_req add = {.mtu = p->mtu, .exist_ok = 1, .kind = p->kind};
		struct dp_port_add_reply reply;

		snprintf(add.name, sizeof(add.name), "%s", p->dp_name);
		snprintf(add.devargs, sizeof(add.devargs), "%s", p->devargs);
		if (ag_dp_call(dp, DP_MSG_PORT_ADD, p->dp_name, &add, sizeof(add), &reply,
		                    sizeof(reply)) < 0)
			goto fail;
		json_object_del(dp->applied, p->dp_name);
		ag_log(AG_INFO, "added port %s (%s) for Neutron port %s", p->dp_name, p->devargs,
		                p->id);
	}
	if (p->admin_up && (have == NULL || have->mode != DP_PORT_ACCESS ||
	                                   strcmp(have->network, p->network) != 0)) {
		struct dp_port_attach_req att = {.mode = DP_PORT_ACCESS};

		snprintf(att.port, sizeof(att.port), "%s", p->dp_name);
		snprintf(att.network, sizeof(att.network), "%s", p->network);
		if (ag_dp_call(dp, DP_MSG_PORT_ATTACH, p->dp_name, &att, sizeof(att), NULL, 0) < 0)
			goto fail;
		changed = true;
	} else if (!p->admin_up && have != NULL && have->mode != DP_PORT_DETACHED) {
		struct dp_port_detach_req det;

		/* admin_state_up false: Neutron's port stops forwarding but stays. */
		snprintf(det.port, sizeof(det.port), "%s", p->dp_name);
		if (ag_dp_call(dp, DP_MSG_PORT_DETACH, p->dp_name, &det, sizeof(det), NULL, 0) < 0)
			goto fail;
		changed = true;
	}
	/* The filter before port security: a new port forwards nothing until
	 * its MAC is set, so it never forwards unfiltered. */
	rc = ag_sg_ensure(dp, p);
	if (rc < 0)
		goto fail;
	changed = changed || rc > 0;
	if (json_integer_value(json_object_get(dp->applied, p->dp_name)) != hash ||
	                json_object_get(dp->applied, p->dp_name) == NULL) {
		if (ag_dp_call(dp, DP_MSG_PORT_SECURITY, p->dp_name, &p->security,
		                    sizeof(p->security), NULL, 0) < 0)
			goto fail;
		if (have != NULL && !security_looks_same(have, p))
			changed = true;
		json_object_set_new(dp->applied, p->dp_name, json_integer(hash));
	}
	if (have == NULL)
		st->added++;
	else if (changed)
		st->updated++;
	else
		st->kept++;
	return p->admin_up;
fail:
	json_object_del(dp->applied, p->dp_name);
	st->failed++;
	return false;
}

/* The provider uplinks given on the command line, unless the dataplane has them already. */
static void ensure_uplinks(struct ag_dp *dp, const struct dp_view *v)
{
	for (int i = 0; i < dp->n_uplinks; i++) {
		const struct ag_uplink *u = &dp->uplinks[i];
		const struct dp_port_info *have = view_port(v, u->ifname);
		struct dp_port_attach_req att = {.mode = DP_PORT_UPLINK};
		bool done = false;

		for (size_t j = 0; j < v->n_ports; j++)
			if (v->ports[j].mode == DP_PORT_UPLINK &&
			                strcmp(v->ports[j].physnet, u->physnet) == 0)
				done = true;
		if (done)
			continue;
		if (have == NULL) {
			/* Not a dataplane port: a kernel interface to open with af_packet. */
			struct dp_port_add_req add = {.exist_ok = 1};
			struct dp_port_add_reply reply;

			snprintf(add.name, sizeof(add.name), "%s", u->ifname);
			snprintf(add.devargs, sizeof(add.devargs), "net_af_packet_up_%s,iface=%s",
			                u->physnet, u->ifname);
			if (ag_dp_call(dp, DP_MSG_PORT_ADD, u->ifname, &add, sizeof(add), &reply,
			                    sizeof(reply)) < 0)
				continue;
		}
		snprintf(att.port, sizeof(att.port), "%s", u->ifname);
		snprintf(att.physnet, sizeof(att.physnet), "%s", u->physnet);
		if (ag_dp_call(dp, DP_MSG_PORT_ATTACH, u->ifname, &att, sizeof(att), NULL, 0) == 0)
			ag_log(AG_INFO, "port %s is the uplink of %s", u->ifname, u->physnet);
	}
}

int ag_reconcile(struct ag_dp *dp, struct ag_nl *nl, struct ag_feed *f, const struct ag_desired *d,
                struct ag_reconcile_stats *st)
{
	struct dp_view v;
	bool *net_ok, *port_ok;
	json_t *statuses;
	int rc;

	memset(st, 0, sizeof(*st));
	rc = ag_dp_hello(dp);
	if (rc < 0)
		return rc;
	/* The dataplane remembers the highest generation it saw: the feed
	 * revision last programmed, for whoever looks after a restart. */
	dp_client_set_generation(dp->client, (uint64_t)f->rev);
	rc = view_load(dp, &v);
	if (rc < 0) {
		ag_log(AG_ERR, "cannot list the dataplane's state: %s", strerror(-rc));
		view_free(&v);
		ag_dp_disconnect(dp);
		return rc;
	}
	net_ok = calloc(d->n_nets + 1, sizeof(*net_ok));
	port_ok = calloc(d->n_ports + 1, sizeof(*port_ok));
	statuses = json_object();
	if (net_ok == NULL || port_ok == NULL || statuses == NULL) {
		free(net_ok);
		free(port_ok);
		json_decref(statuses);
		view_free(&v);
		return -ENOMEM;
	}
	ensure_uplinks(dp, &v);
	remove_unwanted(dp, nl, &v, d, st);
	json_object_clear(dp->ports_ok); /* filled again below, port by port */
	for (size_t i = 0; i < d->n_nets; i++)
		net_ok[i] = ensure_net(dp, &v, &d->nets[i], st);
	/* Remote MACs before the ports: a port turns ACTIVE able to reach them. */
	ag_l2pop_reconcile(dp, f, d, net_ok, st);
	for (size_t i = 0; i < d->n_ports; i++) {
		const struct ag_port *p = &d->ports[i];
		bool ok = false;

		for (size_t j = 0; j < d->n_nets; j++)
			if (strcmp(d->nets[j].id, p->network) == 0 && net_ok[j])
				ok = true;
		if (ok)
			ok = ensure_port(dp, nl, &v, p, st);
		port_ok[i] = ok;
		if (ok)
			json_object_set_new(dp->ports_ok, p->dp_name, json_true());
		else
			json_object_del(dp->ports_ok, p->dp_name);
		ag_feed_note_status(statuses, p->id, ok, p->active);
	}
	/* Sent once the pass has every port. */
	ag_feed_report_statuses(f, "ports", statuses);
	json_decref(statuses);
	ag_routers_ensure(dp, d, net_ok, st);
	ag_fips_reconcile(dp, f, d, st);
	ag_dhcp_reconcile(dp, d, port_ok, st);
	free(net_ok);
	free(port_ok);
	view_free(&v);
	dp->passes++;
	return 0;
}
