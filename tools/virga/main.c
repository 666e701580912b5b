/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga: the operator CLI. Global options come first, then "dp FAMILY
 * [VERB]", which is looked up in the families' command tables; the command
 * parses the rest of the line itself.
 *
 * A verb may be several words ("dp vtep peer add", "dp router interface add").
 *
 * Exit status: 0 done, 1 the request failed (message on stderr), 2 the
 * command line was wrong (message and usage on stderr, nothing was sent).
 *
 * --batch FILE ("-": stdin) runs one command a line ("dp router add r1"),
 * over one connection, and stops at the first that fails with its status:
 * a process and a connection per command cost more than the command when
 * an agent or a test programs thousands of objects.
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
	dp_vtep_cmds,
	dp_router_cmds,
	dp_route_cmds,
	dp_fip_cmds,
	dp_nat_cmds,
	dp_dhcp_cmds,
	dp_neigh_cmds,
	dp_stats_cmds,
	dp_trace_cmds,
	dp_sg_cmds,
	dp_ct_cmds,
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
	       "  --batch FILE   one command a line (\"dp ...\"; FILE - is stdin), until one fails\n"
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

/*
 * How many of the n words in args match the first words of verb, one each;
 * *whole tells whether that was all of verb. A NULL verb (a verbless
 * command) is whole with no words.
 */
static int verb_words(const char *verb, int n, char **args, bool *whole)
{
	int i = 0;

	*whole = verb == NULL;
	while (verb != NULL && i < n) {
		size_t len = strcspn(verb, " ");

		if (strlen(args[i]) != len || strncmp(args[i], verb, len) != 0)
			break;
		i++;
		verb += len;
		if (*verb == '\0') {
			*whole = true;
			break;
		}
		verb++; /* the space */
	}
	return i;
}

/* The command that args (the words after the family) name, and in *n_words
 * how many words its verb took. */
static const struct vg_cmd *find_cmd(const char *family, int n, char **args, int *n_words)
{
	bool whole;

	VG_FOR_EACH_CMD(cmd) {
		if (strcmp(cmd->family, family) != 0)
			continue;
		*n_words = verb_words(cmd->verb, n, args, &whole);
		if (whole)
			return cmd;
	}
	return NULL;
}

/* How many of args begin a longer verb of family: 1 for "peer" of "peer add". */
static int verb_prefix(const char *family, int n, char **args)
{
	int depth = 0, words;
	bool whole;

	VG_FOR_EACH_CMD(cmd) {
		if (strcmp(cmd->family, family) != 0)
			continue;
		words = verb_words(cmd->verb, n, args, &whole);
		if (!whole && words > depth)
			depth = words;
	}
	return depth;
}

/* "vtep peer": the first n words of args, for messages. */
static const char *join_words(char *buf, size_t cap, int n, char **args)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s", i > 0 ? " " : "", args[i]);
	return buf;
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
static int parse_global(struct vg_ctx *ctx, int argc, char **argv, const char **batch)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 's'},
		{"batch", required_argument, NULL, 'b'},
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
		case 'b':
			*batch = optarg;
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
	char words[256];
	int skip, depth;

	if (n == 0)
		return usage_error(NULL, "missing command after 'dp'");
	if (is_help(args[0])) {
		print_help();
		return VG_EXIT_OK;
	}
	if (!family_known(args[0]))
		return usage_error(NULL, "unknown command 'dp %s'", args[0]);

	cmd = find_cmd(args[0], n - 1, args + 1, &skip);
	if (cmd == NULL) {
		/* The family and the words of a verb typed so far: "vtep peer". */
		depth = 1 + verb_prefix(args[0], n - 1, args + 1);
		if (depth < n && is_help(args[depth])) {
			print_family_usage(stdout, args[0]);
			return VG_EXIT_OK;
		}
		if (depth == n)
			return usage_error(args[0], "'dp %s' needs a command",
					join_words(words, sizeof(words), depth, args));
		return usage_error(args[0], "unknown command 'dp %s'",
				join_words(words, sizeof(words), depth + 1, args));
	}

	/* The command sees its own words from argv[0]: the verb's last, or the family. */
	ctx->cmd = cmd;
	optind = 0; /* a fresh getopt scan for the command's options */
	return cmd->run(ctx, n - skip, args + skip);
}

/* One command line of a batch, "dp" first, split at blanks (names have none). */
static int run_line(struct vg_ctx *ctx, char *line)
{
	char *args[64], *save = NULL;
	int n = 0;

	for (char *w = strtok_r(line, " \t\n", &save); w != NULL; w = strtok_r(NULL, " \t\n", &save)) {
		if (n == (int)VG_ARRAY_SIZE(args) - 1)
			return usage_error(NULL, "more than %d words", n);
		args[n++] = w;
	}
	args[n] = NULL;
	if (n == 0 || args[0][0] == '#')
		return VG_EXIT_OK;
	if (strcmp(args[0], "dp") != 0)
		return usage_error(NULL, "unknown command '%s'", args[0]);
	return dispatch(ctx, n - 1, args + 1);
}

static int run_batch(struct vg_ctx *ctx, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char line[4096];
	unsigned long no = 0;
	int status = VG_EXIT_OK;

	if (f == NULL) {
		fprintf(stderr, "virga: %s: %s\n", path, strerror(errno));
		return VG_EXIT_FAIL;
	}
	while (status == VG_EXIT_OK && fgets(line, sizeof(line), f) != NULL) {
		no++;
		status = run_line(ctx, line);
		if (status != VG_EXIT_OK)
			fprintf(stderr, "virga: %s: line %lu failed\n", path, no);
	}
	if (f != stdin)
		fclose(f);
	return status;
}

int main(int argc, char **argv)
{
	struct vg_ctx ctx = {0};
	const char *batch = NULL;
	int status;

	status = parse_global(&ctx, argc, argv, &batch);
	if (status >= 0)
		return status;
	if (batch != NULL && optind != argc)
		return usage_error(NULL, "--batch takes its commands from the file, not the line");
	if (batch == NULL && optind == argc)
		return usage_error(NULL, "missing command");
	if (batch == NULL && strcmp(argv[optind], "dp") != 0)
		return usage_error(NULL, "unknown command '%s'", argv[optind]);

	status = batch != NULL ? run_batch(&ctx, batch)
	                       : dispatch(&ctx, argc - optind - 1, argv + optind + 1);
	vg_ctx_release(&ctx);
	/* Output that could not be written (a full disk, a closed pipe) is a failure. */
	if (fflush(stdout) != 0 && status == VG_EXIT_OK) {
		fprintf(stderr, "virga: stdout: %s\n", strerror(errno));
		status = VG_EXIT_FAIL;
	}
	return status;
}
