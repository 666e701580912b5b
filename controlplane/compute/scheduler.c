/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scheduler: Nova's filter scheduler cut to what a node tells us. Each
 * node's agent reports its capacity in its agent report, under
 * configurations.compute = {"vcpus", "memory_mb", "disk_gb"}; a node that
 * does not is no compute node. What is used on a node is the sum of the
 * flavors of the servers placed there (whatever their state: a SHUTOFF or
 * ERROR server keeps its resources until deleted, as Nova's placement
 * does). What a node offers is what it reports times Nova's default
 * allocation ratios (nova.conf's initial_cpu_allocation_ratio 16.0,
 * initial_ram_allocation_ratio 1.5, initial_disk_allocation_ratio 1.0), so
 * that a node places as many servers as a Nova compute node of its size
 * would; the weigher then spreads them by free RAM before any node is
 * crowded. Pure over its arguments (the caller reads the rows in its
 * transaction).
 */
#include "server.h"
#include "../network/network.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct room {
	json_int_t vcpus, ram, disk;
};

/* Nova's default ratios as fractions (x num / den), kept integral. */
#define CPU_RATIO_NUM 16
#define CPU_RATIO_DEN 1
#define RAM_RATIO_NUM 3
#define RAM_RATIO_DEN 2
#define DISK_RATIO_NUM 1
#define DISK_RATIO_DEN 1

static json_int_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

const json_t *cp_sched_offer(const json_t *agent)
{
	const json_t *c = json_object_get(json_object_get(agent, "configurations"), "compute");

	return json_is_object(c) ? c : NULL;
}

void cp_sched_used(const json_t *servers, const char *host, struct cp_sched_use *u)
{
	const json_t *s;
	size_t i;

	memset(u, 0, sizeof(*u));
	json_array_foreach(servers, i, s) {
		const json_t *f = json_object_get(s, "virga:flavor");

		if (strcmp(cp_json_str(s, "OS-EXT-SRV-ATTR:host") ?: "", host) != 0)
			continue;
		u->vcpus += num(f, "vcpus");
		u->ram_mb += num(f, "ram");
		u->disk_gb += num(f, "disk");
		u->servers++;
	}
}

/* What host still offers once the servers on it are counted. */
static struct room room_left(const json_t *offer, const json_t *servers, const char *host)
{
	struct cp_sched_use used;

	cp_sched_used(servers, host, &used);
	return (struct room){num(offer, "vcpus") * CPU_RATIO_NUM / CPU_RATIO_DEN - used.vcpus,
		num(offer, "memory_mb") * RAM_RATIO_NUM / RAM_RATIO_DEN - used.ram_mb,
		num(offer, "disk_gb") * DISK_RATIO_NUM / DISK_RATIO_DEN - used.disk_gb};
}

/* The weigher's order: true when a is better than b. */
static bool better(const struct room *a, const char *ah, const struct room *b, const char *bh)
{
	if (a->ram != b->ram)
		return a->ram > b->ram;
	if (a->vcpus != b->vcpus)
		return a->vcpus > b->vcpus;
	return strcmp(ah, bh) < 0;
}

int cp_sched_pick(const json_t *agents, const json_t *servers, const json_t *flavor,
	int64_t now, int down_time, char host[256])
{
	struct room best = {0};
	const json_t *a;
	bool found = false;
	size_t i;

	host[0] = '\0';
	json_array_foreach(agents, i, a) {
		const json_t *offer = cp_sched_offer(a);
		const char *name = cp_json_str(a, "host");
		struct room r;

		if (!offer || !name || !*name || strlen(name) >= 256 ||
			!cp_json_bool(a, "admin_state_up", true) || !cp_agent_alive_at(a, now, down_time))
			continue;
		r = room_left(offer, servers, name);
		if (r.vcpus < num(flavor, "vcpus") || r.ram < num(flavor, "ram") ||
			r.disk < num(flavor, "disk"))
			continue;
		if (!found || better(&r, name, &best, host)) {
			best = r;
			snprintf(host, 256, "%s", name);
			found = true;
		}
	}
	return found ? 0 : -ENOSPC;
}
