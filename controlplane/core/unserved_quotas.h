/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Quota sets of Nova and Cinder, which Virga does not serve yet: their
 * defaults, read-only and unenforced (unserved_quotas.c says why).
 */
#ifndef CP_UNSERVED_QUOTAS_H
#define CP_UNSERVED_QUOTAS_H

#include "resource.h"

enum cp_unserved_service { CP_UNSERVED_COMPUTE, CP_UNSERVED_VOLUME };

/* GET os-quota-sets/{project}: admin, or the project itself (403 else).
 * usage: each value as {"limit", "in_use", "reserved"} (Nova's /detail,
 * Cinder's ?usage=true). *out is a new reference. */
int cp_unserved_quota_set(struct cp_ctx *ctx, enum cp_unserved_service svc,
	const char *project_id, bool usage, json_t **out);

#endif
