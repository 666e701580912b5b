/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Aligned text tables for the CLI: cells are collected first, then printed
 * with every column as wide as its widest cell.
 *
 * Allocation failures are remembered rather than returned from every cell, so
 * filling a row stays one call per cell; vg_table_print() reports them.
 */
#ifndef VG_TABLE_H
#define VG_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct vg_col {
	const char *name; /* the header, upper case: "RX_PACKETS" */
	bool right;	  /* right-aligned, for numbers */
};

struct vg_table;

/* NULL + errno on failure. cols must outlive the table. */
struct vg_table *vg_table_new(const struct vg_col *cols, size_t n_cols);
void vg_table_free(struct vg_table *t);

/* Appends the next cell, row by row; an empty string prints as "-". */
void vg_table_cell(struct vg_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the header and the rows. 0, or -ENOMEM if a cell could not be stored. */
int vg_table_print(const struct vg_table *t, FILE *f);

#endif /* VG_TABLE_H */
