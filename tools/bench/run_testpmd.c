/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The reference: dpdk-testpmd on the same two devices, one forwarding core
 * (lcore 1, the core Virga's worker runs on), driven interactively:
 *
 *   start; (warm-up) show fwd stats all; (window) show fwd stats all; stop; quit
 *
 * "show fwd stats all" gives testpmd's own forwarding counters and, with
 * --record-core-cycles, the TSC cycles its forwarding loop spent in bursts
 * that moved packets, without stopping the forwarding; the window's rate is
 * the difference of two readings.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define PROMPT "testpmd> "
#define START_TIMEOUT_MS 60000
#define CMD_TIMEOUT_MS 10000

struct fwd_snapshot {
	double t;
	uint64_t rx, tx, cycles, mhz;
};

static const char *fwd_mode(enum bench_engine e)
{
	return e == BENCH_TESTPMD_MACSWAP ? "macswap" : "io";
}

/* Runs one command and returns the offset of its output, which ends at the next prompt. */
static long command(struct bench_proc *p, const char *cmd, long *end)
{
	size_t from = p->len;
	long rc;

	rc = bench_proc_write(p, cmd);
	if (rc < 0)
		return rc;
	rc = bench_proc_expect(p, from, PROMPT, CMD_TIMEOUT_MS);
	if (rc < 0)
		return rc;
	*end = rc;
	return from;
}

static int parse_u64_after(const char *s, const char *key, uint64_t *v)
{
	const char *at = strstr(s, key);

	if (at == NULL || sscanf(at + strlen(key), " %" SCNu64, v) != 1)
		return -EPROTO;
	return 0;
}

/*
 * The totals follow "Accumulated forward statistics"; the cycles line is
 * "CPU cycles/packet=X (total cycles=N / total io packets=M) at F MHz Clock"
 * (22.11 wording; "busy cycles" in later releases).
 */
static int parse_fwd_stats(char *text, struct fwd_snapshot *s)
{
	char *acc = strstr(text, "Accumulated forward statistics");
	char *cyc = strstr(text, "CPU cycles/packet=");

	if (acc == NULL || parse_u64_after(acc, "RX-packets:", &s->rx) < 0 ||
	                parse_u64_after(acc, "TX-packets:", &s->tx) < 0)
		return -EPROTO;
	s->cycles = 0;
	s->mhz = 0;
	if (cyc != NULL) {
		if (parse_u64_after(cyc, "cycles=", &s->cycles) < 0)
			return -EPROTO;
		parse_u64_after(cyc, ") at", &s->mhz);
	}
	return 0;
}

static int snapshot(struct bench_proc *p, struct fwd_snapshot *s)
{
	double t0 = bench_now();
	long end, from = command(p, "show fwd stats all\n", &end);
	char saved;
	int rc;

	if (from < 0)
		return from;
	/* Command latency is milliseconds against a window of seconds; take the middle. */
	s->t = (t0 + bench_now()) / 2;
	saved = p->out[end];
	p->out[end] = '\0';
	rc = parse_fwd_stats(p->out + from, s);
	p->out[end] = saved;
	return rc;
}

static void fill_result(const struct bench_scenario *sc, const struct fwd_snapshot *a,
                const struct fwd_snapshot *b, struct bench_result *r)
{
	r->ran = true;
	r->seconds = b->t - a->t;
	r->rx = b->rx - a->rx;
	r->tx = b->tx - a->tx;
	r->rx_mpps = r->rx / r->seconds / 1e6;
	r->tx_mpps = r->tx / r->seconds / 1e6;
	r->mpps = sc->expect_drops ? r->rx_mpps : r->tx_mpps;
	r->tsc_hz = b->mhz * 1000000;
	if (r->rx > 0) {
		/* The forwarding core does nothing but poll: all its cycles are the loop's. */
		r->cycles_per_pkt = (double)r->tsc_hz * r->seconds / r->rx;
		r->busy_cycles_per_pkt = (double)(b->cycles - a->cycles) / r->rx;
	}
	if (r->rx == 0)
		snprintf(r->note, sizeof(r->note), "received nothing");
	else if (r->tx < r->rx / 2 && !sc->peer_bound)
		snprintf(r->note, sizeof(r->note), "sent only %" PRIu64 " of %" PRIu64, r->tx,
		                r->rx);
	else
		r->valid = true;
}

static void show_tail(const struct bench_proc *p)
{
	size_t from = p->len > 2000 ? p->len - 2000 : 0;

	if (p->out != NULL)
		fprintf(stderr,
		                "---- testpmd output (tail) "
		                "----\n%s\n-------------------------------\n",
		                p->out + from);
}

int bench_run_testpmd(const struct bench_opts *o, const struct bench_scenario *s,
                enum bench_engine engine, unsigned int seq, struct bench_result *r)
{
	char prefix[64], vdev0[BENCH_DEVARGS_LEN], vdev1[BENCH_DEVARGS_LEN], mbufs[48], mode[48];
	char *argv[] = {(char *)o->testpmd, "-l", "0,1", "--no-huge", "-m", "1024", "--no-pci",
	                "--file-prefix", prefix, "--vdev", vdev0, "--vdev", vdev1, "--", "-i",
	                "--nb-cores=1", mbufs, mode, "--record-core-cycles", NULL};
	struct fwd_snapshot a, b;
	struct bench_proc p;
	long rc, end;

	snprintf(prefix, sizeof(prefix), "virga-bench-tp-%d-%u", (int)getpid(), seq);
	snprintf(vdev0, sizeof(vdev0), "%s", s->devargs[0]);
	snprintf(vdev1, sizeof(vdev1), "%s", s->devargs[1]);
	snprintf(mbufs, sizeof(mbufs), "--total-num-mbufs=%u", o->mbufs);
	snprintf(mode, sizeof(mode), "--forward-mode=%s", fwd_mode(engine));
	rc = bench_proc_spawn(&p, argv, NULL);
	if (rc < 0) {
		snprintf(r->note, sizeof(r->note), "cannot start testpmd: %s", strerror(-rc));
		return rc;
	}
	rc = bench_proc_expect(&p, 0, PROMPT, START_TIMEOUT_MS);
	if (rc >= 0)
		rc = command(&p, "start\n", &end);
	if (rc >= 0)
		rc = bench_sleep(o->warmup);
	if (rc >= 0)
		rc = snapshot(&p, &a);
	if (rc >= 0)
		rc = bench_sleep(o->seconds);
	if (rc >= 0)
		rc = snapshot(&p, &b);
	if (rc >= 0) {
		fill_result(s, &a, &b, r);
		if (command(&p, "stop\n", &end) >= 0 && bench_proc_write(&p, "quit\n") == 0)
			bench_proc_expect(&p, 0, "Bye...", CMD_TIMEOUT_MS);
	} else {
		snprintf(r->note, sizeof(r->note), "testpmd: %s", strerror((int)-rc));
		if (rc != -EINTR)
			show_tail(&p);
	}
	if (o->verbose && p.out != NULL)
		fprintf(stderr, "%s\n", p.out);
	/* testpmd stops its ports and exits on SIGTERM too, if "quit" did not get there. */
	bench_proc_stop(&p, SIGTERM, 10000);
	bench_proc_remove_runtime(prefix);
	return rc < 0 ? (int)rc : 0;
}
