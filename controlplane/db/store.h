/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store's meaning-level operations on what is not a JSON object of the
 * API: addresses handed out, tokens, password hashes, quota limits, and the
 * few object queries that use an index of their own (segments, role
 * assignments). Each group is one file, db/store_<group>.c. Every function
 * runs inside a transaction the caller holds (cp_db_begin) and returns 0 or
 * a negative errno unless it says otherwise; -EIO is a database failure,
 * already logged. Control threads only.
 */
#ifndef CP_STORE_H
#define CP_STORE_H

#include "../core/cp.h"

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

struct cp_db;

/* store_ipam.c: the addresses of subnets handed out to ports. A (subnet,
 * address) pair is recorded once at most: that is what makes an address
 * impossible to hand out twice, whatever two requests race. */

/* Records ip on subnet_id for port_id; -EADDRINUSE when the subnet has
 * handed it out already. */
int cp_store_alloc_add(struct cp_db *db, const char *subnet_id, const char *ip,
	const char *port_id);
/* Forgets every address of port_id. */
int cp_store_allocs_release_port(struct cp_db *db, const char *port_id);
/* Calls each(ip, arg) for every address handed out on subnet_id, in no
 * particular order; stops at, and returns, the first nonzero it returns. */
int cp_store_allocs_of_subnet(struct cp_db *db, const char *subnet_id,
	int (*each)(const char *ip, void *arg), void *arg);
/* How many addresses subnet_id has handed out, or -EIO. */
int cp_store_allocs_count(struct cp_db *db, const char *subnet_id);

/* store_tokens.c: issued tokens, kept by the hash of the token (a copy of
 * the database cannot be replayed). */

#define CP_STORE_AUDIT_LEN 64
#define CP_STORE_METHODS_LEN 64 /* "token,password" and room to spare */

struct cp_stored_token {
	char user_id[CP_ID_LEN];
	char project_id[CP_ID_LEN]; /* "" for an unscoped token */
	int64_t issued_at, expires_at; /* seconds since the epoch */
	char audit_id[CP_STORE_AUDIT_LEN];
	char methods[CP_STORE_METHODS_LEN]; /* "password", "token,password"... */
	char app_cred_id[CP_ID_LEN]; /* the application credential it was made with, or "" */
	bool revoked;
};

int cp_store_token_put(struct cp_db *db, const char *hash, const struct cp_stored_token *t);
/* -ENOENT when no token has that hash. */
int cp_store_token_get(struct cp_db *db, const char *hash, struct cp_stored_token *t);
/* Revokes the token of hash if it is user_id's (any user's with any_user);
 * -ENOENT when there is no such token not revoked yet. */
int cp_store_token_revoke(struct cp_db *db, const char *hash, const char *user_id,
	bool any_user);
/* Revokes every token of user_id (a password change). */
int cp_store_tokens_revoke_user(struct cp_db *db, const char *user_id);
/* Forgets every token of user_id (the user is deleted). */
int cp_store_tokens_drop_user(struct cp_db *db, const char *user_id);
/* Forgets the tokens that expired before the time given. */
int cp_store_tokens_sweep(struct cp_db *db, int64_t expired_before);

/* store_passwords.c: users' password hashes (never in the users' JSON). */

int cp_store_password_put(struct cp_db *db, const char *user_id, const char *hash);
/* user_id's hash into hash[size], "" when the user has none. */
int cp_store_password_get(struct cp_db *db, const char *user_id, char *hash, size_t size);
int cp_store_password_drop(struct cp_db *db, const char *user_id);

/* store_quotas.c: per-project limits that differ from the defaults. */

/* Calls each(resource, limit, arg) for every limit project_id has set;
 * stops at, and returns, the first nonzero it returns. */
int cp_store_quota_limits(struct cp_db *db, const char *project_id,
	int (*each)(const char *resource, int64_t limit, void *arg), void *arg);
/* The projects that have a limit set, sorted: an array of strings, or NULL
 * (-EIO). */
json_t *cp_store_quota_projects(struct cp_db *db);
int cp_store_quota_put(struct cp_db *db, const char *project_id, const char *resource,
	int64_t limit);
/* project_id's limit on resource into *limit; -ENOENT when it has none. */
int cp_store_quota_get(struct cp_db *db, const char *project_id, const char *resource,
	int64_t *limit);
/* Forgets every limit project_id has set. */
int cp_store_quota_reset(struct cp_db *db, const char *project_id);

/* store_segments.c: networks' provider segments, by the segment index. */

/* 1 when a network other than network_id has the segment (type, physnet:
 * NULL for any, segmentation_id: negative for any, as a flat segment is
 * its physnet alone), 0 when none does, or -EIO. */
int cp_store_segment_taken(struct cp_db *db, const char *network_id, const char *type,
	const char *physnet, int64_t segmentation_id);
/* The lowest VXLAN VNI (from 1) no network uses, or -EIO. */
int64_t cp_store_vni_first_free(struct cp_db *db);

/* store_assignments.c: role assignments, by their ids. */

/* Calls each(role_id, actor_type, arg) for every role assignment of actor
 * on target (a project or domain id), in the order they were made; stops
 * at, and returns, the first nonzero it returns. */
int cp_store_assignments_of(struct cp_db *db, const char *target, const char *actor,
	int (*each)(const char *role_id, const char *actor_type, void *arg), void *arg);

#endif
