/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga-dataplane: EAL start-up, the worker lcores, and the control thread
 * (control socket, MAC aging, connection expiry, reclamation of retired
 * snapshots). The control thread runs on the main lcore, an EAL thread, as
 * the connection table needs of its deleter (ct/dp_ct.h).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_random.h>

#include "core/dp_log.h"
#include "core/dp_trace.h"
#include "ctl/dp_ctl.h"
#include "engine/dp_conf.h"
#include "engine/dp_neigh.h"
#include "engine/dp_tables.h"
#include "engine/dp_worker.h"
#include "dp_pipeline.h"
#include "l2/dp_fdb_aging.h"
#include "pkt/dp_mbuf.h"
#include "port/dp_port_dev.h"
#include "port/dp_vhost.h"
#include "sg/dp_sg_conf.h"

#define MAX_STARTUP_PORTS 16
#define MAX_EAL_ARGS 64

struct options {
	const char *socket;
	const char *name;
	unsigned int workers;
	unsigned int memory_mb;
	bool huge;
	uint32_t mbufs;
	uint32_t mac_table;
	uint32_t mac_aging;
	uint32_t ct_max;
	uint32_t ct_port_limit;
	unsigned int idle_sleep_us;
	unsigned int n_pci;
	const char *pci[8];
	unsigned int n_ports;
	struct dp_port_add_req ports[MAX_STARTUP_PORTS];
	int n_extra;
	char **extra; /* after "--": passed to the EAL as they are */
};

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void usage(const char *prog)
{
	fprintf(stderr,
			"usage: %s [options] [-- EAL options]\n"
			"  --socket PATH        control socket (default %s)\n"
			"  --name NAME          instance name, for several dataplanes on one host (default virga)\n"
			"  --workers N          worker lcores (default 1); lcore 0 is the control thread\n"
			"  --huge               use hugepages (default: --no-huge)\n"
			"  --memory MB          memory without hugepages (default 1024)\n"
			"  --pci ADDR           use this PCI device (repeatable; default: no PCI)\n"
			"  --port NAME=DEVARGS  open a port at start (repeatable), e.g.\n"
			"                       v1=net_af_packet0,iface=veth1\n"
			"  --mbufs N            packet buffers (default 16384)\n"
			"  --mac-table-size N   MAC table entries (default 65536)\n"
			"  --mac-aging SEC      forget MACs not seen for SEC seconds (default 300)\n"
			"  --ct-max N           connections tracked for stateful security groups\n"
			"                       (default 262144); new ones beyond are dropped\n"
			"  --ct-port-limit N    connections per port, 0 for none (default 0)\n"
			"  --idle-sleep US      adaptive polling: a worker idle for 200 us sleeps,\n"
			"                       10 us first, doubling up to US (default 0: always\n"
			"                       poll; for a node that shares its CPUs with VMs)\n",
			prog, DP_DEFAULT_SOCKET);
}

static int parse_port(const char *arg, struct dp_port_add_req *req)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof(req->name) ||
			strlen(eq + 1) >= sizeof(req->devargs))
		return -EINVAL;
	memset(req, 0, sizeof(*req));
	memcpy(req->name, arg, eq - arg);
	snprintf(req->devargs, sizeof(req->devargs), "%s", eq + 1);
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"socket", required_argument, NULL, 's'},
		{"name", required_argument, NULL, 'n'},
		{"workers", required_argument, NULL, 'w'},
		{"huge", no_argument, NULL, 'H'},
		{"memory", required_argument, NULL, 'm'},
		{"pci", required_argument, NULL, 'P'},
		{"port", required_argument, NULL, 'p'},
		{"mbufs", required_argument, NULL, 'b'},
		{"mac-table-size", required_argument, NULL, 't'},
		{"mac-aging", required_argument, NULL, 'a'},
		{"idle-sleep", required_argument, NULL, 'i'},
		{"ct-max", required_argument, NULL, 'C'},
		{"ct-port-limit", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;

	*o = (struct options){
		.socket = DP_DEFAULT_SOCKET,
		.name = "virga",
		.workers = 1,
		.memory_mb = 1024,
		.mbufs = 16384,
		.mac_table = 65536,
		.mac_aging = 300,
		.ct_max = 262144,
	};
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->socket = optarg; break;
		case 'n': o->name = optarg; break;
		case 'w': o->workers = strtoul(optarg, NULL, 0); break;
		case 'H': o->huge = true; break;
		case 'm': o->memory_mb = strtoul(optarg, NULL, 0); break;
		case 'b': o->mbufs = strtoul(optarg, NULL, 0); break;
		case 't': o->mac_table = strtoul(optarg, NULL, 0); break;
		case 'a': o->mac_aging = strtoul(optarg, NULL, 0); break;
		case 'i': o->idle_sleep_us = strtoul(optarg, NULL, 0); break;
		case 'C': o->ct_max = strtoul(optarg, NULL, 0); break;
		case 'L': o->ct_port_limit = strtoul(optarg, NULL, 0); break;
		case 'P':
			if (o->n_pci == RTE_DIM(o->pci))
				return -E2BIG;
			o->pci[o->n_pci++] = optarg;
			break;
		case 'p':
			if (o->n_ports == MAX_STARTUP_PORTS || parse_port(optarg, &o->ports[o->n_ports]) < 0)
				return -EINVAL;
			o->n_ports++;
			break;
		default:
			return -EINVAL;
		}
	}
	if (o->workers < 1 || o->workers >= RTE_MAX_LCORE || o->workers > DP_MAX_WORKERS ||
			o->mbufs < 1024 || o->mac_table < 64 || o->ct_max < 1 || o->ct_max > (1u << 30))
		return -EINVAL;
	o->n_extra = argc - optind;
	o->extra = argv + optind;
	return 0;
}

/*
 * Lcore 0 is the control thread, 1..workers the workers, one CPU each. With
 * more lcores than CPUs (more workers than this machine has cores, e.g. to
 * test multi-queue on a small box) the extra workers share the last CPUs:
 * correct, not fast.
 */
static void lcore_map(unsigned int workers, char *buf, size_t sz)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t len = 0;

	if (cpus < 1)
		cpus = 1;
	if (workers + 1 <= (unsigned long)cpus) {
		snprintf(buf, sz, "-l 0-%u", workers);
		return;
	}
	len += snprintf(buf, sz, "--lcores ");
	for (unsigned int l = 0; l <= workers && len < sz; l++)
		len += snprintf(buf + len, sz - len, "%s%u@%ld", l ? "," : "", l,
				l < (unsigned long)cpus ? (long)l : cpus - 1);
}

static int start_eal(const char *prog, const struct options *o)
{
	static char lcores[512], mem[16], prefix[64];
	char *args[MAX_EAL_ARGS];
	int n = 0;

	lcore_map(o->workers, lcores, sizeof(lcores));
	snprintf(prefix, sizeof(prefix), "virga-%s", o->name);
	args[n++] = (char *)prog;
	/* "-l LIST" or "--lcores MAP": split at the space into two arguments. */
	args[n++] = lcores;
	args[n++] = strchr(lcores, ' ') + 1;
	lcores[strcspn(lcores, " ")] = '\0';
	args[n++] = "--file-prefix";
	args[n++] = prefix;
	if (!o->huge) {
		snprintf(mem, sizeof(mem), "%u", o->memory_mb);
		args[n++] = "--no-huge";
		args[n++] = "-m";
		args[n++] = mem;
	}
	if (o->n_pci == 0)
		args[n++] = "--no-pci";
	for (unsigned int i = 0; i < o->n_pci; i++) {
		args[n++] = "-a";
		args[n++] = (char *)o->pci[i];
	}
	for (int i = 0; i < o->n_extra && n < MAX_EAL_ARGS - 1; i++)
		args[n++] = o->extra[i];
	args[n] = NULL;
	return rte_eal_init(n, args);
}

static int start(const struct options *o)
{
	unsigned int lcores[DP_MAX_WORKERS], n = 0, lcore;
	int rc;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (n < o->workers)
			lcores[n++] = lcore;
	}

	if ((rc = dp_mbuf_meta_register()) < 0 ||
			(rc = dp_tables_init(n, o->mac_table, o->mac_aging)) < 0 ||
			(rc = dp_sg_conf_init(o->ct_max, o->ct_port_limit)) < 0 ||
			(rc = dp_trace_init(dp_conf_net_name)) < 0 || (rc = dp_port_dev_init(o->mbufs, n)) < 0 ||
			(rc = dp_workers_init(lcores, n)) < 0 || (rc = dp_pipeline_register()) < 0 ||
			(rc = dp_workers_create_graphs()) < 0)
		return rc;
	for (unsigned int i = 0; i < o->n_ports; i++) {
		struct dp_port_add_reply reply;

		rc = dp_conf_port_add(&o->ports[i], &reply);
		if (rc < 0) {
			DP_LOG(ERR, "port %s: %s", o->ports[i].name, strerror(-rc));
			return rc;
		}
	}
	dp_workers_set_idle_sleep(o->idle_sleep_us);
	dp_ctl_boot_id = rte_rand();
	rc = dp_ctl_server_open(o->socket);
	if (rc < 0) {
		DP_LOG(ERR, "control socket %s: %s", o->socket, strerror(-rc));
		return rc;
	}
	return dp_workers_start();
}

static void control_loop(void)
{
	uint32_t last_aging = 0;

	while (!quit) {
		uint32_t now;

		dp_ctl_server_poll(100);
		dp_tables_reclaim();
		dp_trace_drain();
		dp_sg_conf_expire();
		now = dp_clock_sec();
		if (now != last_aging) {
			dp_fdb_age(&dp_tables.fdb, now);
			dp_neigh_age(now);
			last_aging = now;
		}
	}
}

static void stop(void)
{
	uint16_t port_id;

	dp_ctl_server_close();
	dp_workers_stop();
	RTE_ETH_FOREACH_DEV(port_id)
	{
		if (dp_port_confs[port_id].used)
			dp_port_dev_close(port_id);
	}
	dp_vhost_fini();
	dp_workers_fini();
	dp_trace_fini();
	dp_sg_conf_fini();
	dp_tables_fini();
	dp_port_dev_fini();
}

int main(int argc, char **argv)
{
	struct options o;
	int rc;

	if (parse_options(argc, argv, &o) < 0) {
		usage(argv[0]);
		return 2;
	}
	if (start_eal(argv[0], &o) < 0) {
		fprintf(stderr, "virga-dataplane: cannot start the EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = start(&o);
	if (rc == 0) {
		DP_LOG(INFO, "dataplane ready: %u worker(s), socket %s", dp_workers.n, o.socket);
		control_loop();
		DP_LOG(INFO, "stopping");
	}
	stop();
	rte_eal_cleanup();
	return rc == 0 ? 0 : 1;
}
