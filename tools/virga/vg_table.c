/* SPDX-License-Identifier: Apache-2.0 */
/* Aligned text tables: collect the cells, size the columns, print. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vg_table.h"

/* Between columns: enough to read, narrow enough for 100-column terminals. */
#define VG_TABLE_GAP 2

struct vg_table {
	const struct vg_col *cols;
	size_t n_cols;
	char **cells; /* row-major */
	size_t n_cells;
	size_t cap;
	int error; /* first allocation failure, reported by vg_table_print() */
};

struct vg_table *vg_table_new(const struct vg_col *cols, size_t n_cols)
{
	struct vg_table *t;

	if (n_cols == 0) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->cols = cols;
	t->n_cols = n_cols;
	return t;
}

void vg_table_free(struct vg_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n_cells; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void vg_table_cell(struct vg_table *t, const char *fmt, ...)
{
	char **cells;
	char *cell;
	va_list ap;
	int n;

	if (t->error != 0)
		return;
	if (t->n_cells == t->cap) {
		size_t cap = t->cap != 0 ? t->cap * 2 : 64;

		cells = realloc(t->cells, cap * sizeof(*cells));
		if (cells == NULL) {
			t->error = -ENOMEM;
			return;
		}
		t->cells = cells;
		t->cap = cap;
	}
	va_start(ap, fmt);
	n = vasprintf(&cell, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->error = -ENOMEM;
		return;
	}
	t->cells[t->n_cells++] = cell;
}

static const char *vg_table_text(const char *cell)
{
	return cell[0] != '\0' ? cell : "-";
}

static void vg_table_row(const struct vg_table *t, FILE *f, const size_t *width,
		const char *const *row)
{
	for (size_t c = 0; c < t->n_cols; c++) {
		const char *text = vg_table_text(row[c]);
		int w = (int)width[c];

		if (c > 0)
			fprintf(f, "%*s", VG_TABLE_GAP, "");
		if (t->cols[c].right)
			fprintf(f, "%*s", w, text);
		else if (c + 1 < t->n_cols)
			fprintf(f, "%-*s", w, text);
		else
			fputs(text, f); /* no trailing blanks after the last column */
	}
	fputc('\n', f);
}

int vg_table_print(const struct vg_table *t, FILE *f)
{
	const char **header;
	size_t *width;
	size_t n_rows = t->n_cells / t->n_cols;

	if (t->error != 0)
		return t->error;
	width = calloc(t->n_cols, sizeof(*width));
	header = calloc(t->n_cols, sizeof(*header));
	if (width == NULL || header == NULL) {
		free(width);
		free(header);
		return -ENOMEM;
	}
	for (size_t c = 0; c < t->n_cols; c++) {
		header[c] = t->cols[c].name;
		width[c] = strlen(header[c]);
	}
	/* A partly filled last row is a caller's bug; it is left out. */
	for (size_t i = 0; i < n_rows * t->n_cols; i++) {
		size_t len = strlen(vg_table_text(t->cells[i]));

		if (len > width[i % t->n_cols])
			width[i % t->n_cols] = len;
	}

	vg_table_row(t, f, width, header);
	for (size_t r = 0; r < n_rows; r++)
		vg_table_row(t, f, width, (const char *const *)&t->cells[r * t->n_cols]);
	free(width);
	free(header);
	return 0;
}
