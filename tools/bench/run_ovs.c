/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Open vSwitch with DPDK (Debian's ovs-vswitchd-dpdk) on the same two pcap
 * devices and the same forwarding core as the other engines. Per run, in
 * <workdir>/ovs-SEQ/: a private database (ovsdb-tool create), ovsdb-server
 * on its own unix socket, ovs-vswitchd with dpdk-init and the EAL memory
 * options the others use, one PMD thread on core 1 (pmd-cpu-mask 0x2), a
 * netdev bridge in fail-mode secure (only our flows forward), the flows of
 * the scenario (ovs_flows.c), then the two devices as dpdk ports. No
 * system service or database is touched: every tool gets OVS_RUNDIR,
 * OVS_DBDIR and OVS_LOGDIR pointing there.
 *
 * The window's rate is the delta of `ovs-ofctl dump-ports` (the ports'
 * own counters); its cost is `dpif-netdev/pmd-stats-show` after a
 * `pmd-stats-clear` at the start of the window: all PMD cycles (idle and
 * processing) per packet received, and processing cycles alone ("busy").
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define OVS_SCHEMA "/usr/share/openvswitch/vswitch.ovsschema"
#define OVS_START_TIMEOUT_S 60.0
#define OVS_STOP_TIMEOUT_MS 10000
#define OUT_LEN 16384

struct ovs_ports {
	double t;
	uint64_t rx, tx, drops;
};

struct ovs_instance {
	char dir[PATH_MAX], db[PATH_MAX + 16], sock[PATH_MAX + 16], ctl[PATH_MAX + 32];
	char prefix[64];
	struct bench_proc db_proc, vs_proc;
	bool db_started, vs_started;
};

/* Runs a shell command line; its output (stdout and stderr) into out. 0 or -EIO. */
int bench_ovs_sh(const struct bench_opts *o, char *out, size_t out_len, const char *fmt, ...)
{
	char cmd[4 * PATH_MAX], *buf = out, scratch[OUT_LEN];
	size_t len = out_len, got = 0, n;
	va_list ap;
	FILE *f;
	int st;

	if (buf == NULL) {
		buf = scratch;
		len = sizeof(scratch);
	}
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (o->verbose)
		fprintf(stderr, "ovs: %s\n", cmd);
	strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	f = popen(cmd, "r");
	if (f == NULL)
		return -errno;
	while (got + 1 < len && (n = fread(buf + got, 1, len - 1 - got, f)) > 0)
		got += n;
	buf[got] = '\0';
	/* Drain what did not fit, so the child does not block on a full pipe. */
	while (fread(scratch, 1, sizeof(scratch), f) > 0)
		;
	st = pclose(f);
	if (st != 0) {
		fprintf(stderr, "virga-bench: ovs: '%s' failed:\n%s\n", cmd, buf);
		return -EIO;
	}
	return 0;
}

static int vsctl(const struct bench_opts *o, const struct ovs_instance *v, const char *args)
{
	return bench_ovs_sh(o, NULL, 0, "ovs-vsctl --db=unix:%s --timeout=60 %s", v->sock, args);
}

/* Adds up bridge br's dpdk ports (OpenFlow ports 1 and 2; not LOCAL, the bridge's
 * internal port, nor vxlan's tunnel ports, whose packets a dpdk port also counts). */
static int add_ports(const struct bench_opts *o, const char *br, struct ovs_ports *p)
{
	static char out[OUT_LEN];
	const char *at = out;
	int rc = bench_ovs_sh(o, out, sizeof(out), "ovs-ofctl dump-ports %s", br);

	if (rc < 0)
		return rc;
	while ((at = strstr(at, "port ")) != NULL) {
		uint64_t rx, rxd, tx, txd;
		const char *rxs = strstr(at, "rx pkts="), *txs = strstr(at, "tx pkts=");
		unsigned int no = 0;

		if (rxs == NULL || txs == NULL)
			return -EPROTO;
		/* "port LOCAL:" parses as no port; a tunnel port's counters may be "?". */
		if (sscanf(at + 5, " %u", &no) != 1 || (no != 1 && no != 2)) {
			at = txs;
			continue;
		}
		if (sscanf(rxs, "rx pkts=%" SCNu64 ", bytes=%*u, drop=%" SCNu64, &rx, &rxd) != 2 ||
		                sscanf(txs, "tx pkts=%" SCNu64 ", bytes=%*u, drop=%" SCNu64, &tx,
		                                &txd) != 2)
			return -EPROTO;
		p->rx += rx;
		p->tx += tx;
		p->drops += rxd + txd;
		at = txs;
	}
	return 0;
}

/* The dpdk ports' counters: on br0, or on br-phy and br-int (vxlan, ovs_vxlan.c). */
static int read_ports(
                const struct bench_opts *o, const struct bench_scenario *s, struct ovs_ports *p)
{
	double t0 = bench_now();
	int rc;

	p->rx = p->tx = p->drops = 0;
	rc = add_ports(o, s->topo == BENCH_TOPO_VXLAN ? "br-phy" : "br0", p);
	if (rc == 0 && s->topo == BENCH_TOPO_VXLAN)
		rc = add_ports(o, "br-int", p);
	p->t = (t0 + bench_now()) / 2;
	return rc;
}

static int parse_cycles(const char *text, const char *key, double *v)
{
	const char *at = strstr(text, key);

	if (at == NULL || sscanf(at + strlen(key), " %lf", v) != 1)
		return -EPROTO;
	return 0;
}

/* The PMD thread's cycles since the last pmd-stats-clear (pmd-stats-show of core 1). */
static int read_pmd(
                const struct bench_opts *o, const struct ovs_instance *v, struct bench_result *r)
{
	static char out[OUT_LEN];
	const char *pmd;
	int rc = bench_ovs_sh(
	                o, out, sizeof(out), "ovs-appctl -t %s dpif-netdev/pmd-stats-show", v->ctl);

	if (rc < 0)
		return rc;
	pmd = strstr(out, "pmd thread");
	if (pmd == NULL)
		return -EPROTO;
	if (parse_cycles(pmd, "avg cycles per packet:", &r->cycles_per_pkt) < 0 ||
	                parse_cycles(pmd, "avg processing cycles per packet:",
	                                &r->busy_cycles_per_pkt) < 0)
		return -EPROTO;
	return 0;
}

static void set_env(const struct ovs_instance *v)
{
	setenv("OVS_RUNDIR", v->dir, 1);
	setenv("OVS_DBDIR", v->dir, 1);
	setenv("OVS_LOGDIR", v->dir, 1);
}

/* Waits until `path` exists (a daemon's socket), or the daemon died. */
static int wait_for(struct bench_proc *p, const char *path)
{
	double until = bench_now() + OVS_START_TIMEOUT_S;

	while (access(path, F_OK) != 0) {
		if (!bench_proc_alive(p))
			return -ECHILD;
		if (bench_now() > until)
			return -ETIMEDOUT;
		if (bench_sleep(0.05) < 0)
			return -EINTR;
	}
	return 0;
}

int bench_ovs_add_flows(const struct bench_opts *o, const struct bench_scenario *s, const char *br,
                const char *path, char *why, size_t why_len)
{
	int rc = bench_ovs_write_flows(path, s, o->flows);

	if (rc < 0) {
		snprintf(why, why_len, "cannot write the flows: %s", strerror(-rc));
		return rc;
	}
	if ((rc = bench_ovs_sh(o, NULL, 0, "ovs-ofctl add-flows %s %s", br, path)) < 0)
		snprintf(why, why_len, "ovs-ofctl add-flows %s failed", br);
	return rc;
}

int bench_ovs_add_dpdk(const struct bench_opts *o, const char *sock, const char *br,
                const struct bench_scenario *s, int i, char *why, size_t why_len)
{
	char port_opts[128];
	int rc;

	bench_ovs_port_options(s, i, port_opts, sizeof(port_opts));
	rc = bench_ovs_sh(o, NULL, 0,
	                "ovs-vsctl --db=unix:%s --timeout=60 add-port %s %s %s -- set Interface %s "
	                "type=dpdk 'options:dpdk-devargs=%s' options:n_rxq=1 ofport_request=%d",
	                sock, br, s->ports[i], port_opts, s->ports[i], s->devargs[i], i + 1);
	if (rc < 0)
		snprintf(why, why_len, "add-port %s failed", s->ports[i]);
	return rc;
}

/* One netdev bridge br0 with the scenario's flows (ovs_flows.c) and both devices. */
static int add_br0(const struct bench_opts *o, const struct bench_scenario *s,
                const struct ovs_instance *v, const char *flows, char *why, size_t why_len)
{
	int rc;

	/* fail-mode secure: no default NORMAL flow, so what forwards is our flows. */
	if ((rc = vsctl(o, v,
	                     "add-br br0 -- set bridge br0 datapath_type=netdev "
	                     "fail-mode=secure")) < 0) {
		snprintf(why, why_len, "add-br failed");
		return rc;
	}
	if ((rc = bench_ovs_add_flows(o, s, "br0", flows, why, why_len)) < 0)
		return rc;
	for (int i = 0; i < 2; i++)
		if ((rc = bench_ovs_add_dpdk(o, v->sock, "br0", s, i, why, why_len)) < 0)
			return rc;
	if (o->verbose)
		bench_ovs_sh(o, NULL, 0, "ovs-ofctl dump-flows br0 >&2");
	return 0;
}

static int start_ovs(const struct bench_opts *o, const struct bench_scenario *s, unsigned int seq,
                struct ovs_instance *v, char *why, size_t why_len)
{
	char log[PATH_MAX + 32], pidfile[PATH_MAX + 32], remote[PATH_MAX + 32],
	                unixctl[PATH_MAX + 32];
	char args[2 * PATH_MAX], flows[PATH_MAX + 16], vsdb[PATH_MAX + 32];
	char *db_argv[] = {"/usr/sbin/ovsdb-server", v->db, remote, unixctl, pidfile, NULL};
	/* In a network namespace of its own: its bridges' taps (and vxlan's VTEP address,
	 * ovs_vxlan.c) are not the host's. unshare execs it: the pid is ovs-vswitchd's. */
	char *vs_argv[] = {"/usr/bin/unshare", "--net", (char *)o->ovs_vswitchd, vsdb, unixctl,
	                pidfile, NULL};
	int rc;

	snprintf(v->dir, sizeof(v->dir), "%s/ovs-%u", o->workdir, seq);
	snprintf(v->db, sizeof(v->db), "%s/conf.db", v->dir);
	snprintf(v->sock, sizeof(v->sock), "%s/db.sock", v->dir);
	snprintf(v->prefix, sizeof(v->prefix), "virga-bench-ovs-%d-%u", (int)getpid(), seq);
	if (mkdir(v->dir, 0755) < 0 && errno != EEXIST) {
		snprintf(why, why_len, "cannot make the OVS directory: %s", strerror(errno));
		return -errno;
	}
	set_env(v);
	if ((rc = bench_ovs_sh(o, NULL, 0, "ovsdb-tool create %s %s", v->db, OVS_SCHEMA)) < 0) {
		snprintf(why, why_len, "ovsdb-tool create failed");
		return rc;
	}
	snprintf(remote, sizeof(remote), "--remote=punix:%s", v->sock);
	snprintf(unixctl, sizeof(unixctl), "--unixctl=%s/ovsdb-server.ctl", v->dir);
	snprintf(pidfile, sizeof(pidfile), "--pidfile=%s/ovsdb-server.pid", v->dir);
	snprintf(log, sizeof(log), "%s/ovsdb-server.log", v->dir);
	if ((rc = bench_proc_spawn(&v->db_proc, db_argv, log)) < 0 ||
	                (v->db_started = true, rc = wait_for(&v->db_proc, v->sock)) < 0) {
		snprintf(why, why_len, "ovsdb-server did not start: %s", strerror(-rc));
		return rc;
	}
	/* The EAL options of the others (no hugepages: --legacy-mem), its main thread
	 * on core 0 and the one PMD thread on core 1, where the others forward. */
	snprintf(args, sizeof(args),
	                "--no-wait init -- set Open_vSwitch . other_config:dpdk-init=true "
	                "'other_config:dpdk-extra=\"--no-huge --legacy-mem -m 2048 --no-pci "
	                "--file-prefix %s\"' other_config:dpdk-lcore-mask=0x1 "
	                "other_config:pmd-cpu-mask=0x2",
	                v->prefix);
	if ((rc = vsctl(o, v, args)) < 0) {
		snprintf(why, why_len, "ovs-vsctl init failed");
		return rc;
	}
	snprintf(vsdb, sizeof(vsdb), "unix:%s", v->sock);
	snprintf(unixctl, sizeof(unixctl), "--unixctl=%s/ovs-vswitchd.ctl", v->dir);
	snprintf(pidfile, sizeof(pidfile), "--pidfile=%s/ovs-vswitchd.pid", v->dir);
	snprintf(v->ctl, sizeof(v->ctl), "%s/ovs-vswitchd.ctl", v->dir);
	snprintf(log, sizeof(log), "%s/ovs-vswitchd.log", v->dir);
	if ((rc = bench_proc_spawn(&v->vs_proc, vs_argv, log)) < 0 ||
	                (v->vs_started = true, rc = wait_for(&v->vs_proc, v->ctl)) < 0) {
		snprintf(why, why_len, "ovs-vswitchd did not start: %s", strerror(-rc));
		return rc;
	}
	snprintf(flows, sizeof(flows), "%s/flows.txt", v->dir);
	if (s->topo == BENCH_TOPO_VXLAN)
		return bench_ovs_setup_vxlan(
		                o, s, v->sock, v->ctl, (int)v->vs_proc.pid, flows, why, why_len);
	return add_br0(o, s, v, flows, why, why_len);
}

static void show_log(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return;
	fprintf(stderr, "---- %s ----\n", path);
	while (fgets(line, sizeof(line), f) != NULL)
		fputs(line, stderr);
	fprintf(stderr, "----\n");
	fclose(f);
}

static void stop_ovs(const struct bench_opts *o, struct ovs_instance *v, bool failed)
{
	char path[PATH_MAX + 32];

	/* ovs-vswitchd closes its DPDK ports and exits on SIGTERM. */
	if (v->vs_started)
		bench_proc_stop(&v->vs_proc, SIGTERM, OVS_STOP_TIMEOUT_MS);
	if (v->db_started)
		bench_proc_stop(&v->db_proc, SIGTERM, OVS_STOP_TIMEOUT_MS);
	bench_proc_remove_runtime(v->prefix);
	snprintf(path, sizeof(path), "%s/ovs-vswitchd.log", v->dir);
	if (failed || o->verbose)
		show_log(path);
	if (!o->keep && v->dir[0] != '\0')
		bench_ovs_sh(o, NULL, 0, "rm -rf '%s'", v->dir);
}

int bench_run_ovs(const struct bench_opts *o, const struct bench_scenario *s, unsigned int seq,
                struct bench_result *r)
{
	struct ovs_instance v = {0};
	struct ovs_ports a, b;
	double t0 = bench_now();
	int rc;

	rc = start_ovs(o, s, seq, &v, r->note, sizeof(r->note));
	if (rc >= 0) {
		r->setup_seconds = bench_now() - t0;
		rc = bench_sleep(o->warmup);
	}
	if (rc >= 0)
		rc = bench_ovs_sh(
		                o, NULL, 0, "ovs-appctl -t %s dpif-netdev/pmd-stats-clear", v.ctl);
	if (rc >= 0)
		rc = read_ports(o, s, &a);
	if (rc >= 0)
		rc = bench_sleep(o->seconds);
	if (rc >= 0)
		rc = read_ports(o, s, &b);
	if (rc >= 0)
		rc = read_pmd(o, &v, r);
	/* Which flows the window's packets hit, and the PMD's cache hits. */
	if (rc >= 0 && o->verbose) {
		/* The ports' bytes too: vxlan's frames leave 110 (encap) or 60 (decap) long. */
		bench_ovs_sh(o, NULL, 0,
		                "for b in %s; do ovs-ofctl dump-flows $b | grep -v n_packets=0,; "
		                "ovs-ofctl dump-ports $b; done >&2",
		                s->topo == BENCH_TOPO_VXLAN ? "br-phy br-int" : "br0");
		bench_ovs_sh(o, NULL, 0, "ovs-appctl -t %s dpctl/dump-flows >&2", v.ctl);
		bench_ovs_sh(o, NULL, 0, "ovs-appctl -t %s dpif-netdev/pmd-stats-show >&2", v.ctl);
	}
	if (rc >= 0) {
		r->ran = true;
		r->seconds = b.t - a.t;
		r->rx = b.rx - a.rx;
		r->tx = b.tx - a.tx;
		r->drops = b.drops - a.drops;
		r->rx_mpps = r->rx / r->seconds / 1e6;
		r->tx_mpps = r->tx / r->seconds / 1e6;
		r->mpps = r->tx_mpps;
		/* Everything received must leave: the frames are all valid and learned. */
		if (r->rx == 0)
			snprintf(r->note, sizeof(r->note), "received nothing");
		else if (r->drops > 0 || r->tx + r->tx / 100 < r->rx)
			snprintf(r->note, sizeof(r->note),
			                "sent only %" PRIu64 " of %" PRIu64 " (%" PRIu64
			                " dropped)",
			                r->tx, r->rx, r->drops);
		else
			r->valid = true;
	} else if (r->note[0] == '\0') {
		snprintf(r->note, sizeof(r->note), "ovs: %s", strerror(-rc));
	}
	stop_ovs(o, &v, rc < 0 && rc != -EINTR);
	return rc < 0 ? rc : 0;
}
