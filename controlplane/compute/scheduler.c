/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scheduler: Nova's filter scheduler cut to what a node tells us. Each
 * node's agent reports its capacity in its agent report, under
 * configurations.compute = {"vcpus", "memory_mb", "disk_gb"}; a node that
 * does not is no compute node. What is used on a node is the sum of the
 * flavors of the servers placed there (whatever their state: a SHUTOFF or
 * ERROR server keeps its resources until deleted, as Nova's placement
 * does). No overcommit: the all-in-one runs beside a polling dataplane, and
 * a TCG guest that gets less than its vCPU boots far too slowly.
 * Pure over its arguments (the caller reads the rows in its transaction).
 */
#include "server.h"
#include "../network/network.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct room {
	json_int_t vcpus, ram, disk;
};

static json_int_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* What host still offers once the servers on it are counted. */
static struct room room_left(const json_t *offer, const json_t *servers, const char *host)
{
	struct room r = {num(offer, "vcpus"), num(offer, "memory_mb"), num(offer, "disk_gb")};
	const json_t *s;
	size_t i;

	json_array_foreach(servers, i, s) {
		const json_t *f = json_object_get(s, "virga:flavor");

		if (strcmp(cp_json_str(s, "OS-EXT-SRV-ATTR:host") ?: "", host) != 0)
			continue;
		r.vcpus -= num(f, "vcpus");
		r.ram -= num(f, "ram");
		r.disk -= num(f, "disk");
	}
	return r;
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
		const json_t *offer = json_object_get(json_object_get(a, "configurations"), "compute");
		const char *name = cp_json_str(a, "host");
		struct room r;

		if (!json_is_object(offer) || !name || !*name || strlen(name) >= 256 ||
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
