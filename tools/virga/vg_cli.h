/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every `virga` command shares: the invocation context, the command
 * table entry, and the helpers that parse a command's options, talk to the
 * dataplane and report to the user.
 *
 * The CLI is where a negative errno becomes a message and an exit status, so
 * the helpers here that report something return an exit status (VG_EXIT_*,
 * where 0 means "go on") instead of an errno: a command only passes it up.
 */
#ifndef VG_CLI_H
#define VG_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <virga/dp_client.h>

#define VG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum vg_exit {
	VG_EXIT_OK = 0,
	VG_EXIT_FAIL = 1,  /* a request failed or the dataplane was unreachable */
	VG_EXIT_USAGE = 2, /* the command line was wrong; nothing was sent */
};

struct vg_ctx;

struct vg_cmd {
	const char *family; /* "network" */
	/* "add", or words separated by one space ("peer add"); NULL when the family
	 * is the whole command ("stats") */
	const char *verb;
	const char *usage;  /* everything after "virga dp ", for help and usage errors */
	const char *summary;
	/* argv[0] is the verb's last word (the family for verbless commands). Returns an
	 * exit status. */
	int (*run)(struct vg_ctx *ctx, int argc, char **argv);
};

/* Each family's commands, terminated by an entry with a NULL family. */
extern const struct vg_cmd dp_status_cmds[];
extern const struct vg_cmd dp_network_cmds[];
extern const struct vg_cmd dp_port_cmds[];
extern const struct vg_cmd dp_port_security_cmds[];
extern const struct vg_cmd dp_mac_cmds[];
extern const struct vg_cmd dp_vtep_cmds[];
extern const struct vg_cmd dp_router_cmds[];
extern const struct vg_cmd dp_route_cmds[];
extern const struct vg_cmd dp_fip_cmds[];
extern const struct vg_cmd dp_nat_cmds[];
extern const struct vg_cmd dp_dhcp_cmds[];
extern const struct vg_cmd dp_neigh_cmds[];
extern const struct vg_cmd dp_stats_cmds[];
extern const struct vg_cmd dp_trace_cmds[];
extern const struct vg_cmd dp_sg_cmds[];
extern const struct vg_cmd dp_ct_cmds[];

struct vg_ctx {
	const char *socket_path;
	bool json;		  /* one JSON document on stdout instead of tables */
	const struct vg_cmd *cmd; /* the command running, for its usage line */
	struct dp_client *client; /* connected by the first request */
	void *page;		  /* DP_MSG_MAX bytes: one page of a list reply */
};

void vg_ctx_release(struct vg_ctx *ctx);

/* "usage: virga [--socket PATH] [--json] dp <cmd->usage>" */
void vg_print_cmd_usage(FILE *f, const struct vg_cmd *cmd);

/* Prints "virga: <message>" and the command's usage on stderr; returns VG_EXIT_USAGE. */
int vg_usage_error(const struct vg_ctx *ctx, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));

/* Prints "virga: <what>: <strerror(-err)>" on stderr; returns VG_EXIT_FAIL. */
int vg_fail(const char *what, int err);

/*
 * getopt_long over the command's own options (opts, terminated by a zero
 * entry) plus --help and --json, which every command takes after its words.
 * Options and operands may be mixed; once it returns -1 the operands are
 * argv[optind..argc-1]. Returns the next option's val, -1 at the end, or
 * VG_OPT_STOP when the command must return *status (help printed, or a usage
 * error reported). The dispatcher resets getopt before each command.
 */
#define VG_OPT_STOP (-2)
/* Commands number their own options' vals from here (above --help and --json). */
#define VG_OPT_FIRST 0x200
int vg_opt_next(struct vg_ctx *ctx, int argc, char **argv, const struct option *opts,
		int *status);

/*
 * vg_opt_next for a command whose one option says how idempotent it is:
 * --exist-ok for an add, --missing-ok for a del; sets *flag (the request's
 * exist_ok or missing_ok byte) when given. Returns false when the command
 * must return *status instead of going on (help printed, or a usage error).
 */
bool vg_ok_option(struct vg_ctx *ctx, int argc, char **argv, bool add, uint8_t *flag,
		int *status);

/* vg_opt_next for a command with no options of its own (only --help and
 * --json). Returns false when the command must return *status instead of
 * going on (help printed, or a usage error). */
bool vg_no_options(struct vg_ctx *ctx, int argc, char **argv, int *status);

/* Checks that there are min..max operands; else reports a usage error. */
int vg_operands(const struct vg_ctx *ctx, int argc, char **argv, int min, int max);

/* Copies a name (label: "NAME", "--physnet") into a protocol array of cap
 * bytes; a usage error when it is empty or does not fit with its NUL. */
int vg_name_arg(const struct vg_ctx *ctx, const char *label, char *dst, size_t cap,
		const char *value);

/*
 * Sends one request. A reply body must be exactly resp_size bytes (none is
 * looked at when resp is NULL). what names the operation in error messages:
 * "network add blue".
 */
int vg_request(struct vg_ctx *ctx, const char *what, enum dp_msg_type type, const void *req,
		size_t req_len, void *resp, size_t resp_size);

/*
 * Calls fn on every entry of a paged list (struct dp_list_req request, reply
 * of count + next_cursor + entries of entry_size bytes), following the cursor
 * until the last page. filter may be NULL. fn returns 0 or a negative errno,
 * which stops the walk.
 */
int vg_list(struct vg_ctx *ctx, const char *what, enum dp_msg_type type, const char *filter,
		size_t entry_size, int (*fn)(void *arg, const void *entry), void *arg);

/*
 * A whole delete-by-name command: `<what> NAME [--missing-ok]`. The request
 * is req_len bytes, all zero but its name array (name_off, name_cap bytes)
 * and its missing_ok byte (missing_off). Returns an exit status.
 */
struct vg_del_cmd {
	const char *what; /* "port del", for messages */
	enum dp_msg_type type;
	size_t req_len;
	size_t name_off;
	size_t name_cap;
	size_t missing_off;
};

int vg_del_command(struct vg_ctx *ctx, int argc, char **argv, const struct vg_del_cmd *d);

#define VG_DEL_CMD(what, type, req_type)                                                           \
	{                                                                                          \
		what, type, sizeof(req_type), offsetof(req_type, name),                            \
				sizeof(((req_type *)0)->name), offsetof(req_type, missing_ok)      \
	}

#endif /* VG_CLI_H */
