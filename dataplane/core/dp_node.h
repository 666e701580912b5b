/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the graph nodes: registration from a table of edge names,
 * the worker a node instance belongs to, and the enqueue of a decided burst.
 * The worker is opaque here (engine/dp_worker.h says what it holds): a graph
 * is bound to its worker before it is created, and every node of it gets that
 * worker in its context.
 */
#ifndef VIRGA_DP_NODE_H
#define VIRGA_DP_NODE_H

#include <stdint.h>
#include <string.h>

#include <rte_graph_worker.h>

struct dp_worker;

/* Node context (RTE_NODE_CTX_SZ bytes, per node per graph). */
struct dp_node_ctx {
	struct dp_worker *worker;
	uint32_t arg; /* node-specific, e.g. the drop reason */
};

static inline struct dp_worker *dp_node_worker(const struct rte_node *node)
{
	return ((const struct dp_node_ctx *)node->ctx)->worker;
}

static inline uint32_t dp_node_arg(const struct rte_node *node)
{
	return ((const struct dp_node_ctx *)node->ctx)->arg;
}

/*
 * Start-up, before rte_graph_create(graph_name): the worker the nodes of that graph
 * belong to. 0, or -ENOSPC past DP_NODE_MAX_GRAPHS graphs.
 */
#define DP_NODE_MAX_GRAPHS 64
int dp_node_bind_graph(const char *graph_name, struct dp_worker *w);

/*
 * Start-up: registers a node whose context points to its graph's worker (a graph
 * nobody bound cannot be created). `flags` is 0 or RTE_NODE_SOURCE_F.
 */
int dp_node_register_full(const char *name, rte_node_process_t process, uint64_t flags,
		uint32_t arg, const char *const *edges, unsigned int n_edges);

static inline int dp_node_register(const char *name, rte_node_process_t process,
		const char *const *edges, unsigned int n_edges)
{
	return dp_node_register_full(name, process, 0, 0, edges, n_edges);
}

/*
 * Packet path: moves each objs[i] to edge next[i]. When the node's whole burst goes
 * one way (the common case) the stream itself is handed over, with no copy
 * (DPDK lib/node/ip4_lookup.c does the same); otherwise runs of equal edges
 * are enqueued together.
 */
static inline void dp_node_enqueue_burst(struct rte_graph *graph, struct rte_node *node,
		void **objs, const uint16_t *next, uint16_t n)
{
	uint16_t i, start = 0;

	if (n == 0)
		return;
	for (i = 1; i < n; i++)
		if (next[i] != next[0])
			break;
	/* Moving the stream hands over node->objs itself: only when that is what we have. */
	if (i == n && objs == node->objs && n == node->idx) {
		rte_node_next_stream_move(graph, node, next[0]);
		return;
	}
	if (i == n) {
		rte_node_enqueue(graph, node, next[0], objs, n);
		return;
	}
	for (i = 1; i <= n; i++) {
		if (i == n || next[i] != next[start]) {
			rte_node_enqueue(graph, node, next[start], &objs[start], i - start);
			start = i;
		}
	}
}

#endif
