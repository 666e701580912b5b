/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga: the operator CLI. Global options come first, then "dp FAMILY
 * [VERB]", which is looked up in the families' command tables; the command
 * parses the rest of the line itself.
 *
 * Exit status: 0 done, 1 the request failed (message on stderr), 2 the
 * command line was wrong (message and usage on stderr, nothing was sent).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vg_cli.h"

#define VG_SOCKET_ENV "VIRGA_DP_SOCKET"

static const struct vg_cmd *const vg_tables[] = {
	dp_status_cmds,
	dp_network_cmds,
	dp_port_cmds,
	dp_port_security_cmds,
	dp_mac_cmds,
	dp_stats_cmds,
	dp_trace_cmds,
};

/* Every command of every family, in table order (which is the order of the help). */
#define VG_FOR_EACH_CMD(cmd)                                                                 \
	for (size_t t_ = 0; t_ < VG_ARRAY_SIZE(vg_tables); t_++)                               \
		for (const struct vg_cmd *cmd = vg_tables[t_]; cmd->family != NULL; cmd++)

static void print_help(void)
{
	printf("usage: virga [--socket PATH] [--json] dp COMMAND [ARGS]\n\n");
	printf("Inspect and program the local virga-dataplane.\n\ncommands:\n");
	VG_FOR_EACH_CMD(cmd)
		printf("  dp %s\n        %s\n", cmd->usage, cmd->summary);
	printf("\noptions:\n"
	       "  --socket PATH  the dataplane's control socket (default: $%s, else %s)\n"
	       "  --json         print one JSON document instead of tables (also after a command)\n"
	       "  -h, --help     this help; after a command, that command's usage\n",
			VG_SOCKET_ENV, DP_DEFAULT_SOCKET);
}

static bool family_known(const char *family)
{
	VG_FOR_EACH_CMD(cmd) {
		if (strcmp(cmd->family, family) == 0)
			return true;
	}
	return false;
}

static void print_family_usage(FILE *f, const char *family)
{
	VG_FOR_EACH_CMD(cmd) {
		if (strcmp(cmd->family, family) == 0)
			vg_print_cmd_usage(f, cmd);
	}
}

static const struct vg_cmd *find_cmd(const char *family, const char *verb)
{
	VG_FOR_EACH_CMD(cmd) {
		if (strcmp(cmd->family, family) != 0)
			continue;
		if (cmd->verb == NULL || (verb != NULL && strcmp(cmd->verb, verb) == 0))
			return cmd;
	}
	return NULL;
}

static bool is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

/* A usage error before a command is known: family NULL shows the general line. */
static int usage_error(const char *family, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
static int usage_error(const char *family, const char *fmt, ...)
{
	va_list ap;

	fputs("virga: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (family != NULL)
		print_family_usage(stderr, family);
	else
		fputs("usage: virga [--socket PATH] [--json] dp COMMAND [ARGS] (virga --help lists them)\n",
				stderr);
	return VG_EXIT_USAGE;
}

/* Parses the global options; returns -1 to go on, or the exit status to stop with. */
static int parse_global(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *env = getenv(VG_SOCKET_ENV);
	int c;

	ctx->socket_path = env != NULL && env[0] != '\0' ? env : DP_DEFAULT_SOCKET;
	opterr = 0;
	/* "+": stop at "dp", the rest belongs to the command. */
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (optarg[0] == '\0')
				return usage_error(NULL, "--socket must not be empty");
			ctx->socket_path = optarg;
			break;
		case 'j':
			ctx->json = true;
			break;
		case 'h':
			print_help();
			return VG_EXIT_OK;
		case ':':
			return usage_error(NULL, "option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error(NULL, "unknown option '%s'", argv[optind - 1]);
		}
	}
	return -1;
}

/* Finds and runs the command in args ("network", "add", ...). */
static int dispatch(struct vg_ctx *ctx, int n, char **args)
{
	const struct vg_cmd *cmd;
	int skip;

	if (n == 0)
		return usage_error(NULL, "missing command after 'dp'");
	if (is_help(args[0])) {
		print_help();
		return VG_EXIT_OK;
	}
	if (!family_known(args[0]))
		return usage_error(NULL, "unknown command 'dp %s'", args[0]);

	cmd = find_cmd(args[0], n > 1 ? args[1] : NULL);
	if (cmd == NULL && n > 1 && is_help(args[1])) {
		print_family_usage(stdout, args[0]);
		return VG_EXIT_OK;
	}
	if (cmd == NULL && n == 1)
		return usage_error(args[0], "'dp %s' needs a command", args[0]);
	if (cmd == NULL)
		return usage_error(args[0], "unknown command 'dp %s %s'", args[0], args[1]);

	/* The command sees its own words from argv[0]: the verb, or the family. */
	skip = cmd->verb != NULL ? 1 : 0;
	ctx->cmd = cmd;
	optind = 0; /* a fresh getopt scan for the command's options */
	return cmd->run(ctx, n - skip, args + skip);
}

int main(int argc, char **argv)
{
	struct vg_ctx ctx = {0};
	int status;

	status = parse_global(&ctx, argc, argv);
	if (status >= 0)
		return status;
	if (optind == argc)
		return usage_error(NULL, "missing command");
	if (strcmp(argv[optind], "dp") != 0)
		return usage_error(NULL, "unknown command '%s'", argv[optind]);

	status = dispatch(&ctx, argc - optind - 1, argv + optind + 1);
	vg_ctx_release(&ctx);
	/* Output that could not be written (a full disk, a closed pipe) is a failure. */
	if (fflush(stdout) != 0 && status == VG_EXIT_OK) {
		fprintf(stderr, "virga: stdout: %s\n", strerror(errno));
		status = VG_EXIT_FAIL;
	}
	return status;
}
