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
 *   vxlan-encap, vxlan-decap   one VXLAN network, 16 peers (scenario_vxlan.c)
 *   route-1, route-100k, route-1m   one router, 1, 100,000 or 1,000,000 routes
 *            (scenario_route.c)
 *   sg-established   uplink -> VM port with a stateful filter of 1,000 rules,
 *            10,000 established UDP flows (scenario_sg.c)
 *   fip   route-1 with a gateway and 64 floating IPs: outbound 1:1 (scenario_fip.c)
 *   snat  route-1 with a gateway that translates: 10,000 established flows (scenario_fip.c)
 *   route-many   frames spread over 1,000 routers, one route each (scenario_route_many.c)
 *   vhost-l2   l2-vlan's uplink frames to a VM port that is vhost-user, received
 *            by a virtio_user peer (vhost_peer.c) in place of a VM
 *   vhost-route   route-1 to such a port
 * The one-way scenarios give the second device a pcap of one frame without
 * infinite_rx: read once, then it has nothing, so testpmd io forwards one
 * way as Virga does.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define MAX_SCENARIOS BENCH_MAX_SCENARIOS
/* Debian's openvswitch-switch-dpdk, called directly: the system's alternative is left alone. */
#define OVS_VSWITCHD_DPDK "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"

static void usage(FILE *f)
{
	fprintf(f,
	                "usage: virga-bench [options]\n"
	                "  --rounds N         alternating rounds of every engine (default 5)\n"
	                "  --seconds S        measurement window per run (default 5)\n"
	                "  --warmup S         forwarding before the window opens (default 1)\n"
	                "  --scenario NAME    l2-vlan, null, vxlan-encap, vxlan-decap, route-1,\n"
	                "                     route-100k, route-1m, sg-established, fip, snat,\n"
	                "                     route-many, vhost-l2 or vhost-route (repeatable;\n"
	                "                     default all)\n"
	                "  --flows N          remote stations in l2-vlan (default 4096)\n"
	                "  --mbufs N          packet buffers of each process (default 32768)\n"
	                "  --mac-table-size N passed to virga-dataplane (default: its own, 65536)\n"
	                "  --idle-sleep US    passed to virga-dataplane: adaptive polling (default:\n"
	                "                     none, pure polling)\n"
	                "  --dataplane PATH   virga-dataplane (default %s)\n"
	                "  --testpmd PATH     dpdk-testpmd (default /usr/bin/dpdk-testpmd)\n"
	                "  --ovs-vswitchd PATH  Open vSwitch DPDK (default %s;\n"
	                "                     run where it has flows (l2-vlan, route-1, route-100k,\n"
	                "                     sg-established, snat, fip, vxlan-encap, vxlan-decap)\n"
	                "                     when executable; 'none': not run)\n"
	                "  --workdir DIR      pcap files and logs (default: a new directory in "
	                "/tmp)\n"
	                "  --keep             keep the work directory\n"
	                "  --json             one JSON document on stdout (progress on stderr)\n"
	                "  --verbose          show every child's output\n",
	                BENCH_DATAPLANE_PATH, OVS_VSWITCHD_DPDK);
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
	                {"idle-sleep", required_argument, NULL, 'i'},
	                {"dataplane", required_argument, NULL, 'd'},
	                {"testpmd", required_argument, NULL, 't'},
	                {"ovs-vswitchd", required_argument, NULL, 'O'},
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
	                .ovs_vswitchd = OVS_VSWITCHD_DPDK,
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
		case 'i':
			o->idle_sleep = optarg;
			break;
		case 'd':
			o->dataplane = optarg;
			break;
		case 't':
			o->testpmd = optarg;
			break;
		case 'O':
			o->ovs_vswitchd = strcmp(optarg, "none") == 0 ? NULL : optarg;
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

static const char *const ALL_SCENARIOS[] = {"l2-vlan", "null", "vxlan-encap", "vxlan-decap",
                "route-1", "route-100k", "route-1m", "sg-established", "fip", "snat", "route-many",
                "vhost-l2", "vhost-route"};

/* The pcap files main() writes, for cleaning up. */
static const char *const PCAP_FILES[] = {"up.pcap", "vm.pcap", "idle.pcap", "decap.pcap",
                "route-1.pcap", "route-100k.pcap", "route-1m.pcap", "sg.pcap", "fip.pcap",
                "snat.pcap", "snat-reply.pcap", "route-many.pcap", "vhost-route.pcap"};

/* snat's two files: path (a's) and snat-reply.pcap beside it. */
static int write_snat(const struct bench_opts *o, const char *path)
{
	char b[PATH_MAX];

	snprintf(b, sizeof(b), "%s/snat-reply.pcap", o->workdir);
	return bench_write_snat_frames(path, b);
}

static int devargs(char *dst, unsigned int index, const struct bench_opts *o, const char *file,
                bool infinite)
{
	int n = snprintf(dst, BENCH_DEVARGS_LEN, "net_pcap%u,rx_pcap=%s/%s%s", index, o->workdir,
	                file, infinite ? ",infinite_rx=1" : "");

	return n >= BENCH_DEVARGS_LEN ? -ENAMETOOLONG : 0;
}

/* Testpmd io and Virga on ports a and b: a replays `file` without end, b idle.pcap
 * once; Virga's rate is what b sent. */
static int two_ports(const struct bench_opts *o, struct bench_scenario *s, const char *a,
                const char *b, const char *file)
{
	s->ports[0] = a;
	s->ports[1] = b;
	s->engines[BENCH_TESTPMD_IO] = true;
	s->engines[BENCH_VIRGA] = true;
	s->count_port = b;
	if (devargs(s->devargs[0], 0, o, file, true) < 0 ||
	                devargs(s->devargs[1], 1, o, "idle.pcap", false) < 0)
		return -ENAMETOOLONG;
	return 0;
}

static int make_l2(const struct bench_opts *o, const char *name, struct bench_scenario *s)
{
	s->topo = BENCH_TOPO_L2_VLAN;
	s->ports[0] = "up";
	s->ports[1] = "vm";
	s->engines[BENCH_TESTPMD_IO] = true;
	s->engines[BENCH_VIRGA] = true;
	if (strcmp(name, "l2-vlan") == 0) {
		s->name = "l2-vlan";
		s->summary = "net_pcap, infinite_rx: VLAN 100 uplink <-> VM port (port security), "
		             "--flows remote MACs learned and looked up, tag popped/pushed; Mpps = "
		             "frames sent";
		s->engines[BENCH_TESTPMD_MACSWAP] = true;
		if (devargs(s->devargs[0], 0, o, "up.pcap", true) < 0 ||
		                devargs(s->devargs[1], 1, o, "vm.pcap", true) < 0)
			return -ENAMETOOLONG;
		return 0;
	}
	s->name = "null";
	s->summary = "net_null: frames are what the mbufs held (all-zero in practice); "
	             "Virga drops them all, so this is rx -> classify -> drop; "
	             "Mpps = frames received";
	s->expect_drops = true;
	snprintf(s->devargs[0], sizeof(s->devargs[0]), "net_null0");
	snprintf(s->devargs[1], sizeof(s->devargs[1]), "net_null1");
	return 0;
}

static int make_vxlan(const struct bench_opts *o, bool encap, struct bench_scenario *s)
{
	s->topo = BENCH_TOPO_VXLAN;
	s->ports[0] = "under";
	s->ports[1] = "vm";
	s->engines[BENCH_TESTPMD_IO] = true;
	s->engines[BENCH_VIRGA] = true;
	if (encap) {
		s->name = "vxlan-encap";
		s->summary = "VM port (60-byte frames, port security) -> --flows remote MACs "
		             "behind "
		             "16 VTEPs -> underlay (110-byte VXLAN); Mpps = frames sent on under";
		s->count_port = "under";
		if (devargs(s->devargs[0], 0, o, "idle.pcap", false) < 0 ||
		                devargs(s->devargs[1], 1, o, "vm.pcap", true) < 0)
			return -ENAMETOOLONG;
		return 0;
	}
	s->name = "vxlan-decap";
	s->summary = "underlay (110-byte VXLAN from 16 VTEPs, VNI 5000) -> decap -> VM port "
	             "(60-byte inner frames); Mpps = frames sent on vm";
	s->count_port = "vm";
	if (devargs(s->devargs[0], 0, o, "decap.pcap", true) < 0 ||
	                devargs(s->devargs[1], 1, o, "idle.pcap", false) < 0)
		return -ENAMETOOLONG;
	return 0;
}

static int make_route(const struct bench_opts *o, unsigned int n_routes, struct bench_scenario *s)
{
	char file[32];

	s->topo = BENCH_TOPO_ROUTE;
	/* Programming a table takes from milliseconds to minutes: do it once. */
	s->keep_dataplane = true;
	if (n_routes == 1) {
		s->name = "route-1";
		s->summary = "router r1, one /8: flat network a -> b via a permanent next hop, "
		             "60-byte IPv4/UDP; Mpps = frames sent on b";
	} else if (n_routes == 100000) {
		s->name = "route-100k";
		s->summary = "router r1, 100,000 random prefixes /8../24 (real-table mix), frames "
		             "to random ones; Mpps = frames sent on b";
	} else {
		s->name = "route-1m";
		s->summary = "router r1, 1,000,000 random prefixes /8../24 (real-table mix), "
		             "frames "
		             "to random ones; Mpps = frames sent on b";
		/* The FIB (32 MB tbl24, its shadow, the rule map) lives outside the EAL's
		 * memory without hugepages: the default 1024 MB is enough. */
	}
	snprintf(file, sizeof(file), "%s.pcap", s->name);
	if (two_ports(o, s, "a", "b", file) < 0)
		return -ENAMETOOLONG;
	s->routes = bench_routes_make(n_routes);
	return s->routes == NULL ? -ENOMEM : 0;
}

static int make_sg(const struct bench_opts *o, struct bench_scenario *s)
{
	s->topo = BENCH_TOPO_SG;
	s->name = "sg-established";
	s->summary = "VLAN 100 uplink -> VM port with a stateful security group of 1,000 rules; "
	             "10,000 UDP flows, established by their first frame (in the warm-up); "
	             "Mpps = frames sent on vm";
	return two_ports(o, s, "up", "vm", "sg.pcap");
}

static int make_route_many(const struct bench_opts *o, struct bench_scenario *s)
{
	s->topo = BENCH_TOPO_ROUTE_MANY;
	s->name = "route-many";
	s->summary = "1,000 routers between VLAN networks of their own on uplinks a and b, one "
	             "/8 each, 64-byte tagged IPv4/UDP spread over them; Mpps = frames sent on b";
	s->keep_dataplane = true;
	return two_ports(o, s, "a", "b", "route-many.pcap");
}

static int make_vhost(const struct bench_opts *o, struct bench_scenario *s)
{
	s->topo = BENCH_TOPO_L2_VLAN;
	s->name = "vhost-l2";
	s->summary = "l2-vlan's uplink frames (net_pcap, infinite_rx) to a vhost-user VM port; "
	             "a virtio_user peer (testpmd rxonly, CPU 0) receives them; testpmd io "
	             "serves the same socket with net_vhost; Mpps = frames sent on vm";
	s->peer_bound = true;
	bench_vhost_peer_paths(o, 0, s->vhost_sock, sizeof(s->vhost_sock), NULL, 0);
	/* Port vm is the vhost socket, not a pcap: two_ports' idle file is replaced. */
	if (two_ports(o, s, "up", "vm", "up.pcap") < 0 ||
	                snprintf(s->devargs[1], sizeof(s->devargs[1]),
	                                "net_vhost1,iface=%s,client=1,queues=1",
	                                s->vhost_sock) >= (int)sizeof(s->devargs[1]))
		return -ENAMETOOLONG;
	return 0;
}

/* route-1 to a vhost-user port: b is served as vm is in vhost-l2. */
static int make_vhost_route(const struct bench_opts *o, struct bench_scenario *s)
{
	int rc = make_route(o, 1, s);

	if (rc < 0)
		return rc;
	s->name = "vhost-route";
	s->summary = "route-1 with b a vhost-user port whose virtio_user peer (testpmd rxonly, "
	             "CPU 0) receives; testpmd io serves the same socket with net_vhost; Mpps = "
	             "frames sent on b";
	s->peer_bound = true;
	/* A fresh dataplane each run: a kept one would reconnect to each run's new peer
	 * only at the library's next retry, up to a second into the window. */
	s->keep_dataplane = false;
	bench_vhost_peer_paths(o, 0, s->vhost_sock, sizeof(s->vhost_sock), NULL, 0);
	/* make_route named the file after route-1; write_files writes one after us. */
	if (devargs(s->devargs[0], 0, o, "vhost-route.pcap", true) < 0 ||
	                snprintf(s->devargs[1], sizeof(s->devargs[1]), "net_vhost1,iface=%s,client=1,queues=1",
	                    s->vhost_sock) >= (int)sizeof(s->devargs[1]))
		return -ENAMETOOLONG;
	return 0;
}

static int make_scenario_engines(
                const struct bench_opts *o, const char *name, struct bench_scenario *s)
{
	memset(s, 0, sizeof(*s));
	if (strcmp(name, "l2-vlan") == 0 || strcmp(name, "null") == 0)
		return make_l2(o, name, s);
	if (strcmp(name, "vxlan-encap") == 0 || strcmp(name, "vxlan-decap") == 0)
		return make_vxlan(o, strcmp(name, "vxlan-encap") == 0, s);
	if (strcmp(name, "route-1") == 0)
		return make_route(o, 1, s);
	if (strcmp(name, "route-100k") == 0)
		return make_route(o, 100000, s);
	if (strcmp(name, "route-1m") == 0)
		return make_route(o, 1000000, s);
	if (strcmp(name, "sg-established") == 0)
		return make_sg(o, s);
	if (strcmp(name, "route-many") == 0)
		return make_route_many(o, s);
	if (strcmp(name, "vhost-l2") == 0)
		return make_vhost(o, s);
	if (strcmp(name, "vhost-route") == 0)
		return make_vhost_route(o, s);
	if (strcmp(name, "fip") == 0) {
		int rc = make_route(o, 1, s);

		s->topo = BENCH_TOPO_FIP;
		s->name = "fip";
		s->summary = "route-1 with b as the gateway and 64 floating IPs: frames from the 64 "
			     "fixed addresses leave b from their fip (stateless 1:1); Mpps = frames "
			     "sent on b";
		/* make_route named the file after route-1. */
		if (rc == 0 && (devargs(s->devargs[0], 0, o, "fip.pcap", true) < 0))
			rc = -ENAMETOOLONG;
		return rc;
	}
	if (strcmp(name, "snat") == 0) {
		int rc = make_route(o, 1, s);

		s->topo = BENCH_TOPO_SNAT;
		s->name = "snat";
		s->summary = "route-1 with b as the gateway, SNAT on: 10,000 established UDP flows "
			     "leave b from the gateway's address and their replies come back to a "
			     "(one connection-table entry each); Mpps = frames sent, both ports";
		s->count_port = NULL;
		if (rc == 0 && (devargs(s->devargs[0], 0, o, "snat.pcap", true) < 0 ||
					devargs(s->devargs[1], 1, o, "snat-reply.pcap", true) < 0))
			rc = -ENAMETOOLONG;
		return rc;
	}
	return -ENOENT;
}

/* OVS runs where it has flows for the scenario and its binary is there. */
static int make_scenario(const struct bench_opts *o, const char *name, struct bench_scenario *s)
{
	int rc = make_scenario_engines(o, name, s);

	if (rc == 0 && o->ovs_vswitchd != NULL && bench_ovs_supports(s))
		s->engines[BENCH_OVS] = true;
	return rc;
}

/* Every scenario's frames. decap.pcap needs the underlay device's MAC: a dataplane
 * is started once to read it. */
static int write_files(const struct bench_opts *o, struct bench_scenario *scs, unsigned int n)
{
	char a[PATH_MAX], b[PATH_MAX];
	int rc;

	snprintf(a, sizeof(a), "%s/up.pcap", o->workdir);
	snprintf(b, sizeof(b), "%s/vm.pcap", o->workdir);
	if ((rc = bench_write_frames(a, b, o->flows)) < 0)
		return rc;
	snprintf(a, sizeof(a), "%s/idle.pcap", o->workdir);
	if ((rc = bench_write_idle(a)) < 0)
		return rc;
	for (unsigned int i = 0; i < n; i++) {
		struct bench_scenario *s = &scs[i];

		if (s->topo == BENCH_TOPO_SG) {
			snprintf(a, sizeof(a), "%s/sg.pcap", o->workdir);
			if ((rc = bench_write_sg_frames(a)) < 0)
				return rc;
		}
		if (s->topo == BENCH_TOPO_ROUTE_MANY) {
			snprintf(a, sizeof(a), "%s/route-many.pcap", o->workdir);
			if ((rc = bench_write_route_many_frames(a, o->flows)) < 0)
				return rc;
		}
		if (s->routes != NULL) {
			char desc[256];

			snprintf(a, sizeof(a), "%s/%s.pcap", o->workdir, s->name);
			if ((rc = s->topo == BENCH_TOPO_FIP ?
							bench_write_fip_frames(a, o->flows) :
					s->topo == BENCH_TOPO_SNAT ?
							write_snat(o, a) :
							bench_write_route_frames(a, s->routes, o->flows)) < 0)
				return rc;
			bench_routes_describe(s->routes, desc, sizeof(desc));
			fprintf(stderr, "virga-bench: %s: prefix lengths %s\n", s->name, desc);
		}
		if (s->count_port != NULL && strcmp(s->name, "vxlan-decap") == 0) {
			snprintf(a, sizeof(a), "%s/decap.pcap", o->workdir);
			if ((rc = bench_write_vxlan_frames(a, s->underlay_mac, o->flows)) < 0 ||
			                (rc = bench_virga_port_mac(
			                                 o, s->devargs[0], s->underlay_mac)) < 0 ||
			                (rc = bench_write_vxlan_frames(
			                                 a, s->underlay_mac, o->flows)) < 0)
				return rc;
			fprintf(stderr,
			                "virga-bench: vxlan-decap: underlay MAC "
			                "%02x:%02x:%02x:%02x:%02x:%02x\n",
			                s->underlay_mac[0], s->underlay_mac[1], s->underlay_mac[2],
			                s->underlay_mac[3], s->underlay_mac[4], s->underlay_mac[5]);
		}
	}
	return 0;
}

static int run_engine(const struct bench_opts *o, struct bench_scenario *s,
                enum bench_engine e, unsigned int seq, struct bench_result *r)
{
	if (e == BENCH_VIRGA)
		return bench_run_virga(o, s, seq, r);
	if (e == BENCH_OVS)
		return bench_run_ovs(o, s, seq, r);
	return bench_run_testpmd(o, s, e, seq, r);
}

/* A vhost-user scenario's engine gets a fresh peer listening before it starts. */
static int run_one(const struct bench_opts *o, struct bench_scenario *s, enum bench_engine e,
                unsigned int seq, struct bench_result *r)
{
	struct bench_peer peer = {0};
	int rc;

	if (s->vhost_sock[0] == '\0')
		return run_engine(o, s, e, seq, r);
	rc = bench_vhost_peer_start(o, seq, &peer);
	if (rc < 0) {
		snprintf(r->note, sizeof(r->note), "the virtio_user peer did not listen: %s",
		                strerror(-rc));
		return rc;
	}
	rc = run_engine(o, s, e, seq, r);
	bench_vhost_peer_stop(&peer);
	return rc;
}

/*
 * Round k starts with engine k mod n, so no engine always runs first (right
 * after the previous process let go of the core) or always last.
 */
static int run_rounds(const struct bench_opts *o, struct bench_scenario *scs, unsigned int n_sc,
                struct bench_result *rs, unsigned int *n)
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
	for (size_t i = 0; i < sizeof(PCAP_FILES) / sizeof(PCAP_FILES[0]); i++) {
		snprintf(cmd, sizeof(cmd), "%s/%s", o->workdir, PCAP_FILES[i]);
		unlink(cmd);
	}
	for (unsigned int seq = 0; seq <= BENCH_PROBE_SEQ; seq++) {
		snprintf(cmd, sizeof(cmd), "%s/virga-%u.log", o->workdir, seq);
		unlink(cmd);
		snprintf(cmd, sizeof(cmd), "%s/virga-%u.sock", o->workdir, seq);
		unlink(cmd);
		bench_vhost_peer_paths(o, seq, NULL, 0, cmd, sizeof(cmd));
		unlink(cmd);
	}
	bench_vhost_peer_paths(o, 0, cmd, sizeof(cmd), NULL, 0);
	unlink(cmd);
	rmdir(o->workdir);
}

/* mkdir -p: --workdir may name a directory whose parents do not exist yet either. */
static int make_dirs(const char *path)
{
	char p[PATH_MAX];

	if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *slash = strchr(p + 1, '/');; slash = strchr(slash + 1, '/')) {
		if (slash != NULL)
			*slash = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -1;
		if (slash == NULL)
			return 0;
		*slash = '/';
	}
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
	for (unsigned int i = 0;
	                n_names == 0 && i < sizeof(ALL_SCENARIOS) / sizeof(ALL_SCENARIOS[0]); i++)
		names[i] = ALL_SCENARIOS[i];
	if (n_names == 0)
		n_names = sizeof(ALL_SCENARIOS) / sizeof(ALL_SCENARIOS[0]);
	if (access(o.dataplane, X_OK) != 0 || access(o.testpmd, X_OK) != 0) {
		fprintf(stderr, "virga-bench: %s or %s is not executable\n", o.dataplane,
		                o.testpmd);
		return 1;
	}
	if (o.ovs_vswitchd != NULL && access(o.ovs_vswitchd, X_OK) != 0) {
		fprintf(stderr, "virga-bench: %s is not executable: no Open vSwitch runs\n",
		                o.ovs_vswitchd);
		o.ovs_vswitchd = NULL;
	}
	bench_proc_init();
	/* A named work directory that does not exist yet is made (not removed after). */
	if (o.workdir != NULL && make_dirs(o.workdir) < 0) {
		fprintf(stderr, "virga-bench: cannot make %s: %s\n", o.workdir, strerror(errno));
		return 1;
	}
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
	rc = write_files(&o, scs, n_names);
	if (rc < 0) {
		fprintf(stderr, "virga-bench: cannot write the frames: %s\n", strerror(-rc));
		goto out;
	}
	rc = run_rounds(&o, scs, n_names, results, &n_results);
	if (rc == -EINTR)
		fprintf(stderr, "virga-bench: interrupted; results so far:\n");
	bench_report(&o, scs, n_names, results, n_results, argc, argv);
out:
	for (unsigned int i = 0; i < n_names; i++) {
		bench_virga_release(&o, &scs[i]);
		bench_routes_free(scs[i].routes);
	}
	remove_workdir(&o, created);
	return rc < 0 ? 1 : 0;
}
