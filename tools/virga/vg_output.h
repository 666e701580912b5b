/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where a command's result goes: an aligned table (vg_table.h) by default, or
 * with --json one JSON document on stdout, built with jansson.
 *
 * JSON objects are built whole with json_pack(), which returns NULL when any
 * part of them failed, so a failure is noticed once, where it is appended or
 * printed, instead of after every key.
 */
#ifndef VG_OUTPUT_H
#define VG_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "vg_cli.h"
#include "vg_table.h"

/* The rows of a list: exactly one of the two is set, by ctx->json. */
struct vg_rows {
	struct vg_table *table;
	json_t *array;
};

/* Starts a list; returns an exit status. */
int vg_rows_begin(const struct vg_ctx *ctx, struct vg_rows *rows, const struct vg_col *cols,
		size_t n_cols);
/* Prints the list (the table, or the array as the document) and releases it. */
int vg_rows_end(struct vg_rows *rows);
/* Releases the list without printing it, after a failure. */
void vg_rows_drop(struct vg_rows *rows);

/*
 * A whole list command: no options of its own, an optional operand that
 * filters the list (filter_label, e.g. "NETWORK"; NULL when the list takes
 * none), and one row per entry from row(struct vg_rows *, entry).
 */
struct vg_list_cmd {
	const char *what; /* "mac list", for messages */
	enum dp_msg_type type;
	size_t entry_size;
	const struct vg_col *cols;
	size_t n_cols;
	int (*row)(void *rows, const void *entry);
	const char *filter_label;
};

/* Runs it; returns an exit status. */
int vg_list_command(struct vg_ctx *ctx, int argc, char **argv, const struct vg_list_cmd *l);

/* For a command that changed something and has nothing to show: prints
 * nothing, or {} with --json so that a script always gets a document. */
int vg_ok(const struct vg_ctx *ctx);

/* Prints doc on stdout and releases it. Returns an exit status; a NULL doc fails. */
int vg_json_print(json_t *doc);

/* Appends item to array, taking it over. 0, or -ENOMEM when item is NULL. */
int vg_json_append(json_t *array, json_t *item);

/* "aa:bb:cc:dd:ee:ff"; JSON null for an all-zero MAC when null_if_zero (an unset MAC). */
json_t *vg_json_mac(const uint8_t mac[6], bool null_if_zero);

/* "a.b.c.d"; JSON null for 0.0.0.0 when null_if_zero (an unset address). */
json_t *vg_json_ip4(const uint8_t ip[4], bool null_if_zero);

/* jansson integers are signed 64-bit; counters never get near the top bit. */
static inline json_int_t vg_json_int(uint64_t v)
{
	return (json_int_t)v;
}

#endif /* VG_OUTPUT_H */
