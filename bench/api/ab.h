/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga-apibench: load for the controller's REST API from C keep-alive
 * connections, one thread per connection. Everything here runs on the
 * bench's own threads; nothing is shared between connections except the
 * request counter and the latency array (each slot written by one thread).
 */
#ifndef VIRGA_AB_H
#define VIRGA_AB_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Set by SIGINT/SIGTERM: every loop checks it and winds down. */
extern volatile sig_atomic_t ab_stop;

int64_t ab_now_ns(void);

/* ---- ab_http.c: HTTP/1.1 keep-alive client over one TCP connection ----
 * agents/common/http.c (libcurl) does not return response headers, and the
 * bench needs X-Subject-Token; this small client also keeps the client's
 * own cost low and the same for http:// and https:// (ab_tls.c). */
struct ab_conn {
	char host[64];
	char port[8];
	int fd;
	bool https;
	void *tls; /* gnutls_session_t while an https connection is open */
	char *buf; /* bytes received and not yet consumed */
	size_t len, cap;
};

struct ab_resp {
	int status;
	char *body; /* NUL-terminated, owned by the response */
	size_t body_len;
	char subject_token[256]; /* X-Subject-Token, if any */
};

int ab_conn_open(struct ab_conn *c, const char *base_url);
void ab_conn_close(struct ab_conn *c);
/* One request; reconnects once if the server closed the idle connection.
 * extra_headers: "Name: value\r\n..." or NULL. Returns 0 or -errno. */
int ab_request(struct ab_conn *c, const char *method, const char *path, const char *token,
                const char *extra_headers, const char *body, struct ab_resp *resp);
void ab_resp_free(struct ab_resp *resp);

/* ---- ab_tls.c: GnuTLS under ab_conn, verified against one CA file ---- */
/* Once, before any https connection: the CA the server must be signed by. */
int ab_tls_init(const char *cafile);
/* Handshake on c->fd (connected), verifying c->host. */
int ab_tls_open(struct ab_conn *c);
void ab_tls_close(struct ab_conn *c);
/* Bytes sent or -errno; bytes received, 0 when the server closed, or -errno. */
ssize_t ab_tls_send(struct ab_conn *c, const char *p, size_t len);
ssize_t ab_tls_recv(struct ab_conn *c, char *p, size_t len);

/* ---- ab_controller.c: a private controller, stopped on every exit ---- */
struct ab_controller {
	int pid;
	char dir[128]; /* temp dir: state/ and the controller's logs */
	char url[64];
	char password[64];
};

/* Starts PATH on a free loopback port with a fresh state dir; waits for it.
 * tls_dir: NULL for HTTP, or a tools/make-certs.sh directory whose
 * server.pem and server-key.pem it serves HTTPS with (ab_tls_init first). */
int ab_controller_start(struct ab_controller *ctl, const char *path, const char *tls_dir);
/* SIGTERM (then SIGKILL), reap, remove the temp dir. Safe to call twice. */
void ab_controller_stop(struct ab_controller *ctl);
/* The service token the controller wrote into its state dir. */
int ab_controller_service_token(const struct ab_controller *ctl, char *out, size_t cap);

/* ---- set-up helpers (main.c, ab_assign.c) ---- */
/* POST path body, expects 201; copies "KIND"."id" of the answer into id. */
int ab_create(struct ab_conn *c, const char *token, const char *path, const char *kind,
                const char *body, char *id, size_t cap);
/* The project id of token (GET /identity/v3/auth/tokens). */
int ab_token_project(struct ab_conn *c, const char *token, char *out, size_t cap);
/* n new users, each with the member role on token's project (ab_assign.c). */
int ab_add_assignments(const char *url, const char *token, int n);

/* ---- ab_feed.c: a node's change feed, as its agent reads it ---- */
#define AB_FEED_MAX_READS 32
struct ab_feed_reads {
	double ms[AB_FEED_MAX_READS];
	int runs;
	double ms_median;
	/* The controller's CPU time per read (utime + stime of the whole
	 * process around each request, in clock ticks, so a mean over many
	 * reads); -1 when the controller is not the bench's own. */
	double cpu_ms;
	size_t bytes, ports; /* of the last read */
};
struct ab_feed_times {
	struct ab_feed_reads full;   /* first syncs (since=0) */
	struct ab_feed_reads change; /* polls after one port of the node changed */
};
/* reads first syncs of node's feed, then reads times: rename one of the
 * node's ports (admin_token) and poll since the last revision (token).
 * server_pid: the controller's process (its CPU time is read from /proc),
 * or 0. */
int ab_feed_time(const char *url, const char *token, const char *admin_token, const char *node,
                int reads, int server_pid, struct ab_feed_times *t);

/* ---- ab_stats.c ---- */
struct ab_result {
	const char *op;
	int concurrency;
	int round;
	size_t requests, errors;
	double seconds, rps;
	double p50_us, p90_us, p99_us, max_us;
};

/* Sorts lat_ns (n entries) and fills the latency fields of r. */
void ab_stats_fill(struct ab_result *r, int64_t *lat_ns, size_t n);
double ab_median(double *v, size_t n);

#endif
