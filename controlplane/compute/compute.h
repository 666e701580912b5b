/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Nova v2.1's flavors and keypairs (servers come with the compute agent).
 *
 * Flavors: generic object rows of kind "flavor" holding Nova's flavor
 * document (its "id" is Nova's flavorid, any string; "auto" or none on
 * create makes a UUID) and its extra specs under "extra_specs". Public
 * flavors are visible to every project; private ones to admins only (no
 * flavor access lists yet). Creating, deleting and setting extra specs
 * need admin, as Nova's default policy.
 *
 * Keypairs: rows of kind "keypair", one per (user, name), owned by the
 * user who made them (Nova's keypairs belong to a user, not a project).
 * Created from a given OpenSSH public key (import) or generated here: an
 * Ed25519 pair, the private half returned once and never stored.
 *
 * Control threads only; each call runs its own transaction.
 */
#ifndef CP_COMPUTE_H
#define CP_COMPUTE_H

#include "../core/resource.h"

/* The default flavors (m1.nano, m1.tiny, m1.small, m1.medium), made when the
 * store has no flavor at all: once, on a new state directory. */
int cp_compute_bootstrap(struct cp_db *db);

int cp_flavor_create(struct cp_ctx *ctx, const json_t *req, json_t **out);
/* is_public: "true", "false", "none" (all the caller may see) or NULL (true). */
int cp_flavor_list(struct cp_ctx *ctx, const char *is_public, json_t **out);
int cp_flavor_show(struct cp_ctx *ctx, const char *id, json_t **out);
int cp_flavor_delete(struct cp_ctx *ctx, const char *id);
/* The flavor's extra specs (an object), a new reference. */
int cp_flavor_specs(struct cp_ctx *ctx, const char *id, json_t **out);
/* Sets (merges) specs, or deletes key (-ENOENT when absent). */
int cp_flavor_specs_set(struct cp_ctx *ctx, const char *id, const json_t *specs, json_t **out);
int cp_flavor_spec_unset(struct cp_ctx *ctx, const char *id, const char *key);

int cp_keypair_create(struct cp_ctx *ctx, const json_t *req, json_t **out);
int cp_keypair_list(struct cp_ctx *ctx, json_t **out);
int cp_keypair_show(struct cp_ctx *ctx, const char *name, json_t **out);
int cp_keypair_delete(struct cp_ctx *ctx, const char *name);

/* OpenSSH formats of an Ed25519 pair (pk 32 bytes, sk 64 as libsodium keeps
 * it), for keypair.c and its tests: "ssh-ed25519 AAAA... comment" and the
 * "-----BEGIN OPENSSH PRIVATE KEY-----" file. Caller frees. NULL on ENOMEM. */
char *cp_ssh_ed25519_public(const unsigned char pk[32], const char *comment);
char *cp_ssh_ed25519_private(const unsigned char pk[32], const unsigned char sk[64],
		const char *comment);
/* Nova's fingerprint of an OpenSSH public key line: MD5 of its decoded key,
 * colon-separated hex, into fp (48 bytes). -EINVAL when it is no key. */
int cp_ssh_fingerprint(const char *public_key, char fp[48]);

#endif
