/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `virga dp trace ...`: the dataplane's packet trace, a ring of one line per
 * packet per decision ("which stage decided what"), off unless turned on.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vg_cli.h"
#include "vg_output.h"
#include "vg_parse.h"

enum {
	OPT_RECORDS = VG_OPT_FIRST,
};

static int trace_set(struct vg_ctx *ctx, int argc, char **argv, bool enabled)
{
	static const struct option on_opts[] = {
		{"records", required_argument, NULL, OPT_RECORDS},
		{0},
	};
	struct dp_trace_set_req req = {.enabled = enabled};
	int c, status;

	while ((c = vg_opt_next(ctx, argc, argv, enabled ? on_opts : NULL, &status)) != -1) {
		if (c == VG_OPT_STOP)
			return status;
		/* 0 means "keep the current size" in the protocol: not a size to ask for. */
		if (c == OPT_RECORDS && vg_parse_u32(optarg, 1, UINT32_MAX, &req.max_records) < 0)
			return vg_usage_error(ctx, "--records must be a positive number, not '%s'",
					optarg);
	}
	status = vg_operands(ctx, argc - optind, argv + optind, 0, 0);
	if (status != VG_EXIT_OK)
		return status;

	status = vg_request(ctx, enabled ? "trace on" : "trace off", DP_MSG_TRACE_SET, &req,
			sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static int trace_on(struct vg_ctx *ctx, int argc, char **argv)
{
	return trace_set(ctx, argc, argv, true);
}

static int trace_off(struct vg_ctx *ctx, int argc, char **argv)
{
	return trace_set(ctx, argc, argv, false);
}

static const struct vg_col trace_cols[] = {
	{"SEQ", true},
	{"LCORE_ID", true},
	{"TSC", true},
	{"TEXT", false},
};

static int trace_row(void *arg, const void *entry)
{
	struct vg_rows *rows = arg;
	struct dp_trace_record r;

	memcpy(&r, entry, sizeof(r));
	r.text[sizeof(r.text) - 1] = '\0';

	if (rows->array != NULL)
		return vg_json_append(rows->array,
				json_pack("{s:I, s:I, s:I, s:s}", "seq", vg_json_int(r.seq), "tsc",
						vg_json_int(r.tsc), "lcore_id", vg_json_int(r.lcore_id),
						"text", r.text));
	vg_table_cell(rows->table, "%" PRIu64, r.seq);
	vg_table_cell(rows->table, "%" PRIu32, r.lcore_id);
	vg_table_cell(rows->table, "%" PRIu64, r.tsc);
	vg_table_cell(rows->table, "%s", r.text);
	return 0;
}

static int trace_show(struct vg_ctx *ctx, int argc, char **argv)
{
	struct vg_rows rows;
	int status;

	if (!vg_no_options(ctx, argc, argv, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 0, 0);
	if (status != VG_EXIT_OK)
		return status;

	status = vg_rows_begin(ctx, &rows, trace_cols, VG_ARRAY_SIZE(trace_cols));
	if (status != VG_EXIT_OK)
		return status;
	status = vg_list(ctx, "trace show", DP_MSG_TRACE_SHOW, NULL,
			sizeof(struct dp_trace_record), trace_row, &rows);
	if (status != VG_EXIT_OK) {
		vg_rows_drop(&rows);
		return status;
	}
	return vg_rows_end(&rows);
}

const struct vg_cmd dp_trace_cmds[] = {
	{"trace", "on", "trace on [--records N]",
			"start tracing packets (--records N: size of the ring)",
			trace_on},
	{"trace", "off", "trace off", "stop tracing packets", trace_off},
	{"trace", "show", "trace show", "print the trace records", trace_show},
	{0},
};
