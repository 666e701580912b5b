/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DHCP entries on the control thread: DHCP_SET checks a port's configuration,
 * encodes its options once, and publishes the entry whole (dp_dhcp.h);
 * DHCP_DEL and the port's deletion retire it.
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "core/dp_log.h"
#include "engine/dp_conf.h"
#include "engine/dp_tables.h"
#include "engine/dp_worker.h"
#include "dp_dhcp.h"

struct dp_dhcp_entry *dp_dhcp_entries[DP_MAX_PORTS];
uint32_t dp_dhcp_n_entries;

/* The workers' counts of a port when its entry was set: a new entry starts at 0. */
static struct dp_dhcp_counters base[DP_MAX_PORTS];

/* a += sign * b, field by field. */
static void add(struct dp_dhcp_counters *a, const struct dp_dhcp_counters *b, int sign)
{
	for (size_t k = 0; k < RTE_DIM(a->by_type); k++)
		a->by_type[k] += (uint64_t)sign * b->by_type[k];
	a->rate_limited += (uint64_t)sign * b->rate_limited;
}

static void sum(uint16_t port_id, struct dp_dhcp_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < dp_workers.n; i++)
		add(out, &dp_workers.w[i]->dhcp[port_id].c, 1);
}

void dp_conf_dhcp_counters(uint16_t port_id, struct dp_dhcp_counters *out)
{
	sum(port_id, out);
	add(out, &base[port_id], -1);
}

static void publish(uint16_t port_id, struct dp_dhcp_entry *e)
{
	struct dp_dhcp_entry *old =
	                __atomic_exchange_n(&dp_dhcp_entries[port_id], e, __ATOMIC_RELEASE);

	__atomic_store_n(&dp_dhcp_n_entries, dp_dhcp_n_entries + (e != NULL) - (old != NULL),
	                __ATOMIC_RELEASE);
	/* Read by workers until they pass a quiescent state. */
	dp_tables_retire(old);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* A unicast address a host can have: not 0/8, loopback, multicast or broadcast. */
static bool host_ip(uint32_t ip_be)
{
	uint32_t ip = rte_be_to_cpu_32(ip_be);

	return ip >> 24 != 0 && ip >> 24 != 127 && ip < 0xe0000000u;
}

/* What the options cannot say for themselves: addresses that make sense together. */
static bool conf_ok(const struct dp_dhcp_set_req *r)
{
	const struct rte_ether_addr *mac = (const void *)r->mac;
	uint32_t ip = get32(r->ip), gw = get32(r->gateway);
	uint32_t mask = r->prefix_len >= 1 && r->prefix_len <= 30
	                                ? rte_cpu_to_be_32(~0u << (32 - r->prefix_len))
	                                : 0;

	if (r->exist_ok > 1 || mask == 0 || rte_is_zero_ether_addr(mac) ||
	                !rte_is_unicast_ether_addr(mac))
		return false;
	if (!host_ip(ip) || !host_ip(get32(r->server_ip)) || get32(r->server_ip) == ip)
		return false;
	/* Neither the subnet's own address nor its broadcast (RFC 919, RFC 922). */
	if ((ip & ~mask) == 0 || (ip & ~mask) == ~mask)
		return false;
	/* The router must be on the link, or the client cannot reach it (RFC 2132 3.5). */
	if (gw != 0 && (!host_ip(gw) || gw == ip || (gw & mask) != (ip & mask)))
		return false;
	for (unsigned int i = 0; i < r->dns_count && i < DP_DHCP_MAX_DNS; i++)
		if (!host_ip(get32(r->dns[i])))
			return false;
	return true;
}

int dp_conf_dhcp_set(const struct dp_dhcp_set_req *req)
{
	struct dp_dhcp_entry *e;
	int id, len;

	if (!dp_conf_name_ok(req->port, sizeof(req->port), true) || !conf_ok(req))
		return -EINVAL;
	id = dp_conf_port_by_name(req->port);
	if (id < 0)
		return id;
	if (dp_dhcp_entries[id] != NULL && !req->exist_ok)
		return -EEXIST;
	e = rte_zmalloc("dhcp", sizeof(*e), RTE_CACHE_LINE_SIZE);
	if (e == NULL)
		return -ENOMEM;
	len = dp_dhcp_options_build(req, e->opts, sizeof(e->opts));
	if (len < 0) {
		rte_free(e);
		return len == -ENOSPC ? -EINVAL : len;
	}
	e->opts_len = (uint16_t)len;
	e->conf = *req;
	e->conf.exist_ok = 0;
	if (e->conf.lease_time == 0)
		e->conf.lease_time = DP_DHCP_DEFAULT_LEASE;
	memcpy(&e->mac, req->mac, sizeof(e->mac));
	e->ip = get32(req->ip);
	e->server_ip = get32(req->server_ip);
	dp_dhcp_server_mac(e->server_ip, &e->src_mac);
	/* A replaced entry's counts go on; a new one's start at 0. */
	if (dp_dhcp_entries[id] == NULL)
		sum((uint16_t)id, &base[id]);
	publish((uint16_t)id, e);
	return 0;
}

int dp_conf_dhcp_del(const struct dp_dhcp_del_req *req)
{
	int id;

	if (!dp_conf_name_ok(req->port, sizeof(req->port), true) || req->missing_ok > 1)
		return -EINVAL;
	id = dp_conf_port_by_name(req->port);
	if (id < 0 || dp_dhcp_entries[id] == NULL)
		return req->missing_ok ? 0 : -ENOENT;
	publish((uint16_t)id, NULL);
	return 0;
}

void dp_conf_dhcp_port_gone(uint16_t port_id)
{
	publish(port_id, NULL);
}
