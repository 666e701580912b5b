/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga-apibench: requests/s and latency of four controller operations —
 * token validation, network list, port show, port create — with C keep-alive
 * connections, and the time the controller takes to serve a node's change
 * feed for K bound ports: its first sync (since=0) and a poll after one
 * change (ab_feed.c). See BENCHMARKS.md, "Control plane".
 *
 *   virga-apibench [--requests N] [--concurrency 1,4] [--rounds R]
 *                  [--networks N] [--assignments N] [--feed 1000,10000] [--json]
 *                  [--ops token,networks,port-show,port-create] [--tls DIR]
 *                  [--controller PATH | --url URL --password PW]
 *
 * Without --url it starts its own controller (temp state dir, free loopback
 * port) and stops it, and removes the dir, on every exit, Ctrl-C included.
 * --tls DIR (a tools/make-certs.sh directory): that controller serves HTTPS
 * with DIR's server certificate, and the client verifies against DIR/ca.pem
 * (for an https --url too).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ab.h"

#define AB_MAX_CONC 64
#define AB_MAX_LIST 8
#define AB_FEED_PER_NET 100

volatile sig_atomic_t ab_stop;

enum ab_op { OP_TOKEN, OP_NET_LIST, OP_PORT_SHOW, OP_PORT_CREATE, OP_PORT_CREATE_BOUND, OP_COUNT };

static const char *const op_names[OP_COUNT] = {
                [OP_TOKEN] = "token validate",
                [OP_NET_LIST] = "network list",
                [OP_PORT_SHOW] = "port show",
                [OP_PORT_CREATE] = "port create",
                [OP_PORT_CREATE_BOUND] = "port create --host",
};
/* --ops names of the operations run per round. */
static const char *const op_keys[OP_PORT_CREATE + 1] = {
                [OP_TOKEN] = "token",
                [OP_NET_LIST] = "networks",
                [OP_PORT_SHOW] = "port-show",
                [OP_PORT_CREATE] = "port-create",
};

struct bench {
	const char *url;
	char admin_token[256];
	char subject_token[256]; /* a second token, the one validated */
	char port_net[64];       /* network with a /16 for port create */
	char show_port[64];      /* a port on it, for port show */
	/* The feed's bound ports: AB_FEED_PER_NET per network (each with a /24),
	 * as ports spread over tenants' networks, and because port create costs
	 * O(ports on the network) in this controller. */
	char (*feed_nets)[64];
	int n_feed_nets;
	char node[64]; /* binding:host_id of OP_PORT_CREATE_BOUND */
	int server_pid; /* the bench's own controller, or 0 (--url) */
};

struct run {
	const struct bench *b;
	enum ab_op op;
	size_t n;
	_Atomic size_t next;
	_Atomic size_t errors;
	int64_t *lat_ns;
	char first_error[256];
	pthread_mutex_t err_lock;
};

static void on_signal(int sig)
{
	(void)sig;
	ab_stop = 1;
}

/* One request of op on c; 0 if the API answered what it should. */
static int do_op(struct run *r, size_t i, struct ab_conn *c, char *err, size_t err_cap)
{
	const struct bench *b = r->b;
	char hdr[300], body[256];
	struct ab_resp resp;
	int rc, want;

	switch (r->op) {
	case OP_TOKEN:
		snprintf(hdr, sizeof(hdr), "X-Subject-Token: %s\r\n", b->subject_token);
		rc = ab_request(c, "GET", "/identity/v3/auth/tokens", b->admin_token, hdr, NULL,
		                &resp);
		want = 200;
		break;
	case OP_NET_LIST:
		rc = ab_request(c, "GET", "/network/v2.0/networks", b->admin_token, NULL, NULL,
		                &resp);
		want = 200;
		break;
	case OP_PORT_SHOW:
		snprintf(body, sizeof(body), "/network/v2.0/ports/%s", b->show_port);
		rc = ab_request(c, "GET", body, b->admin_token, NULL, NULL, &resp);
		want = 200;
		break;
	case OP_PORT_CREATE:
		snprintf(body, sizeof(body), "{\"port\": {\"network_id\": \"%s\"}}", b->port_net);
		rc = ab_request(c, "POST", "/network/v2.0/ports", b->admin_token, NULL, body,
		                &resp);
		want = 201;
		break;
	default:
		snprintf(body, sizeof(body),
		                "{\"port\": {\"network_id\": \"%s\", \"binding:host_id\": \"%s\"}}",
		                b->feed_nets[(i / AB_FEED_PER_NET) % (size_t)b->n_feed_nets],
		                b->node);
		rc = ab_request(c, "POST", "/network/v2.0/ports", b->admin_token, NULL, body,
		                &resp);
		want = 201;
		break;
	}
	if (rc < 0) {
		snprintf(err, err_cap, "%s", strerror(-rc));
		return rc;
	}
	if (resp.status != want) {
		snprintf(err, err_cap, "HTTP %d: %.200s", resp.status, resp.body ?: "");
		rc = -EPROTO;
	}
	ab_resp_free(&resp);
	return rc;
}

static void *worker(void *arg)
{
	struct run *r = arg;
	struct ab_conn c;
	char err[256];
	size_t i;

	if (ab_conn_open(&c, r->b->url) < 0) {
		atomic_fetch_add(&r->errors, 1);
		return NULL;
	}
	while (!ab_stop && (i = atomic_fetch_add(&r->next, 1)) < r->n) {
		int64_t t0 = ab_now_ns();

		if (do_op(r, i, &c, err, sizeof(err)) < 0) {
			r->lat_ns[i] = -1;
			if (atomic_fetch_add(&r->errors, 1) == 0) {
				pthread_mutex_lock(&r->err_lock);
				snprintf(r->first_error, sizeof(r->first_error), "%s", err);
				pthread_mutex_unlock(&r->err_lock);
			}
			continue;
		}
		r->lat_ns[i] = ab_now_ns() - t0;
	}
	ab_conn_close(&c);
	return NULL;
}

/* n requests of op over conc connections; fills res (unless res is NULL: warm-up). */
static int run_op(const struct bench *b, enum ab_op op, size_t n, int conc, struct ab_result *res)
{
	struct run r = {.b = b, .op = op, .n = n};
	pthread_t th[AB_MAX_CONC];
	int64_t t0, t1;
	size_t i, ok = 0;
	int k;

	r.lat_ns = calloc(n, sizeof(*r.lat_ns));
	if (r.lat_ns == NULL)
		return -ENOMEM;
	pthread_mutex_init(&r.err_lock, NULL);
	t0 = ab_now_ns();
	for (k = 0; k < conc; k++)
		pthread_create(&th[k], NULL, worker, &r);
	for (k = 0; k < conc; k++)
		pthread_join(th[k], NULL);
	t1 = ab_now_ns();
	for (i = 0; i < n && i < atomic_load(&r.next); i++)
		if (r.lat_ns[i] > 0)
			r.lat_ns[ok++] = r.lat_ns[i];
	if (r.errors)
		fprintf(stderr, "virga-apibench: %s: %zu errors, first: %s\n", op_names[op],
		                (size_t)r.errors, r.first_error);
	if (res) {
		res->op = op_names[op];
		res->concurrency = conc;
		res->requests = ok;
		res->errors = r.errors;
		res->seconds = (double)(t1 - t0) / 1e9;
		res->rps = (double)ok / res->seconds;
		ab_stats_fill(res, r.lat_ns, ok);
	}
	free(r.lat_ns);
	pthread_mutex_destroy(&r.err_lock);
	return ab_stop ? -EINTR : 0;
}

/* ---- set-up through the API ---- */

static int get_token(const char *url, const char *password, char *out, size_t cap)
{
	char body[512];
	struct ab_conn c;
	struct ab_resp resp;
	int rc;

	snprintf(body, sizeof(body),
	                "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{"
	                "\"user\":"
	                "{\"name\":\"admin\",\"domain\":{\"id\":\"default\"},\"password\":\"%s\"}}}"
	                ","
	                "\"scope\":{\"project\":{\"name\":\"admin\",\"domain\":{\"id\":\"default\"}"
	                "}}}}",
	                password);
	rc = ab_conn_open(&c, url);
	if (rc == 0)
		rc = ab_request(&c, "POST", "/identity/v3/auth/tokens", NULL, NULL, body, &resp);
	ab_conn_close(&c);
	if (rc < 0)
		return rc;
	if (resp.status != 201 || !resp.subject_token[0])
		rc = -EACCES;
	else
		snprintf(out, cap, "%s", resp.subject_token);
	ab_resp_free(&resp);
	return rc;
}

int ab_create(struct ab_conn *c, const char *token, const char *path, const char *kind,
                const char *body, char *id, size_t cap)
{
	struct ab_resp resp;
	json_t *j;
	int rc = ab_request(c, "POST", path, token, NULL, body, &resp);

	if (rc < 0)
		return rc;
	if (resp.status != 201) {
		fprintf(stderr, "virga-apibench: POST %s: HTTP %d: %s\n", path, resp.status,
		                resp.body);
		ab_resp_free(&resp);
		return -EPROTO;
	}
	j = json_loads(resp.body, 0, NULL);
	ab_resp_free(&resp);
	if (id) {
		const char *s = json_string_value(json_object_get(json_object_get(j, kind), "id"));

		snprintf(id, cap, "%s", s ?: "");
	}
	json_decref(j);
	return 0;
}

static int make_net_with_subnet(struct ab_conn *c, const struct bench *b, const char *name,
                const char *cidr, char *net, size_t cap)
{
	char body[256];
	int rc;

	snprintf(body, sizeof(body), "{\"network\": {\"name\": \"%s\"}}", name);
	rc = ab_create(c, b->admin_token, "/network/v2.0/networks", "network", body, net, cap);
	if (rc < 0)
		return rc;
	snprintf(body, sizeof(body),
	                "{\"subnet\": {\"network_id\": \"%s\", \"ip_version\": 4, \"cidr\": \"%s\","
	                " \"name\": \"%s-sub\"}}",
	                net, cidr, name);
	return ab_create(c, b->admin_token, "/network/v2.0/subnets", "subnet", body, NULL, 0);
}

int ab_token_project(struct ab_conn *c, const char *token, char *out, size_t cap)
{
	struct ab_resp resp;
	char hdr[320];
	json_t *j, *id;
	int rc;

	snprintf(hdr, sizeof(hdr), "X-Subject-Token: %s\r\n", token);
	rc = ab_request(c, "GET", "/identity/v3/auth/tokens", token, hdr, NULL, &resp);

	if (rc < 0)
		return rc;
	j = resp.status == 200 ? json_loads(resp.body, 0, NULL) : NULL;
	id = json_object_get(json_object_get(json_object_get(j, "token"), "project"), "id");
	rc = json_is_string(id) ? 0 : -EPROTO;
	if (rc == 0)
		snprintf(out, cap, "%s", json_string_value(id));
	json_decref(j);
	ab_resp_free(&resp);
	return rc;
}

/*
 * The bench makes more networks and ports than Neutron's default quotas
 * allow a project (100 networks, 500 ports): lifted for the admin
 * project, as an operator would for a load test.
 */
static int lift_quotas(struct ab_conn *c, const char *token)
{
	char project[128], path[256];
	struct ab_resp resp;
	int rc = ab_token_project(c, token, project, sizeof(project));

	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "/network/v2.0/quotas/%s", project);
	rc = ab_request(c, "PUT", path, token, NULL,
	                "{\"quota\": {\"network\": -1, \"subnet\": -1, \"port\": -1}}", &resp);
	if (rc < 0)
		return rc;
	if (resp.status != 200) {
		fprintf(stderr, "virga-apibench: PUT %s: HTTP %d: %s\n", path, resp.status, resp.body);
		rc = -EPROTO;
	}
	ab_resp_free(&resp);
	return rc;
}

static int setup(struct bench *b, int networks)
{
	struct ab_conn c;
	char body[256];
	int rc, i;

	rc = ab_conn_open(&c, b->url);
	if (rc == 0)
		rc = lift_quotas(&c, b->admin_token);
	for (i = 0; rc == 0 && i < networks; i++) {
		snprintf(body, sizeof(body), "{\"network\": {\"name\": \"apibench-%d\"}}", i);
		rc = ab_create(&c, b->admin_token, "/network/v2.0/networks", "network", body, NULL, 0);
	}
	if (rc == 0)
		rc = make_net_with_subnet(&c, b, "apibench-ports", "10.200.0.0/16", b->port_net,
		                sizeof(b->port_net));
	if (rc == 0) {
		snprintf(body, sizeof(body), "{\"port\": {\"network_id\": \"%s\"}}", b->port_net);
		rc = ab_create(&c, b->admin_token, "/network/v2.0/ports", "port", body, b->show_port,
		                sizeof(b->show_port));
	}
	ab_conn_close(&c);
	return rc;
}

/* ---- the feed ---- */

struct feed_result {
	int ports;
	double create_seconds, create_rps;
	struct ab_feed_times times;
};

/* Creates k ports bound to a fresh node, then times its first sync and a
 * poll after one change (ab_feed.c). */
static int feed_bench(struct bench *b, const char *svc_token, int k, int conc, int reads,
                struct feed_result *fr)
{
	struct ab_result cr = {0};
	struct ab_conn c;
	int rc, i;

	memset(fr, 0, sizeof(*fr));
	fr->ports = k;
	snprintf(b->node, sizeof(b->node), "apibench-node-%d", k);
	rc = ab_conn_open(&c, b->url);
	if (rc < 0)
		return rc;
	free(b->feed_nets);
	b->n_feed_nets = (k + AB_FEED_PER_NET - 1) / AB_FEED_PER_NET;
	b->feed_nets = calloc((size_t)b->n_feed_nets, sizeof(*b->feed_nets));
	for (i = 0; i < b->n_feed_nets && rc == 0 && !ab_stop; i++) {
		static int seq; /* subnets never overlap across feed runs */
		char name[64], cidr[32];

		snprintf(name, sizeof(name), "apibench-feed-%d-%d", k, i);
		snprintf(cidr, sizeof(cidr), "10.%d.%d.0/24", 201 + seq / 256, seq % 256);
		seq++;
		rc = make_net_with_subnet(
		                &c, b, name, cidr, b->feed_nets[i], sizeof(*b->feed_nets));
	}
	ab_conn_close(&c);
	if (rc < 0)
		return rc;
	rc = run_op(b, OP_PORT_CREATE_BOUND, (size_t)k, conc, &cr);
	if (rc < 0)
		return rc;
	if (cr.errors)
		return -EPROTO;
	fr->create_seconds = cr.seconds;
	fr->create_rps = cr.rps;
	return ab_feed_time(b->url, svc_token, b->admin_token, b->node, reads, b->server_pid,
	                &fr->times);
}

/* ---- options and report ---- */

static int parse_list(const char *s, int *out, int max)
{
	int n = 0;
	char *end;

	while (*s && n < max) {
		long v = strtol(s, &end, 10);

		if (end == s || v <= 0 || v > INT_MAX)
			return -EINVAL;
		out[n++] = (int)v;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -EINVAL;
	}
	return n;
}

/* "token,port-show": which of the per-round operations to run. */
static int parse_ops(const char *s, bool run[OP_PORT_CREATE + 1])
{
	memset(run, 0, sizeof(bool) * (OP_PORT_CREATE + 1));
	while (*s) {
		size_t n = strcspn(s, ",");
		int op;

		for (op = OP_TOKEN; op <= OP_PORT_CREATE; op++)
			if (strlen(op_keys[op]) == n && strncmp(s, op_keys[op], n) == 0)
				break;
		if (op > OP_PORT_CREATE)
			return -EINVAL;
		run[op] = true;
		s += n + (s[n] == ',');
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: virga-apibench [--requests N] [--concurrency 1,4] [--rounds R]\n"
	           "         [--networks N] [--assignments N] [--feed 1000,10000]\n"
	           "         [--feed-reads N] [--json]\n"
	           "         [--ops token,networks,port-show,port-create] [--tls CERT_DIR]\n"
	           "         [--controller PATH | --url URL --password ADMIN_PW "
	           "[--service-token T]]\n");
}

static void default_controller(char *out, size_t cap)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0) {
		snprintf(out, cap, "virga-controller");
		return;
	}
	self[n] = '\0';
	/* build/bench/api/virga-apibench -> build/api/virga-controller */
	snprintf(out, cap, "%s/../../api/virga-controller", dirname(self));
}

static json_t *result_json(const struct ab_result *r)
{
	return json_pack("{s:s, s:i, s:i, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f}", "op", r->op,
	                "concurrency", r->concurrency, "round", r->round, "requests",
	                (json_int_t)r->requests, "errors", (json_int_t)r->errors, "seconds",
	                r->seconds, "rps", r->rps, "p50_us", r->p50_us, "p90_us", r->p90_us,
	                "p99_us", r->p99_us, "max_us", r->max_us);
}

/* Medians over rounds of one (op, concurrency): rps, p50, p90, p99, max. */
static size_t summarize(
                const struct ab_result *res, size_t nres, const char *op, int conc, double out[5])
{
	double v[5][64];
	size_t i, m = 0;
	int f;

	for (i = 0; i < nres && m < 64; i++)
		if (res[i].op == op && res[i].concurrency == conc) {
			v[0][m] = res[i].rps;
			v[1][m] = res[i].p50_us;
			v[2][m] = res[i].p90_us;
			v[3][m] = res[i].p99_us;
			v[4][m++] = res[i].max_us;
		}
	for (f = 0; f < 5; f++)
		out[f] = ab_median(v[f], m);
	return m;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	                {"requests", required_argument, NULL, 'n'},
	                {"concurrency", required_argument, NULL, 'c'},
	                {"rounds", required_argument, NULL, 'r'},
	                {"networks", required_argument, NULL, 'N'},
	                {"assignments", required_argument, NULL, 'A'},
	                {"feed", required_argument, NULL, 'f'},
	                {"feed-reads", required_argument, NULL, 'F'},
	                {"controller", required_argument, NULL, 'C'},
	                {"url", required_argument, NULL, 'u'},
	                {"password", required_argument, NULL, 'p'},
	                {"service-token", required_argument, NULL, 's'},
	                {"json", no_argument, NULL, 'j'},
	                {"ops", required_argument, NULL, 'o'},
	                {"tls", required_argument, NULL, 'T'},
	                {"help", no_argument, NULL, 'h'},
	                {NULL, 0, NULL, 0},
	};
	int conc[AB_MAX_LIST] = {1, 4}, nconc = 2, feed[AB_MAX_LIST], nfeed = 0;
	int requests = 2000, rounds = 3, networks = 100, assignments = 0, feed_reads = 3, opt;
	int rc = 0;
	const char *password = getenv("OS_PASSWORD"), *url = NULL, *svc = NULL, *tls_dir = NULL;
	bool run_ops[OP_PORT_CREATE + 1] = {true, true, true, true};
	struct ab_controller ctl = {0};
	struct ab_result *res = NULL;
	struct feed_result fres[AB_MAX_LIST];
	char ctl_path[PATH_MAX + 32], svc_buf[128];
	struct bench b = {0};
	struct sigaction sa = {.sa_handler = on_signal};
	size_t nres = 0, cap;
	bool json = false;
	int round, i, k, op, done_feed = 0;

	default_controller(ctl_path, sizeof(ctl_path));
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			requests = atoi(optarg);
			break;
		case 'c':
			nconc = parse_list(optarg, conc, AB_MAX_LIST);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'N':
			networks = atoi(optarg);
			break;
		case 'A':
			assignments = atoi(optarg);
			break;
		case 'f':
			nfeed = parse_list(optarg, feed, AB_MAX_LIST);
			break;
		case 'F':
			feed_reads = atoi(optarg);
			break;
		case 'C':
			snprintf(ctl_path, sizeof(ctl_path), "%s", optarg);
			break;
		case 'u':
			url = optarg;
			break;
		case 'p':
			password = optarg;
			break;
		case 's':
			svc = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'o':
			if (parse_ops(optarg, run_ops) < 0) {
				usage(stderr);
				return 2;
			}
			break;
		case 'T':
			tls_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (requests <= 0 || rounds <= 0 || networks < 0 || assignments < 0 || nconc <= 0 ||
	                nfeed < 0 ||
	                feed_reads <= 0 || (url && !password) || optind != argc) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < nconc; i++)
		if (conc[i] > AB_MAX_CONC) {
			fprintf(stderr, "virga-apibench: at most %d connections\n", AB_MAX_CONC);
			return 2;
		}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a dropped TLS connection: an error, not death */
	if (tls_dir) {
		char ca[PATH_MAX];

		snprintf(ca, sizeof(ca), "%s/ca.pem", tls_dir);
		if (ab_tls_init(ca) < 0)
			return 2;
	}

	if (url == NULL) {
		rc = ab_controller_start(&ctl, ctl_path, tls_dir);
		if (rc < 0) {
			fprintf(stderr, "virga-apibench: controller %s: %s\n", ctl_path,
			                strerror(-rc));
			goto out;
		}
		url = ctl.url;
		password = ctl.password;
		b.server_pid = ctl.pid;
		if (ab_controller_service_token(&ctl, svc_buf, sizeof(svc_buf)) == 0)
			svc = svc_buf;
	}
	b.url = url;
	rc = get_token(url, password, b.admin_token, sizeof(b.admin_token));
	if (rc == 0)
		rc = get_token(url, password, b.subject_token, sizeof(b.subject_token));
	if (rc < 0) {
		fprintf(stderr, "virga-apibench: admin token from %s: %s\n", url, strerror(-rc));
		goto out;
	}
	if (svc == NULL)
		svc = b.admin_token; /* the feed also answers admin */
	rc = setup(&b, networks);
	if (rc == 0 && assignments)
		rc = ab_add_assignments(url, b.admin_token, assignments);
	if (rc < 0) {
		fprintf(stderr, "virga-apibench: set-up: %s\n", strerror(-rc));
		goto out;
	}

	cap = (size_t)rounds * (OP_PORT_CREATE + 1) * (size_t)nconc;
	res = calloc(cap, sizeof(*res));
	if (res == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (round = 0; round < rounds && !ab_stop; round++)
		for (op = OP_TOKEN; op <= OP_PORT_CREATE && !ab_stop; op++)
			for (k = 0; k < nconc && !ab_stop && run_ops[op]; k++) {
				/* Warm-up: connections, page cache, SQLite's statement cache. */
				run_op(&b, op, (size_t)(requests / 20 + 1), conc[k], NULL);
				if (run_op(&b, op, (size_t)requests, conc[k], &res[nres]) < 0 &&
				                res[nres].requests == 0)
					break;
				res[nres].round = round + 1;
				if (!json)
					fprintf(stderr,
					                "round %d  %-16s c=%d  %8.0f req/s  p50 "
					                "%8.0f µs  "
					                "p99 %8.0f µs  errors %zu\n",
					                round + 1, res[nres].op, conc[k],
					                res[nres].rps, res[nres].p50_us,
					                res[nres].p99_us, res[nres].errors);
				nres++;
			}
	for (i = 0; i < nfeed && !ab_stop; i++) {
		int c = conc[nconc - 1];

		if (feed_bench(&b, svc, feed[i], c, feed_reads, &fres[i]) < 0)
			break;
		done_feed++;
		if (!json)
			fprintf(stderr,
			                "feed %d ports: created in %.1f s (%.0f/s), first sync %.1f "
			                "ms, one change %.2f ms\n",
			                feed[i], fres[i].create_seconds, fres[i].create_rps,
			                fres[i].times.full.ms_median, fres[i].times.change.ms_median);
	}

	/* The report: medians over rounds of each (op, concurrency). */
	if (json) {
		json_t *root = json_object(), *all = json_array(), *sum = json_array(),
		       *fj = json_array();

		for (i = 0; i < (int)nres; i++)
			json_array_append_new(all, result_json(&res[i]));
		for (op = OP_TOKEN; op <= OP_PORT_CREATE; op++)
			for (k = 0; k < nconc; k++) {
				double v[5];
				size_t m = summarize(res, nres, op_names[op], conc[k], v);

				if (m == 0)
					continue;
				json_array_append_new(sum,
				                json_pack("{s:s, s:i, s:I, s:f, s:f, s:f, s:f, "
				                          "s:f}",
				                                "op", op_names[op], "concurrency",
				                                conc[k], "rounds", (json_int_t)m,
				                                "rps", v[0], "p50_us", v[1],
				                                "p90_us", v[2], "p99_us", v[3],
				                                "max_us", v[4]));
			}
		for (i = 0; i < done_feed; i++) {
			const struct ab_feed_times *t = &fres[i].times;
			json_t *ms = json_array(), *change_ms = json_array();

			for (k = 0; k < t->full.runs; k++)
				json_array_append_new(ms, json_real(t->full.ms[k]));
			for (k = 0; k < t->change.runs; k++)
				json_array_append_new(change_ms, json_real(t->change.ms[k]));
			json_array_append_new(fj,
			                json_pack("{s:i, s:f, s:f, s:o, s:f, s:f, s:I, s:I, s:o, s:f, "
			                          "s:f, s:I, s:I}",
			                                "ports", fres[i].ports, "create_seconds",
			                                fres[i].create_seconds, "create_rps",
			                                fres[i].create_rps, "feed_ms", ms,
			                                "feed_ms_median", t->full.ms_median,
			                                "feed_cpu_ms", t->full.cpu_ms,
			                                "bytes", (json_int_t)t->full.bytes,
			                                "ports_in_feed", (json_int_t)t->full.ports,
			                                "change_ms", change_ms, "change_ms_median",
			                                t->change.ms_median, "change_cpu_ms",
			                                t->change.cpu_ms, "change_bytes",
			                                (json_int_t)t->change.bytes, "change_ports",
			                                (json_int_t)t->change.ports));
		}
		json_object_set_new(root, "requests", json_integer(requests));
		json_object_set_new(root, "networks", json_integer(networks));
		json_object_set_new(root, "nproc", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
		json_object_set_new(root, "interrupted", json_boolean(ab_stop));
		json_object_set_new(root, "results", all);
		json_object_set_new(root, "summary", sum);
		json_object_set_new(root, "feed", fj);
		json_dumpf(root, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(root);
	} else {
		printf("\n%d requests per run, %d runs (rounds) per row; medians over rounds%s\n",
		                requests, rounds, ab_stop ? " (interrupted)" : "");
		printf("%-18s %4s %10s %10s %10s %10s %10s\n", "operation", "conc", "req/s",
		                "p50 ms", "p90 ms", "p99 ms", "max ms");
		for (op = OP_TOKEN; op <= OP_PORT_CREATE; op++)
			for (k = 0; k < nconc; k++) {
				double v[5];
				size_t m = summarize(res, nres, op_names[op], conc[k], v);

				if (m == 0)
					continue;
				printf("%-18s %4d %10.0f %10.2f %10.2f %10.2f %10.2f\n",
				                op_names[op], conc[k], v[0], v[1] / 1e3, v[2] / 1e3,
				                v[3] / 1e3, v[4] / 1e3);
			}
		if (done_feed) {
			printf("\n%-6s %10s %8s %14s %8s %10s %14s %8s %10s\n", "ports",
			                "create (s)", "create/s", "first sync ms", "CPU ms", "bytes",
			                "one change ms", "CPU ms", "bytes");
			for (i = 0; i < done_feed; i++)
				printf("%-6d %10.2f %8.0f %14.1f %8.1f %10zu %14.2f %8.2f %10zu\n",
				                fres[i].ports, fres[i].create_seconds,
				                fres[i].create_rps, fres[i].times.full.ms_median,
				                fres[i].times.full.cpu_ms, fres[i].times.full.bytes,
				                fres[i].times.change.ms_median,
				                fres[i].times.change.cpu_ms,
				                fres[i].times.change.bytes);
		}
	}
out:
	free(res);
	free(b.feed_nets);
	ab_controller_stop(&ctl);
	if (ab_stop)
		return 130;
	return rc < 0 ? 1 : 0;
}
