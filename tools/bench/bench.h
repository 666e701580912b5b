/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga-bench: a packet-rate benchmark of the dataplane against
 * dpdk-testpmd on the same virtual devices and the same core. Not a test:
 * it measures and reports, it does not pass or fail (it only flags runs
 * whose counters show they did not forward what they should have: any drop
 * in a scenario that forwards everything, and such runs are not counted).
 *
 * Single-threaded. Every child process is registered in proc.c, which kills
 * what is left on exit, so an error path or a Ctrl-C leaves nothing running.
 */
#ifndef VIRGA_BENCH_H
#define VIRGA_BENCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <virga/dp_api.h>

#define BENCH_MAX_ROUNDS 100
#define BENCH_MAX_SCENARIOS 16
/* The sequence number (in file names) of the dataplane that probes a pcap device's
 * MAC: after every run's. */
#define BENCH_PROBE_SEQ (BENCH_MAX_ROUNDS * BENCH_ENGINE_MAX * BENCH_MAX_SCENARIOS)
/* Devargs go to the dataplane as they are: its limit is ours. */
#define BENCH_DEVARGS_LEN DP_DEVARGS_LEN
#define BENCH_NOTE_LEN 256

/* What is run in one measurement. */
enum bench_engine {
	BENCH_TESTPMD_MACSWAP,
	BENCH_TESTPMD_IO,
	BENCH_OVS, /* Open vSwitch DPDK (run_ovs.c): a peer, a reference for the ratios */
	BENCH_VIRGA,
	BENCH_ENGINE_MAX,
};

/* How the dataplane is programmed for a scenario (scenario_*.c). */
enum bench_topology {
	BENCH_TOPO_L2_VLAN, /* l2-vlan and null */
	BENCH_TOPO_VXLAN,   /* vxlan-encap and vxlan-decap */
	BENCH_TOPO_ROUTE,   /* route-1, route-100k, route-1m */
	BENCH_TOPO_SG,      /* sg-established */
	BENCH_TOPO_FIP,     /* fip: route-1 with a gateway and floating IPs */
	BENCH_TOPO_SNAT,    /* snat: route-1 with a gateway that translates */
	BENCH_TOPO_ROUTE_MANY, /* route-many: frames spread over many routers */
	BENCH_TOPO_NONE,    /* nothing: a probe */
};

struct bench_routes; /* scenario_route.c */

/* A dataplane programmed once and paused (SIGSTOP) between its windows. */
struct bench_dataplane;

/*
 * A scenario: two ports, what their devices receive, and how Virga is
 * programmed. Both engines get the same two devices.
 */
struct bench_scenario {
	const char *name;
	const char *summary;
	/* Run by this scenario, in the order of the first round. */
	bool engines[BENCH_ENGINE_MAX];
	/* Virga is expected to drop everything (all-zero frames): its rate is what it
	 * received, and drops do not make the run invalid. In every other scenario a
	 * run that drops anything, for any reason, is invalid. */
	bool expect_drops;
	enum bench_topology topo;
	const char *ports[2]; /* Virga's names for the two devices */
	char devargs[2][BENCH_DEVARGS_LEN];
	/* Virga: the rate is what this port sent (NULL: every port); testpmd: every port
	 * (the other device replays one frame once, so it forwards one way). */
	const char *count_port;
	unsigned int memory_mb; /* virga-dataplane --memory; 0: its default */
	/* The routes of a route scenario (NULL otherwise), made once before the rounds. */
	struct bench_routes *routes;
	/* Program Virga once and keep it between rounds, paused while the others run. */
	bool keep_dataplane;
	struct bench_dataplane *dp;
	/* vxlan-decap: the outer destination MAC the frames were built with. */
	uint8_t underlay_mac[6];
	/* vhost-l2: port 1 is a vhost-user port on this socket, where a virtio_user peer
	 * listens (vhost_peer.c): Virga's own (DP_PORT_KIND_VHOST_USER), testpmd's
	 * devargs[1] (net_vhost, client=1). "" in the other scenarios. */
	char vhost_sock[BENCH_DEVARGS_LEN];
	/* The receiving peer may be slower than the engine: frames its full ring refused
	 * (tx_queue_full) do not make a run invalid, the rate is what it took. */
	bool peer_bound;
};

struct bench_opts {
	unsigned int rounds;
	double seconds; /* measurement window */
	double warmup;  /* forwarding before the window opens */
	unsigned int flows;
	unsigned int mbufs;
	const char *dataplane;
	const char *mac_table_size; /* NULL: the dataplane's default */
	const char *idle_sleep;	    /* NULL: pure polling */
	const char *testpmd;
	const char *ovs_vswitchd; /* NULL: no OVS engine */
	const char *workdir;
	bool json;
	bool keep; /* keep the work directory (pcap files, logs) */
	bool verbose;
};

/* One measurement. Rates are over the window; counters are its deltas. */
struct bench_result {
	const char *scenario;
	enum bench_engine engine;
	unsigned int round;
	bool ran;   /* the window was measured */
	bool valid; /* ...and the counters say the engine did its job */
	char note[BENCH_NOTE_LEN];
	double seconds;
	uint64_t rx, tx, drops;
	uint64_t worker_packets; /* Virga: what the worker received, from the same reading as drops
	                          */
	char top_drop[32];       /* Virga: the most frequent drop reason in the window */
	uint64_t top_drop_packets;
	char drops_by[128]; /* "no_network 52%, spoofed_src_mac 48%" */
	double rx_mpps, tx_mpps;
	/* Rate the comparison uses: tx, or rx for a scenario that drops everything. */
	double mpps;
	double setup_seconds;  /* Virga: start and programming, before the warm-up */
	double cycles_per_pkt; /* every TSC cycle of the forwarding core, per packet received */
	double busy_cycles_per_pkt; /* only loop iterations that found packets */
	uint64_t tsc_hz;
};

/* ---- the VM and the remote stations (frames.c) ---- */
#define BENCH_VLAN_ID 100
#define BENCH_FRAME_LEN 60 /* untagged, without FCS: the Ethernet minimum (64 with it) */
extern const uint8_t bench_vm_mac[6];
extern const uint8_t bench_vm_ip[4];
/* Remote station i: MAC 02:52:00:HH:MM:LL, IP 10.100.16.0 + i. */
void bench_remote_mac(unsigned int i, uint8_t mac[6]);
void bench_remote_ip(unsigned int i, uint8_t ip[4]);

/*
 * Writes the two pcap files of the l2-vlan scenario: `up_path` holds `flows`
 * VLAN-tagged IPv4/UDP frames of 64 bytes from distinct remote stations to
 * the VM, `vm_path` the untagged 60-byte replies. 0 or -errno.
 */
int bench_write_frames(const char *up_path, const char *vm_path, unsigned int flows);

/* Classic pcap files, for the scenarios' own frames. */
FILE *bench_pcap_open(const char *path);
int bench_pcap_write(FILE *f, const uint8_t *frame, size_t len, unsigned int i);
/* fclose, as 0 or -EIO. */
int bench_pcap_close(FILE *f);
/* A 60-byte IPv4/UDP frame (TTL 64, valid header checksum); vlan 0: untagged (else 64
 * bytes). Returns its length. */
size_t bench_build_udp(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t vlan,
                const uint8_t sip[4], const uint8_t dip[4], uint16_t sport);
/* The next of a fixed sequence (xorshift on *s) of addresses in 20.0.0.0/8, the one
 * route of route-1's router (fip, route-many). */
void bench_dip_20_8(uint64_t *s, uint8_t dip[4]);
/* RFC 1071 checksum of an IPv4 header. */
uint16_t bench_ip_checksum(const uint8_t *h, size_t len);
/* One frame that the engine forwards at most once (the second device of a one-way
 * scenario: a pcap without infinite_rx, read once). */
int bench_write_idle(const char *path);

/* ---- scenarios (scenario_l2.c, scenario_vxlan.c, scenario_route.c) ---- */
struct dp_client;
/* Every request fails with a message in why. */
int bench_call(struct dp_client *c, enum dp_msg_type type, const void *req, size_t len, void *resp,
                size_t resp_len, char *why, size_t why_len);
int bench_program_l2(struct dp_client *c, const struct bench_scenario *s, char *why, size_t len);
/* The PORT_ADD request for the scenario's port i (0 or 1), named `name`: its devargs,
 * or, for port 1 of a vhost-user scenario, a vhost-user port on s->vhost_sock. */
void bench_port_req(const struct bench_scenario *s, unsigned int i, const char *name,
                struct dp_port_add_req *req);

#define BENCH_VNI 5000
#define BENCH_N_PEERS 16
/* The VXLAN frames: vm.pcap is l2-vlan's; decap.pcap is built for the underlay port's
 * MAC (set in s->underlay_mac); idle.pcap one frame. */
int bench_write_vxlan_frames(
                const char *decap_path, const uint8_t underlay_mac[6], unsigned int flows);
int bench_program_vxlan(struct dp_client *c, const struct bench_scenario *s, unsigned int flows,
                char *why, size_t len);

/* n random prefixes (a real table's mix of lengths, /8../24), fixed seed; n = 1: one /8. */
struct bench_routes *bench_routes_make(unsigned int n);
void bench_routes_free(struct bench_routes *r);
int bench_write_route_frames(const char *path, const struct bench_routes *r, unsigned int flows);
int bench_program_route(struct dp_client *c, const struct bench_scenario *s, char *why, size_t len);
/* Route i of the table (host byte order), the count, and the router's MACs (for OVS). */
void bench_routes_get(const struct bench_routes *r, unsigned int i, uint32_t *prefix, uint8_t *len);
unsigned int bench_routes_count(const struct bench_routes *r);
void bench_route_macs(uint8_t if_a[6], uint8_t if_b[6], uint8_t next_hop[6]);
/* "/24 63%, /23 10%, ...", for the report. */
void bench_routes_describe(const struct bench_routes *r, char *buf, size_t len);

/* sg-established (scenario_sg.c): its flows' frames, and l2-vlan with a filter on vm. */
#define BENCH_SG_FLOWS 10000
int bench_write_sg_frames(const char *path);
#define BENCH_SG_RULES 1000
/* Rule id (0..BENCH_SG_RULES-1) of the VM's filter, as Virga gets it (and OVS, as flows). */
void bench_sg_rule(unsigned int id, struct dp_sg_rule_spec *r);
int bench_program_sg(struct dp_client *c, const struct bench_scenario *s, char *why, size_t len);

/* fip (scenario_fip.c): frames from the BENCH_FIP_HOSTS hosts with a floating IP,
 * and route-1's router with its gateway and their fips. */
#define BENCH_FIP_HOSTS 64
int bench_write_fip_frames(const char *path, unsigned int flows);
int bench_program_fip(struct dp_client *c, const struct bench_scenario *s, char *why, size_t len);
#define BENCH_SNAT_FLOWS 10000
#define BENCH_UDP_OFF (14 + 20) /* an untagged frame's UDP header (bench_build_udp) */
/* route-1's next hop on b and the router's interface there (scenario_route.c). */
extern const uint8_t bench_route_nh_mac[6], bench_route_if_b_mac[6];
/* snat's two pcaps: the flows out (a) and their replies (b), scenario_fip.c. */
int bench_write_snat_frames(const char *path_a, const char *path_b);
int bench_program_snat(struct dp_client *c, const struct bench_scenario *s, char *why, size_t len);

/* route-many (scenario_route_many.c): BENCH_MANY_ROUTERS routers, frames spread over them. */
#define BENCH_MANY_ROUTERS 1000
int bench_write_route_many_frames(const char *path, unsigned int flows);
int bench_program_route_many(
		struct dp_client *c, const struct bench_scenario *s, char *why, size_t len);

/* ---- child processes (proc.c) ---- */
extern volatile sig_atomic_t bench_interrupted;

struct bench_proc {
	pid_t pid;
	int fd;    /* pty master (interactive children), else -1 */
	char *out; /* everything read from fd, NUL-terminated */
	size_t len, cap;
};

/* Installs the SIGINT/SIGTERM/SIGHUP handlers and the exit-time reaper. */
void bench_proc_init(void);
/* Starts argv[0]. With log_path, stdout and stderr go there; else to a pty read by
 * bench_proc_expect. 0 or -errno. */
int bench_proc_spawn(struct bench_proc *p, char *const argv[], const char *log_path);
bool bench_proc_alive(struct bench_proc *p);
int bench_proc_write(struct bench_proc *p, const char *s);
/* Waits until `needle` appears at or after offset `from` of the output; returns its
 * offset, -ETIMEDOUT, -ECHILD if the process exited, -EINTR on Ctrl-C. */
long bench_proc_expect(struct bench_proc *p, size_t from, const char *needle, int timeout_ms);
/* Sends `sig`, waits up to timeout_ms, then SIGKILL. Safe on a stopped process. */
void bench_proc_stop(struct bench_proc *p, int sig, int timeout_ms);
/* Removes the EAL runtime directory of file prefix `prefix` (after its process exited). */
void bench_proc_remove_runtime(const char *prefix);
/* Sleeps, returning -EINTR early on Ctrl-C. */
int bench_sleep(double seconds);
double bench_now(void);

/* ---- the virtio_user peer of vhost-l2 (vhost_peer.c) ---- */
struct bench_peer {
	struct bench_proc p;
	char prefix[64];
};
/* The peer's socket (the same for every run) and run seq's log. */
void bench_vhost_peer_paths(const struct bench_opts *o, unsigned int seq, char *sock,
		size_t sock_len, char *log, size_t log_len);
/* Starts a peer and waits until it listens; 0 or -errno. */
int bench_vhost_peer_start(const struct bench_opts *o, unsigned int seq, struct bench_peer *peer);
void bench_vhost_peer_stop(struct bench_peer *peer);

/* ---- the engines (run_testpmd.c, run_virga.c) ---- */
int bench_run_testpmd(const struct bench_opts *o, const struct bench_scenario *s,
                enum bench_engine engine, unsigned int seq, struct bench_result *r);
int bench_run_virga(const struct bench_opts *o, struct bench_scenario *s, unsigned int seq,
                struct bench_result *r);
/* Stops a kept dataplane (keep_dataplane scenarios), after the last round. */
void bench_virga_release(const struct bench_opts *o, struct bench_scenario *s);
/* Starts a dataplane, adds one port with `devargs`, returns its MAC, stops it. */
int bench_virga_port_mac(const struct bench_opts *o, const char *devargs, uint8_t mac[6]);

/* Open vSwitch DPDK (run_ovs.c, ovs_flows.c): only scenarios with OVS flows. */
int bench_run_ovs(const struct bench_opts *o, const struct bench_scenario *s, unsigned int seq,
                struct bench_result *r);
bool bench_ovs_supports(const struct bench_scenario *s);
/* ovs_nat_flows.c: the snat and fip scenarios' flows, into f. */
void bench_ovs_write_snat(FILE *f);
void bench_ovs_write_fip(FILE *f);
/* The scenario's flows into path (`stations`: vxlan's remote MACs, --flows). */
int bench_ovs_write_flows(
                const char *path, const struct bench_scenario *s, unsigned int stations);
/* ovs_vxlan.c: br-int's flows of the vxlan scenarios, into f. */
void bench_ovs_write_vxlan(FILE *f, unsigned int stations);
/* l2-vlan's table 71, port security of the VM (port 2): its frames go on to `allowed`. */
void bench_ovs_write_port_security(FILE *f, const char *allowed);
/* ovs-vsctl add-port settings of port 0 or 1 ("trunks=100", "tag=100"). */
void bench_ovs_port_options(const struct bench_scenario *s, int port, char *buf, size_t len);
/* ovs_vxlan.c: the vxlan scenarios' two bridges, tunnel ports and flows, in the
 * ovs-vswitchd whose database socket is `sock`, unixctl `ctl`, network namespace that
 * of `pid`. A shell command line through run_ovs.c's runner: 0 or -EIO. */
int bench_ovs_sh(const struct bench_opts *o, char *out, size_t out_len, const char *fmt, ...)
                __attribute__((format(printf, 4, 5)));
/* The scenario's flows (--flows of them where it has stations) written and added to br. */
int bench_ovs_add_flows(const struct bench_opts *o, const struct bench_scenario *s, const char *br,
                const char *path, char *why, size_t why_len);
/* The scenario's device i (0 or 1) as a dpdk port of bridge br, OpenFlow port i + 1. */
int bench_ovs_add_dpdk(const struct bench_opts *o, const char *sock, const char *br,
                const struct bench_scenario *s, int i, char *why, size_t why_len);
int bench_ovs_setup_vxlan(const struct bench_opts *o, const struct bench_scenario *s,
                const char *sock, const char *ctl, int pid, const char *flows_path, char *why,
                size_t why_len);
/* scenario_vxlan.c: the local VTEP's address, and peer p's (0..BENCH_N_PEERS-1). */
extern const uint8_t bench_vxlan_local_vtep[4];
void bench_vxlan_peer_ip(unsigned int p, uint8_t ip[4]);
void bench_vxlan_peer_mac(unsigned int p, uint8_t mac[6]);

/* ---- output (report.c) ---- */
const char *bench_engine_name(enum bench_engine e);
void bench_report_run(const struct bench_opts *o, const struct bench_result *r);
void bench_report(const struct bench_opts *o, const struct bench_scenario *scenarios,
                unsigned int n_scenarios, const struct bench_result *results,
                unsigned int n_results, int argc, char **argv);

#endif /* VIRGA_BENCH_H */
