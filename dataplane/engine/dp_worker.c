/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rte_graph_walk() (inlined here) reads two TSC values around every node call
 * when graph stats are compiled in, as Debian's DPDK has them: a few cycles
 * per frame that Virga does not need, since it counts per worker and per
 * drop reason itself. Turn them off for the walk compiled into this file.
 */
#include <rte_config.h>
#undef RTE_LIBRTE_GRAPH_STATS
#define RTE_LIBRTE_GRAPH_STATS 0

#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>

#include <rte_cycles.h>
#include <rte_graph.h>
#include <rte_graph_worker.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "core/dp_log.h"
#include "core/dp_node.h"
#include "core/dp_trace.h"
#include "pkt/dp_mbuf.h"
#include "dp_conf.h"
#include "dp_inject.h"
#include "dp_tables.h"
#include "dp_worker.h"

struct dp_workers dp_workers;
static uint64_t boot_tsc;
static unsigned int idle_sleep_us;

/*
 * Adaptive polling, as VPP's adaptive mode and OVS's pmd sleep: a worker
 * keeps polling for IDLE_SPIN_US after its last packet, so traffic that
 * pauses between bursts meets a polling loop; then it sleeps, first
 * IDLE_SLEEP_FIRST_US and twice as long after each empty poll up to
 * idle_sleep_us, and a packet brings it back to polling at once. Under load
 * no poll is empty for that long, so the loaded rate is that of pure
 * polling; idle, a worker costs a few wake-ups per millisecond instead of a
 * core.
 */
#define IDLE_SPIN_US 200u
#define IDLE_SLEEP_FIRST_US 10u

void dp_workers_set_idle_sleep(unsigned int usec)
{
	idle_sleep_us = usec;
}

/* After an empty poll at t0: sleeps if the worker has been idle long enough. */
static void idle_backoff(struct dp_worker *w, uint64_t t0)
{
	if (t0 - w->last_busy_tsc < w->idle_spin_tsc)
		return;
	rte_delay_us_sleep(w->idle_sleep_us);
	w->idle_sleep_us = RTE_MIN(2 * w->idle_sleep_us, idle_sleep_us);
}

/* Port ids, the router's source id and remote VTEPs' ids share the MAC table's port field. */
_Static_assert(DP_SRC_ROUTER >= DP_MAX_PORTS && DP_PEER_BASE > DP_SRC_ROUTER_LOCAL &&
				DP_PEER_UNKNOWN <= UINT16_MAX,
		"port, router and VTEP ids overlap");

int dp_workers_init(const unsigned int *lcores, unsigned int n)
{
	if (n > DP_MAX_WORKERS)
		return -EINVAL;
	boot_tsc = rte_rdtsc();
	for (unsigned int i = 0; i < n; i++) {
		struct dp_worker *w = rte_zmalloc("worker", sizeof(*w), RTE_CACHE_LINE_SIZE);

		if (w == NULL)
			return -ENOMEM;
		w->index = i;
		w->lcore_id = lcores[i];
		w->next_sec_tsc = boot_tsc + rte_get_tsc_hz();
		snprintf(w->graph_name, sizeof(w->graph_name), "worker%u", i);
		dp_workers.w[dp_workers.n++] = w;
		if (dp_inject_ring_create(w) < 0)
			return -ENOMEM;
	}
	return 0;
}

int dp_workers_create_graphs(void)
{
	static const char *patterns[] = {"port_rx", "bridge_input", "underlay_input", "ip4_route",
			"l2_flood", "vxlan_output", "sg_egress", "sg_ingress", "port_tx", "drop_*"};

	for (unsigned int i = 0; i < dp_workers.n; i++) {
		struct dp_worker *w = dp_workers.w[i];
		struct rte_graph_param param = {
			.socket_id = rte_lcore_to_socket_id(w->lcore_id),
			.nb_node_patterns = RTE_DIM(patterns),
			.node_patterns = patterns,
		};
		rte_graph_t id;
		int rc = dp_node_bind_graph(w->graph_name, w);

		if (rc < 0)
			return rc;
		id = rte_graph_create(w->graph_name, &param);
		if (id == RTE_GRAPH_ID_INVALID) {
			DP_LOG(ERR, "cannot create graph %s: %s", w->graph_name, rte_strerror(rte_errno));
			return -rte_errno;
		}
		w->graph = rte_graph_lookup(w->graph_name);
	}
	return 0;
}

int dp_workers_publish_rxqs(void)
{
	for (unsigned int i = 0; i < dp_workers.n; i++) {
		struct dp_worker *w = dp_workers.w[i];
		struct dp_rxq_list *l = rte_zmalloc("rxqs", sizeof(*l), RTE_CACHE_LINE_SIZE);

		if (l == NULL)
			return -ENOMEM;
		for (uint16_t p = 0; p < DP_MAX_PORTS; p++) {
			if (!dp_port_confs[p].used)
				continue;
			if (dp_port_confs[p].kind == DP_PORT_KIND_VHOST_USER) {
				l->vhost[l->n_vhost++] = p;
				continue;
			}
			l->q[l->n].port_id = p;
			l->q[l->n].queue_id = w->index;
			l->n++;
		}
		/* Retired like any snapshot: freed after every worker passed a quiescent state. */
		dp_tables_retire(__atomic_exchange_n(&w->rxq_list, l, __ATOMIC_RELEASE));
	}
	return 0;
}

uint32_t dp_clock_sec(void)
{
	return (rte_rdtsc() - boot_tsc) / rte_get_tsc_hz();
}

/* True when a new second began. */
static inline bool worker_clock(struct dp_worker *w, uint64_t now)
{
	/* A compare per loop instead of a division: the clock only needs seconds. */
	if (likely(now < w->next_sec_tsc))
		return false;
	w->now_sec = (now - boot_tsc) / rte_get_tsc_hz();
	w->next_sec_tsc = boot_tsc + (uint64_t)(w->now_sec + 1) * rte_get_tsc_hz();
	return true;
}

void dp_worker_tick(struct dp_worker *w)
{
	/* The requests it asks again go out from port_rx, first in this loop's walk. */
	if (w->arp_wait.n)
		dp_arp_wait_tick(w);
}

static int worker_main(void *arg)
{
	struct dp_worker *w = arg;
	struct rte_rcu_qsbr *rcu = dp_tables.rcu;

	rte_rcu_qsbr_thread_register(rcu, w->index);
	rte_rcu_qsbr_thread_online(rcu, w->index);
	/* The kernel's default 50 us of timer slack would make every short sleep long. */
	prctl(PR_SET_TIMERSLACK, 1000UL);
	w->idle_spin_tsc = rte_get_tsc_hz() / 1000000 * IDLE_SPIN_US;
	w->last_busy_tsc = rte_rdtsc();
	w->idle_sleep_us = RTE_MIN(IDLE_SLEEP_FIRST_US, idle_sleep_us);
	DP_LOG(INFO, "worker %u running on lcore %u", w->index, w->lcore_id);
	while (!w->stop) {
		uint64_t t0 = rte_rdtsc(), packets = w->packets;

		/* Before the walk: the tick reads the tables, as the stages do, before the
		 * quiescent state below. */
		if (worker_clock(w, t0))
			dp_worker_tick(w);
		w->trace = dp_trace_enabled();
		rte_graph_walk(w->graph);
		/* Nothing read from the tables above is held past this point. */
		rte_rcu_qsbr_quiescent(rcu, w->index);
		if (w->packets != packets) {
			uint64_t t1 = rte_rdtsc();

			w->busy_cycles += t1 - t0;
			w->last_busy_tsc = t1;
			w->idle_sleep_us = RTE_MIN(IDLE_SLEEP_FIRST_US, idle_sleep_us);
			continue;
		}
		/* A node that shares its CPUs (with VMs, other dataplanes, tests) trades a
		 * little latency after a pause for the CPU time a poll loop would burn. */
		if (idle_sleep_us)
			idle_backoff(w, t0);
		w->idle_cycles += rte_rdtsc() - t0;
	}
	rte_rcu_qsbr_thread_offline(rcu, w->index);
	rte_rcu_qsbr_thread_unregister(rcu, w->index);
	return 0;
}

int dp_workers_start(void)
{
	for (unsigned int i = 0; i < dp_workers.n; i++) {
		struct dp_worker *w = dp_workers.w[i];
		int rc = rte_eal_remote_launch(worker_main, w, w->lcore_id);

		if (rc < 0)
			return rc;
	}
	return 0;
}

void dp_workers_stop(void)
{
	for (unsigned int i = 0; i < dp_workers.n; i++)
		dp_workers.w[i]->stop = true;
	for (unsigned int i = 0; i < dp_workers.n; i++)
		rte_eal_wait_lcore(dp_workers.w[i]->lcore_id);
}

void dp_workers_fini(void)
{
	for (unsigned int i = 0; i < dp_workers.n; i++) {
		struct dp_worker *w = dp_workers.w[i];

		if (w->graph)
			rte_graph_destroy(rte_graph_from_name(w->graph_name));
		rte_free(w->rxq_list);
		dp_inject_ring_free(w);
		rte_free(w);
	}
	memset(&dp_workers, 0, sizeof(dp_workers));
}
