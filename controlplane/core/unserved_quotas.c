/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The quota sets of the services Virga does not run yet (Nova, Cinder):
 * their documented defaults, read-only, with nothing in use. They exist
 * because `openstack quota show` asks compute and volume before network
 * and fails on anything but an answer; nothing enforces them, since there
 * are no servers or volumes to count. When Nova and Cinder arrive, their
 * quotas move to their services and this file goes.
 * Control threads only.
 */
#include "unserved_quotas.h"

#include <string.h>

struct default_limit {
	const char *name;
	json_int_t limit;
};

/* nova/conf/quota.py, as the v2.1 API (no microversion) shows them. */
static const struct default_limit nova[] = {
	{"instances", 10}, {"cores", 20}, {"ram", 51200}, {"metadata_items", 128},
	{"key_pairs", 100}, {"server_groups", 10}, {"server_group_members", 10},
	{"injected_files", 5}, {"injected_file_content_bytes", 10240},
	{"injected_file_path_bytes", 255}, {"floating_ips", 10}, {"fixed_ips", -1},
	{"security_groups", 10}, {"security_group_rules", 20}, {NULL, 0},
};

/* cinder/quota.py's defaults. */
static const struct default_limit cinder[] = {
	{"volumes", 10}, {"snapshots", 10}, {"gigabytes", 1000}, {"backups", 10},
	{"backup_gigabytes", 1000}, {"per_volume_gigabytes", -1}, {"groups", 10}, {NULL, 0},
};

int cp_unserved_quota_set(struct cp_ctx *ctx, enum cp_unserved_service svc,
	const char *project_id, bool usage, json_t **out)
{
	const struct default_limit *l = svc == CP_UNSERVED_COMPUTE ? nova : cinder;
	int rc = cp_policy_check(ctx->caller, "quota", CP_READ, NULL, project_id, &ctx->err);

	if (rc)
		return rc;
	*out = json_pack("{s:s}", "id", project_id);
	for (; l->name; l++)
		json_object_set_new(*out, l->name,
			usage ? json_pack("{s:I, s:i, s:i}", "limit", l->limit, "in_use", 0,
					"reserved", 0)
			      : json_integer(l->limit));
	return 0;
}
