/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga-bench: a packet-rate benchmark of the dataplane against
 * dpdk-testpmd on the same virtual devices and the same core. Not a test:
 * it measures and reports, it does not pass or fail (it only flags runs
 * whose counters show they did not forward what they should have).
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
#include <sys/types.h>

#include <virga/dp_api.h>

#define BENCH_MAX_ROUNDS 100
/* Devargs go to the dataplane as they are: its limit is ours. */
#define BENCH_DEVARGS_LEN DP_DEVARGS_LEN
#define BENCH_NOTE_LEN 160

/* What is run in one measurement. */
enum bench_engine {
	BENCH_TESTPMD_MACSWAP,
	BENCH_TESTPMD_IO,
	BENCH_VIRGA,
	BENCH_ENGINE_MAX,
};

/*
 * A scenario: the two ports ("up", the uplink of physnet1, and "vm", an
 * access port of VLAN network net100 with port security on) and what their
 * devices receive. The topology is the same for every scenario.
 */
struct bench_scenario {
	const char *name;
	const char *summary;
	/* Run by this scenario, in the order of the first round. */
	bool engines[BENCH_ENGINE_MAX];
	/* Virga is expected to drop everything (all-zero frames): its rate is what it
	 * received, and drops do not make the run invalid. */
	bool expect_drops;
	char devargs[2][BENCH_DEVARGS_LEN]; /* [0] the uplink, [1] the VM port */
};

struct bench_opts {
	unsigned int rounds;
	double seconds; /* measurement window */
	double warmup;  /* forwarding before the window opens */
	unsigned int flows;
	unsigned int mbufs;
	const char *dataplane;
	const char *mac_table_size; /* NULL: the dataplane's default */
	const char *testpmd;
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
	double cycles_per_pkt; /* every TSC cycle of the forwarding core, per packet received */
	double busy_cycles_per_pkt; /* only loop iterations that found packets */
	uint64_t tsc_hz;
};

/* ---- the VM and the remote stations (frames.c) ---- */
#define BENCH_VLAN_ID 100
extern const uint8_t bench_vm_mac[6];
extern const uint8_t bench_vm_ip[4];

/*
 * Writes the two pcap files of the l2-vlan scenario: `up_path` holds `flows`
 * VLAN-tagged IPv4/UDP frames of 64 bytes from distinct remote stations to
 * the VM, `vm_path` the untagged 60-byte replies. 0 or -errno.
 */
int bench_write_frames(const char *up_path, const char *vm_path, unsigned int flows);

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

/* ---- the engines (run_testpmd.c, run_virga.c) ---- */
int bench_run_testpmd(const struct bench_opts *o, const struct bench_scenario *s,
                enum bench_engine engine, unsigned int seq, struct bench_result *r);
int bench_run_virga(const struct bench_opts *o, const struct bench_scenario *s, unsigned int seq,
                struct bench_result *r);

/* ---- output (report.c) ---- */
const char *bench_engine_name(enum bench_engine e);
void bench_report_run(const struct bench_opts *o, const struct bench_result *r);
void bench_report(const struct bench_opts *o, const struct bench_scenario *scenarios,
                unsigned int n_scenarios, const struct bench_result *results,
                unsigned int n_results, int argc, char **argv);

#endif /* VIRGA_BENCH_H */
