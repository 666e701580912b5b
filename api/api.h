/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP layer: libmicrohttpd with a small pool of epoll threads (a
 * change-feed long poll is held suspended, without a thread), a route
 * table, token authentication, JSON in and out, and the one errno -> HTTP
 * mapping. Nothing here knows SQL; services are called with a cp_ctx.
 */
#ifndef API_API_H
#define API_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "../controlplane/core/resource.h"
#include "../controlplane/core/tags.h"
#include "../controlplane/identity/identity.h"

#define API_MAX_BODY (1u << 20) /* larger request bodies get 413 */
#define API_MAX_SEGS 12

/* Which error body shape a route answers with. */
enum api_flavor { API_KEYSTONE, API_NEUTRON, API_GLANCE, API_NOVA };

struct api_server {
	struct cp_db *db;
	struct cp_identity identity;
	int feed_timeout_ms;        /* longest a change-feed request is held */
	int http_threads;           /* MHD's thread pool */
	int max_connections;        /* open at once, all clients together */
	int max_connections_per_ip; /* open at once from one address; 0: no limit */
	int header_timeout_ms;      /* a request's headers must be in by then */
	/* PEM certificate chain and key: HTTPS when set, plain HTTP when NULL.
	 * MHD reads them at start; they stay the caller's. */
	char *tls_cert, *tls_key;
	/* PEM CA certificates that sign node certificates: when set, the node
	 * endpoints (API_NODE routes) need one (node_certs.c). */
	char *tls_client_ca;
	struct MHD_Daemon *mhd;
	struct api_http *http; /* http_server.c's connections and timer thread */
	char image_dir[600];   /* the image file store, <state-dir>/images */
	char volume_dir[600];  /* the volume file driver's store, <state-dir>/volumes */
};

struct api_req {
	struct api_server *srv;
	void *conn; /* struct MHD_Connection */
	const char *method;
	char path[1024];
	char *seg[API_MAX_SEGS];
	int nseg;
	const char *arg[4]; /* path segments matched by "*" */
	json_t *query;      /* key -> array of strings */
	const char *body;
	size_t body_len;
	json_t *json; /* parsed body, NULL when empty */
	const char *token;
	struct cp_caller caller;
	struct cp_ctx ctx; /* caller + err for service calls */
	enum api_flavor flavor;
	/* A streamed request body (API_STREAM routes): the handler, run once
	 * the headers are in, sets it; http_server.c feeds it the body. */
	struct api_stream *stream;
	/* The response. */
	int status;
	bool resp_is_file; /* resp_fd/resp_size instead of resp: a download */
	int resp_fd;
	uint64_t resp_size;
	json_t *resp;
	char *resp_text; /* a body already serialised, sent instead of resp */
	char subject_token[CP_TOKEN_LEN];
	/* A compute answer: it names its microversion (microversion.c). */
	bool nova_version_headers;
};

/* A handler returns 0 with status/resp set, or a negative errno with
 * req->ctx.err describing it (errors.c turns it into a response). */
typedef int (*api_handler)(struct api_req *req, const void *arg);

#define API_NOAUTH 0x1u /* version discovery and POST /v3/auth/tokens */
/* The body is not collected (nor capped at API_MAX_BODY): the handler runs
 * when the headers are in and sets req->stream, which http_server.c hands
 * each chunk as MHD reads it. MHD reads no more from the socket until
 * write returns, so a slow disk slows the client (back-pressure) and memory
 * stays at MHD's connection buffer whatever the body's size. */
#define API_STREAM 0x2u
/* A node endpoint (/internal/v1/nodes/{node}/...): with a client CA, the
 * caller's certificate must be the node's (api_node_cert_check). */
#define API_NODE 0x4u

struct api_stream {
	/* 0, or a negative errno with err filled: the rest of the body is
	 * read and dropped, and the error answered. */
	int (*write)(struct api_stream *s, const char *data, size_t len, struct cp_err *err);
	/* The body is complete: answer req (0 with status set, or -errno with
	 * req->ctx.err). Frees s. */
	int (*end)(struct api_stream *s, struct api_req *req);
	/* The connection ended before the body did (or write failed): undo.
	 * Frees s. */
	void (*cancel)(struct api_stream *s);
};

struct api_route {
	const char *method;
	const char *pattern; /* "/network/v2.0/networks/ *" without the space */
	api_handler handler;
	const void *arg;
	unsigned flags;
	enum api_flavor flavor;
};

/* Route tables, one per area, NULL-method terminated. */
extern const struct api_route api_version_routes[];
extern const struct api_route api_identity_routes[];
extern const struct api_route api_app_cred_routes[];
extern const struct api_route api_ec2_routes[];
extern const struct api_route api_domain_config_routes[];
extern const struct api_route api_role_routes[];
extern const struct api_route api_network_routes[];
extern const struct api_route api_quota_routes[];
extern const struct api_route api_feed_routes[];
extern const struct api_route api_image_routes[];
extern const struct api_route api_image_data_routes[];
extern const struct api_route api_compute_routes[];
extern const struct api_route api_hypervisor_routes[];
extern const struct api_route api_server_routes[];
extern const struct api_route api_server_volume_routes[];
extern const struct api_route api_volume_routes[];

/* api_server_start: 0, or -EADDRINUSE (and other bind errors) when the
 * address is taken. */
int api_server_start(struct api_server *srv, const char *host, int port);
void api_server_stop(struct api_server *srv);
/* For a long poll (http_server.c). True when the handler should answer now:
 * the revision is past since, timeout_ms is 0, or the request has been held
 * already. Otherwise the request is held, without a thread, and false
 * returned: the handler returns any reply (it is dropped) and runs again
 * once the revision passes since or timeout_ms passes. */
bool api_wait_revision(struct api_req *req, int64_t since, int timeout_ms);

/* Routing and authentication (router.c): fills req->resp/status. */
void api_dispatch(struct api_req *req);
/* Whether method + url is an API_STREAM route. */
bool api_route_streams(const char *method, const char *url);
/* Sets req's answer from a handler's return code (an error body for rc < 0). */
void api_answer(struct api_req *req, int rc);

/* node_certs.c: 0 when no client CA is set or the connection's client
 * certificate verifies against it and is issued to node; -EACCES with
 * req->ctx.err saying why otherwise. */
int api_node_cert_check(struct api_req *req, const char *node);

/* microversion.c: for a request under /compute/v2.1, the microversion asked
 * (2.1 only: -EINVAL for a malformed one, -EPROTONOSUPPORT (406) for one
 * outside the range, with req->ctx.err); marks the answer to carry the
 * version headers. 0 elsewhere. */
int api_nova_microversion(struct api_req *req);
/* Whether a Cinder request asks for volume microversion major.minor or
 * later ("OpenStack-API-Version: volume 3.42"; none is 3.0, "latest" any). */
bool api_volume_version_at_least(struct api_req *req, long major, long minor);

/* errors.c: the one errno -> HTTP status mapping, and error bodies. */
int api_http_status(int err);
json_t *api_error_body(enum api_flavor flavor, int status, const struct cp_err *err);

/* json_util.c */
/* The request body as the object under key (e.g. "network"); -EINVAL when
 * missing or not an object. */
int api_body_member(struct api_req *req, const char *key, const json_t **out);
/* Parses Neutron/Keystone list options from the query string; filters are
 * every key that is not a paging/sorting/fields key. Caller frees with
 * api_list_opts_free. */
int api_list_opts(struct api_req *req, struct cp_list_opts *opts);
void api_list_opts_free(struct cp_list_opts *opts);
/* First value of a query key, or NULL. */
const char *api_query(struct api_req *req, const char *key);
/* Sets the response: status and body (stolen). */
int api_reply(struct api_req *req, int status, json_t *body);
/* The same with a body that is JSON text already (malloc'd, stolen): what
 * is kept serialised is not parsed and dumped again. */
int api_reply_text(struct api_req *req, int status, char *text);
/* The URL prefix of this server ("http://127.0.0.1:PORT"). */
const char *api_base(struct api_req *req);

/* tag_handlers.c: the six tag calls on an object of kind k (arg[0]; the
 * tag in arg[1] when one): GET/PUT/DELETE of .../tags and .../tags/{tag}. */
int api_tags(struct api_req *req, const struct cp_kind *k, const struct cp_tag_rules *rules,
	bool one);

#endif
