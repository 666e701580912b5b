/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Identity (Keystone v3) service: domains, projects, users, groups, roles,
 * role assignments, password authentication and tokens. Passwords are kept
 * only as libsodium argon2id hashes, tokens only as hashes. Control threads.
 */
#ifndef CP_IDENTITY_H
#define CP_IDENTITY_H

#include "../core/resource.h"

#define CP_DEFAULT_DOMAIN "default"
#define CP_TOKEN_LEN 65 /* 64 hex digits + NUL */
#define CP_APP_CRED_KIND "application_credential"

/* Service-wide settings, passed as ctx->svc to identity calls. */
struct cp_identity {
	char base_url[256]; /* http://127.0.0.1:PORT, the catalog's prefix */
	char region[64];
	int token_ttl; /* seconds */
	char service_token[CP_TOKEN_LEN]; /* agents' shared secret */
};

extern const struct cp_kind cp_kind_domain, cp_kind_project, cp_kind_user, cp_kind_group,
	cp_kind_role, cp_kind_region, cp_kind_service, cp_kind_endpoint;
/* stored_kinds.c: kept and returned, not acted on. */
extern const struct cp_kind cp_kind_credential, cp_kind_policy, cp_kind_consumer,
	cp_kind_endpoint_group;

/* First start: Default domain, admin/member/reader roles, the admin project
 * and user with the admin role. *created tells whether anything was made. */
int cp_identity_bootstrap(struct cp_db *db, const char *user, const char *password,
	const char *project, bool *created);

/* POST /v3/auth/tokens: body is the "auth" object. On success *token is the
 * new token (CP_TOKEN_LEN) and *out the Keystone token document. */
int cp_identity_authenticate(struct cp_ctx *ctx, const json_t *auth, char *token, json_t **out);
/* Validates token; fills caller, and *out (when non-NULL) with the token
 * document as compact JSON text (malloc'd, the caller frees it). -ENOKEY
 * unknown, -EKEYEXPIRED expired, -EKEYREVOKED revoked. A token validated
 * before is answered from memory while nothing it depends on changed
 * (token_cache.h). */
int cp_identity_validate(struct cp_ctx *ctx, const char *token, struct cp_caller *caller,
	char **out);
int cp_identity_revoke(struct cp_ctx *ctx, const char *token);
/* Revokes every token of user_id, inside the caller's write transaction. */
int cp_identity_revoke_user(struct cp_ctx *ctx, const char *user_id);
/* At every start (its own transaction): id's region, and the services the
 * controller serves with their endpoints at id's base URL, made if missing,
 * their URLs moved if the address changed. Objects an operator added stay. */
int cp_identity_catalog_sync(struct cp_db *db, const struct cp_identity *id);
/* The service catalog for a token scoped to project_id (NULL or "": none),
 * from the enabled services and endpoints. Inside a transaction. */
json_t *cp_identity_catalog(struct cp_ctx *ctx, const char *project_id);

/* Role assignments. actor_type "user"|"group", target_type "project"|"domain"
 * or "system" (whose only target_id is "all"). */
int cp_identity_assign(struct cp_ctx *ctx, const char *target_type, const char *target_id,
	const char *actor_type, const char *actor_id, const char *role_id, bool grant);
int cp_identity_check_assignment(struct cp_ctx *ctx, const char *target_type,
	const char *target_id, const char *actor_type, const char *actor_id, const char *role_id);
/* Keystone-shaped role_assignments list, filtered by query keys user.id,
 * group.id, role.id, scope.project.id, scope.domain.id; effective expands
 * groups into their users. */
int cp_identity_list_assignments(struct cp_ctx *ctx, const json_t *filters, bool effective,
	bool names, json_t **out);
/* Roles an actor holds directly on a target (Keystone's .../roles list). */
int cp_identity_list_roles_on(struct cp_ctx *ctx, const char *target_type, const char *target_id,
	const char *actor_type, const char *actor_id, json_t **out);
/* Implied roles (implied_roles.c). op 1 creates, 0 checks, -1 deletes the
 * rule "prior implies implied"; *out (create and check, when out is not
 * NULL) is {prior_role, implies} with each role's id and name. */
int cp_identity_imply(struct cp_ctx *ctx, const char *prior_id, const char *implied_id, int op,
	json_t **out);
/* The rules of prior_id as {prior_role, implies: [...]}, or (prior_id NULL)
 * the array of those of every role with rules. Direct rules only. */
int cp_identity_implied_rules(struct cp_ctx *ctx, const char *prior_id, json_t **out);
/* In a transaction: the role ids of role_ids and all they imply. */
json_t *cp_identity_expand_roles(struct cp_ctx *ctx, const json_t *role_ids);
/* In a write transaction: removes the rules that name role_id. */
int cp_identity_drop_implications(struct cp_ctx *ctx, const char *role_id);

/* Group membership. */
int cp_identity_membership(struct cp_ctx *ctx, const char *group_id, const char *user_id,
	int op /* 1 add, -1 remove, 0 check */);
int cp_identity_group_users(struct cp_ctx *ctx, const char *group_id, json_t **out);
int cp_identity_user_groups(struct cp_ctx *ctx, const char *user_id, json_t **out);
/* Projects or domains (kind) a user has any role on (GET /v3/users/{id}/projects,
 * /v3/auth/projects, /v3/auth/domains). */
int cp_identity_user_targets(struct cp_ctx *ctx, const char *user_id, const char *kind,
	json_t **out);

/* Internal (in-transaction) helpers shared by the identity files. */
json_t *cp_identity_effective_roles(struct cp_ctx *ctx, const char *user_id,
	const char *project_id);
/* password.c: argon2id behind a bounded gate; both may fail with -EAGAIN
 * (too many hashes in progress, HTTP 429). set_password runs inside the
 * caller's write transaction; check_password takes its own and verifies
 * against a dummy hash when user_id is NULL or has no password, so an
 * unknown user costs what a wrong password costs. -EKEYREJECTED on a
 * mismatch. */
int cp_identity_set_password(struct cp_ctx *ctx, const char *user_id, const char *password);
int cp_identity_check_password(struct cp_ctx *ctx, const char *user_id, const char *password);
/* The same hashing for other secrets (application credentials): out is
 * crypto_pwhash_STRBYTES (128) long. verify checks secret against hash, or
 * against the dummy when hash is NULL or empty, failing then all the same
 * (-EKEYREJECTED). Neither touches the database. */
int cp_identity_hash_secret(struct cp_ctx *ctx, const char *secret, char out[128]);
int cp_identity_verify_secret(struct cp_ctx *ctx, const char *hash, const char *secret);
/* POST /v3/users/{id}/password by that user: body is the "user" object
 * (original_password, password); revokes the user's tokens. Own transaction. */
int cp_identity_change_password(struct cp_ctx *ctx, const char *user_id, const json_t *body);

/* app_creds.c: application credentials of user_id and their access rules
 * (Keystone's shapes; the secret only in create's answer). Create is the
 * user's own, from a project-scoped token not made with a restricted
 * credential; the others the user's or an admin's. access_rules lists
 * (id NULL), shows or (delete_it) deletes one: 403 while a credential
 * names it. Each its own transaction. */
int cp_identity_app_cred_create(struct cp_ctx *ctx, const char *user_id, const json_t *req,
	json_t **out);
int cp_identity_app_cred_list(struct cp_ctx *ctx, const char *user_id, const char *name,
	json_t **out);
int cp_identity_app_cred_show(struct cp_ctx *ctx, const char *user_id, const char *id,
	json_t **out);
int cp_identity_app_cred_delete(struct cp_ctx *ctx, const char *user_id, const char *id);
int cp_identity_access_rules(struct cp_ctx *ctx, const char *user_id, const char *id,
	bool delete_it, json_t **out);
/* For tokens.c. check: the credential ref names ({id} or {name} of user_id,
 * with its secret), when the secret matches and it has not expired; own
 * transaction. expiry: its expires_at in seconds, 0 for none. roles: the
 * credential's roles among held (the user's roles on its project now). */
int cp_identity_app_cred_check(struct cp_ctx *ctx, const json_t *ref, const char *user_id,
	json_t **cred);
int64_t cp_identity_app_cred_expiry(const json_t *cred);
json_t *cp_identity_app_cred_roles(const json_t *cred, const json_t *held);
/* For the API: 0 when one of cred_id's access rules allows method on path
 * (as the service sees it, e.g. "/v2.1/servers") of a service whose type
 * is one of services (NULL-terminated); -ENOKEY (401) else. */
int cp_identity_app_cred_permits(struct cp_ctx *ctx, const char *cred_id,
	const char *const *services, const char *method, const char *path);

/* ec2_creds.c: OS-EC2 credentials of user_id (the user's or an admin's):
 * create on req's tenant_id (a project the user has a role on), list, and
 * show or (delete_it) delete by access key. Each its own transaction. */
int cp_identity_ec2_create(struct cp_ctx *ctx, const char *user_id, const json_t *req,
	json_t **out);
int cp_identity_ec2_list(struct cp_ctx *ctx, const char *user_id, json_t **out);
int cp_identity_ec2_show(struct cp_ctx *ctx, const char *user_id, const char *access,
	bool delete_it, json_t **out);

/* domain_projects.c: the projects API, where a project acting as a domain
 * (is_domain true) is a domain: created as one, and a domain's id shown,
 * updated and deleted through the projects API as Keystone shows it
 * (is_domain true, domain_id and parent_id null); ?is_domain=true lists the
 * domains, any other list only the projects that are not. */
int cp_project_create(struct cp_ctx *ctx, const json_t *req, json_t **out);
int cp_project_list(struct cp_ctx *ctx, const struct cp_list_opts *opts, json_t **out,
	bool *more);
int cp_project_show(struct cp_ctx *ctx, const char *id, json_t **out);
int cp_project_update(struct cp_ctx *ctx, const char *id, const json_t *req, json_t **out);
int cp_project_delete(struct cp_ctx *ctx, const char *id);

/* domain_config.c: Keystone's domain-specific configuration, kept and shown
 * (Virga runs no per-domain driver). group and option NULL: the whole
 * configuration, else that group ("identity", "ldap") or option. Replies
 * are Keystone's "config" member: the whole configuration, {group: {...}}
 * or {option: value}. An option or group Keystone does not take is 403, a
 * missing domain, group or option 404. put returns 1 when the domain had
 * no configuration (201), 0 when it replaced one (200). */
int cp_domain_config_get(struct cp_ctx *ctx, const char *domain_id, const char *group,
	const char *option, json_t **out);
int cp_domain_config_put(struct cp_ctx *ctx, const char *domain_id, const json_t *config,
	json_t **out);
int cp_domain_config_update(struct cp_ctx *ctx, const char *domain_id, const char *group,
	const char *option, const json_t *config, json_t **out);
int cp_domain_config_delete(struct cp_ctx *ctx, const char *domain_id, const char *group,
	const char *option);
/* keystone.conf's defaults of the options a domain may set. */
int cp_domain_config_default(struct cp_ctx *ctx, const char *group, const char *option,
	json_t **out);
/* Inside the domain delete's transaction: its configuration goes with it. */
int cp_domain_config_forget(struct cp_ctx *ctx, const char *domain_id);

#endif
