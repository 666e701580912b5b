/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vhost-user ports, served by DPDK's vhost library directly rather than one
 * ethdev each (net_vhost), so their number is not capped by RTE_MAX_ETHPORTS:
 * they take the port ids from DP_VHOST_FIRST_ID up to DP_MAX_PORTS. The engine
 * is the vhost-user client (RTE_VHOST_USER_CLIENT, reconnecting): QEMU or any
 * other server listens on the socket, and either side may restart. The logical
 * port (name, network, security, counters) lives in dp_port_conf.c whether a
 * device is connected or not; here is only the device behind it.
 *
 * Contract
 *  - The control thread opens and closes devices (register and start the
 *    socket; unregister it).
 *  - vhost's own thread writes a device's `vid` and `n_qp`, in its
 *    new_device and destroy_device callbacks: new_device stores n_qp, then
 *    the vid (release); destroy_device stores -1 and waits until every worker
 *    has passed a quiescent state (rte_rcu_qsbr) before it returns and the
 *    library unmaps the vrings. A worker loads the vid once per burst and
 *    holds nothing across its loop's quiescent point, so no worker touches a
 *    vring the library took back.
 *  - Only workers touch vrings. Worker i dequeues from queue pairs i,
 *    i + n_workers, ...; it enqueues to pair i mod n_qp, so with fewer pairs
 *    than workers several share one (the library locks each vring).
 */
#ifndef VIRGA_DP_VHOST_H
#define VIRGA_DP_VHOST_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_vhost.h>

#include <virga/dp_api.h>

#include "engine/dp_worker.h"

#define DP_VHOST_FIRST_ID RTE_MAX_ETHPORTS
#define DP_MAX_VHOST (DP_MAX_PORTS - DP_VHOST_FIRST_ID)
/* In each queue pair, the virtqueue the guest receives on (the engine enqueues to
 * it), then the one it sends on (the engine dequeues from it). */
#define DP_VHOST_GUEST_RXQ 0
#define DP_VHOST_GUEST_TXQ 1
/* Frames the library moves per call at most (its MAX_PKT_BURST). */
#define DP_VHOST_BURST 32

struct dp_vhost_dev {
	int vid;       /* -1: no device connected */
	uint16_t n_qp; /* queue pairs of the connected device */
} __rte_cache_aligned;

extern struct dp_vhost_dev dp_vhost_devs[DP_MAX_VHOST];

static inline bool dp_port_is_vhost(uint16_t port_id)
{
	return port_id >= DP_VHOST_FIRST_ID;
}

/* Control thread, at the end, workers stopped: closes every vhost-user socket. */
void dp_vhost_fini(void);
/* Control thread: a free vhost port id (-ENOSPC when none), then the socket
 * registered and started for it; the device connects whenever its server listens. */
int dp_vhost_alloc_id(void);
int dp_vhost_open(uint16_t port_id, const char *path);
/* Control thread: disconnects and forgets the socket; the caller made sure no
 * worker polls the port any more. */
void dp_vhost_close(uint16_t port_id);
/* Control thread: whether a device is connected. */
bool dp_vhost_connected(uint16_t port_id);

/*
 * Packet path, on a worker: up to n frames from the port's device (queue pairs
 * of this worker), m->port set to port_id; 0 when none is connected.
 */
static inline uint16_t dp_vhost_rx(const struct dp_worker *w, uint16_t port_id,
		struct rte_mempool *pool, struct rte_mbuf **pkts, uint16_t n)
{
	const struct dp_vhost_dev *d = &dp_vhost_devs[port_id - DP_VHOST_FIRST_ID];
	int vid = __atomic_load_n(&d->vid, __ATOMIC_ACQUIRE);
	uint16_t got = 0, n_qp;

	if (vid < 0)
		return 0;
	n_qp = __atomic_load_n(&d->n_qp, __ATOMIC_RELAXED);
	for (uint32_t qp = w->index; qp < n_qp && got < n; qp += dp_workers.n)
		got += rte_vhost_dequeue_burst(vid, qp * 2 + DP_VHOST_GUEST_TXQ, pool, pkts + got,
				RTE_MIN(n - got, DP_VHOST_BURST));
	for (uint16_t i = 0; i < got; i++)
		pkts[i]->port = port_id;
	return got;
}

/*
 * Packet path, on a worker: copies the frames into the device's rx vring and
 * frees those it took (the library copies, it keeps no mbuf); returns how many.
 * *down says, when it took none, that no device is connected.
 */
static inline uint16_t dp_vhost_tx(const struct dp_worker *w, uint16_t port_id,
		struct rte_mbuf **pkts, uint16_t n, bool *down)
{
	const struct dp_vhost_dev *d = &dp_vhost_devs[port_id - DP_VHOST_FIRST_ID];
	int vid = __atomic_load_n(&d->vid, __ATOMIC_ACQUIRE);
	uint16_t sent = 0, q;

	if (vid < 0) {
		*down = true;
		return 0;
	}
	/* The library takes at most DP_VHOST_BURST per call: the rest in more, until the
	 * guest's ring is full. */
	q = (w->index % __atomic_load_n(&d->n_qp, __ATOMIC_RELAXED)) * 2 + DP_VHOST_GUEST_RXQ;
	while (sent < n) {
		uint16_t want = RTE_MIN(n - sent, DP_VHOST_BURST);
		uint16_t took = rte_vhost_enqueue_burst(vid, q, pkts + sent, want);

		sent += took;
		if (took < want)
			break;
	}
	rte_pktmbuf_free_bulk(pkts, sent);
	return sent;
}

#endif
