/* SPDX-License-Identifier: Apache-2.0 */
/* The validated-token cache; its contract is in token_cache.h. */
#include "token_cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* 4,096 slots of ~0.7 KB (a document adds ~2-4 KB): a few MB for as many
 * tokens in use at once, which is more than a small cloud has. */
#define SLOT_BITS 12
#define SLOTS (1u << SLOT_BITS)

struct slot {
	const struct cp_db *db; /* NULL: empty */
	char hash[CP_TOKEN_LEN];
	struct cp_token_stamp stamp;
	int64_t expires;
	struct cp_caller caller;
	char *doc;
};

static struct {
	pthread_mutex_t lock;
	struct slot slots[SLOTS];
} kept = {.lock = PTHREAD_MUTEX_INITIALIZER};

static _Atomic uint64_t epoch;
static const struct cp_db *watched;

/* Kinds of the other services: nothing a token validation reads. */
static bool kind_is_quiet(const char *kind)
{
	static const char *const quiet[] = {
		"network", "subnet", "subnetpool", "port", "router", "floatingip",
		"security_group", "security_group_rule", "agent", "server", "server_console",
		"flavor", "keypair", "image", "volume", "volume_snapshot",
	};

	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++)
		if (strcmp(kind, quiet[i]) == 0)
			return true;
	return false;
}

static void on_object_write(void *arg, const char *kind)
{
	(void)arg;
	if (!kind_is_quiet(kind))
		cp_token_cache_revoked();
}

void cp_token_cache_watch(struct cp_db *db)
{
	watched = db;
	cp_db_on_object_write(db, on_object_write, NULL);
}

/* The hash is hex of a uniform BLAKE2b: its first digits are the index. */
static struct slot *slot_of(const char *hash)
{
	unsigned idx = 0;

	for (int i = 0; i < (SLOT_BITS + 3) / 4; i++) {
		char c = hash[i];

		idx = idx << 4 | (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return &kept.slots[idx & (SLOTS - 1)];
}

void cp_token_cache_stamp(struct cp_db *db, struct cp_token_stamp *st)
{
	/* The epoch first: a revocation between the two reads then shows
	 * as a newer epoch than the one kept. */
	st->epoch = atomic_load(&epoch);
	st->rev = db == watched ? 0 : cp_db_revision(db);
}

int cp_token_cache_get(struct cp_db *db, const char *hash, struct cp_caller *caller,
	int64_t *expires, char **doc)
{
	struct cp_token_stamp now;
	struct slot *s = slot_of(hash);
	int rc = -ENOENT;

	cp_token_cache_stamp(db, &now);
	pthread_mutex_lock(&kept.lock);
	if (s->db == db && strcmp(s->hash, hash) == 0 && s->stamp.rev == now.rev &&
		s->stamp.epoch == now.epoch && s->expires > cp_now() && (!doc || s->doc)) {
		char *copy = doc ? strdup(s->doc) : NULL;

		rc = doc && !copy ? -ENOMEM : 0;
		if (rc == 0) {
			*caller = s->caller;
			*expires = s->expires;
			if (doc)
				*doc = copy;
		}
	}
	pthread_mutex_unlock(&kept.lock);
	return rc;
}

void cp_token_cache_put(struct cp_db *db, const struct cp_token_stamp *st, const char *hash,
	const struct cp_caller *caller, int64_t expires, const char *doc)
{
	struct slot *s = slot_of(hash);
	char *copy = doc ? strdup(doc) : NULL, *old;

	if (doc && !copy)
		return;
	pthread_mutex_lock(&kept.lock);
	old = s->doc;
	s->db = db;
	memcpy(s->hash, hash, CP_TOKEN_LEN);
	s->stamp = *st;
	s->expires = expires;
	s->caller = *caller;
	s->doc = copy;
	pthread_mutex_unlock(&kept.lock);
	free(old);
}

void cp_token_cache_revoked(void)
{
	atomic_fetch_add(&epoch, 1);
}
