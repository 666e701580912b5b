/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a store backend provides (db.h, "Backends"): the connection and its
 * transactions, the revision counter, and the meaning-level operations of
 * store.h, one table of functions per group. db.c keeps what every backend
 * shares (the connection lock, the committed revision, its waiters and the
 * commit hook) and calls the backend for the rest; store.c sends each
 * store.h function to the backend's table. For the store's files only.
 * Control threads only.
 */
#ifndef CP_BACKEND_H
#define CP_BACKEND_H

#include "db.h"

#include <pthread.h>

struct cp_store_ipam_ops {
	int (*alloc_add)(struct cp_db *db, const char *subnet_id, const char *ip,
		const char *port_id);
	int (*allocs_release_port)(struct cp_db *db, const char *port_id);
	int (*allocs_of_subnet)(struct cp_db *db, const char *subnet_id,
		int (*each)(const char *ip, void *arg), void *arg);
	int (*allocs_count)(struct cp_db *db, const char *subnet_id);
};

struct cp_store_token_ops {
	int (*put)(struct cp_db *db, const char *hash, const struct cp_stored_token *t);
	int (*get)(struct cp_db *db, const char *hash, struct cp_stored_token *t);
	int (*revoke)(struct cp_db *db, const char *hash, const char *user_id, bool any_user);
	int (*revoke_user)(struct cp_db *db, const char *user_id);
	int (*drop_user)(struct cp_db *db, const char *user_id);
	int (*sweep)(struct cp_db *db, int64_t expired_before);
};

struct cp_store_password_ops {
	int (*put)(struct cp_db *db, const char *user_id, const char *hash);
	int (*get)(struct cp_db *db, const char *user_id, char *hash, size_t size);
	int (*drop)(struct cp_db *db, const char *user_id);
};

struct cp_store_quota_ops {
	int (*limits)(struct cp_db *db, const char *project_id,
		int (*each)(const char *resource, int64_t limit, void *arg), void *arg);
	json_t *(*projects)(struct cp_db *db);
	int (*put)(struct cp_db *db, const char *project_id, const char *resource, int64_t limit);
	int (*get)(struct cp_db *db, const char *project_id, const char *resource,
		int64_t *limit);
	int (*reset)(struct cp_db *db, const char *project_id);
};

struct cp_store_segment_ops {
	int (*taken)(struct cp_db *db, const char *network_id, const char *type,
		const char *physnet, int64_t segmentation_id);
	int64_t (*vni_first_free)(struct cp_db *db);
};

struct cp_store_assignment_ops {
	int (*of)(struct cp_db *db, const char *target, const char *actor,
		int (*each)(const char *role_id, const char *actor_type, void *arg), void *arg);
};

struct cp_store_backend {
	const char *name;
	/* Connects to where (what cp_db_open was given) and applies the
	 * numbered migrations; sets db->conn. 0 or a negative errno (logged). */
	int (*open)(struct cp_db *db, const char *where);
	void (*close)(struct cp_db *db);
	/* Inside the connection lock. begin(write) makes a write transaction
	 * take the write lock at once (SQLite's IMMEDIATE, PostgreSQL's
	 * SERIALIZABLE with a retry), so that it cannot fail half-way for
	 * another writer. commit rolls back what it could not commit. */
	int (*begin)(struct cp_db *db, bool write);
	int (*commit)(struct cp_db *db);
	void (*rollback)(struct cp_db *db);
	/* The revision counter: moved on by one inside a write transaction
	 * (the new value, or -EIO), and read. */
	int64_t (*bump_revision)(struct cp_db *db);
	int64_t (*read_revision)(struct cp_db *db);

	const struct cp_store_ipam_ops *ipam;
	const struct cp_store_token_ops *tokens;
	const struct cp_store_password_ops *passwords;
	const struct cp_store_quota_ops *quotas;
	const struct cp_store_segment_ops *segments;
	const struct cp_store_assignment_ops *assignments;
};

/* The SQLite backend (db_sqlite.c) and its groups (store_*.c). */
extern const struct cp_store_backend cp_sqlite_backend;
extern const struct cp_store_ipam_ops cp_sqlite_ipam;
extern const struct cp_store_token_ops cp_sqlite_tokens;
extern const struct cp_store_password_ops cp_sqlite_passwords;
extern const struct cp_store_quota_ops cp_sqlite_quotas;
extern const struct cp_store_segment_ops cp_sqlite_segments;
extern const struct cp_store_assignment_ops cp_sqlite_assignments;

struct cp_db {
	const struct cp_store_backend *be;
	void *conn; /* the backend's own */
	pthread_mutex_t lock;
	pthread_mutex_t rev_lock;
	pthread_cond_t rev_cond;
	int64_t committed_rev;
	int64_t tx_rev; /* 0 until the current write transaction bumps */
	bool in_write;
	void (*on_commit)(void *arg);
	void *on_commit_arg;
	void (*on_object_write)(void *arg, const char *kind);
	void *on_object_write_arg;
};

#endif
