/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scheduler (controlplane/compute/scheduler.c) on three hosts: only
 * live compute nodes with room are candidates, the one with the most free
 * RAM wins, servers already placed count, a node offers what it reports
 * times Nova's allocation ratios (16 vCPUs, 1.5 RAM, 1.0 disk), and no
 * room is -ENOSPC.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../controlplane/compute/server.h"

#define NOW 1800000000
#define STAMP "2027-01-15 08:00:00" /* NOW as an agent's heartbeat */

static json_t *agent(const char *host, int vcpus, int ram, int disk, const char *beat)
{
	return json_pack("{s:s, s:b, s:s, s:{s:{s:i, s:i, s:i}}}", "host", host, "admin_state_up", 1,
		"heartbeat_timestamp", beat, "configurations", "compute", "vcpus", vcpus,
		"memory_mb", ram, "disk_gb", disk);
}

static json_t *flavor(int vcpus, int ram, int disk)
{
	return json_pack("{s:i, s:i, s:i}", "vcpus", vcpus, "ram", ram, "disk", disk);
}

static json_t *placed(const char *host, int vcpus, int ram, int disk)
{
	return json_pack("{s:s, s:o}", "OS-EXT-SRV-ATTR:host", host, "virga:flavor",
		flavor(vcpus, ram, disk));
}

static void most_free_ram_wins(void **state)
{
	json_t *agents = json_pack("[o, o, o]", agent("a", 4, 4096, 50, STAMP),
		agent("b", 4, 8192, 50, STAMP), agent("c", 4, 2048, 50, STAMP));
	json_t *servers = json_array(), *f = flavor(1, 512, 1);
	char host[256];

	(void)state;
	assert_int_equal(cp_sched_pick(agents, servers, f, NOW, 30, host), 0);
	assert_string_equal(host, "b");
	/* b's RAM taken by what is already there (12288 offered, 8192 used):
	 * a has more left (6144). */
	json_array_append_new(servers, placed("b", 1, 8192, 1));
	assert_int_equal(cp_sched_pick(agents, servers, f, NOW, 30, host), 0);
	assert_string_equal(host, "a");
	json_decref(agents);
	json_decref(servers);
	json_decref(f);
}

static void dead_and_full_nodes_are_skipped(void **state)
{
	json_t *agents = json_pack("[o, o, o]", agent("a", 4, 4096, 50, "2027-01-15 07:00:00"),
		agent("b", 1, 8192, 50, STAMP), agent("c", 4, 2048, 0, STAMP));
	json_t *servers = json_array(), *f = flavor(2, 512, 1);
	char host[256];

	(void)state;
	/* a is dead (an hour silent), b has one vCPU (16 with the ratio), c no disk. */
	json_decref(f);
	f = flavor(17, 512, 1);
	assert_int_equal(cp_sched_pick(agents, servers, f, NOW, 30, host), -ENOSPC);
	json_decref(f);
	f = flavor(16, 512, 1);
	assert_int_equal(cp_sched_pick(agents, servers, f, NOW, 30, host), 0);
	assert_string_equal(host, "b");
	json_decref(agents);
	json_decref(servers);
	json_decref(f);
}

/* Each ratio on its own, at the edge: what fits exactly fits, one more does not. */
static void overcommit_is_novas_default_ratios(void **state)
{
	static const struct {
		int vcpus, ram, disk, rc;
	} cases[] = {
		{32, 64, 1, 0}, {33, 64, 1, -ENOSPC},        /* 2 vCPUs x 16 */
		{1, 1536, 1, 0}, {1, 1537, 1, -ENOSPC},      /* 1024 MiB x 1.5 */
		{1, 64, 10, 0}, {1, 64, 11, -ENOSPC},        /* 10 GiB x 1.0 */
	};
	json_t *agents = json_pack("[o, o, o]", agent("x", 2, 1024, 10, STAMP),
		agent("y", 2, 1024, 10, "2027-01-15 07:00:00"), agent("z", 0, 0, 0, STAMP));
	json_t *servers = json_array();
	char host[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *f = flavor(cases[i].vcpus, cases[i].ram, cases[i].disk);

		assert_int_equal(cp_sched_pick(agents, servers, f, NOW, 30, host), cases[i].rc);
		if (cases[i].rc == 0)
			assert_string_equal(host, "x");
		json_decref(f);
	}
	/* What is placed counts against the overcommitted offer: 31 of 32 vCPUs. */
	json_array_append_new(servers, placed("x", 31, 64, 1));
	{
		json_t *one = flavor(1, 64, 1), *two = flavor(2, 64, 1);

		assert_int_equal(cp_sched_pick(agents, servers, one, NOW, 30, host), 0);
		assert_int_equal(cp_sched_pick(agents, servers, two, NOW, 30, host), -ENOSPC);
		json_decref(one);
		json_decref(two);
	}
	json_decref(agents);
	json_decref(servers);
}

static void a_node_without_compute_takes_nothing(void **state)
{
	json_t *agents = json_pack("[{s:s, s:b, s:s, s:{s:i}}]", "host", "net1", "admin_state_up", 1,
		"heartbeat_timestamp", STAMP, "configurations", "vcpus", 64);
	json_t *servers = json_array(), *f = flavor(1, 64, 0);
	char host[256];

	(void)state;
	assert_int_equal(cp_sched_pick(agents, servers, f, NOW, 30, host), -ENOSPC);
	json_decref(agents);
	json_decref(servers);
	json_decref(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(most_free_ram_wins),
		cmocka_unit_test(dead_and_full_nodes_are_skipped),
		cmocka_unit_test(overcommit_is_novas_default_ratios),
		cmocka_unit_test(a_node_without_compute_takes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
