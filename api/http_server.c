/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libmicrohttpd glue: collect the body (bounded), build an api_req, dispatch,
 * send the JSON answer. A small pool of epoll threads serves every
 * connection, so nothing here may block a thread for long: a change-feed
 * long poll is held suspended and resumed by the timer thread.
 *
 * What keeps hostile clients from taking the API down:
 *  - MHD's connection limits, for everyone and per client address;
 *  - a deadline for each request's headers (MHD's own timeout is an idle
 *    one that a client trickling a byte at a time keeps resetting): the
 *    timer thread shuts down connections past it;
 *    the first request's runs from the accept, so it covers a TLS handshake
 *    too (MHD runs handshakes on the pool threads without blocking; a
 *    client that stops mid-handshake holds a descriptor until then, never a
 *    thread); a kept-alive connection's next request's runs from its first
 *    byte, which the timer sees as the kernel's count of bytes received
 *    moving past its count at the end of the last request (TCP_INFO, so
 *    TLS records count too). Silence between requests is bounded by MHD's
 *    idle timeout (API_IDLE_TIMEOUT), not by the header deadline;
 *  - URIs that would exhaust MHD's per-connection memory pool are refused
 *    before MHD stores their arguments, and an encoded NUL is refused
 *    instead of cutting the path or a value short.
 *
 * Threads and locks: MHD's pool threads run the callbacks; the timer thread
 * sweeps header deadlines and resumes held requests. http->lock guards the
 * connection list with each connection's header deadline, the held list and
 * stopping. The sweeper shuts a descriptor down only under the lock, and MHD
 * reports a connection closed (on_connection, which takes the lock) before
 * it closes the descriptor, so a reused descriptor is never touched. MHD is
 * never called under http->lock.
 */
#include "api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/tcp.h> /* struct tcp_info with tcpi_bytes_received */
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* MHD stores every header and query argument as a 64-byte record in the
 * connection's pool, after the request line. 0.9.75 loses its own "too
 * large" answer when the records of the request line's arguments exhaust
 * the pool (the connection is closed without a word), so the pool is sized
 * for API_MAX_URI bytes of URI with API_MAX_ARGS arguments and headers to
 * spare, and longer URIs or more arguments are refused before MHD parses
 * them. */
#define API_CONN_MEMORY (128u * 1024)
#define API_MAX_URI (16u * 1024)
#define API_MAX_ARGS 1024u
#define API_IDLE_TIMEOUT 30u /* seconds of silence, within a request or between two */
#define SWEEP_MS 250         /* how late past its deadline a connection may be shut down */
#define LOG_BURST 20         /* MHD messages per second before they are counted instead */

enum uri_problem { URI_OK, URI_TOO_LONG, URI_TOO_MANY_ARGS, URI_NUL_IN_PATH, URI_NUL_IN_QUERY };

enum hold_state {
	HOLD_NONE,
	HOLD_SUSPENDED, /* suspended during this call of on_request */
	HOLD_DONE,      /* resumed: the request runs again and is answered */
};

/* One per TCP connection (MHD's socket context), and the context of its
 * request in progress, as a connection carries one request at a time. */
struct api_conn {
	struct api_conn *prev, *next; /* http->conns, under the lock */
	struct api_conn *held_next;   /* http->held, under the lock */
	struct MHD_Connection *mhd;
	int fd;
	int64_t header_deadline; /* monotonic ms; 0 while no request's headers are awaited */
	/* Kept alive between requests: the bytes received at the end of the
	 * last one; -1 otherwise. The timer starts the next header deadline
	 * once more have come. */
	int64_t idle_mark;
	/* The request in progress, touched only by its MHD thread. */
	bool headers_in;
	bool too_large;
	enum uri_problem uri_problem;
	enum hold_state hold;
	int64_t hold_since, hold_until;
	char *body;
	size_t len;
	/* A streamed body (API_STREAM): the stream while it is accepted, or
	 * the answer already decided (an error) while the rest is dropped. */
	bool streaming;
	struct api_stream *stream;
	int early_status;
	json_t *early_resp;
};

struct api_http {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* CLOCK_MONOTONIC; commits, new holds, stop */
	pthread_t timer;
	bool stopping;
	struct api_conn *conns; /* every open connection */
	struct api_conn *held;  /* suspended long polls */
	int64_t next_sweep;
	int64_t header_timeout_ms;
	/* MHD's log, rate-limited under a flood of refused connections. */
	pthread_mutex_t log_lock;
	int64_t log_window;
	unsigned log_count;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct api_conn *conn_of(struct MHD_Connection *mhd)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(mhd, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

/* --- MHD's log --- */

/* Under a flood MHD logs every refused connection: show LOG_BURST
 * messages a second, count the rest, and say how many once the second is
 * over (on the next message or the timer thread's next sweep). */
static bool log_admit(struct api_http *h, int64_t now, bool add)
{
	unsigned dropped = 0;
	bool show;

	pthread_mutex_lock(&h->log_lock);
	if (now - h->log_window >= 1000) {
		if (h->log_count > LOG_BURST)
			dropped = h->log_count - LOG_BURST;
		h->log_window = now;
		h->log_count = 0;
	}
	show = add && h->log_count < LOG_BURST;
	h->log_count += add;
	pthread_mutex_unlock(&h->log_lock);
	if (dropped)
		fprintf(stderr, "virga-controller: http: %u more messages not shown\n", dropped);
	return show;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	if (!log_admit(cls, now_ms(), true))
		return;
	fputs("virga-controller: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* --- connections and their header deadline --- */

static void on_connection(void *cls, struct MHD_Connection *mhd, void **socket_context,
	enum MHD_ConnectionNotificationCode code)
{
	struct api_server *srv = cls;
	struct api_http *h = srv->http;
	struct api_conn *c = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return; /* on_request closes a connection without one */
		c->mhd = mhd;
		c->fd = MHD_get_connection_info(mhd, MHD_CONNECTION_INFO_CONNECTION_FD)->connect_fd;
		c->idle_mark = -1;
		pthread_mutex_lock(&h->lock);
		c->header_deadline = now_ms() + srv->header_timeout_ms;
		c->next = h->conns;
		if (h->conns)
			h->conns->prev = c;
		h->conns = c;
		pthread_mutex_unlock(&h->lock);
		*socket_context = c;
		return;
	}
	if (!c)
		return;
	pthread_mutex_lock(&h->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		h->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&h->lock);
	free(c->body);
	json_decref(c->early_resp);
	free(c);
	*socket_context = NULL;
}

/* What the kernel has received on fd, TLS records included; -1 if it
 * cannot say (the caller then starts the deadline at once). */
static int64_t bytes_received(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
		len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received))
		return -1;
	return (int64_t)ti.tcpi_bytes_received;
}

/* A request's headers are in: no deadline until the next request. */
static void headers_arrived(struct api_http *h, struct api_conn *c)
{
	pthread_mutex_lock(&h->lock);
	c->header_deadline = 0;
	c->idle_mark = -1;
	pthread_mutex_unlock(&h->lock);
}

/* A request is over and the connection kept alive: idle, with no header
 * deadline until the next request's first byte. A byte of it that came
 * with the last request (pipelining) is not seen; the next one is, and MHD's
 * idle timeout bounds the wait for it. */
static void went_idle(struct api_http *h, struct api_conn *c)
{
	int64_t mark = bytes_received(c->fd);

	pthread_mutex_lock(&h->lock);
	c->header_deadline = mark < 0 ? now_ms() + h->header_timeout_ms : 0;
	c->idle_mark = mark;
	pthread_mutex_unlock(&h->lock);
}

/* Timer thread, under the lock (which keeps every c->fd open). Shutting the
 * socket down makes MHD see the end of the stream and close the connection
 * on its own thread. */
static void sweep_headers(struct api_http *h, int64_t now)
{
	for (struct api_conn *c = h->conns; c; c = c->next) {
		if (c->idle_mark >= 0 && bytes_received(c->fd) != c->idle_mark) {
			c->idle_mark = -1; /* the next request began within SWEEP_MS */
			c->header_deadline = now + h->header_timeout_ms;
		}
		if (c->header_deadline && c->header_deadline <= now) {
			shutdown(c->fd, SHUT_RDWR);
			c->header_deadline = 0;
		}
	}
}

/* --- held long polls --- */

static void on_commit(void *arg)
{
	struct api_http *h = arg;

	pthread_mutex_lock(&h->lock);
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
}

bool api_wait_revision(struct api_req *req, int64_t since, int timeout_ms)
{
	struct api_http *h = req->srv->http;
	struct api_conn *c = conn_of(req->conn);
	bool stopping;

	if (!c || c->hold == HOLD_DONE || timeout_ms <= 0 || cp_db_revision(req->srv->db) > since)
		return true;
	c->hold_since = since;
	c->hold_until = now_ms() + timeout_ms;
	c->hold = HOLD_SUSPENDED;
	MHD_suspend_connection(req->conn);
	pthread_mutex_lock(&h->lock);
	stopping = h->stopping;
	if (!stopping) {
		/* The timer checks the revision again: a commit since ours is not
		 * missed. */
		c->held_next = h->held;
		h->held = c;
		pthread_cond_signal(&h->wake);
	}
	pthread_mutex_unlock(&h->lock);
	if (stopping)
		MHD_resume_connection(req->conn);
	return false;
}

/* Under the lock: moves the held requests that are due to a list of their
 * own; returns it, and sets *wake to the next deadline of those left. */
static struct api_conn *take_due(struct api_http *h, int64_t rev, int64_t now, int64_t *wake)
{
	struct api_conn *due = NULL, **pp = &h->held;

	while (*pp) {
		struct api_conn *c = *pp;

		if (h->stopping || c->hold_since < rev || c->hold_until <= now) {
			*pp = c->held_next;
			c->held_next = due;
			due = c;
		} else {
			if (c->hold_until < *wake)
				*wake = c->hold_until;
			pp = &c->held_next;
		}
	}
	return due;
}

static void *timer_main(void *arg)
{
	struct api_server *srv = arg;
	struct api_http *h = srv->http;

	for (;;) {
		int64_t now = now_ms(), wake;
		struct api_conn *due;
		struct timespec ts;
		bool stopping;

		log_admit(h, now, false);
		pthread_mutex_lock(&h->lock);
		if (now >= h->next_sweep) {
			sweep_headers(h, now);
			h->next_sweep = now + SWEEP_MS;
		}
		wake = h->next_sweep;
		due = take_due(h, cp_db_revision(srv->db), now, &wake);
		stopping = h->stopping;
		if (!due && !stopping) {
			ts.tv_sec = (time_t)(wake / 1000);
			ts.tv_nsec = (long)(wake % 1000) * 1000000L;
			pthread_cond_timedwait(&h->wake, &h->lock, &ts);
		}
		pthread_mutex_unlock(&h->lock);
		if (!due && stopping)
			break;
		/* A suspended connection cannot close, but once resumed it may
		 * be gone at any moment: read next first. */
		while (due) {
			struct api_conn *next = due->held_next;

			MHD_resume_connection(due->mhd);
			due = next;
		}
	}
	return NULL;
}

/* --- requests --- */

/* Called with the raw URI once the request line is in, before MHD parses
 * and unescapes it: the only place an encoded NUL is still visible, and the
 * last chance to keep MHD from filling its pool with arguments. The URI is
 * MHD's own writable read buffer: ending it just after the '?' leaves MHD
 * no arguments to store. The connection becomes the request's context. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mhd)
{
	struct api_conn *c = conn_of(mhd);
	char *query = strchr(uri, '?');
	size_t nargs = 0;

	(void)cls;
	if (!c)
		return NULL;
	if (query)
		for (const char *p = query; p; p = strchr(p + 1, '&'))
			nargs++;
	if (strlen(uri) > API_MAX_URI)
		c->uri_problem = URI_TOO_LONG;
	else if (nargs > API_MAX_ARGS)
		c->uri_problem = URI_TOO_MANY_ARGS;
	else if (memmem(uri, query ? (size_t)(query - uri) : strlen(uri), "%00", 3))
		c->uri_problem = URI_NUL_IN_PATH;
	else if (query && strstr(query, "%00"))
		c->uri_problem = URI_NUL_IN_QUERY;
	if (query && (c->uri_problem == URI_TOO_LONG || c->uri_problem == URI_TOO_MANY_ARGS))
		query[1] = '\0';
	return c;
}

/* The answer to a URI on_uri refused, in the request's error shape. */
static int uri_error(struct api_req *req, enum uri_problem problem)
{
	switch (problem) {
	case URI_TOO_LONG:
		return cp_fail(&req->ctx.err, -ENAMETOOLONG, "HTTPRequestURITooLong",
			"Request URI is longer than %u bytes", API_MAX_URI);
	case URI_TOO_MANY_ARGS:
		return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest",
			"More than %u query parameters", API_MAX_ARGS);
	case URI_NUL_IN_QUERY:
		return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest",
			"Query string contains an encoded NUL (%%00)");
	case URI_NUL_IN_PATH:
	case URI_OK:
		break;
	}
	/* A NUL would cut the path short and reach a shorter route. */
	return cp_fail(&req->ctx.err, -ENOENT, "HTTPNotFound", "The resource could not be found.");
}

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

	if (req->resp_is_file) { /* MHD sends it from the descriptor, and closes it */
		resp = MHD_create_response_from_fd64(req->resp_size, req->resp_fd);
		if (!resp) {
			close(req->resp_fd);
			return MHD_NO;
		}
		MHD_add_response_header(resp, "Content-Type", "application/octet-stream");
		ret = MHD_queue_response(conn, (unsigned)req->status, resp);
		MHD_destroy_response(resp);
		return ret;
	}
	if (req->resp_text && req->status != 204) {
		text = req->resp_text; /* MHD frees it */
		req->resp_text = NULL;
	} else if (req->resp && req->status != 204) {
		text = json_dumps(req->resp, JSON_COMPACT);
	}
	resp = MHD_create_response_from_buffer(text ? strlen(text) : 0, text ? text : "",
		text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (text)
		MHD_add_response_header(resp, "Content-Type", "application/json");
	if (req->subject_token[0])
		MHD_add_response_header(resp, "X-Subject-Token", req->subject_token);
	if (req->status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate", "Keystone uri=\"/identity\"");
	if (req->nova_version_headers) { /* the one version served (microversion.c) */
		MHD_add_response_header(resp, "OpenStack-API-Version", "compute 2.1");
		MHD_add_response_header(resp, "X-OpenStack-Nova-API-Version", "2.1");
		MHD_add_response_header(resp, "Vary",
			"OpenStack-API-Version, X-OpenStack-Nova-API-Version");
	}
	ret = MHD_queue_response(conn, (unsigned)req->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Keep reading an oversized body (to answer 413 cleanly) but stop storing
 * it. */
static enum MHD_Result collect_body(struct api_conn *c, const char *data, size_t size)
{
	if (!c->too_large && c->len + size <= API_MAX_BODY) {
		char *nb = realloc(c->body, c->len + size + 1);

		if (!nb)
			return MHD_NO;
		c->body = nb;
		memcpy(c->body + c->len, data, size);
		c->len += size;
		c->body[c->len] = '\0';
	} else {
		c->too_large = true;
	}
	return MHD_YES;
}

static void init_req(struct api_req *req, struct api_server *srv, struct MHD_Connection *conn,
	struct api_conn *c, const char *url, const char *method)
{
	memset(req, 0, sizeof(*req));
	req->srv = srv;
	req->conn = conn;
	req->method = method;
	req->query = json_object();
	req->body = c->body;
	req->body_len = c->len;
	req->token = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Auth-Token");
	req->ctx.db = srv->db;
	req->ctx.caller = &req->caller;
	req->ctx.svc = &srv->identity;
	req->flavor = strncmp(url, "/identity", 9) == 0 ? API_KEYSTONE : API_NEUTRON;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_query, req->query);
	split_path(req, url);
}

/* Headers in for a streamed route: run its handler now, so the body goes
 * to the stream it opens, or an error is decided before any byte is read. */
static void stream_start(struct api_server *srv, struct MHD_Connection *conn, struct api_conn *c,
	const char *url, const char *method)
{
	struct api_req req;

	c->streaming = true;
	init_req(&req, srv, conn, c, url, method);
	if (c->uri_problem) {
		api_answer(&req, uri_error(&req, c->uri_problem));
	} else {
		api_dispatch(&req);
	}
	c->stream = req.stream;
	if (!c->stream) {
		c->early_status = req.status;
		c->early_resp = req.resp;
	} else {
		json_decref(req.resp);
	}
	json_decref(req.json);
	json_decref(req.query);
}

/* A chunk of a streamed body; after a failed write the rest is dropped and
 * the error answered at the end. */
static enum MHD_Result stream_chunk(struct api_conn *c, const char *data, size_t size)
{
	struct cp_err err = {0};
	int rc;

	if (!c->stream)
		return MHD_YES;
	rc = c->stream->write(c->stream, data, size, &err);
	if (rc) {
		c->stream->cancel(c->stream);
		c->stream = NULL;
		c->early_status = api_http_status(rc);
		c->early_resp = api_error_body(API_GLANCE, c->early_status, &err);
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
	const char *method, const char *version, const char *upload_data, size_t *upload_data_size,
	void **con_cls)
{
	struct api_server *srv = cls;
	struct api_conn *c = *con_cls;
	struct api_req req;
	enum MHD_Result ret;

	(void)version;
	if (!c)
		return MHD_NO;
	if (!c->headers_in) {
		c->headers_in = true;
		headers_arrived(srv->http, c);
		if (api_route_streams(method, url))
			stream_start(srv, conn, c, url, method);
		return MHD_YES;
	}
	if (*upload_data_size) {
		ret = c->streaming ? stream_chunk(c, upload_data, *upload_data_size)
				   : collect_body(c, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return ret;
	}

	init_req(&req, srv, conn, c, url, method);
	if (c->streaming) {
		if (c->stream) {
			struct api_stream *st = c->stream;

			c->stream = NULL;
			api_answer(&req, st->end(st, &req));
		} else {
			req.status = c->early_status;
			req.resp = c->early_resp;
			c->early_resp = NULL;
		}
		ret = send_reply(conn, &req);
		json_decref(req.resp);
		json_decref(req.query);
		return ret;
	}
	if (c->too_large || c->uri_problem) {
		int rc = uri_error(&req, c->uri_problem);

		if (c->too_large)
			rc = cp_fail(&req.ctx.err, -EMSGSIZE, "HTTPRequestEntityTooLarge",
				"Request body is larger than %u bytes", API_MAX_BODY);
		req.status = api_http_status(rc);
		req.resp = api_error_body(req.flavor, req.status, &req.ctx.err);
	} else {
		api_dispatch(&req);
	}
	if (c->hold == HOLD_SUSPENDED) {
		/* Held: no answer now; MHD calls again once resumed. */
		c->hold = HOLD_DONE;
		ret = MHD_YES;
	} else {
		ret = send_reply(conn, &req);
	}
	json_decref(req.resp);
	free(req.resp_text);
	json_decref(req.json);
	json_decref(req.query);
	return ret;
}

/* The request is over: ready the connection for the next one, whose
 * headers get a deadline of their own from its first byte. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	enum MHD_RequestTerminationCode toe)
{
	struct api_server *srv = cls;
	struct api_conn *c = *con_cls;

	(void)conn;
	(void)toe;
	if (!c)
		return;
	if (c->stream) /* the body never ended: a cut upload */
		c->stream->cancel(c->stream);
	c->stream = NULL;
	c->streaming = false;
	json_decref(c->early_resp);
	c->early_resp = NULL;
	free(c->body);
	c->body = NULL;
	c->len = 0;
	c->headers_in = c->too_large = false;
	c->uri_problem = URI_OK;
	c->hold = HOLD_NONE;
	went_idle(srv->http, c);
}

/* --- start and stop --- */

/* The listening socket, made here so a busy address is an error: SO_REUSEADDR
 * lets a restart bind past TIME_WAIT, and there is no SO_REUSEPORT, which
 * would let a second controller take half the connections. */
static int listen_on(const char *host, int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int one = 1, fd, rc;

	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
		bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, SOMAXCONN) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

static void free_http(struct api_http *h)
{
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->lock);
	pthread_mutex_destroy(&h->log_lock);
	free(h);
}

static int init_http(struct api_server *srv)
{
	struct api_http *h = calloc(1, sizeof(*h));
	pthread_condattr_t attr;

	if (!h)
		return -ENOMEM;
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->log_lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&h->wake, &attr);
	pthread_condattr_destroy(&attr);
	h->header_timeout_ms = srv->header_timeout_ms;
	srv->http = h;
	if (pthread_create(&h->timer, NULL, timer_main, srv) != 0) {
		srv->http = NULL;
		free_http(h);
		return -EAGAIN;
	}
	return 0;
}

static void stop_timer(struct api_server *srv)
{
	struct api_http *h = srv->http;

	pthread_mutex_lock(&h->lock);
	h->stopping = true;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->timer, NULL);
}

int api_server_start(struct api_server *srv, const char *host, int port)
{
	/* TLS is a flag and two options: passed as an option array that is
	 * empty for plain HTTP. */
	struct MHD_OptionItem tls[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, srv->tls_cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key},
		/* A trust list makes MHD ask clients for a certificate (node_certs.c). */
		{srv->tls_client_ca ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0,
			srv->tls_client_ca},
		{MHD_OPTION_END, 0, NULL},
	};
	bool use_tls = srv->tls_cert && srv->tls_key;
	int fd, rc;

	/* Zero would mean no connections, or a deadline already past. */
	if (srv->http_threads <= 0 || srv->max_connections <= 0 ||
		srv->max_connections_per_ip < 0 || srv->header_timeout_ms <= 0 ||
		!srv->tls_cert != !srv->tls_key || (srv->tls_client_ca && !srv->tls_cert))
		return -EINVAL;
	if (use_tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return -ENOTSUP;
	if (!use_tls)
		tls[0].option = MHD_OPTION_END;
	fd = listen_on(host, port);
	if (fd < 0)
		return fd;
	rc = init_http(srv);
	if (rc) {
		close(fd);
		return rc;
	}
	cp_db_on_commit(srv->db, on_commit, srv->http);
	srv->mhd = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
			MHD_USE_ERROR_LOG | (use_tls ? MHD_USE_TLS : 0),
		0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv->http,
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)srv->http_threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)srv->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)srv->max_connections_per_ip,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)API_CONN_MEMORY,
		MHD_OPTION_CONNECTION_TIMEOUT, API_IDLE_TIMEOUT, MHD_OPTION_NOTIFY_CONNECTION,
		on_connection, srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
	if (!srv->mhd) { /* MHD closed fd (it owns it from the call on) */
		api_server_stop(srv);
		return -EIO;
	}
	return 0;
}

void api_server_stop(struct api_server *srv)
{
	if (!srv->http)
		return;
	/* Held requests first: MHD must not stop with suspended connections. */
	stop_timer(srv);
	if (srv->mhd)
		MHD_stop_daemon(srv->mhd);
	srv->mhd = NULL;
	cp_db_on_commit(srv->db, NULL, NULL);
	free_http(srv->http);
	srv->http = NULL;
}
