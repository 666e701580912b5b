/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libmicrohttpd glue: collect the body (bounded), build an api_req, dispatch,
 * send the JSON answer. One thread per connection.
 */
#include "api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conn_state {
	char *body;
	size_t len;
	bool too_large;
};

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key,
	const char *value)
{
	json_t *q = cls, *arr;

	(void)kind;
	arr = json_object_get(q, key);
	if (!arr) {
		arr = json_array();
		json_object_set_new(q, key, arr);
	}
	json_array_append_new(arr, json_string(value ? value : ""));
	return MHD_YES;
}

static void split_path(struct api_req *req, const char *url)
{
	char *p, *save = NULL;

	/* devstack serves neutron at /networking: accept both. */
	if (strncmp(url, "/networking/", 12) == 0 || strcmp(url, "/networking") == 0)
		snprintf(req->path, sizeof(req->path), "/network%s", url + 11);
	else
		snprintf(req->path, sizeof(req->path), "%s", url);
	req->nseg = 0;
	for (p = strtok_r(req->path, "/", &save); p && req->nseg < API_MAX_SEGS;
		p = strtok_r(NULL, "/", &save))
		req->seg[req->nseg++] = p;
	if (p) /* too deep for any route: make it unmatchable */
		req->nseg = API_MAX_SEGS;
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, struct api_req *req)
{
	char *text = NULL;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (req->resp && req->status != 204)
		text = json_dumps(req->resp, JSON_COMPACT);
	resp = MHD_create_response_from_buffer(text ? strlen(text) : 0, text ? text : "",
		text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (text)
		MHD_add_response_header(resp, "Content-Type", "application/json");
	if (req->subject_token[0])
		MHD_add_response_header(resp, "X-Subject-Token", req->subject_token);
	if (req->status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate", "Keystone uri=\"/identity\"");
	ret = MHD_queue_response(conn, (unsigned)req->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
	const char *method, const char *version, const char *upload_data, size_t *upload_data_size,
	void **con_cls)
{
	struct api_server *srv = cls;
	struct conn_state *cs = *con_cls;
	struct api_req req;
	enum MHD_Result ret;

	(void)version;
	if (!cs) {
		cs = calloc(1, sizeof(*cs));
		if (!cs)
			return MHD_NO;
		*con_cls = cs;
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* Keep reading an oversized body (to answer 413 cleanly) but
		 * stop storing it. */
		if (!cs->too_large && cs->len + *upload_data_size <= API_MAX_BODY) {
			char *nb = realloc(cs->body, cs->len + *upload_data_size + 1);

			if (!nb)
				return MHD_NO;
			cs->body = nb;
			memcpy(cs->body + cs->len, upload_data, *upload_data_size);
			cs->len += *upload_data_size;
			cs->body[cs->len] = '\0';
		} else {
			cs->too_large = true;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}

	memset(&req, 0, sizeof(req));
	req.srv = srv;
	req.conn = conn;
	req.method = method;
	req.query = json_object();
	req.body = cs->body;
	req.body_len = cs->len;
	req.token = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Auth-Token");
	req.ctx.db = srv->db;
	req.ctx.caller = &req.caller;
	req.ctx.svc = &srv->identity;
	req.flavor = strncmp(url, "/identity", 9) == 0 ? API_KEYSTONE : API_NEUTRON;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_query, req.query);
	split_path(&req, url);
	if (cs->too_large) {
		cp_fail(&req.ctx.err, -EMSGSIZE, "HTTPRequestEntityTooLarge",
			"Request body is larger than %u bytes", API_MAX_BODY);
		req.status = api_http_status(-EMSGSIZE);
		req.resp = api_error_body(req.flavor, req.status, &req.ctx.err);
	} else {
		api_dispatch(&req);
	}
	ret = send_reply(conn, &req);
	json_decref(req.resp);
	json_decref(req.json);
	json_decref(req.query);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	enum MHD_RequestTerminationCode toe)
{
	struct conn_state *cs = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (cs) {
		free(cs->body);
		free(cs);
		*con_cls = NULL;
	}
}

int api_server_start(struct api_server *srv, const char *host, int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};

	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		return -EINVAL;
	srv->mhd = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			MHD_USE_ERROR_LOG,
		(uint16_t)port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, &sin,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)(srv->feed_timeout_ms / 1000 + 60), MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
		MHD_OPTION_END);
	return srv->mhd ? 0 : -EADDRINUSE;
}

void api_server_stop(struct api_server *srv)
{
	if (srv->mhd)
		MHD_stop_daemon(srv->mhd);
	srv->mhd = NULL;
}
