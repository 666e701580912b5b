/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Validated tokens, kept so that a request with a token already seen reads
 * nothing from the database and renders nothing (issue 12): the caller it
 * resolved to and, once asked for, the token document's JSON text.
 *
 * Contract. Writers and readers: any control thread (MHD's pool), under
 * one mutex held only to copy an entry in or out. An entry is good for the
 * revocation epoch it was resolved at, and until the token expires. On the
 * controller's database (cp_token_cache_watch) the epoch moves with every
 * write of an object that can change what a validation answers, inside
 * the writing transaction: users, projects, domains, roles, role
 * assignments, group memberships, implied roles, the catalog, and any kind
 * not known to be another service's (so a new identity kind is safe by
 * default). Writes of the network, compute, image and volume services'
 * objects leave the entries alone: a steady stream of port creates does
 * not make every token resolve again. Revoking tokens writes no object and
 * moves the epoch itself. So a revoked token, a disabled or deleted user or
 * project and a removed assignment miss at once, and the next validation
 * re-reads them. On a database not watched (unit tests opening their own),
 * an entry is good only for the committed revision it was read at. When
 * full, a new entry replaces the one in its slot (direct-mapped by the
 * token's hash). Only successful validations are kept: a flood of bad
 * tokens evicts nothing. Keys are the tokens' BLAKE2b hashes, as in the
 * database: the raw tokens are not kept.
 */
#ifndef CP_TOKEN_CACHE_H
#define CP_TOKEN_CACHE_H

#include "identity.h"

/* What a validation's reads are as of: taken before its first read. */
struct cp_token_stamp {
	int64_t rev;
	uint64_t epoch;
};

/* Makes db's object writes move the epoch (cp_db_on_object_write), once,
 * before requests are served. */
void cp_token_cache_watch(struct cp_db *db);
void cp_token_cache_stamp(struct cp_db *db, struct cp_token_stamp *st);
/* 0 when hash is kept, still current and not expired: fills caller and
 * *expires, and (doc non-NULL) *doc with a malloc'd copy of the document's
 * text; an entry kept without a document is then a miss. -ENOENT else. */
int cp_token_cache_get(struct cp_db *db, const char *hash, struct cp_caller *caller,
	int64_t *expires, char **doc);
/* Keeps a successful validation of hash, resolved from reads at *st; doc
 * (copied) may be NULL. */
void cp_token_cache_put(struct cp_db *db, const struct cp_token_stamp *st, const char *hash,
	const struct cp_caller *caller, int64_t expires, const char *doc);
/* Some tokens were revoked: every entry is stale. Called inside the
 * revoking write transaction: it holds the connection lock, so no
 * validation reads between this and the commit (db.h). */
void cp_token_cache_revoked(void);

#endif
