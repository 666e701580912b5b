/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The helpers every `virga` command uses: option parsing with the common
 * options folded in, requests with their error reporting, and list paging.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vg_cli.h"
#include "vg_parse.h"

#define VG_OPT_HELP 'h'
#define VG_OPT_JSON 0x100
/* The most options a command declares, plus --help, --json and the end marker. */
#define VG_MAX_OPTS 16

void vg_ctx_release(struct vg_ctx *ctx)
{
	dp_client_close(ctx->client);
	ctx->client = NULL;
	free(ctx->page);
	ctx->page = NULL;
}

void vg_print_cmd_usage(FILE *f, const struct vg_cmd *cmd)
{
	fprintf(f, "usage: virga [--socket PATH] [--json] dp %s\n", cmd->usage);
}

int vg_usage_error(const struct vg_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fputs("virga: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (ctx->cmd != NULL)
		vg_print_cmd_usage(stderr, ctx->cmd);
	return VG_EXIT_USAGE;
}

int vg_fail(const char *what, int err)
{
	fprintf(stderr, "virga: %s: %s\n", what, strerror(-err));
	return VG_EXIT_FAIL;
}

bool vg_ok_option(struct vg_ctx *ctx, int argc, char **argv, bool add, uint8_t *flag,
		int *status)
{
	enum { OPT_OK = VG_OPT_FIRST };
	static const struct option add_opts[] = {{"exist-ok", no_argument, NULL, OPT_OK}, {0}};
	static const struct option del_opts[] = {{"missing-ok", no_argument, NULL, OPT_OK}, {0}};
	int c;

	while ((c = vg_opt_next(ctx, argc, argv, add ? add_opts : del_opts, status)) != -1) {
		if (c == VG_OPT_STOP)
			return false;
		if (c == OPT_OK)
			*flag = 1;
	}
	return true;
}

int vg_opt_next(struct vg_ctx *ctx, int argc, char **argv, const struct option *opts,
		int *status)
{
	struct option all[VG_MAX_OPTS];
	size_t n = 0;
	int c;

	while (opts != NULL && opts[n].name != NULL) {
		if (n + 3 > VG_MAX_OPTS)
			abort(); /* a command declares more options than fit: fix VG_MAX_OPTS */
		all[n] = opts[n];
		n++;
	}
	all[n++] = (struct option){"help", no_argument, NULL, VG_OPT_HELP};
	all[n++] = (struct option){"json", no_argument, NULL, VG_OPT_JSON};
	all[n] = (struct option){0};

	/* Our own messages, with the usage line, instead of getopt's. */
	opterr = 0;
	for (;;) {
		c = getopt_long(argc, argv, ":h", all, NULL);
		switch (c) {
		case VG_OPT_JSON:
			ctx->json = true;
			continue;
		case VG_OPT_HELP:
			vg_print_cmd_usage(stdout, ctx->cmd);
			*status = VG_EXIT_OK;
			return VG_OPT_STOP;
		case '?':
			/* optopt is a short option's letter; for long ones, argv has the text. */
			if (optopt > 0 && optopt < 0x80 && isalnum(optopt))
				*status = vg_usage_error(ctx, "unknown option '-%c'", optopt);
			else
				*status = vg_usage_error(ctx, "unknown option '%s'", argv[optind - 1]);
			return VG_OPT_STOP;
		case ':':
			*status = vg_usage_error(ctx, "option '%s' needs a value", argv[optind - 1]);
			return VG_OPT_STOP;
		default:
			return c;
		}
	}
}

bool vg_no_options(struct vg_ctx *ctx, int argc, char **argv, int *status)
{
	int c;

	while ((c = vg_opt_next(ctx, argc, argv, NULL, status)) != -1)
		if (c == VG_OPT_STOP)
			return false;
	return true;
}

int vg_operands(const struct vg_ctx *ctx, int argc, char **argv, int min, int max)
{
	if (argc < min)
		return vg_usage_error(ctx, "missing argument");
	if (argc > max)
		return vg_usage_error(ctx, "unexpected argument '%s'", argv[max]);
	return VG_EXIT_OK;
}

int vg_name_arg(const struct vg_ctx *ctx, const char *label, char *dst, size_t cap,
		const char *value)
{
	int ret = vg_copy_name(dst, cap, value);

	if (ret == -ENAMETOOLONG)
		return vg_usage_error(ctx, "%s '%s' is too long (at most %zu characters)", label,
				value, cap - 1);
	if (ret < 0)
		return vg_usage_error(ctx, "%s must not be empty", label);
	return VG_EXIT_OK;
}

static int vg_connect(struct vg_ctx *ctx)
{
	char what[256];

	if (ctx->client != NULL)
		return VG_EXIT_OK;
	ctx->client = dp_client_connect(ctx->socket_path);
	if (ctx->client == NULL) {
		snprintf(what, sizeof(what), "connect %s", ctx->socket_path);
		return vg_fail(what, -errno);
	}
	/* Generation 0: the CLI must never look newer than the node's agent. */
	dp_client_set_generation(ctx->client, 0);
	return VG_EXIT_OK;
}

/* The buffer replies are received into: a list page can be DP_MSG_MAX bytes. */
static int vg_page(struct vg_ctx *ctx, const char *what)
{
	if (ctx->page != NULL)
		return VG_EXIT_OK;
	ctx->page = malloc(DP_MSG_MAX);
	if (ctx->page == NULL)
		return vg_fail(what, -ENOMEM);
	return VG_EXIT_OK;
}

static int vg_call(struct vg_ctx *ctx, const char *what, enum dp_msg_type type, const void *req,
		size_t req_len, void *resp, size_t resp_cap, size_t *resp_len)
{
	int status, ret;

	status = vg_connect(ctx);
	if (status != VG_EXIT_OK)
		return status;
	ret = dp_client_call(ctx->client, type, req, req_len, resp, resp_cap, resp_len);
	if (ret < 0)
		return vg_fail(what, ret);
	return VG_EXIT_OK;
}

static int vg_bad_reply(const char *what, enum dp_msg_type type, size_t got, size_t expected)
{
	fprintf(stderr, "virga: %s: %s reply of %zu bytes, expected %zu: %s\n", what,
			dp_msg_type_name(type), got, expected, strerror(EPROTO));
	return VG_EXIT_FAIL;
}

int vg_request(struct vg_ctx *ctx, const char *what, enum dp_msg_type type, const void *req,
		size_t req_len, void *resp, size_t resp_size)
{
	size_t len = 0;
	int status;

	if (resp == NULL)
		return vg_call(ctx, what, type, req, req_len, NULL, 0, NULL);
	status = vg_page(ctx, what);
	if (status != VG_EXIT_OK)
		return status;
	/* Room for one byte more than expected, so that a longer reply shows. */
	status = vg_call(ctx, what, type, req, req_len, ctx->page, resp_size + 1, &len);
	if (status != VG_EXIT_OK)
		return status;
	if (len != resp_size)
		return vg_bad_reply(what, type, len, resp_size);
	memcpy(resp, ctx->page, resp_size);
	return VG_EXIT_OK;
}

/* All list replies share this head; only the entries differ. */
struct vg_page_head {
	uint32_t count;
	uint32_t next_cursor;
};

int vg_list(struct vg_ctx *ctx, const char *what, enum dp_msg_type type, const char *filter,
		size_t entry_size, int (*fn)(void *arg, const void *entry), void *arg)
{
	struct dp_list_req req = {.cursor = 0};
	struct vg_page_head head;
	const uint8_t *entries;
	size_t len;
	int status, ret;

	if (filter != NULL && strlen(filter) >= sizeof(req.filter))
		return vg_fail(what, -ENAMETOOLONG);
	if (filter != NULL)
		strcpy(req.filter, filter);
	status = vg_page(ctx, what);
	if (status != VG_EXIT_OK)
		return status;

	do {
		status = vg_call(ctx, what, type, &req, sizeof(req), ctx->page, DP_MSG_MAX, &len);
		if (status != VG_EXIT_OK)
			return status;
		if (len < sizeof(head))
			return vg_bad_reply(what, type, len, sizeof(head));
		memcpy(&head, ctx->page, sizeof(head));
		if (len != sizeof(head) + (size_t)head.count * entry_size)
			return vg_bad_reply(what, type, len,
					sizeof(head) + (size_t)head.count * entry_size);
		/* A cursor that does not move would page forever. */
		if (head.next_cursor != 0 && head.next_cursor == req.cursor)
			return vg_fail(what, -EPROTO);

		/* The page is malloc'ed and the head is 8 bytes: entries stay aligned. */
		entries = (const uint8_t *)ctx->page + sizeof(head);
		for (uint32_t i = 0; i < head.count; i++) {
			ret = fn(arg, entries + i * entry_size);
			if (ret < 0)
				return vg_fail(what, ret);
		}
		req.cursor = head.next_cursor;
	} while (req.cursor != 0);
	return VG_EXIT_OK;
}
