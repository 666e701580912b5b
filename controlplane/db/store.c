/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store.h's functions, each sent to the open backend's table for its group
 * (backend.h): the services call these and never learn which backend
 * answers.
 */
#include "backend.h"

int cp_store_alloc_add(struct cp_db *db, const char *subnet_id, const char *ip,
	const char *port_id)
{
	return db->be->ipam->alloc_add(db, subnet_id, ip, port_id);
}

int cp_store_allocs_release_port(struct cp_db *db, const char *port_id)
{
	return db->be->ipam->allocs_release_port(db, port_id);
}

int cp_store_allocs_of_subnet(struct cp_db *db, const char *subnet_id,
	int (*each)(const char *ip, void *arg), void *arg)
{
	return db->be->ipam->allocs_of_subnet(db, subnet_id, each, arg);
}

int cp_store_allocs_count(struct cp_db *db, const char *subnet_id)
{
	return db->be->ipam->allocs_count(db, subnet_id);
}

int cp_store_token_put(struct cp_db *db, const char *hash, const struct cp_stored_token *t)
{
	return db->be->tokens->put(db, hash, t);
}

int cp_store_token_get(struct cp_db *db, const char *hash, struct cp_stored_token *t)
{
	return db->be->tokens->get(db, hash, t);
}

int cp_store_token_revoke(struct cp_db *db, const char *hash, const char *user_id,
	bool any_user)
{
	return db->be->tokens->revoke(db, hash, user_id, any_user);
}

int cp_store_tokens_revoke_user(struct cp_db *db, const char *user_id)
{
	return db->be->tokens->revoke_user(db, user_id);
}

int cp_store_tokens_drop_user(struct cp_db *db, const char *user_id)
{
	return db->be->tokens->drop_user(db, user_id);
}

int cp_store_tokens_sweep(struct cp_db *db, int64_t expired_before)
{
	return db->be->tokens->sweep(db, expired_before);
}

int cp_store_password_put(struct cp_db *db, const char *user_id, const char *hash)
{
	return db->be->passwords->put(db, user_id, hash);
}

int cp_store_password_get(struct cp_db *db, const char *user_id, char *hash, size_t size)
{
	return db->be->passwords->get(db, user_id, hash, size);
}

int cp_store_password_drop(struct cp_db *db, const char *user_id)
{
	return db->be->passwords->drop(db, user_id);
}

int cp_store_quota_limits(struct cp_db *db, const char *project_id,
	int (*each)(const char *resource, int64_t limit, void *arg), void *arg)
{
	return db->be->quotas->limits(db, project_id, each, arg);
}

json_t *cp_store_quota_projects(struct cp_db *db)
{
	return db->be->quotas->projects(db);
}

int cp_store_quota_put(struct cp_db *db, const char *project_id, const char *resource,
	int64_t limit)
{
	return db->be->quotas->put(db, project_id, resource, limit);
}

int cp_store_quota_get(struct cp_db *db, const char *project_id, const char *resource,
	int64_t *limit)
{
	return db->be->quotas->get(db, project_id, resource, limit);
}

int cp_store_quota_reset(struct cp_db *db, const char *project_id)
{
	return db->be->quotas->reset(db, project_id);
}

int cp_store_segment_taken(struct cp_db *db, const char *network_id, const char *type,
	const char *physnet, int64_t segmentation_id)
{
	return db->be->segments->taken(db, network_id, type, physnet, segmentation_id);
}

int64_t cp_store_vni_first_free(struct cp_db *db)
{
	return db->be->segments->vni_first_free(db);
}

int cp_store_assignments_of(struct cp_db *db, const char *target, const char *actor,
	int (*each)(const char *role_id, const char *actor_type, void *arg), void *arg)
{
	return db->be->assignments->of(db, target, actor, each, arg);
}
