/* SPDX-License-Identifier: Apache-2.0 */
/* A command's result on stdout: a table, or one JSON document. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vg_output.h"
#include "vg_parse.h"

int vg_rows_begin(const struct vg_ctx *ctx, struct vg_rows *rows, const struct vg_col *cols,
		size_t n_cols)
{
	*rows = (struct vg_rows){0};
	if (ctx->json)
		rows->array = json_array();
	else
		rows->table = vg_table_new(cols, n_cols);
	if (rows->array == NULL && rows->table == NULL)
		return vg_fail("output", -ENOMEM);
	return VG_EXIT_OK;
}

void vg_rows_drop(struct vg_rows *rows)
{
	json_decref(rows->array);
	vg_table_free(rows->table);
	*rows = (struct vg_rows){0};
}

int vg_rows_end(struct vg_rows *rows)
{
	int ret;

	if (rows->array != NULL) {
		ret = vg_json_print(rows->array);
		*rows = (struct vg_rows){0};
		return ret;
	}
	ret = vg_table_print(rows->table, stdout);
	vg_rows_drop(rows);
	return ret < 0 ? vg_fail("output", ret) : VG_EXIT_OK;
}

int vg_ok(const struct vg_ctx *ctx)
{
	return ctx->json ? vg_json_print(json_object()) : VG_EXIT_OK;
}

int vg_json_print(json_t *doc)
{
	int ret;

	if (doc == NULL)
		return vg_fail("JSON output", -ENOMEM);
	ret = json_dumpf(doc, stdout, JSON_INDENT(2));
	json_decref(doc);
	if (ret < 0 || fputc('\n', stdout) == EOF)
		return vg_fail("JSON output", -EIO);
	return VG_EXIT_OK;
}

int vg_json_append(json_t *array, json_t *item)
{
	return json_array_append_new(array, item) < 0 ? -ENOMEM : 0;
}

json_t *vg_json_mac(const uint8_t mac[6], bool null_if_zero)
{
	char buf[VG_MAC_STRLEN];

	if (null_if_zero && vg_mac_is_zero(mac))
		return json_null();
	return json_string(vg_format_mac(mac, buf));
}

json_t *vg_json_ip4(const uint8_t ip[4], bool null_if_zero)
{
	char buf[VG_IP4_STRLEN];

	if (null_if_zero && vg_ip4_is_zero(ip))
		return json_null();
	return json_string(vg_format_ip4(ip, buf));
}

int vg_list_command(struct vg_ctx *ctx, int argc, char **argv, const struct vg_list_cmd *l)
{
	char filter[DP_NAME_LEN]; /* the size of dp_list_req.filter */
	char what[128];
	struct vg_rows rows;
	int status;

	if (!vg_no_options(ctx, argc, argv, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 0, l->filter_label ? 1 : 0);
	if (status != VG_EXIT_OK)
		return status;
	filter[0] = '\0';
	if (optind < argc) {
		status = vg_name_arg(ctx, l->filter_label, filter, sizeof(filter), argv[optind]);
		if (status != VG_EXIT_OK)
			return status;
	}
	snprintf(what, sizeof(what), "%s%s%s", l->what, filter[0] ? " " : "", filter);

	status = vg_rows_begin(ctx, &rows, l->cols, l->n_cols);
	if (status != VG_EXIT_OK)
		return status;
	status = vg_list(ctx, what, l->type, filter[0] ? filter : NULL, l->entry_size, l->row, &rows);
	if (status != VG_EXIT_OK) {
		vg_rows_drop(&rows);
		return status;
	}
	return vg_rows_end(&rows);
}

int vg_del_command(struct vg_ctx *ctx, int argc, char **argv, const struct vg_del_cmd *d)
{
	uint8_t req[DP_MSG_MAX];
	char *name = (char *)req + d->name_off;
	char what[160];
	int status;

	memset(req, 0, d->req_len);
	if (!vg_ok_option(ctx, argc, argv, false, &req[d->missing_off], &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 1, 1);
	if (status == VG_EXIT_OK)
		status = vg_name_arg(ctx, "NAME", name, d->name_cap, argv[optind]);
	if (status != VG_EXIT_OK)
		return status;
	snprintf(what, sizeof(what), "%s %s", d->what, name);
	status = vg_request(ctx, what, d->type, req, d->req_len, NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}
