/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The change feed's document written as text once. Most of a first sync
 * is the node's ports, and most of a poll after a change the member lists
 * of its remote groups: both are JSON text already (a port's stored
 * document, a kept member list: feed_sgs.c), and going through a tree
 * would parse them and dump them again. So the document is written here
 * piece by piece, those pieces copied as they are and the rest dumped
 * from its tree straight into the same buffer.
 */
#include "feed_text.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct text {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void put(struct text *t, const char *s, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 65536;
		char *nb;

		while (cap < t->len + n + 1)
			cap *= 2;
		if (!(nb = realloc(t->buf, cap))) {
			t->failed = true;
			return;
		}
		t->buf = nb;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static void puts_(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

static int on_dump(const char *buf, size_t size, void *data)
{
	put(data, buf, size);
	return 0;
}

static void dump(struct text *t, const json_t *v)
{
	if (json_dump_callback(v, on_dump, t, JSON_COMPACT) != 0)
		t->failed = true;
}

/* A group as its tree says, with "members" spliced in before its last brace. */
static void group(struct text *t, const json_t *g, const json_t *members)
{
	const char *kept = json_string_value(
		json_object_get(members, json_string_value(json_object_get(g, "id")) ?: ""));

	dump(t, g);
	if (!kept || t->failed || t->len == 0 || t->buf[t->len - 1] != '}')
		return;
	t->len--;
	puts_(t, json_object_size(g) ? ",\"members\":" : "\"members\":");
	puts_(t, kept);
	puts_(t, "}");
}

char *cp_feed_text(int64_t rev, const json_t *ports, const json_t *groups, const json_t *members,
	const json_t *rest)
{
	struct text t = {0};
	char head[64];
	size_t i, at;
	json_t *v;

	snprintf(head, sizeof(head), "{\"revision\":%" PRId64 ",\"ports\":[", rev);
	puts_(&t, head);
	json_array_foreach(ports, i, v) {
		if (i)
			puts_(&t, ",");
		put(&t, json_string_value(v) ?: "null",
			json_string_value(v) ? json_string_length(v) : 4);
	}
	puts_(&t, "],\"security_groups\":[");
	json_array_foreach(groups, i, v) {
		if (i)
			puts_(&t, ",");
		group(&t, v, members);
	}
	puts_(&t, "]");
	if (json_object_size(rest)) {
		/* rest's members, without its own opening brace. */
		puts_(&t, ",");
		at = t.len;
		dump(&t, rest);
		if (!t.failed) {
			memmove(t.buf + at, t.buf + at + 1, t.len - at);
			t.len--;
		}
	} else {
		puts_(&t, "}");
	}
	if (t.failed) {
		free(t.buf);
		return NULL;
	}
	return t.buf;
}
