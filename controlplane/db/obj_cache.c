/* SPDX-License-Identifier: Apache-2.0 */
/* Parsed object bodies kept by their text; the contract is in obj_cache.h. */
#include "obj_cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 4,096 slots: a parsed port is ~3-4 KB besides its ~0.8 KB of text, so
 * ~20 MB when every slot holds one, and the objects of a small cloud's
 * requests fit. */
#define SLOT_BITS 12
#define SLOTS (1u << SLOT_BITS)

struct slot {
	uint64_t hash;
	size_t len;
	char *text; /* NULL: empty */
	json_t *obj;
};

static struct {
	pthread_mutex_t lock;
	struct slot slots[SLOTS];
} kept = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* 8 bytes a step (a multiply and two shifts): the text is hashed on every
 * read, so the hash must cost little against the copy it saves. */
static uint64_t text_hash(const char *text, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, text + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, text + i, len - i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

json_t *cp_obj_cache_load(const char *text, size_t len)
{
	uint64_t h;
	struct slot *s;
	json_t *obj, *copy;
	char *old_text = NULL, *mine;
	json_t *old_obj = NULL;

	if (len > CP_OBJ_CACHE_MAX_TEXT)
		return json_loadb(text, len, 0, NULL);
	h = text_hash(text, len);
	s = &kept.slots[h & (SLOTS - 1)];
	pthread_mutex_lock(&kept.lock);
	if (s->text && s->hash == h && s->len == len && memcmp(s->text, text, len) == 0) {
		copy = json_deep_copy(s->obj);
		pthread_mutex_unlock(&kept.lock);
		return copy;
	}
	pthread_mutex_unlock(&kept.lock);
	obj = json_loadb(text, len, 0, NULL);
	if (!obj)
		return NULL;
	/* The kept form is a copy no caller holds: callers change theirs. */
	copy = json_deep_copy(obj);
	mine = malloc(len);
	if (!copy || !mine) {
		json_decref(copy);
		free(mine);
		return obj;
	}
	memcpy(mine, text, len);
	pthread_mutex_lock(&kept.lock);
	old_text = s->text;
	old_obj = s->obj;
	s->hash = h;
	s->len = len;
	s->text = mine;
	s->obj = copy;
	pthread_mutex_unlock(&kept.lock);
	free(old_text);
	json_decref(old_obj);
	return obj;
}
