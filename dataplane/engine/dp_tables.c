/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "core/dp_log.h"
#include "dp_neigh.h"
#include "dp_tables.h"

struct dp_tables dp_tables;

/* What the defer queue holds: the object and how to destroy it. */
struct retired {
	void *obj;
	void (*destroy)(void *);
};

static void free_snapshot(void *p, void *e, unsigned int n)
{
	struct retired *r = e;

	RTE_SET_USED(p);
	for (unsigned int i = 0; i < n; i++)
		r[i].destroy(r[i].obj);
}

int dp_tables_init(unsigned int n_workers, uint32_t fdb_entries, uint32_t aging_sec)
{
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX(n_workers, 1u));
	struct rte_rcu_qsbr_dq_parameters params = {
		.name = "virga_snapshots",
		.size = 4096,
		.esize = sizeof(struct retired),
		.trigger_reclaim_limit = 64,
		.max_reclaim_size = 256,
		.free_fn = free_snapshot,
	};
	int rc;

	dp_tables.rcu = rte_zmalloc("rcu", sz, RTE_CACHE_LINE_SIZE);
	if (dp_tables.rcu == NULL)
		return -ENOMEM;
	rc = rte_rcu_qsbr_init(dp_tables.rcu, RTE_MAX(n_workers, 1u));
	if (rc < 0)
		return rc;
	params.v = dp_tables.rcu;
	dp_tables.defer = rte_rcu_qsbr_dq_create(&params);
	if (dp_tables.defer == NULL)
		return -rte_errno;
	rc = dp_kv_init(&dp_tables.neigh, 4096, DP_NEIGH_TIMEOUT_SEC);
	if (rc < 0)
		return rc;
	return dp_kv_init(&dp_tables.fdb, fdb_entries, aging_sec);
}

void dp_tables_fini(void)
{
	for (unsigned int i = 0; i < RTE_DIM(dp_tables.ports); i++)
		rte_free(dp_tables.ports[i]);
	for (unsigned int i = 0; i < RTE_DIM(dp_tables.networks); i++)
		rte_free(dp_tables.networks[i]);
	rte_free(dp_tables.vtep);
	for (unsigned int i = 0; i < RTE_DIM(dp_tables.routers); i++)
		rte_free(dp_tables.routers[i]);
	dp_kv_fini(&dp_tables.neigh);
	if (dp_tables.defer)
		rte_rcu_qsbr_dq_delete(dp_tables.defer);
	dp_kv_fini(&dp_tables.fdb);
	rte_free(dp_tables.rcu);
	memset(&dp_tables, 0, sizeof(dp_tables));
}

void dp_tables_retire_with(void *old, void (*destroy)(void *))
{
	struct retired r = {old, destroy};

	if (old == NULL)
		return;
	/* When the queue is full, enqueue reclaims what it can first; it only fails if
	 * nothing can be reclaimed yet, and then waiting for the workers is correct. */
	if (rte_rcu_qsbr_dq_enqueue(dp_tables.defer, &r) != 0) {
		rte_rcu_qsbr_synchronize(dp_tables.rcu, RTE_QSBR_THRID_INVALID);
		destroy(old);
	}
}

void dp_tables_retire(void *old)
{
	dp_tables_retire_with(old, rte_free);
}

void dp_tables_publish_port(uint16_t port_id, struct dp_port *p)
{
	dp_tables_retire(__atomic_exchange_n(&dp_tables.ports[port_id], p, __ATOMIC_RELEASE));
}

void dp_tables_publish_network(uint16_t net_id, struct dp_network *n)
{
	dp_tables_retire(__atomic_exchange_n(&dp_tables.networks[net_id], n, __ATOMIC_RELEASE));
}

void dp_tables_publish_vtep(struct dp_vtep *v)
{
	dp_tables_retire(__atomic_exchange_n(&dp_tables.vtep, v, __ATOMIC_RELEASE));
}

void dp_tables_publish_router(uint16_t id, struct dp_router *r)
{
	dp_tables_retire(__atomic_exchange_n(&dp_tables.routers[id], r, __ATOMIC_RELEASE));
}

void dp_tables_reclaim(void)
{
	rte_rcu_qsbr_dq_reclaim(dp_tables.defer, 256, NULL, NULL, NULL);
}

void dp_tables_synchronize(void)
{
	rte_rcu_qsbr_synchronize(dp_tables.rcu, RTE_QSBR_THRID_INVALID);
}
