/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `virga dp status`: HELLO, which tells which dataplane answers (its boot id
 * changes at every start) and the highest generation any agent programmed.
 */
#include <inttypes.h>
#include <stdio.h>

#include "vg_cli.h"
#include "vg_output.h"

static int status_run(struct vg_ctx *ctx, int argc, char **argv)
{
	struct dp_hello_reply hello;
	char boot_id[17];
	int status;

	if (!vg_no_options(ctx, argc, argv, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 0, 0);
	if (status != VG_EXIT_OK)
		return status;

	status = vg_request(ctx, "status", DP_MSG_HELLO, NULL, 0, &hello, sizeof(hello));
	if (status != VG_EXIT_OK)
		return status;
	/* A random 64-bit id does not fit a JSON integer (signed in jansson, and a
	 * double in many readers): it is an opaque string in both outputs. */
	snprintf(boot_id, sizeof(boot_id), "%016" PRIx64, hello.boot_id);
	if (ctx->json)
		return vg_json_print(json_pack("{s:s, s:I, s:I, s:I, s:I}", "boot_id", boot_id,
				"generation", vg_json_int(hello.generation), "tsc_hz",
				vg_json_int(hello.tsc_hz), "n_workers", vg_json_int(hello.n_workers),
				"api_version", vg_json_int(hello.api_version)));
	printf("boot id:      %s\n", boot_id);
	printf("generation:   %" PRIu64 "\n", hello.generation);
	printf("workers:      %" PRIu32 "\n", hello.n_workers);
	printf("TSC Hz:       %" PRIu64 "\n", hello.tsc_hz);
	printf("API version:  %" PRIu32 "\n", hello.api_version);
	return VG_EXIT_OK;
}

const struct vg_cmd dp_status_cmds[] = {
	{"status", NULL, "status", "which dataplane answers: boot id, generation, workers",
			status_run},
	{0},
};
