/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_graph.h>

#include "dp_log.h"
#include "dp_node.h"

/* The per-node argument, by node id: registration happens once at start-up. */
#define MAX_NODES 128
static uint32_t node_args[MAX_NODES];

/* Graphs and their workers, bound at start-up before the graphs are created. */
static struct {
	char name[RTE_GRAPH_NAMESIZE];
	struct dp_worker *worker;
} graphs[DP_NODE_MAX_GRAPHS];

int dp_node_bind_graph(const char *graph_name, struct dp_worker *w)
{
	for (unsigned int i = 0; i < RTE_DIM(graphs); i++) {
		if (graphs[i].worker == NULL || strcmp(graphs[i].name, graph_name) == 0) {
			snprintf(graphs[i].name, sizeof(graphs[i].name), "%s", graph_name);
			graphs[i].worker = w;
			return 0;
		}
	}
	return -ENOSPC;
}

/* Node contexts are filled when a worker's graph is created: the worker is
 * found by the graph's name. */
static int node_init(const struct rte_graph *graph, struct rte_node *node)
{
	struct dp_node_ctx *ctx = (struct dp_node_ctx *)node->ctx;

	RTE_BUILD_BUG_ON(sizeof(*ctx) > RTE_NODE_CTX_SZ);
	ctx->worker = NULL;
	ctx->arg = node->id < MAX_NODES ? node_args[node->id] : 0;
	for (unsigned int i = 0; i < RTE_DIM(graphs) && graphs[i].worker != NULL; i++)
		if (strcmp(graphs[i].name, graph->name) == 0)
			ctx->worker = graphs[i].worker;
	return ctx->worker ? 0 : -ENOENT;
}

int dp_node_register_full(const char *name, rte_node_process_t process, uint64_t flags,
		uint32_t arg, const char *const *edges, unsigned int n_edges)
{
	struct rte_node_register *reg;
	rte_node_t id;

	/* The registration is copied by rte_graph; ours may go after the call. */
	reg = calloc(1, sizeof(*reg) + n_edges * sizeof(reg->next_nodes[0]));
	if (reg == NULL)
		return -ENOMEM;
	snprintf(reg->name, sizeof(reg->name), "%s", name);
	reg->flags = flags;
	reg->process = process;
	reg->init = node_init;
	reg->nb_edges = n_edges;
	for (unsigned int i = 0; i < n_edges; i++)
		reg->next_nodes[i] = edges[i];
	id = __rte_node_register(reg);
	free(reg);
	if (id == RTE_NODE_ID_INVALID || id >= MAX_NODES) {
		DP_LOG(ERR, "cannot register graph node %s", name);
		return -EINVAL;
	}
	node_args[id] = arg;
	return 0;
}
