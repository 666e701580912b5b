/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga-controller: the control plane daemon. Opens (or creates) the state
 * database, bootstraps identity on first start, serves every API under one
 * address until SIGINT/SIGTERM.
 *
 *   virga-controller --state-dir DIR --listen 127.0.0.1:PORT --admin-password PW
 *
 * The HTTP limits (--http-threads, --max-connections, --max-connections-per-ip,
 * --header-timeout) bound what a hostile or broken client can hold.
 *
 * --agent-down-time S: a node's agent silent for S seconds is declared dead
 * (its ports DOWN, left out of the other nodes' l2population).
 *
 * --tls-cert FILE --tls-key FILE (PEM, e.g. from tools/make-certs.sh) serve
 * HTTPS instead of HTTP on the same address, and the catalog says https.
 * --tls-client-ca FILE then makes the node endpoints (/internal/v1/nodes/...)
 * need a client certificate that FILE's CA signed for the node
 * (api/node_certs.c).
 *
 * Options may also come from a file (--config FILE, "key = value" lines with
 * the long option names); the command line wins.
 */
#include "api.h"
#include "../controlplane/compute/compute.h"
#include "../controlplane/db/feed.h"
#include "../controlplane/identity/token_cache.h"
#include "../controlplane/network/network.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

struct options {
	char state_dir[512];
	char listen[128];
	char admin_user[128];
	char admin_password[256];
	char admin_project[128];
	char region[64];
	char gateway_node[256]; /* hosts routers' gateways (centralized SNAT) */
	char router_node[256];  /* hosts routers without a gateway whole, or "" */
	char service_token[CP_TOKEN_LEN];
	char tls_cert[512], tls_key[512]; /* PEM files; both or neither */
	char tls_client_ca[512];          /* PEM: the CA of node certificates, or "" */
	int token_ttl;
	int feed_timeout;
	int agent_down_time; /* an agent silent this long is shown dead */
	int http_threads; /* 0: max(4, 2 per online CPU) */
	int max_connections;
	int max_connections_per_ip;
	int header_timeout;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: virga-controller --state-dir DIR [--listen HOST:PORT]\n"
		   "         [--admin-password PW] [--admin-user NAME] [--admin-project NAME]\n"
		   "         [--region NAME] [--token-ttl SECONDS] [--service-token TOKEN]\n"
		   "         [--gateway-node NODE (hosts routers' gateways)]\n"
		   "         [--router-node NODE (hosts routers without a gateway whole)]\n"
		   "         [--feed-timeout SECONDS] [--http-threads N (max(4, 2 per CPU))]\n"
		   "         [--agent-down-time SECONDS (30: agents report every 10)]\n"
		   "         [--max-connections N (4096)] [--max-connections-per-ip N (128, 0: any)]\n"
		   "         [--header-timeout SECONDS (10)] [--config FILE]\n"
		   "         [--tls-cert FILE --tls-key FILE (PEM: serve HTTPS)]\n"
		   "         [--tls-client-ca FILE (PEM: nodes need a certificate it signed)]\n");
}

static int set_option(struct options *o, const char *key, const char *val)
{
	struct {
		const char *name;
		char *dst;
		size_t len;
	} strs[] = {
		{"state-dir", o->state_dir, sizeof(o->state_dir)},
		{"listen", o->listen, sizeof(o->listen)},
		{"admin-user", o->admin_user, sizeof(o->admin_user)},
		{"admin-password", o->admin_password, sizeof(o->admin_password)},
		{"admin-project", o->admin_project, sizeof(o->admin_project)},
		{"region", o->region, sizeof(o->region)},
		{"gateway-node", o->gateway_node, sizeof(o->gateway_node)},
		{"router-node", o->router_node, sizeof(o->router_node)},
		{"service-token", o->service_token, sizeof(o->service_token)},
		{"tls-cert", o->tls_cert, sizeof(o->tls_cert)},
		{"tls-key", o->tls_key, sizeof(o->tls_key)},
		{"tls-client-ca", o->tls_client_ca, sizeof(o->tls_client_ca)},
	};
	struct {
		const char *name;
		int *dst;
		long min, max;
	} ints[] = {
		{"token-ttl", &o->token_ttl, 1, INT_MAX},
		{"feed-timeout", &o->feed_timeout, 1, INT_MAX / 1000},
		{"agent-down-time", &o->agent_down_time, 1, 86400},
		{"http-threads", &o->http_threads, 1, 1024},
		{"max-connections", &o->max_connections, 1, 1000000},
		{"max-connections-per-ip", &o->max_connections_per_ip, 0, 1000000},
		{"header-timeout", &o->header_timeout, 1, INT_MAX / 1000},
	};

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strcmp(key, strs[i].name) == 0) {
			snprintf(strs[i].dst, strs[i].len, "%s", val);
			return 0;
		}
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (strcmp(key, ints[i].name) == 0) {
			char *end;
			long v;

			errno = 0;
			v = strtol(val, &end, 10);
			end += strspn(end, " \t");
			if (errno || end == val || *end || v < ints[i].min || v > ints[i].max)
				return -EINVAL;
			*ints[i].dst = (int)v;
			return 0;
		}
	return -EINVAL;
}

static int load_config(struct options *o, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0;

	if (!f) {
		fprintf(stderr, "virga-controller: cannot read %s: %s\n", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char key[128], val[768];

		lineno++;
		if (line[strspn(line, " \t")] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (sscanf(line, " %127[^= \t] = %767[^\r\n]", key, val) != 2 ||
			set_option(o, key, val) != 0) {
			fprintf(stderr, "virga-controller: %s:%d: bad line\n", path, lineno);
			fclose(f);
			return -EINVAL;
		}
	}
	fclose(f);
	return 0;
}

static int parse_args(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"state-dir", required_argument, NULL, 0},
		{"listen", required_argument, NULL, 0},
		{"admin-user", required_argument, NULL, 0},
		{"admin-password", required_argument, NULL, 0},
		{"admin-project", required_argument, NULL, 0},
		{"region", required_argument, NULL, 0},
		{"router-node", required_argument, NULL, 0},
		{"gateway-node", required_argument, NULL, 0},
		{"service-token", required_argument, NULL, 0},
		{"token-ttl", required_argument, NULL, 0},
		{"feed-timeout", required_argument, NULL, 0},
		{"agent-down-time", required_argument, NULL, 0},
		{"http-threads", required_argument, NULL, 0},
		{"max-connections", required_argument, NULL, 0},
		{"max-connections-per-ip", required_argument, NULL, 0},
		{"header-timeout", required_argument, NULL, 0},
		{"tls-cert", required_argument, NULL, 0},
		{"tls-key", required_argument, NULL, 0},
		{"tls-client-ca", required_argument, NULL, 0},
		{"config", required_argument, NULL, 0},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int idx, c;

	/* The config file first, so the command line overrides it. */
	for (int i = 1; i < argc - 1; i++)
		if (strcmp(argv[i], "--config") == 0 && load_config(o, argv[i + 1]))
			return -EINVAL;
	while ((c = getopt_long(argc, argv, "h", longopts, &idx)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c != 0)
			return -EINVAL;
		if (strcmp(longopts[idx].name, "config") == 0)
			continue;
		if (set_option(o, longopts[idx].name, optarg)) {
			fprintf(stderr, "virga-controller: bad value for --%s\n", longopts[idx].name);
			return -EINVAL;
		}
	}
	if (optind != argc || !o->state_dir[0])
		return -EINVAL;
	return 0;
}

/* The agents' service token: given, or kept in the state dir (mode 0600). */
static int service_token(struct options *o)
{
	char path[600];
	uint8_t raw[32];
	FILE *f;
	int fd;

	if (o->service_token[0])
		return 0;
	snprintf(path, sizeof(path), "%s/service-token", o->state_dir);
	f = fopen(path, "r");
	if (f) {
		int ok = fscanf(f, "%64s", o->service_token) == 1;

		fclose(f);
		return ok ? 0 : -EINVAL;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(o->service_token, sizeof(o->service_token), raw, sizeof(raw));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || dprintf(fd, "%s\n", o->service_token) < 0 || fsync(fd) != 0) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	close(fd);
	return 0;
}

/* A whole PEM file, NUL-terminated (what MHD takes), or NULL with a message. */
static char *read_pem(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		fprintf(stderr, "virga-controller: cannot read %s: %s\n", path, strerror(errno));
		return NULL;
	}
	do {
		if (len + 4096 + 1 > cap) {
			char *nb = cap < (1u << 20) ? realloc(buf, cap + 8192) : NULL;

			if (!nb) {
				fprintf(stderr, "virga-controller: %s is too large for a PEM file\n", path);
				sodium_memzero(buf, cap);
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 8192;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* The certificate and key for HTTPS, both or neither. */
static int load_tls(const struct options *o, struct api_server *srv)
{
	struct stat st;

	if (!o->tls_cert[0] && !o->tls_key[0] && o->tls_client_ca[0]) {
		fprintf(stderr, "virga-controller: --tls-client-ca needs --tls-cert and --tls-key\n");
		return -EINVAL;
	}
	if (!o->tls_cert[0] && !o->tls_key[0])
		return 0;
	if (!o->tls_cert[0] || !o->tls_key[0]) {
		fprintf(stderr, "virga-controller: --tls-cert and --tls-key go together\n");
		return -EINVAL;
	}
	srv->tls_cert = read_pem(o->tls_cert);
	srv->tls_key = srv->tls_cert ? read_pem(o->tls_key) : NULL;
	/* MHD only says it failed: name what is missing here. */
	if (srv->tls_cert && !strstr(srv->tls_cert, "-----BEGIN CERTIFICATE-----")) {
		fprintf(stderr, "virga-controller: %s holds no PEM certificate\n", o->tls_cert);
		return -EINVAL;
	}
	if (srv->tls_key && !strstr(srv->tls_key, "PRIVATE KEY-----")) {
		fprintf(stderr, "virga-controller: %s holds no PEM private key\n", o->tls_key);
		return -EINVAL;
	}
	if (srv->tls_key && stat(o->tls_key, &st) == 0 && (st.st_mode & 077))
		fprintf(stderr, "virga-controller: warning: %s (the TLS key) is readable by "
				"others than its owner (mode %03o): chmod 600 it\n",
			o->tls_key, (unsigned)(st.st_mode & 0777));
	if (!srv->tls_key)
		return -EINVAL;
	if (o->tls_client_ca[0]) {
		srv->tls_client_ca = read_pem(o->tls_client_ca);
		if (!srv->tls_client_ca ||
			!strstr(srv->tls_client_ca, "-----BEGIN CERTIFICATE-----")) {
			fprintf(stderr, "virga-controller: %s holds no PEM certificate\n",
				o->tls_client_ca);
			return -EINVAL;
		}
	}
	return 0;
}

/* Raises the descriptor limit to its hard maximum so --max-connections is
 * reachable (the usual soft limit, 1024, is not); lowers the connection
 * limit, saying so, when the hard maximum is too low. */
static void raise_nofile(struct options *o)
{
	struct rlimit rl;
	const rlim_t reserve = 64; /* database, listening socket, epoll, pipes */

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)o->max_connections + reserve) {
		int max = rl.rlim_cur > reserve ? (int)(rl.rlim_cur - reserve) : 1;

		fprintf(stderr, "virga-controller: only %llu file descriptors: "
				"--max-connections %d, not %d\n",
			(unsigned long long)rl.rlim_cur, max, o->max_connections);
		o->max_connections = max;
	}
}

int main(int argc, char **argv)
{
	struct options o = {.listen = "127.0.0.1:5000", .admin_user = "admin",
		.admin_project = "admin", .region = "RegionOne", .token_ttl = 3600,
		.feed_timeout = 30, .agent_down_time = 30, .max_connections = 4096, .max_connections_per_ip = 128,
		.header_timeout = 10};
	struct api_server srv = {0};
	char host[64], dbpath[600];
	int port = 0, sig, rc;
	bool created;
	sigset_t set;

	/* Everything the controller writes (database, journal, tokens) is
	 * private, whatever the state dir's own mode. */
	umask(077);
	if (parse_args(&o, argc, argv)) {
		usage(stderr);
		return 2;
	}
	if (sscanf(o.listen, "%63[^:]:%d", host, &port) != 2 || port <= 0 || port > 65535) {
		fprintf(stderr, "virga-controller: --listen wants HOST:PORT\n");
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "virga-controller: libsodium failed to initialise\n");
		return 1;
	}
	if (mkdir(o.state_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "virga-controller: cannot create %s: %s\n", o.state_dir,
			strerror(errno));
		return 1;
	}
	snprintf(dbpath, sizeof(dbpath), "%s/virga.db", o.state_dir);
	if (cp_db_open(&srv.db, dbpath) != 0)
		return 1;
	cp_token_cache_watch(srv.db);
	rc = cp_identity_bootstrap(srv.db, o.admin_user, o.admin_password, o.admin_project,
		&created);
	if (rc == -EINVAL) {
		fprintf(stderr, "virga-controller: first start needs --admin-password\n");
		return 2;
	}
	if (rc) {
		fprintf(stderr, "virga-controller: bootstrap failed (%d)\n", rc);
		return 1;
	}
	rc = cp_compute_bootstrap(srv.db);
	if (rc) {
		fprintf(stderr, "virga-controller: default flavors not made (%d)\n", rc);
		return 1;
	}
	if (created)
		fprintf(stderr,
			"virga-controller: bootstrapped identity: domain Default, roles admin/member/"
			"reader/service, project '%s', user '%s' with role admin\n",
			o.admin_project, o.admin_user);
	sodium_memzero(o.admin_password, sizeof(o.admin_password));
	if (service_token(&o)) {
		fprintf(stderr, "virga-controller: cannot set up the service token\n");
		return 1;
	}
	if (load_tls(&o, &srv))
		return 2;
	snprintf(srv.identity.base_url, sizeof(srv.identity.base_url), "%s://%s:%d",
		srv.tls_cert ? "https" : "http", host, port);
	snprintf(srv.identity.region, sizeof(srv.identity.region), "%s", o.region);
	snprintf(srv.identity.service_token, sizeof(srv.identity.service_token), "%s",
		o.service_token);
	srv.identity.token_ttl = o.token_ttl;
	if (cp_identity_catalog_sync(srv.db, &srv.identity)) {
		fprintf(stderr, "virga-controller: cannot set up the service catalog\n");
		return 1;
	}
	srv.feed_timeout_ms = o.feed_timeout * 1000;
	snprintf(srv.image_dir, sizeof(srv.image_dir), "%s/images", o.state_dir);
	snprintf(srv.volume_dir, sizeof(srv.volume_dir), "%s/volumes", o.state_dir);
	cp_router_set_gateway_node(o.gateway_node);
	cp_feed_set_router_node(o.router_node);
	cp_agent_set_down_time(o.agent_down_time);
	raise_nofile(&o);
	if (!o.http_threads) {
		/* Requests are short (the long poll is held without a
		 * thread): a few threads per CPU cover the database waits. */
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		o.http_threads = cpus > 2 ? (int)(cpus < 512 ? 2 * cpus : 1024) : 4;
	}
	srv.http_threads = o.http_threads;
	srv.max_connections = o.max_connections;
	srv.max_connections_per_ip = o.max_connections_per_ip;
	srv.header_timeout_ms = o.header_timeout * 1000;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	rc = api_server_start(&srv, host, port);
	if (rc) {
		fprintf(stderr, "virga-controller: cannot listen on %s: %s%s\n", o.listen,
			strerror(-rc), rc == -EADDRINUSE ? " (another controller running?)"
				: rc == -EIO && srv.tls_cert ? " (is --tls-key the key of --tls-cert?)"
				: rc == -ENOTSUP ? " (libmicrohttpd without TLS)" : "");
		return 1;
	}
	fprintf(stderr, "virga-controller: listening on %s, state in %s\n", srv.identity.base_url,
		dbpath);
	printf("export OS_AUTH_URL=%s/identity/v3\n"
	       "export OS_IDENTITY_API_VERSION=3\n"
	       "export OS_USERNAME=%s\n"
	       "export OS_PROJECT_NAME=%s\n"
	       "export OS_USER_DOMAIN_NAME=Default\n"
	       "export OS_PROJECT_DOMAIN_NAME=Default\n"
	       "export OS_REGION_NAME=%s\n"
	       "# export OS_PASSWORD=<the admin password>\n"
	       "%s",
		srv.identity.base_url, o.admin_user, o.admin_project, o.region,
		srv.tls_cert ? "# export OS_CACERT=<the CA certificate that signed --tls-cert>\n" : "");
	fflush(stdout);
	/* Between signals, the main thread declares silent nodes dead (a
	 * second late at most): their ports DOWN, out of the others' l2pop. */
	while ((sig = sigtimedwait(&set, NULL, &(struct timespec){.tv_sec = 1})) < 0) {
		struct cp_caller sweeper = {.user_name = "agent-liveness", .is_service = true};
		struct cp_ctx ctx = {.db = srv.db, .caller = &sweeper};

		if (cp_agent_sweep(&ctx, cp_now()) < 0)
			fprintf(stderr, "virga-controller: agent liveness sweep failed\n");
	}
	fprintf(stderr, "virga-controller: signal %d, stopping\n", sig);
	api_server_stop(&srv);
	cp_db_close(srv.db);
	if (srv.tls_key)
		sodium_memzero(srv.tls_key, strlen(srv.tls_key));
	free(srv.tls_key);
	free(srv.tls_cert);
	free(srv.tls_client_ca);
	return 0;
}
