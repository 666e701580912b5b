/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The overlay across nodes, from the feed's l2population
 * (controlplane/db/feed_l2pop.c): the node's VTEP on its underlay port,
 * and for each VXLAN network of the node the other nodes with ports on it
 * as VTEP peers (where its broadcasts go, by head-end replication) and
 * their ports' MACs as static entries behind those peers, so unicast goes
 * straight to the right node and nothing is learned or flooded to find a
 * port. The VTEP does not learn: every MAC it must know comes from here,
 * and a MAC that moved (a port bound to another node) is moved by the
 * feed, not by whichever frame arrives first.
 *
 * No ARP responder: a VM's ARP for a remote port floods to the network's
 * peers and the port itself answers (one broadcast per peer per ARP).
 *
 * The dataplane is the record. For each network, a digest of what was
 * last programmed (this agent run, this dataplane boot) says whether the
 * network needs looking at; when it does, its peers and MACs are listed
 * and only the differences are sent: a restarted agent, or a peer that
 * died and came back, changes nothing that is still right. Static remote
 * MACs and peers are the agent's on the networks it owns (named by UUID).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <virga/dp_client.h>

#include "common/log.h"
#include "common/parse.h"
#include "network/l2pop.h"

static struct {
	char underlay[DP_PORT_NAME_LEN]; /* "": the VTEP is not the agent's to set */
	uint8_t ip[4];
	uint8_t prefixlen;
} vtep;

#define VTEP_KEY "l2pop:vtep" /* in ag_dp.applied: VTEP_SET went through */
#define NET_KEY_PREFIX "l2pop:"

int ag_l2pop_configure(const char *underlay, const char *tunnel_ip, uint8_t prefixlen)
{
	if (!underlay || !tunnel_ip || strlen(underlay) >= sizeof(vtep.underlay) ||
	                inet_pton(AF_INET, tunnel_ip, vtep.ip) != 1 || prefixlen < 1 ||
	                prefixlen > 32)
		return -EINVAL;
	snprintf(vtep.underlay, sizeof(vtep.underlay), "%s", underlay);
	vtep.prefixlen = prefixlen;
	return 0;
}

/* ---- what a network should have ---- */

struct l2pop_mac {
	uint8_t mac[6];
	uint8_t vtep[4];
};

struct l2pop_want {
	uint8_t (*peers)[4];
	size_t n_peers;
	struct l2pop_mac *macs;
	size_t n_macs;
};

static void want_free(struct l2pop_want *w)
{
	free(w->peers);
	free(w->macs);
	memset(w, 0, sizeof(*w));
}

/* The peers and MACs of a feed entry; what cannot be used is said once. */
static int want_build(const json_t *entry, struct l2pop_want *w)
{
	const json_t *remote = json_object_get(entry, "remote"), *r, *p;
	size_t i, j, n_ports = 0;

	memset(w, 0, sizeof(*w));
	json_array_foreach(remote, i, r)
	                n_ports += json_array_size(json_object_get(r, "ports"));
	w->peers = calloc(json_array_size(remote) + 1, sizeof(*w->peers));
	w->macs = calloc(n_ports + 1, sizeof(*w->macs));
	if (!w->peers || !w->macs) {
		want_free(w);
		return -ENOMEM;
	}
	json_array_foreach(remote, i, r)
	{
		const char *ip = json_string_value(json_object_get(r, "tunnel_ip"));
		const char *node = json_string_value(json_object_get(r, "node"));
		uint8_t addr[4];
		char key[160];

		if (!ip || inet_pton(AF_INET, ip, addr) != 1 ||
		                (vtep.underlay[0] && memcmp(addr, vtep.ip, 4) == 0)) {
			snprintf(key, sizeof(key), "l2pop/%s/%s", node ? node : "?", ip ? ip : "");
			if (ag_once(key, 0))
				ag_log(AG_WARN,
				                "node %s: tunnel address '%s' is not a remote IPv4 "
				                "VTEP: not tunnelling to it",
				                node ? node : "?", ip ? ip : "");
			continue;
		}
		memcpy(w->peers[w->n_peers++], addr, 4);
		json_array_foreach(json_object_get(r, "ports"), j, p)
		{
			struct l2pop_mac *m = &w->macs[w->n_macs];

			if (ag_parse_mac(json_string_value(json_object_get(p, "mac_address")),
			                    m->mac) < 0)
				continue;
			memcpy(m->vtep, addr, 4);
			w->n_macs++;
		}
	}
	return 0;
}

static json_int_t want_hash(const struct l2pop_want *w)
{
	uint64_t h = ag_fnv1a(AG_FNV1A_INIT, w->peers, w->n_peers * sizeof(*w->peers));

	h = ag_fnv1a(h, w->macs, w->n_macs * sizeof(*w->macs));
	return (json_int_t)(h >> 1);
}

/* ---- the dataplane ---- */

/* The underlay port (a kernel interface opened with af_packet unless the
 * dataplane has a port of that name) and the VTEP on it, once per boot. */
static void ensure_vtep(struct ag_dp *dp)
{
	struct dp_vtep_set_req set = {.prefixlen = vtep.prefixlen, .learning = 0};
	struct dp_port_info *ports = NULL;
	size_t n = 0;
	bool have = false;

	if (!vtep.underlay[0] || json_object_get(dp->applied, VTEP_KEY))
		return;
	if (ag_dp_list(dp, DP_MSG_PORT_LIST, sizeof(*ports), (void **)&ports, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (strncmp(ports[i].name, vtep.underlay, sizeof(ports[i].name)) == 0)
			have = true;
	free(ports);
	if (!have) {
		struct dp_port_add_req add = {.exist_ok = 1};
		struct dp_port_add_reply reply;

		snprintf(add.name, sizeof(add.name), "%s", vtep.underlay);
		snprintf(add.devargs, sizeof(add.devargs), "net_af_packet_underlay,iface=%s",
		                vtep.underlay);
		if (ag_dp_call(dp, DP_MSG_PORT_ADD, vtep.underlay, &add, sizeof(add), &reply,
		                    sizeof(reply)) < 0)
			return;
	}
	snprintf(set.port, sizeof(set.port), "%s", vtep.underlay);
	memcpy(set.local_ip, vtep.ip, 4);
	if (ag_dp_call(dp, DP_MSG_VTEP_SET, vtep.underlay, &set, sizeof(set), NULL, 0) < 0)
		return;
	json_object_set_new(dp->applied, VTEP_KEY, json_true());
	ag_log(AG_INFO, "VTEP %u.%u.%u.%u/%u on underlay port %s", vtep.ip[0], vtep.ip[1],
	                vtep.ip[2], vtep.ip[3], vtep.prefixlen, vtep.underlay);
}

static bool peer_wanted(const struct l2pop_want *w, const uint8_t ip[4])
{
	for (size_t i = 0; i < w->n_peers; i++)
		if (memcmp(w->peers[i], ip, 4) == 0)
			return true;
	return false;
}

static const struct l2pop_mac *mac_wanted(const struct l2pop_want *w, const uint8_t mac[6])
{
	for (size_t i = 0; i < w->n_macs; i++)
		if (memcmp(w->macs[i].mac, mac, 6) == 0)
			return &w->macs[i];
	return NULL;
}

static void log_ip(enum ag_log_level level, const char *net, const char *what, const uint8_t ip[4])
{
	ag_log(level, "network %s: %s %u.%u.%u.%u", net, what, ip[0], ip[1], ip[2], ip[3]);
}

static int peer_call(struct ag_dp *dp, enum dp_msg_type type, const char *net, const uint8_t ip[4])
{
	struct dp_vtep_peer_req req = {.exist_ok = 1, .missing_ok = 1};

	snprintf(req.network, sizeof(req.network), "%s", net);
	memcpy(req.ip, ip, 4);
	return ag_dp_call(dp, type, net, &req, sizeof(req), NULL, 0);
}

static int mac_call(struct ag_dp *dp, enum dp_msg_type type, const char *net, const uint8_t mac[6],
                const uint8_t vtep_ip[4])
{
	struct dp_mac_req req = {.exist_ok = 1, .missing_ok = 1};

	snprintf(req.network, sizeof(req.network), "%s", net);
	memcpy(req.mac, mac, 6);
	if (vtep_ip)
		memcpy(req.remote_vtep, vtep_ip, 4);
	return ag_dp_call(dp, type, net, &req, sizeof(req), NULL, 0);
}

/*
 * Brings one network's peers and remote MACs to w, against what the
 * dataplane lists: peers first (a remote MAC must be behind a peer), MACs
 * removed before the peers they were behind. Returns 0 when all of it
 * went through.
 */
static int sync_net(struct ag_dp *dp, const char *net, const struct l2pop_want *w,
                const struct dp_vtep_peer_info *peers, size_t n_peers,
                struct ag_reconcile_stats *st)
{
	struct dp_list_req req = {.cursor = 0};
	uint8_t *page = malloc(DP_MSG_MAX);
	size_t len;
	bool *have_mac = calloc(w->n_macs + 1, sizeof(*have_mac));
	int rc = 0;

	if (!page || !have_mac) {
		free(page);
		free(have_mac);
		return -ENOMEM;
	}
	/* Peers to add. */
	for (size_t i = 0; i < w->n_peers; i++) {
		bool have = false;

		for (size_t j = 0; j < n_peers; j++)
			if (strcmp(peers[j].network, net) == 0 && memcmp(peers[j].ip, w->peers[i], 4) == 0)
				have = true;
		if (have)
			continue;
		if (peer_call(dp, DP_MSG_VTEP_PEER_ADD, net, w->peers[i]) < 0) {
			st->failed++;
			rc = -EIO;
			continue;
		}
		log_ip(AG_INFO, net, "VTEP peer added", w->peers[i]);
		st->added++;
	}
	/* The network's MACs, one page at a time (filtered by the dataplane). */
	snprintf(req.filter, sizeof(req.filter), "%s", net);
	do {
		struct dp_mac_list_reply *r = (void *)page;

		if (dp_client_call(dp->client, DP_MSG_MAC_LIST, &req, sizeof(req), page,
		                    DP_MSG_MAX, &len) < 0 ||
		                len < sizeof(*r) ||
		                len != sizeof(*r) + r->count * sizeof(r->entries[0]) ||
		                (r->next_cursor != 0 && r->next_cursor == req.cursor)) {
			ag_log(AG_ERR, "dataplane mac_list %s failed", net);
			rc = -EIO;
			break;
		}
		for (uint32_t i = 0; i < r->count; i++) {
			const struct dp_mac_info *m = &r->entries[i];
			const struct l2pop_mac *want = mac_wanted(w, m->mac);
			static const uint8_t zero[4];

			if (want && m->is_static && memcmp(m->remote_vtep, want->vtep, 4) == 0) {
				have_mac[want - w->macs] = true;
				continue;
			}
			/* A static remote MAC nobody wants any more. */
			if (!want && m->is_static && memcmp(m->remote_vtep, zero, 4) != 0) {
				if (mac_call(dp, DP_MSG_MAC_DEL, net, m->mac, NULL) < 0) {
					st->failed++;
					rc = -EIO;
				} else {
					st->removed++;
				}
			}
		}
		req.cursor = r->next_cursor;
	} while (req.cursor != 0);
	for (size_t i = 0; rc == 0 && i < w->n_macs; i++) {
		if (have_mac[i])
			continue;
		if (mac_call(dp, DP_MSG_MAC_ADD, net, w->macs[i].mac, w->macs[i].vtep) < 0) {
			st->failed++;
			rc = -EIO;
			continue;
		}
		st->added++;
	}
	/* Peers nobody has ports behind any more: the node died or left. */
	for (size_t j = 0; j < n_peers; j++) {
		if (strcmp(peers[j].network, net) != 0 || peer_wanted(w, peers[j].ip))
			continue;
		if (peer_call(dp, DP_MSG_VTEP_PEER_DEL, net, peers[j].ip) < 0) {
			st->failed++;
			rc = -EIO;
			continue;
		}
		log_ip(AG_INFO, net, "VTEP peer removed", peers[j].ip);
		st->removed++;
	}
	free(page);
	free(have_mac);
	return rc;
}

void ag_l2pop_reconcile(struct ag_dp *dp, const struct ag_feed *f, const struct ag_desired *d,
                const bool *net_ok, struct ag_reconcile_stats *st)
{
	struct dp_vtep_peer_info *peers = NULL;
	size_t n_peers = 0;
	bool listed = false;
	json_t *v, *tmp;
	const char *key;

	ensure_vtep(dp);
	/* Digests of networks the node no longer has: they start over if it
	 * gets them back. */
	json_object_foreach_safe(dp->applied, tmp, key, v)
	{
		if (strncmp(key, NET_KEY_PREFIX, strlen(NET_KEY_PREFIX)) != 0 ||
		                strcmp(key, VTEP_KEY) == 0)
			continue;
		if (!ag_desired_find_net((struct ag_desired *)d, key + strlen(NET_KEY_PREFIX)))
			json_object_del(dp->applied, key);
	}
	for (size_t i = 0; i < d->n_nets; i++) {
		const struct ag_net *n = &d->nets[i];
		const json_t *entry = json_object_get(f->l2pop, n->id);
		struct l2pop_want w;
		char dkey[sizeof(NET_KEY_PREFIX) + AG_ID_LEN];
		json_int_t hash;

		if (n->type != DP_NET_VXLAN || !net_ok[i])
			continue;
		/* No entry (yet): an older controller, or a network whose entry
		 * comes with the next poll. Nothing to go by: keep what is there. */
		if (!entry || want_build(entry, &w) < 0)
			continue;
		hash = want_hash(&w);
		snprintf(dkey, sizeof(dkey), NET_KEY_PREFIX "%s", n->id);
		if (json_integer_value(json_object_get(dp->applied, dkey)) == hash &&
		                json_object_get(dp->applied, dkey)) {
			want_free(&w);
			continue;
		}
		if (!listed) {
			if (ag_dp_list(dp, DP_MSG_VTEP_PEER_LIST, sizeof(*peers), (void **)&peers,
			                    &n_peers) < 0) {
				want_free(&w);
				st->failed++;
				break;
			}
			listed = true;
			for (size_t j = 0; j < n_peers; j++)
				peers[j].network[sizeof(peers[j].network) - 1] = '\0';
		}
		if (sync_net(dp, n->id, &w, peers, n_peers, st) == 0) {
			json_object_set_new(dp->applied, dkey, json_integer(hash));
			ag_log(AG_INFO, "network %s: tunnelling to %zu node%s, %zu remote MAC%s",
			                n->id, w.n_peers, w.n_peers == 1 ? "" : "s", w.n_macs,
			                w.n_macs == 1 ? "" : "s");
		} else {
			json_object_del(dp->applied, dkey);
		}
		want_free(&w);
	}
	free(peers);
}
