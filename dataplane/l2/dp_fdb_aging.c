/* SPDX-License-Identifier: Apache-2.0 */
/* MAC aging, on the control thread: forgets what was not seen for the aging
 * time, and reclaims the entries of ports flushed by an epoch bump. */
#include "engine/dp_conf.h"
#include "dp_fdb_aging.h"

struct aging {
	uint32_t now;
	uint32_t max_age;
	uint32_t removed;
};

static enum dp_kv_visit age_one(uint64_t key, uint64_t val, void *arg)
{
	struct aging *a = arg;
	bool stale = dp_conf_fdb_stale(val);
	bool old = !(val & DP_FDB_VAL_STATIC) && a->now - DP_FDB_VAL_SEEN(val) > a->max_age;

	RTE_SET_USED(key);
	if (!stale && !old)
		return DP_KV_KEEP;
	a->removed++;
	return DP_KV_DELETE;
}

uint32_t dp_fdb_age(struct dp_kv *t, uint32_t now_sec)
{
	struct aging a = {.now = now_sec, .max_age = t->aging_sec};

	dp_kv_walk(t, 0, age_one, &a);
	return a.removed;
}
