/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga-agent: keeps one node's dataplane and kernel interfaces matching
 * the controller.
 *
 *   virga-agent --node NAME --controller http[s]://HOST:PORT [--cacert FILE]
 *               [--cert FILE --key FILE]
 *               --service-token-file FILE --dp-socket PATH
 *               [--physnet-uplink PHYSNET=PORT ...] [--poll-timeout S] [--verbose]
 *               [--tunnel-ip ADDR[/LEN]] [--underlay PORT] [--state-dir DIR]
 *               [--report-interval S]
 *
 * One thread, one loop: long-poll the change feed from the last revision,
 * compute the desired state, reconcile the dataplane with it, report port
 * status; and every report interval, register the node and keep it alive
 * (common/node.c). The dataplane is reconciled every pass, not only when
 * the feed moves, so a restarted dataplane is noticed within one poll
 * timeout. While the controller or the dataplane is unreachable the agent
 * waits and retries; it never flushes what is installed, so traffic keeps
 * flowing.
 * An https controller whose certificate does not verify against --cacert
 * is unreachable like any other, with the reason logged: never plain HTTP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/feed.h"
#include "common/http.h"
#include "common/log.h"
#include "common/node.h"
#include "common/state_dir.h"
#include "compute/compute.h"
#include "network/desired.h"
#include "network/dp.h"
#include "network/l2pop.h"
#include "network/netlink.h"
#include "network/reconcile.h"

#define DEFAULT_POLL_TIMEOUT 5
/* Where instances' disks will live: its free space is the disk capacity
 * the node reports. */
#define DEFAULT_STATE_DIR "/var/lib/virga"
#define RETRY_SECONDS 1

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

struct options {
	const char *node, *controller, *token_file, *dp_socket, *cacert;
	const char *cert, *key; /* the node's client certificate */
	const char *tunnel_ip, *state_dir, *underlay;
	const char *libvirt; /* the compute side's libvirt URI; NULL: no servers here */
	char tunnel_addr[64]; /* --tunnel-ip without its /LEN: what is reported */
	int tunnel_prefixlen; /* 0: none given */
	int poll_timeout, report_interval;
	struct ag_uplink uplinks[AG_MAX_UPLINKS];
	int n_uplinks;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: virga-agent --node NAME --controller http[s]://HOST:PORT\n"
	           "                   --service-token-file FILE [--dp-socket PATH]\n"
	           "                   [--cacert FILE (the CA an https controller is signed by)]\n"
	           "                   [--cert FILE --key FILE (this node's client certificate)]\n"
	           "                   [--physnet-uplink PHYSNET=PORT ...] [--poll-timeout S]"
	           " [--verbose]\n"
	           "                   [--tunnel-ip ADDR[/LEN]] [--underlay PORT]\n"
	           "                   [--state-dir DIR (/var/lib/virga)] [--report-interval S (10)]\n"
	           "                   [--libvirt URI (e.g. qemu:///system)]\n"
	           "  --physnet-uplink  the provider uplink of PHYSNET: a dataplane port, or a\n"
	           "                    kernel interface the agent opens with af_packet\n"
	           "  --tunnel-ip       this node's VXLAN tunnel address, reported to the controller\n"
	           "  --underlay        the VTEP's port (a dataplane port or a kernel interface):\n"
	           "                    the agent sets the VTEP there at --tunnel-ip ADDR/LEN\n"
	           "  --report-interval seconds between the node's heartbeats to the controller\n"
	           "  --libvirt         run the servers placed on this node through libvirt at URI\n"
	           "                    (their disks under --state-dir); without it the node\n"
	           "                    offers no compute\n");
}

static int parse_uplink(struct options *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct ag_uplink *u;

	if (eq == NULL || eq == arg || eq[1] == '\0' || o->n_uplinks == AG_MAX_UPLINKS ||
	                (size_t)(eq - arg) >= sizeof(u->physnet) || strlen(eq + 1) >= AG_IFNAME_LEN)
		return -EINVAL;
	u = &o->uplinks[o->n_uplinks++];
	snprintf(u->physnet, sizeof(u->physnet), "%.*s", (int)(eq - arg), arg);
	snprintf(u->ifname, sizeof(u->ifname), "%s", eq + 1);
	return 0;
}

static int parse_args(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
	                {"node", required_argument, NULL, 'n'},
	                {"controller", required_argument, NULL, 'c'},
	                {"service-token-file", required_argument, NULL, 't'},
	                {"dp-socket", required_argument, NULL, 's'},
	                {"physnet-uplink", required_argument, NULL, 'u'},
	                {"poll-timeout", required_argument, NULL, 'p'},
	                {"cacert", required_argument, NULL, 'a'},
	                {"cert", required_argument, NULL, 'C'},
	                {"key", required_argument, NULL, 'K'},
	                {"tunnel-ip", required_argument, NULL, 'T'},
	                {"underlay", required_argument, NULL, 'U'},
	                {"state-dir", required_argument, NULL, 'd'},
	                {"report-interval", required_argument, NULL, 'r'},
	                {"libvirt", required_argument, NULL, 'L'},
	                {"verbose", no_argument, NULL, 'v'},
	                {"help", no_argument, NULL, 'h'},
	                {NULL, 0, NULL, 0},
	};
	int c;

	o->dp_socket = DP_DEFAULT_SOCKET;
	o->poll_timeout = DEFAULT_POLL_TIMEOUT;
	o->report_interval = AG_NODE_DEFAULT_INTERVAL;
	o->state_dir = DEFAULT_STATE_DIR;
	while ((c = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->node = optarg;
			break;
		case 'c':
			o->controller = optarg;
			break;
		case 't':
			o->token_file = optarg;
			break;
		case 's':
			o->dp_socket = optarg;
			break;
		case 'u':
			if (parse_uplink(o, optarg) < 0) {
				fprintf(stderr, "virga-agent: --physnet-uplink wants "
				                "PHYSNET=PORT\n");
				return -EINVAL;
			}
			break;
		case 'p':
			o->poll_timeout = atoi(optarg);
			if (o->poll_timeout < 1 || o->poll_timeout > 300)
				return -EINVAL;
			break;
		case 'a':
			o->cacert = optarg;
			break;
		case 'C':
			o->cert = optarg;
			break;
		case 'K':
			o->key = optarg;
			break;
		case 'T': {
			unsigned char addr[16];
			char *slash, *end = NULL;

			snprintf(o->tunnel_addr, sizeof(o->tunnel_addr), "%s", optarg);
			slash = strchr(o->tunnel_addr, '/');
			if (slash) {
				*slash = '\0';
				o->tunnel_prefixlen = (int)strtol(slash + 1, &end, 10);
			}
			if ((inet_pton(AF_INET, o->tunnel_addr, addr) != 1 &&
			                    inet_pton(AF_INET6, o->tunnel_addr, addr) != 1) ||
			                (slash && (*end || o->tunnel_prefixlen < 1 ||
			                                  o->tunnel_prefixlen > 32))) {
				fprintf(stderr, "virga-agent: --tunnel-ip wants an IP address[/LEN]\n");
				return -EINVAL;
			}
			o->tunnel_ip = o->tunnel_addr;
			break;
		}
		case 'U':
			o->underlay = optarg;
			break;
		case 'L':
			o->libvirt = optarg;
			break;
		case 'd':
			o->state_dir = optarg;
			break;
		case 'r':
			o->report_interval = atoi(optarg);
			if (o->report_interval < 1 || o->report_interval > 3600)
				return -EINVAL;
			break;
		case 'v':
			ag_log_set_level(AG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (optind != argc || o->node == NULL || o->controller == NULL || o->token_file == NULL)
		return -EINVAL;
	if (o->underlay && (o->tunnel_ip == NULL || o->tunnel_prefixlen == 0 ||
	                                   ag_l2pop_configure(o->underlay, o->tunnel_ip,
	                                                   (uint8_t)o->tunnel_prefixlen) < 0)) {
		fprintf(stderr, "virga-agent: --underlay wants --tunnel-ip IPV4/LEN\n");
		return -EINVAL;
	}
	return 0;
}

static int read_token(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (f == NULL)
		return -errno;
	ok = fgets(buf, (int)cap, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return ok && buf[0] ? 0 : -EINVAL;
}

/* The last failure of a peer, to say each once, not once per retry. */
struct outage {
	int rc; /* 0: reachable */
	char detail[512];
};

/* Says a failure once until it changes or clears; detail (may be NULL) is
 * what the transport said. A refused certificate is said again when the
 * reason changes (another certificate behind the same error code); other
 * details carry timings, so only their error code counts. */
static void log_outage(const char *what, int rc, const char *detail, struct outage *last)
{
	if (detail == NULL)
		detail = "";
	if (rc < 0 && (rc != last->rc ||
	                              (rc == -EKEYREJECTED && strcmp(detail, last->detail) != 0)))
		ag_log(AG_WARN, "%s unreachable (%s); retrying, leaving the dataplane as it is",
		                what, detail[0] ? detail : strerror(-rc));
	else if (rc == 0 && last->rc < 0)
		ag_log(AG_INFO, "%s reachable again", what);
	last->rc = rc;
	snprintf(last->detail, sizeof(last->detail), "%s", detail);
}

static void sleep_retry(void)
{
	struct timespec ts = {.tv_sec = RETRY_SECONDS};

	nanosleep(&ts, NULL);
}

static int run(const struct options *o, const char *token)
{
	struct ag_reconcile_stats st;
	struct ag_desired d;
	struct ag_feed feed;
	struct ag_nl *nl;
	struct ag_dp dp;
	struct ag_node node;
	struct outage feed_err = {0}, dp_err = {0};
	struct ag_compute *compute = NULL;
	int rc;
	bool reconciled_once = false, first_pass;

	rc = ag_nl_open(&nl);
	if (rc < 0) {
		ag_log(AG_ERR, "cannot open rtnetlink: %s", strerror(-rc));
		return 1;
	}
	ag_feed_init(&feed, o->controller, token, o->node);
	ag_dp_init(&dp, o->dp_socket);
	ag_node_init(&node, o->controller, token, o->node);
	node.tunnel_ip = o->tunnel_ip;
	node.state_dir = o->state_dir;
	node.uplinks = o->uplinks;
	node.n_uplinks = o->n_uplinks;
	node.interval_s = o->report_interval;
	ag_state_dir_set(o->state_dir);
	if (o->libvirt) {
		/* Its free space is the disk offered: it must exist for the first report. */
		if (mkdir(o->state_dir, 0755) < 0 && errno != EEXIST)
			ag_log(AG_ERR, "cannot make %s: %s", o->state_dir, strerror(errno));
		compute = ag_compute_open(o->libvirt, o->controller, token, o->node);
		if (compute == NULL) {
			ag_log(AG_ERR, "cannot start the compute side: out of memory");
			return 1;
		}
		node.compute = true;
	}
	memcpy(dp.uplinks, o->uplinks, sizeof(dp.uplinks));
	dp.n_uplinks = o->n_uplinks;
	ag_log(AG_INFO, "node %s: controller %s, dataplane %s", o->node, o->controller,
	                o->dp_socket);

	while (!stopping) {
		/* The heartbeat between polls: the poll waits no longer than
		 * until the next one is due. */
		int report_in = ag_node_tick(&node), timeout = o->poll_timeout;

		if (report_in < timeout)
			timeout = report_in > 1 ? report_in : 1;
		/* Until the first full state is in, there is nothing to program
		 * from: above all, no reason to remove anything. */
		rc = ag_feed_poll(&feed, reconciled_once ? timeout : 0);
		if (stopping)
			break;
		log_outage("controller", rc, rc < 0 ? ag_http_last_error() : NULL, &feed_err);
		if (rc < 0 && feed.rev == 0) {
			sleep_retry();
			continue;
		}
		/* With a stale cache (controller down), keep the dataplane as it
		 * is but still notice a dataplane restart and re-program it. */
		rc = ag_desired_build(&feed, &d);
		if (rc < 0) {
			ag_log(AG_ERR, "cannot compute the desired state: %s", strerror(-rc));
			sleep_retry();
			continue;
		}
		first_pass = dp.passes == 0;
		rc = ag_reconcile(&dp, nl, &feed, &d, &st);
		ag_desired_free(&d);
		log_outage("dataplane", rc, NULL, &dp_err);
		if (rc < 0) {
			sleep_retry();
			continue;
		}
		if (first_pass)
			ag_log(AG_INFO,
			                "reconciled with the dataplane at revision %" PRId64
			                ": %u ports/routers kept, %u added, %u updated, %u "
			                "removed, "
			                "%u failed; nothing flushed",
			                feed.rev, st.kept, st.added, st.updated, st.removed,
			                st.failed);
		else if (st.added + st.updated + st.removed + st.failed > 0)
			ag_log(AG_INFO,
			                "applied revision %" PRId64 ": %u added, %u updated, "
			                "%u removed, %u failed",
			                feed.rev, st.added, st.updated, st.removed, st.failed);
		reconciled_once = true;
		if (compute)
			ag_compute_reconcile(compute, &feed, dp.ports_ok);
		/* Without a controller the poll fails at once: do not spin. */
		if (feed_err.rc < 0)
			sleep_retry();
	}
	ag_log(AG_INFO, "stopping; the dataplane keeps what it has, and the servers run on");
	ag_compute_close(compute);
	ag_dp_free(&dp);
	ag_feed_free(&feed);
	ag_nl_close(nl);
	ag_http_close();
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: wake a long poll */
	struct options o = {0};
	char token[256];
	int rc;

	if (parse_args(&o, argc, argv) < 0) {
		usage(stderr);
		return 2;
	}
	rc = read_token(o.token_file, token, sizeof(token));
	if (rc < 0) {
		fprintf(stderr, "virga-agent: cannot read the service token from %s: %s\n",
		                o.token_file, strerror(-rc));
		return 2;
	}
	if (o.cacert && access(o.cacert, R_OK) != 0) {
		fprintf(stderr, "virga-agent: cannot read --cacert %s: %s\n", o.cacert,
		                strerror(errno));
		return 2;
	}
	if (o.cacert && strncmp(o.controller, "https://", 8) != 0)
		fprintf(stderr, "virga-agent: --cacert given but the controller is not https: "
		                "talking to it in clear text\n");
	if (!o.cert != !o.key) {
		fprintf(stderr, "virga-agent: --cert and --key go together\n");
		return 2;
	}
	for (const char *const *file = (const char *const[]){o.cert, o.key, NULL}; o.cert && *file;
	                file++)
		if (access(*file, R_OK) != 0) {
			fprintf(stderr, "virga-agent: cannot read %s: %s\n", *file, strerror(errno));
			return 2;
		}
	ag_http_init(o.cacert, &stopping);
	if (o.cert)
		ag_http_set_client_cert(o.cert, o.key);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stderr, NULL, _IOLBF, 0);
	return run(&o, token);
}
