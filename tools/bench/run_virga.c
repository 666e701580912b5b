/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virga: a fresh virga-dataplane with one worker (lcore 1), programmed over
 * its control socket exactly as the agent would program it:
 *
 *   network net100: vlan 100 on physnet1
 *   port up: uplink of physnet1        port vm: access on net100, port
 *                                      security on with its MAC and IP
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

static int call(struct dp_client *c, enum dp_msg_type type, const void *req, size_t len, char *why,
                size_t why_len)
{
	int rc = dp_client_call(c, type, req, len, NULL, 0, NULL);

	if (rc < 0)
		snprintf(why, why_len, "%s: %s", dp_msg_type_name(type), strerror(-rc));
	return rc;
}

static int program(struct dp_client *c, const struct bench_scenario *s, char *why, size_t len)
{
	struct dp_network_add_req net = {.name = "net100",
	                .physnet = "physnet1",
	                .seg_id = BENCH_VLAN_ID,
	                .type = DP_NET_VLAN};
	struct dp_port_add_req up = {.name = "up"}, vm = {.name = "vm"};
	struct dp_port_attach_req up_at = {
	                .port = "up", .physnet = "physnet1", .mode = DP_PORT_UPLINK};
	struct dp_port_attach_req vm_at = {
	                .port = "vm", .network = "net100", .mode = DP_PORT_ACCESS};
	struct dp_port_security_req sec = {.port = "vm", .enabled = 1, .n_addrs = 1};
	int rc;

	snprintf(up.devargs, sizeof(up.devargs), "%s", s->devargs[0]);
	snprintf(vm.devargs, sizeof(vm.devargs), "%s", s->devargs[1]);
	memcpy(sec.mac, bench_vm_mac, sizeof(sec.mac));
	sec.addrs[0].family = AF_INET;
	sec.addrs[0].prefixlen = 32;
	memcpy(sec.addrs[0].addr, bench_vm_ip, 4);
	if ((rc = call(c, DP_MSG_NETWORK_ADD, &net, sizeof(net), why, len)) < 0 ||
	                (rc = call(c, DP_MSG_PORT_ADD, &up, sizeof(up), why, len)) < 0 ||
	                (rc = call(c, DP_MSG_PORT_ADD, &vm, sizeof(vm), why, len)) < 0 ||
	                (rc = call(c, DP_MSG_PORT_ATTACH, &up_at, sizeof(up_at), why, len)) < 0 ||
	                (rc = call(c, DP_MSG_PORT_ATTACH, &vm_at, sizeof(vm_at), why, len)) < 0 ||
	                (rc = call(c, DP_MSG_PORT_SECURITY, &sec, sizeof(sec), why, len)) < 0)
		return rc;
	return 0;
}

static int snapshot(struct dp_client *c, struct dp_snapshot *s)
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
			s->rx += port_page.list.entries[i].rx_packets;
			s->tx += port_page.list.entries[i].tx_packets;
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
	uint64_t packets = b->packets - a->packets, d[DP_STATS_MAX_DROPS];

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
		/* Both readings list the reasons in the same order: the dataplane's enum. */
		d[i] = b->drops[i].packets - (i < a->n_drops ? a->drops[i].packets : 0);
		r->drops += d[i];
		if (d[i] > r->top_drop_packets) {
			r->top_drop_packets = d[i];
			snprintf(r->top_drop, sizeof(r->top_drop), "%s", b->drops[i].name);
		}
	}
	/* Every reason worth a percent, so a scenario that drops shows why. */
	for (uint32_t i = 0; i < b->n_drops; i++) {
		size_t len = strlen(r->drops_by);

		if (d[i] > 0 && d[i] * 100 >= r->drops)
			snprintf(r->drops_by + len, sizeof(r->drops_by) - len, "%s%s %.0f%%",
			                len ? ", " : "", b->drops[i].name, 100.0 * d[i] / r->drops);
	}
	if (r->rx == 0)
		snprintf(r->note, sizeof(r->note), "received nothing");
	else if (sc->expect_drops)
		r->valid = true;
	else if (r->drops > packets / 2 || r->tx < r->rx / 2)
		snprintf(r->note, sizeof(r->note),
		                "INVALID: dropped %" PRIu64 " of %" PRIu64
		                " (mostly %s), sent %" PRIu64,
		                r->drops, packets, r->top_drop, r->tx);
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

int bench_run_virga(const struct bench_opts *o, const struct bench_scenario *s, unsigned int seq,
                struct bench_result *r)
{
	char name[64], prefix[80], sock[512], log[512], mbufs[16];
	char *argv[] = {(char *)o->dataplane, "--name", name, "--socket", sock, "--workers", "1",
	                "--mbufs", mbufs, NULL, NULL, NULL};
	struct dp_snapshot a, b;
	struct dp_client *c = NULL;
	struct bench_proc p;
	int rc;

	snprintf(name, sizeof(name), "bench-%d-%u", (int)getpid(), seq);
	snprintf(sock, sizeof(sock), "%s/virga-%u.sock", o->workdir, seq);
	snprintf(log, sizeof(log), "%s/virga-%u.log", o->workdir, seq);
	snprintf(mbufs, sizeof(mbufs), "%u", o->mbufs);
	if (o->mac_table_size != NULL) {
		argv[9] = "--mac-table-size";
		argv[10] = (char *)o->mac_table_size;
	}
	rc = bench_proc_spawn(&p, argv, log);
	if (rc < 0) {
		snprintf(r->note, sizeof(r->note), "cannot start %s: %s", o->dataplane,
		                strerror(-rc));
		return rc;
	}
	c = connect_dataplane(&p, sock);
	if (c == NULL) {
		rc = bench_interrupted ? -EINTR : -ECONNREFUSED;
		snprintf(r->note, sizeof(r->note), "the dataplane did not open %.100s", sock);
	} else {
		rc = program(c, s, r->note, sizeof(r->note));
	}
	/* The first port list of a dataplane takes tens of milliseconds (the devices'
	 * first link queries); get it done before the window. */
	if (rc == 0 && (rc = snapshot(c, &a)) == 0)
		rc = bench_sleep(o->warmup);
	if (rc == 0 && (rc = snapshot(c, &a)) == 0 && (rc = bench_sleep(o->seconds)) == 0)
		rc = snapshot(c, &b);
	if (rc == 0)
		fill_result(s, &a, &b, r);
	else if (r->note[0] == '\0')
		snprintf(r->note, sizeof(r->note), "virga: %s", strerror(-rc));
	if (c != NULL)
		dp_client_close(c);
	bench_proc_stop(&p, SIGTERM, STOP_TIMEOUT_MS);
	/* main.c of the dataplane makes its EAL file prefix "virga-" NAME. */
	snprintf(prefix, sizeof(prefix), "virga-%s", name);
	bench_proc_remove_runtime(prefix);
	if ((rc < 0 && rc != -EINTR) || o->verbose)
		show_log(log);
	return rc;
}
