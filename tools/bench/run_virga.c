/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virga: a virga-dataplane with one worker (lcore 1), programmed over its
 * control socket exactly as the agent would program it (scenario_*.c). A
 * fresh one per run, or, for scenarios whose programming takes long (a
 * million routes), one per invocation: programmed before its first window,
 * stopped with SIGSTOP after each window so the other engines have the core,
 * and resumed with SIGCONT (then warmed up again) for the next.
 *
 * The window's rate comes from the per-port counters (frames the devices
 * took), its cost from the worker's own TSC accounting (busy and idle loop
 * iterations), both read with DP_MSG_STATS / DP_MSG_PORT_LIST before and
 * after the window.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <virga/dp_client.h>

#include "bench.h"

#define CONNECT_TIMEOUT_S 30.0
#define STOP_TIMEOUT_MS 10000

struct dp_snapshot {
	double t;
	uint64_t rx, tx, busy, idle, packets;
	uint64_t tsc_hz;
	uint32_t n_drops;
	struct dp_drop_stats drops[DP_STATS_MAX_DROPS];
};

/* The reply buffer of a port list page: DP_MSG_MAX is the largest message. */
static union {
	struct dp_port_list_reply list;
	uint8_t bytes[DP_MSG_MAX];
} port_page;

struct bench_dataplane {
	struct bench_proc p;
	struct dp_client *c;
	char name[64], sock[512], log[512];
	double setup_seconds;
};

static int program(struct dp_client *c, const struct bench_opts *o, const struct bench_scenario *s,
                char *why, size_t len)
{
	switch (s->topo) {
	case BENCH_TOPO_L2_VLAN:
		return bench_program_l2(c, s, why, len);
	case BENCH_TOPO_VXLAN:
		return bench_program_vxlan(c, s, o->flows, why, len);
	case BENCH_TOPO_ROUTE:
		return bench_program_route(c, s, why, len);
	case BENCH_TOPO_SG:
		return bench_program_sg(c, s, why, len);
	case BENCH_TOPO_FIP:
		return bench_program_fip(c, s, why, len);
	case BENCH_TOPO_SNAT:
		return bench_program_snat(c, s, why, len);
	case BENCH_TOPO_ROUTE_MANY:
		return bench_program_route_many(c, s, why, len);
	case BENCH_TOPO_NONE:
		return 0;
	}
	return -EINVAL;
}

static int snapshot(struct dp_client *c, const char *count_port, struct dp_snapshot *s)
{
	static struct dp_stats_reply st;
	struct dp_list_req req = {0};
	double t0;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = dp_client_call(c, DP_MSG_STATS, NULL, 0, &st, sizeof(st), NULL);
	if (rc < 0)
		return rc;
	/* The rates are port counters over time: time the port list alone. */
	t0 = bench_now();
	do {
		size_t got;

		rc = dp_client_call(c, DP_MSG_PORT_LIST, &req, sizeof(req), &port_page,
		                sizeof(port_page), &got);
		if (rc < 0)
			return rc;
		if (got < sizeof(port_page.list) ||
		                got < sizeof(port_page.list) + port_page.list.count *
		                                                                sizeof(struct dp_port_info))
			return -EPROTO;
		for (uint32_t i = 0; i < port_page.list.count; i++) {
			const struct dp_port_info *e = &port_page.list.entries[i];

			s->rx += e->rx_packets;
			if (count_port == NULL ||
			                strncmp(e->name, count_port, sizeof(e->name)) == 0)
				s->tx += e->tx_packets;
		}
		req.cursor = port_page.list.next_cursor;
	} while (req.cursor != 0);
	s->t = (t0 + bench_now()) / 2;
	s->tsc_hz = st.tsc_hz;
	for (uint32_t i = 0; i < st.n_workers && i < DP_STATS_MAX_WORKERS; i++) {
		s->busy += st.workers[i].busy_cycles;
		s->idle += st.workers[i].idle_cycles;
		s->packets += st.workers[i].packets;
	}
	s->n_drops = st.n_drops < DP_STATS_MAX_DROPS ? st.n_drops : DP_STATS_MAX_DROPS;
	memcpy(s->drops, st.drops, sizeof(s->drops));
	return 0;
}

static void fill_result(const struct bench_scenario *sc, const struct dp_snapshot *a,
                const struct dp_snapshot *b, struct bench_result *r)
{
	uint64_t packets = b->packets - a->packets, d[DP_STATS_MAX_DROPS], tx_full = 0;
	/* Every reason that dropped, with its count: "neigh_queue_full 64, ...". */
	char dropped[BENCH_NOTE_LEN] = "";
	size_t used = 0;

	r->ran = true;
	r->seconds = b->t - a->t;
	r->rx = b->rx - a->rx;
	r->tx = b->tx - a->tx;
	r->rx_mpps = r->rx / r->seconds / 1e6;
	r->tx_mpps = r->tx / r->seconds / 1e6;
	r->mpps = sc->expect_drops ? r->rx_mpps : r->tx_mpps;
	r->tsc_hz = b->tsc_hz;
	r->worker_packets = packets;
	if (packets > 0) {
		r->cycles_per_pkt = (double)(b->busy + b->idle - a->busy - a->idle) / packets;
		r->busy_cycles_per_pkt = (double)(b->busy - a->busy) / packets;
	}
	for (uint32_t i = 0; i < b->n_drops; i++) {
		d[i] = b->drops[i].packets - (i < a->n_drops ? a->drops[i].packets : 0);
		r->drops += d[i];
		if (strcmp(b->drops[i].name, "tx_queue_full") == 0)
			tx_full = d[i];
		if (d[i] > r->top_drop_packets) {
			r->top_drop_packets = d[i];
			snprintf(r->top_drop, sizeof(r->top_drop), "%s", b->drops[i].name);
		}
		if (d[i] > 0 && used < sizeof(dropped)) {
			int k = snprintf(dropped + used, sizeof(dropped) - used, "%s%s %" PRIu64,
			                used ? ", " : "", b->drops[i].name, d[i]);

			used += k > 0 ? (size_t)k : 0;
		}
	}
	/* Every reason worth a percent, so a scenario that drops shows why. */
	for (uint32_t i = 0; i < b->n_drops; i++) {
		size_t len = strlen(r->drops_by);

		if (d[i] > 0 && d[i] * 100 >= r->drops)
			snprintf(r->drops_by + len, sizeof(r->drops_by) - len, "%s%s %.0f%%",
			                len ? ", " : "", b->drops[i].name, 100.0 * d[i] / r->drops);
	}
	/*
	 * A scenario that forwards everything it receives must drop nothing in its
	 * window: whatever reason it drops for, the run measured something else than
	 * the scenario (a lost neighbour, a full queue), however few it dropped. Only
	 * a scenario built to drop (null) may.
	 */
	if (r->rx == 0)
		snprintf(r->note, sizeof(r->note), "received nothing");
	else if (sc->expect_drops || (sc->peer_bound && r->drops == tx_full))
		r->valid = true;
	else if (r->drops > 0)
		snprintf(r->note, sizeof(r->note),
		                "INVALID: unexpected drops (%" PRIu64 " of %" PRIu64 "): %s",
		                r->drops, packets, dropped);
	else if (r->tx < r->rx / 2)
		snprintf(r->note, sizeof(r->note),
		                "INVALID: sent %" PRIu64 " of %" PRIu64 " received, dropped none",
		                r->tx, r->rx);
	else
		r->valid = true;
}

static struct dp_client *connect_dataplane(struct bench_proc *p, const char *path)
{
	double end = bench_now() + CONNECT_TIMEOUT_S;

	while (bench_now() < end && !bench_interrupted && bench_proc_alive(p)) {
		struct dp_client *c = dp_client_connect(path);

		if (c != NULL)
			return c;
		bench_sleep(0.05);
	}
	return NULL;
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

static void stop_dataplane(const struct bench_opts *o, struct bench_dataplane *d, bool failed)
{
	char prefix[80];

	if (d->c != NULL)
		dp_client_close(d->c);
	d->c = NULL;
	/* SIGTERM is not delivered to a stopped process until it runs again. */
	kill(d->p.pid, SIGCONT);
	bench_proc_stop(&d->p, SIGTERM, STOP_TIMEOUT_MS);
	/* main.c of the dataplane makes its EAL file prefix "virga-" NAME. */
	snprintf(prefix, sizeof(prefix), "virga-%s", d->name);
	bench_proc_remove_runtime(prefix);
	if (failed || o->verbose)
		show_log(d->log);
}

/* Starts and programs a dataplane; on failure r->note says why and it is stopped. */
static int start_dataplane(const struct bench_opts *o, const struct bench_scenario *s,
                unsigned int seq, struct bench_dataplane *d, struct bench_result *r)
{
	char mbufs[16], memory[16];
	char *argv[] = {(char *)o->dataplane, "--name", d->name, "--socket", d->sock, "--workers",
	                "1", "--mbufs", mbufs, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
	unsigned int argc = 9;
	double t0 = bench_now();
	int rc;

	snprintf(d->name, sizeof(d->name), "bench-%d-%u", (int)getpid(), seq);
	snprintf(d->sock, sizeof(d->sock), "%s/virga-%u.sock", o->workdir, seq);
	snprintf(d->log, sizeof(d->log), "%s/virga-%u.log", o->workdir, seq);
	snprintf(mbufs, sizeof(mbufs), "%u", o->mbufs);
	if (o->mac_table_size != NULL) {
		argv[argc++] = "--mac-table-size";
		argv[argc++] = (char *)o->mac_table_size;
	}
	if (o->idle_sleep != NULL) {
		argv[argc++] = "--idle-sleep";
		argv[argc++] = (char *)o->idle_sleep;
	}
	if (s->memory_mb) {
		snprintf(memory, sizeof(memory), "%u", s->memory_mb);
		argv[argc++] = "--memory";
		argv[argc++] = memory;
	}
	rc = bench_proc_spawn(&d->p, argv, d->log);
	if (rc < 0) {
		snprintf(r->note, sizeof(r->note), "cannot start %s: %s", o->dataplane,
		                strerror(-rc));
		return rc;
	}
	d->c = connect_dataplane(&d->p, d->sock);
	if (d->c == NULL) {
		rc = bench_interrupted ? -EINTR : -ECONNREFUSED;
		snprintf(r->note, sizeof(r->note), "the dataplane did not open %.100s", d->sock);
	} else {
		rc = program(d->c, o, s, r->note, sizeof(r->note));
	}
	d->setup_seconds = bench_now() - t0;
	if (rc < 0) {
		stop_dataplane(o, d, rc != -EINTR);
		return rc;
	}
	return 0;
}

/* Warm-up, then the window between two readings. */
static int measure(const struct bench_opts *o, const struct bench_scenario *s,
                struct bench_dataplane *d, struct bench_result *r)
{
	struct dp_snapshot a, b;
	int rc;

	/* The first port list of a dataplane takes tens of milliseconds (the devices'
	 * first link queries); get it done before the window. */
	if ((rc = snapshot(d->c, s->count_port, &a)) == 0)
		rc = bench_sleep(o->warmup);
	if (rc == 0 && (rc = snapshot(d->c, s->count_port, &a)) == 0 &&
	                (rc = bench_sleep(o->seconds)) == 0)
		rc = snapshot(d->c, s->count_port, &b);
	if (rc == 0)
		fill_result(s, &a, &b, r);
	else if (r->note[0] == '\0')
		snprintf(r->note, sizeof(r->note), "virga: %s", strerror(-rc));
	return rc;
}

int bench_run_virga(const struct bench_opts *o, struct bench_scenario *s, unsigned int seq,
                struct bench_result *r)
{
	struct bench_dataplane fresh = {0}, *d = s->keep_dataplane ? s->dp : &fresh;
	int rc;

	if (d == NULL) {
		d = calloc(1, sizeof(*d));
		if (d == NULL)
			return -ENOMEM;
		rc = start_dataplane(o, s, seq, d, r);
		if (rc < 0) {
			free(d);
			return rc;
		}
		s->dp = d;
		r->setup_seconds = d->setup_seconds;
	} else if (d == &fresh) {
		rc = start_dataplane(o, s, seq, d, r);
		if (rc < 0)
			return rc;
		r->setup_seconds = d->setup_seconds;
	} else if (kill(d->p.pid, SIGCONT) < 0 || !bench_proc_alive(&d->p)) {
		snprintf(r->note, sizeof(r->note), "the kept dataplane is gone");
		return -ECHILD;
	}
	rc = measure(o, s, d, r);
	if (d == &fresh) {
		stop_dataplane(o, d, rc < 0 && rc != -EINTR);
	} else if (rc < 0) {
		bench_virga_release(o, s);
	} else {
		/* Off the core until its next window; its tables stay as they are. */
		kill(d->p.pid, SIGSTOP);
	}
	return rc;
}

void bench_virga_release(const struct bench_opts *o, struct bench_scenario *s)
{
	if (s->dp == NULL)
		return;
	stop_dataplane(o, s->dp, false);
	free(s->dp);
	s->dp = NULL;
}

int bench_virga_port_mac(const struct bench_opts *o, const char *devargs, uint8_t mac[6])
{
	struct bench_scenario probe = {.name = "probe", .topo = BENCH_TOPO_NONE};
	struct bench_result r = {0};
	struct bench_dataplane d = {0};
	struct dp_port_add_req req = {.name = "probe"};
	struct dp_port_add_reply reply;
	int rc;

	snprintf(req.devargs, sizeof(req.devargs), "%s", devargs);
	rc = start_dataplane(o, &probe, BENCH_PROBE_SEQ, &d, &r);
	if (rc < 0)
		return rc;
	rc = bench_call(d.c, DP_MSG_PORT_ADD, &req, sizeof(req), &reply, sizeof(reply), r.note,
	                sizeof(r.note));
	if (rc == 0)
		memcpy(mac, reply.mac, 6);
	else
		fprintf(stderr, "virga-bench: probing the pcap device's MAC: %s\n", r.note);
	stop_dataplane(o, &d, rc < 0);
	return rc;
}
