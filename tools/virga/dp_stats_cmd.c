/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `virga dp stats`: where the dataplane's time and packets went. Workers'
 * busy/idle loops first, then every drop counter (zeros too, so the list of
 * reasons is always the same), then per-port counters: the pipeline's, and
 * the device's own for frames lost before the engine saw them (rx ring full,
 * no mbuf, receive errors) or that the device failed to send.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vg_cli.h"
#include "vg_output.h"

static const struct vg_col worker_cols[] = {
	{"LCORE_ID", true},
	{"BUSY_CYCLES", true},
	{"IDLE_CYCLES", true},
	{"BUSY%", true},
	{"PACKETS", true},
};

static const struct vg_col drop_cols[] = {
	{"DROP", false},
	{"PACKETS", true},
};

static const struct vg_col port_cols[] = {
	{"PORT", false},
	{"RX_PACKETS", true},
	{"RX_BYTES", true},
	{"TX_PACKETS", true},
	{"TX_BYTES", true},
	{"RX_DROPPED", true},
	{"TX_DROPPED", true},
	{"RX_MISSED", true},
	{"RX_NOMBUF", true},
	{"RX_ERRORS", true},
	{"TX_ERRORS", true},
};

struct stats_out {
	struct vg_rows workers;
	struct vg_rows drops;
	struct vg_rows ports;
};

static void stats_out_drop(struct stats_out *out)
{
	vg_rows_drop(&out->workers);
	vg_rows_drop(&out->drops);
	vg_rows_drop(&out->ports);
}

static int worker_row(struct vg_rows *rows, const struct dp_worker_stats *w)
{
	uint64_t loops = w->busy_cycles + w->idle_cycles;

	if (rows->array != NULL)
		return vg_json_append(rows->array,
				json_pack("{s:I, s:I, s:I, s:I}", "lcore_id", vg_json_int(w->lcore_id),
						"busy_cycles", vg_json_int(w->busy_cycles),
						"idle_cycles", vg_json_int(w->idle_cycles), "packets",
						vg_json_int(w->packets)));
	vg_table_cell(rows->table, "%" PRIu32, w->lcore_id);
	vg_table_cell(rows->table, "%" PRIu64, w->busy_cycles);
	vg_table_cell(rows->table, "%" PRIu64, w->idle_cycles);
	if (loops == 0)
		vg_table_cell(rows->table, "%s", "");
	else
		vg_table_cell(rows->table, "%.1f%%", 100.0 * (double)w->busy_cycles / (double)loops);
	vg_table_cell(rows->table, "%" PRIu64, w->packets);
	return 0;
}

static int drop_row(struct vg_rows *rows, const struct dp_drop_stats *d)
{
	char name[sizeof(d->name) + 1];

	/* NUL-terminated by the protocol; a name filling its array stays whole. */
	memcpy(name, d->name, sizeof(d->name));
	name[sizeof(d->name)] = '\0';
	if (rows->array != NULL)
		return vg_json_append(rows->array, json_pack("{s:s, s:I}", "name", name,
				"packets", vg_json_int(d->packets)));
	vg_table_cell(rows->table, "%s", name);
	vg_table_cell(rows->table, "%" PRIu64, d->packets);
	return 0;
}

static int port_row(void *arg, const void *entry)
{
	struct vg_rows *rows = arg;
	struct dp_port_stats p;

	memcpy(&p, entry, sizeof(p));
	p.name[sizeof(p.name) - 1] = '\0';
	if (rows->array != NULL)
		return vg_json_append(rows->array,
				json_pack("{s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:I, "
					  "s:I, s:I, s:I, s:I}",
						"name", p.name, "port_id", p.port_id, "rx_packets",
						vg_json_int(p.rx_packets), "rx_bytes",
						vg_json_int(p.rx_bytes), "tx_packets",
						vg_json_int(p.tx_packets), "tx_bytes",
						vg_json_int(p.tx_bytes), "rx_dropped",
						vg_json_int(p.rx_dropped), "tx_dropped",
						vg_json_int(p.tx_dropped), "rx_missed",
						vg_json_int(p.rx_missed), "rx_nombuf",
						vg_json_int(p.rx_nombuf), "rx_errors",
						vg_json_int(p.rx_errors), "tx_errors",
						vg_json_int(p.tx_errors)));
	vg_table_cell(rows->table, "%s", p.name);
	vg_table_cell(rows->table, "%" PRIu64, p.rx_packets);
	vg_table_cell(rows->table, "%" PRIu64, p.rx_bytes);
	vg_table_cell(rows->table, "%" PRIu64, p.tx_packets);
	vg_table_cell(rows->table, "%" PRIu64, p.tx_bytes);
	vg_table_cell(rows->table, "%" PRIu64, p.rx_dropped);
	vg_table_cell(rows->table, "%" PRIu64, p.tx_dropped);
	vg_table_cell(rows->table, "%" PRIu64, p.rx_missed);
	vg_table_cell(rows->table, "%" PRIu64, p.rx_nombuf);
	vg_table_cell(rows->table, "%" PRIu64, p.rx_errors);
	vg_table_cell(rows->table, "%" PRIu64, p.tx_errors);
	return 0;
}

/* Collects the rows; on failure the caller drops out. Returns an exit status. */
static int stats_collect(struct vg_ctx *ctx, const struct dp_stats_reply *st,
		struct stats_out *out)
{
	int status, ret = 0;

	status = vg_rows_begin(ctx, &out->workers, worker_cols, VG_ARRAY_SIZE(worker_cols));
	if (status == VG_EXIT_OK)
		status = vg_rows_begin(ctx, &out->drops, drop_cols, VG_ARRAY_SIZE(drop_cols));
	if (status == VG_EXIT_OK)
		status = vg_rows_begin(ctx, &out->ports, port_cols, VG_ARRAY_SIZE(port_cols));
	if (status != VG_EXIT_OK)
		return status;

	for (uint32_t i = 0; i < st->n_workers && ret == 0; i++)
		ret = worker_row(&out->workers, &st->workers[i]);
	for (uint32_t i = 0; i < st->n_drops && ret == 0; i++)
		ret = drop_row(&out->drops, &st->drops[i]);
	if (ret < 0)
		return vg_fail("stats", ret);
	return vg_list(ctx, "stats: port stats", DP_MSG_PORT_STATS, NULL,
			sizeof(struct dp_port_stats), port_row, &out->ports);
}

static int stats_print(const struct dp_stats_reply *st, struct stats_out *out)
{
	json_t *doc;
	int status;

	if (out->workers.array != NULL) {
		/* "o" hands the arrays over to the document, even when packing fails. */
		doc = json_pack("{s:I, s:I, s:I, s:o, s:o, s:o}", "tsc_hz", vg_json_int(st->tsc_hz),
				"n_workers", vg_json_int(st->n_workers), "n_drops",
				vg_json_int(st->n_drops), "workers", out->workers.array, "drops",
				out->drops.array, "ports", out->ports.array);
		*out = (struct stats_out){0};
		return vg_json_print(doc);
	}
	status = vg_rows_end(&out->workers);
	if (status == VG_EXIT_OK) {
		putchar('\n');
		status = vg_rows_end(&out->drops);
	}
	if (status == VG_EXIT_OK) {
		putchar('\n');
		status = vg_rows_end(&out->ports);
	}
	stats_out_drop(out);
	return status;
}

static int stats_run(struct vg_ctx *ctx, int argc, char **argv)
{
	struct dp_stats_reply st;
	struct stats_out out = {0};
	int status;

	if (!vg_no_options(ctx, argc, argv, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 0, 0);
	if (status != VG_EXIT_OK)
		return status;

	status = vg_request(ctx, "stats", DP_MSG_STATS, NULL, 0, &st, sizeof(st));
	if (status != VG_EXIT_OK)
		return status;
	if (st.n_workers > DP_STATS_MAX_WORKERS || st.n_drops > DP_STATS_MAX_DROPS) {
		fprintf(stderr, "virga: stats: %" PRIu32 " workers and %" PRIu32
				" drop counters do not fit the reply: %s\n",
				st.n_workers, st.n_drops, strerror(EPROTO));
		return VG_EXIT_FAIL;
	}

	status = stats_collect(ctx, &st, &out);
	if (status != VG_EXIT_OK) {
		stats_out_drop(&out);
		return status;
	}
	return stats_print(&st, &out);
}

const struct vg_cmd dp_stats_cmds[] = {
	{"stats", NULL, "stats", "worker loops, drop counters by reason, port counters", stats_run},
	{0},
};
