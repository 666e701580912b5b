/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga-bench: Virga's L2 pipeline against dpdk-testpmd, same devices, same
 * core, alternating runs, medians. See BENCHMARKS.md for what the numbers
 * mean and the last results.
 *
 * Scenarios:
 *   l2-vlan  net_pcap ports replaying realistic frames (infinite_rx): 4096
 *            remote stations behind the VLAN 100 uplink talk to one VM with
 *            port security on, so every frame is learned and looked up, and
 *            its tag popped or pushed. Without tx_pcap/tx_iface the pcap PMD
 *            counts and frees what is sent (its "tx_drop" queues).
 *   null     net_null ports: the PMD does not write the frames, so they are
 *            what the buffers held (all-zero in practice), which Virga drops
 *            (invalid source MAC); measures rx -> classify -> drop.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define MAX_SCENARIOS 2

static void usage(FILE *f)
{
	fprintf(f,
	                "usage: virga-bench [options]\n"
	                "  --rounds N         alternating rounds of every engine (default 5)\n"
	                "  --seconds S        measurement window per run (default 5)\n"
	                "  --warmup S         forwarding before the window opens (default 1)\n"
	                "  --scenario NAME    l2-vlan or null (repeatable; default both)\n"
	                "  --flows N          remote stations in l2-vlan (default 4096)\n"
	                "  --mbufs N          packet buffers of each process (default 32768)\n"
	                "  --mac-table-size N passed to virga-dataplane (default: its own, 65536)\n"
	                "  --dataplane PATH   virga-dataplane (default %s)\n"
	                "  --testpmd PATH     dpdk-testpmd (default /usr/bin/dpdk-testpmd)\n"
	                "  --workdir DIR      pcap files and logs (default: a new directory in "
	                "/tmp)\n"
	                "  --keep             keep the work directory\n"
	                "  --json             one JSON document on stdout (progress on stderr)\n"
	                "  --verbose          show every child's output\n",
	                BENCH_DATAPLANE_PATH);
}

static int parse_options(int argc, char **argv, struct bench_opts *o, const char **scenarios,
                unsigned int *n_scenarios)
{
	static const struct option longopts[] = {
	                {"rounds", required_argument, NULL, 'r'},
	                {"seconds", required_argument, NULL, 's'},
	                {"warmup", required_argument, NULL, 'w'},
	                {"scenario", required_argument, NULL, 'S'},
	                {"flows", required_argument, NULL, 'f'},
	                {"mbufs", required_argument, NULL, 'b'},
	                {"mac-table-size", required_argument, NULL, 'M'},
	                {"dataplane", required_argument, NULL, 'd'},
	                {"testpmd", required_argument, NULL, 't'},
	                {"workdir", required_argument, NULL, 'W'},
	                {"keep", no_argument, NULL, 'k'},
	                {"json", no_argument, NULL, 'j'},
	                {"verbose", no_argument, NULL, 'v'},
	                {"help", no_argument, NULL, 'h'},
	                {0},
	};
	int c;

	*o = (struct bench_opts){
	                .rounds = 5,
	                .seconds = 5,
	                .warmup = 1,
	                .flows = 4096,
	                .mbufs = 32768,
	                .dataplane = BENCH_DATAPLANE_PATH,
	                .testpmd = "/usr/bin/dpdk-testpmd",
	};
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->rounds = strtoul(optarg, NULL, 0);
			break;
		case 's':
			o->seconds = strtod(optarg, NULL);
			break;
		case 'w':
			o->warmup = strtod(optarg, NULL);
			break;
		case 'f':
			o->flows = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			o->mbufs = strtoul(optarg, NULL, 0);
			break;
		case 'M':
			o->mac_table_size = optarg;
			break;
		case 'd':
			o->dataplane = optarg;
			break;
		case 't':
			o->testpmd = optarg;
			break;
		case 'W':
			o->workdir = optarg;
			break;
		case 'k':
			o->keep = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'S':
			if (*n_scenarios == MAX_SCENARIOS)
				return -E2BIG;
			scenarios[(*n_scenarios)++] = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	/* Each pcap frame sits in an mbuf for the whole run (infinite_rx keeps them):
	 * both ports' frames plus room for the bursts in flight must fit. */
	if (optind != argc || o->rounds < 1 || o->rounds > BENCH_MAX_ROUNDS || o->seconds <= 0 ||
	                o->warmup < 0 || o->flows < 1 || o->flows > 1u << 24 ||
	                o->mbufs < 2 * o->flows + 8192)
		return -EINVAL;
	return 0;
}

static int make_scenario(const struct bench_opts *o, const char *name, struct bench_scenario *s)
{
	memset(s, 0, sizeof(*s));
	if (strcmp(name, "l2-vlan") == 0) {
		s->name = "l2-vlan";
		s->summary = "net_pcap, infinite_rx: VLAN 100 uplink <-> VM port (port security), "
		             "--flows remote MACs learned and looked up, tag popped/pushed; Mpps = "
		             "frames sent";
		s->engines[BENCH_TESTPMD_MACSWAP] = true;
		s->engines[BENCH_TESTPMD_IO] = true;
		s->engines[BENCH_VIRGA] = true;
		if (snprintf(s->devargs[0], sizeof(s->devargs[0]),
		                    "net_pcap0,rx_pcap=%s/up.pcap,infinite_rx=1",
		                    o->workdir) >= (int)sizeof(s->devargs[0]) ||
		                snprintf(s->devargs[1], sizeof(s->devargs[1]),
		                                "net_pcap1,rx_pcap=%s/vm.pcap,infinite_rx=1",
		                                o->workdir) >= (int)sizeof(s->devargs[1]))
			return -ENAMETOOLONG;
		return 0;
	}
	if (strcmp(name, "null") == 0) {
		s->name = "null";
		s->summary = "net_null: frames are what the mbufs held (all-zero in practice); "
		             "Virga drops them all, so this is rx -> classify -> drop; "
		             "Mpps = frames received";
		s->engines[BENCH_TESTPMD_IO] = true;
		s->engines[BENCH_VIRGA] = true;
		s->expect_drops = true;
		snprintf(s->devargs[0], sizeof(s->devargs[0]), "net_null0");
		snprintf(s->devargs[1], sizeof(s->devargs[1]), "net_null1");
		return 0;
	}
	return -ENOENT;
}

static int run_one(const struct bench_opts *o, const struct bench_scenario *s, enum bench_engine e,
                unsigned int seq, struct bench_result *r)
{
	if (e == BENCH_VIRGA)
		return bench_run_virga(o, s, seq, r);
	return bench_run_testpmd(o, s, e, seq, r);
}

/*
 * Round k starts with engine k mod n, so no engine always runs first (right
 * after the previous process let go of the core) or always last.
 */
static int run_rounds(const struct bench_opts *o, const struct bench_scenario *scs,
                unsigned int n_sc, struct bench_result *rs, unsigned int *n)
{
	unsigned int seq = 0;

	for (unsigned int round = 0; round < o->rounds; round++) {
		for (unsigned int i = 0; i < n_sc; i++) {
			for (unsigned int k = 0; k < BENCH_ENGINE_MAX; k++) {
				enum bench_engine e = (round + k) % BENCH_ENGINE_MAX;
				struct bench_result *r = &rs[*n];
				int rc;

				if (!scs[i].engines[e])
					continue;
				*r = (struct bench_result){.scenario = scs[i].name,
				                .engine = e,
				                .round = round};
				rc = run_one(o, &scs[i], e, seq++, r);
				(*n)++;
				bench_report_run(o, r);
				if (rc == -EINTR || bench_interrupted)
					return -EINTR;
			}
		}
	}
	return 0;
}

static void remove_workdir(const struct bench_opts *o, bool created)
{
	char cmd[PATH_MAX + 16];

	if (o->keep || !created) {
		fprintf(stderr, "virga-bench: files kept in %s\n", o->workdir);
		return;
	}
	/* Only what we put there: the pcap files, sockets and logs, then the directory. */
	snprintf(cmd, sizeof(cmd), "%s/up.pcap", o->workdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/vm.pcap", o->workdir);
	unlink(cmd);
	for (unsigned int seq = 0; seq < BENCH_MAX_ROUNDS * BENCH_ENGINE_MAX * MAX_SCENARIOS;
	                seq++) {
		snprintf(cmd, sizeof(cmd), "%s/virga-%u.log", o->workdir, seq);
		unlink(cmd);
		snprintf(cmd, sizeof(cmd), "%s/virga-%u.sock", o->workdir, seq);
		unlink(cmd);
	}
	rmdir(o->workdir);
}

int main(int argc, char **argv)
{
	static struct bench_result results[BENCH_MAX_ROUNDS * BENCH_ENGINE_MAX * MAX_SCENARIOS];
	const char *names[MAX_SCENARIOS] = {0};
	struct bench_scenario scs[MAX_SCENARIOS];
	unsigned int n_names = 0, n_results = 0;
	char tmp[] = "/tmp/virga-bench-XXXXXX";
	struct bench_opts o;
	bool created = false;
	int rc;

	if (parse_options(argc, argv, &o, names, &n_names) < 0) {
		usage(stderr);
		return 2;
	}
	if (n_names == 0) {
		names[n_names++] = "l2-vlan";
		names[n_names++] = "null";
	}
	if (access(o.dataplane, X_OK) != 0 || access(o.testpmd, X_OK) != 0) {
		fprintf(stderr, "virga-bench: %s or %s is not executable\n", o.dataplane,
		                o.testpmd);
		return 1;
	}
	bench_proc_init();
	if (o.workdir == NULL) {
		if (mkdtemp(tmp) == NULL) {
			perror("virga-bench: mkdtemp");
			return 1;
		}
		o.workdir = tmp;
		created = true;
	}
	for (unsigned int i = 0; i < n_names; i++) {
		rc = make_scenario(&o, names[i], &scs[i]);
		if (rc < 0) {
			fprintf(stderr, "virga-bench: scenario '%s': %s\n", names[i],
			                rc == -ENOENT ? "unknown" : "work directory path too long");
			remove_workdir(&o, created);
			return 2;
		}
	}
	{
		char up[PATH_MAX], vm[PATH_MAX];

		snprintf(up, sizeof(up), "%s/up.pcap", o.workdir);
		snprintf(vm, sizeof(vm), "%s/vm.pcap", o.workdir);
		rc = bench_write_frames(up, vm, o.flows);
		if (rc < 0) {
			fprintf(stderr, "virga-bench: cannot write %s: %s\n", up, strerror(-rc));
			remove_workdir(&o, created);
			return 1;
		}
	}
	rc = run_rounds(&o, scs, n_names, results, &n_results);
	if (rc == -EINTR)
		fprintf(stderr, "virga-bench: interrupted; results so far:\n");
	bench_report(&o, scs, n_names, results, n_results, argc, argv);
	remove_workdir(&o, created);
	return rc < 0 ? 1 : 0;
}
