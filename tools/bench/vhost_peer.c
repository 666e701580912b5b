/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest side of the vhost-l2 scenario, without a VM: a dpdk-testpmd with
 * one net_virtio_user device that listens on the scenario's socket
 * (server=1; the engine under test is the vhost-user client, as with QEMU)
 * and receives what it is sent (rxonly). Virga serves its side through
 * rte_vhost; the reference testpmd through net_vhost (client=1). Each engine
 * gets a fresh peer, started before and stopped after its run.
 *
 * Both of the peer's lcores run on CPU 0, beside the engines' control
 * threads, so CPU 1, the forwarding core, is the measured engine's alone.
 * Without hugepages virtio_user shares its memory with the vhost side by
 * file descriptor, which needs it in one file: --single-file-segments.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define PEER_START_TIMEOUT_S 30.0

void bench_vhost_peer_paths(const struct bench_opts *o, unsigned int seq, char *sock,
		size_t sock_len, char *log, size_t log_len)
{
	if (sock != NULL)
		snprintf(sock, sock_len, "%s/vhost.sock", o->workdir);
	if (log != NULL)
		snprintf(log, log_len, "%s/peer-%u.log", o->workdir, seq);
}

int bench_vhost_peer_start(const struct bench_opts *o, unsigned int seq, struct bench_peer *peer)
{
	char sock[BENCH_DEVARGS_LEN], log[512], vdev[BENCH_DEVARGS_LEN + 64], mbufs[48];
	char *argv[] = {(char *)o->testpmd, "--lcores", "0@0,2@0", "--no-huge", "-m", "512",
	                "--no-pci", "--single-file-segments", "--file-prefix", peer->prefix,
	                "--vdev", vdev, "--", "--forward-mode=rxonly", "--nb-cores=1", mbufs,
	                "--stats-period=60", NULL};
	struct stat st;
	double end;
	int rc;

	bench_vhost_peer_paths(o, seq, sock, sizeof(sock), log, sizeof(log));
	snprintf(peer->prefix, sizeof(peer->prefix), "virga-bench-peer-%d-%u", (int)getpid(), seq);
	snprintf(vdev, sizeof(vdev), "net_virtio_user0,path=%s,server=1,queue_size=1024", sock);
	snprintf(mbufs, sizeof(mbufs), "--total-num-mbufs=%u", 8192u);
	unlink(sock);
	rc = bench_proc_spawn(&peer->p, argv, log);
	if (rc < 0)
		return rc;
	/* It listens once its port is up: the socket is there. */
	for (end = bench_now() + PEER_START_TIMEOUT_S; bench_now() < end;) {
		if (stat(sock, &st) == 0 && S_ISSOCK(st.st_mode))
			return 0;
		if (!bench_proc_alive(&peer->p) || bench_sleep(0.05) < 0)
			break;
	}
	bench_vhost_peer_stop(peer);
	return bench_interrupted ? -EINTR : -ETIMEDOUT;
}

void bench_vhost_peer_stop(struct bench_peer *peer)
{
	if (peer->p.pid <= 0)
		return;
	bench_proc_stop(&peer->p, SIGTERM, 10000);
	bench_proc_remove_runtime(peer->prefix);
	peer->p.pid = 0;
}
