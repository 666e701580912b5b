/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "pkt/dp_mbuf.h"
#include "dp_arp_wait.h"
#include "dp_neigh.h"
#include "dp_tables.h"
#include "dp_worker.h"

/* A request for what e waits for, made ready for the path its stage sends one on (at
 * most once per second per address: dp_neigh_solicit says when); *to says which. */
static struct rte_mbuf *ask(struct dp_worker *w, const struct dp_arp_waiter *e, uint8_t *to)
{
	const struct dp_router *r;
	const struct dp_vtep *v;
	const struct dp_rif *out;
	struct rte_mbuf *req;

	if (e->kind == DP_WAIT_ENCAP) {
		v = dp_vtep_get();
		if (v == NULL)
			return NULL; /* the VTEP is gone: its frames only expire */
		req = dp_neigh_solicit(w, DP_NEIGH_SCOPE_UNDERLAY, e->ip, &v->mac, v->local_ip);
		if (req != NULL)
			dp_mbuf_meta(req)->out_port = v->port_id;
		*to = DP_READY_TX;
		return req;
	}
	r = dp_router_get(dp_mbuf_meta(e->m)->router_id);
	/* The interface may have gone, or its slot moved to another network, since. */
	if (r == NULL || e->rif >= r->n_rifs || r->rifs[e->rif].net_id != e->scope)
		return NULL;
	out = &r->rifs[e->rif];
	req = dp_neigh_solicit(w, e->scope, e->ip, &out->mac, out->ip);
	/* Flooded into the network, like any frame a router makes there: its copy to a
	 * remote VTEP may wait for the underlay in turn. */
	if (req != NULL) {
		dp_mbuf_meta(req)->net_id = e->scope;
		req->port = DP_SRC_ROUTER;
	}
	*to = DP_READY_FLOOD;
	return req;
}

int dp_arp_wait_park(struct dp_worker *w, struct rte_mbuf *m, enum dp_wait_kind kind,
		uint16_t scope, uint32_t ip, uint8_t rif, struct rte_mbuf **req)
{
	struct dp_arp_wait *q = &w->arp_wait;
	const struct dp_arp_waiter e = {.m = m, .ip = ip, .since = w->now_sec, .scope = scope,
			.kind = kind, .rif = rif};
	uint8_t to;

	/* Asked even when the frame cannot wait: the next one may find the answer. */
	*req = ask(w, &e, &to);
	if (q->n == DP_ARP_WAIT_MAX)
		return -ENOSPC;
	q->q[q->n++] = e;
	return 0;
}

struct rte_mbuf *dp_arp_wait_take(struct dp_worker *w, enum dp_wait_kind kind, uint16_t scope,
		uint32_t ip)
{
	struct dp_arp_wait *q = &w->arp_wait;

	for (uint16_t i = 0; i < q->n; i++) {
		struct rte_mbuf *m = q->q[i].m;

		if (q->q[i].ip != ip || q->q[i].scope != scope || q->q[i].kind != kind)
			continue;
		/* Closed up, not swapped with the last: the frames after it keep their order. */
		memmove(&q->q[i], &q->q[i + 1], (q->n - i - 1) * sizeof(q->q[0]));
		q->n--;
		return m;
	}
	return NULL;
}

uint16_t dp_arp_wait_take_ready(struct dp_worker *w, struct rte_mbuf **out, uint8_t *to,
		uint16_t max)
{
	struct dp_arp_wait *q = &w->arp_wait;
	struct rte_ether_addr mac;
	uint16_t kept = 0, n = RTE_MIN(q->n_asks, max);

	memcpy(out, q->asks, n * sizeof(out[0]));
	memcpy(to, q->ask_to, n);
	q->n_asks -= n;
	memmove(q->asks, q->asks + n, q->n_asks * sizeof(q->asks[0]));
	memmove(q->ask_to, q->ask_to + n, q->n_asks);

	q->seen_gen = __atomic_load_n(&dp_tables.neigh_gen, __ATOMIC_ACQUIRE);
	for (uint16_t i = 0; i < q->n; i++) {
		if (n < max && dp_neigh_lookup(q->q[i].scope, q->q[i].ip, &mac)) {
			to[n] = q->q[i].kind == DP_WAIT_ROUTED ? DP_READY_ROUTE : DP_READY_VXLAN;
			out[n++] = q->q[i].m;
		} else {
			q->q[kept++] = q->q[i]; /* in order, as dp_arp_wait_take keeps them */
		}
	}
	q->n = kept;
	return n;
}

void dp_arp_wait_tick(struct dp_worker *w)
{
	struct dp_arp_wait *q = &w->arp_wait;
	uint16_t kept = 0;

	for (uint16_t i = 0; i < q->n; i++) {
		if (w->now_sec - q->q[i].since > DP_ARP_WAIT_SEC)
			dp_drop_one(w, DP_DROP_NEIGH_UNRESOLVED, q->q[i].m);
		else
			q->q[kept++] = q->q[i];
	}
	q->n = kept;
	for (uint16_t i = 0; i < kept; i++) {
		uint8_t to;
		struct rte_mbuf *req = ask(w, &q->q[i], &to);

		if (req == NULL)
			continue;
		/* Only if port_rx did not run since the last tick (it runs right after). */
		if (unlikely(q->n_asks == DP_ARP_WAIT_MAX)) {
			dp_drop_one(w, DP_DROP_NEIGH_QUEUE_FULL, req);
			continue;
		}
		q->asks[q->n_asks] = req;
		q->ask_to[q->n_asks++] = to;
	}
}
