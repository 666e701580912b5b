/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vxlan-encap and vxlan-decap: one node of a VXLAN network (RFC 7348) as
 * Neutron's l2population programs it, so nothing is learned or resolved on
 * the packet path:
 *
 *   network ov: vxlan, VNI 5000
 *   port vm: access on ov, port security on with its MAC and IP; its MAC is
 *            also a static entry of ov
 *   port under: the underlay, VTEP 172.31.0.1/24, learning off
 *   16 peers 172.31.0.2..17 (VTEP_PEER_ADD), each a permanent neighbour of
 *   the underlay (NEIGH_ADD "underlay"), so no ARP
 *   the `flows` remote stations of l2-vlan (02:52:00:..) are static MACs of
 *   ov behind peer i mod 16 (MAC_ADD with remote_vtep)
 *
 * Encap: vm replays l2-vlan's vm.pcap (60-byte frames from the VM to the
 * stations) and the frames leave `under` encapsulated (110 bytes). Decap:
 * under replays decap.pcap, 110-byte VXLAN frames from the peers whose
 * inner frames are the stations' 60-byte frames to the VM, and they leave
 * `vm`. In each, the other device replays one frame, once.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <virga/dp_client.h>

#include "bench.h"

#define VXLAN_PORT 4789
#define OUTER_LEN (14 + 20 + 8 + 8) /* Ethernet, IPv4, UDP, VXLAN */

const uint8_t bench_vxlan_local_vtep[4] = {172, 31, 0, 1};

void bench_vxlan_peer_ip(unsigned int p, uint8_t ip[4])
{
	const uint8_t a[4] = {172, 31, 0, (uint8_t)(2 + p)};

	memcpy(ip, a, 4);
}

void bench_vxlan_peer_mac(unsigned int p, uint8_t mac[6])
{
	const uint8_t m[6] = {0x02, 0x50, 0x45, 0x45, 0x52, (uint8_t)p};

	memcpy(mac, m, 6);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/* The outer headers of a frame from peer p carrying `inner_len` bytes. */
static void build_outer(uint8_t *o, const uint8_t underlay_mac[6], unsigned int p, uint16_t sport,
                size_t inner_len)
{
	uint8_t *ip = o + 14, *udp = ip + 20, *vx = udp + 8;

	memset(o, 0, OUTER_LEN);
	memcpy(o, underlay_mac, 6);
	bench_vxlan_peer_mac(p, o + 6);
	put16(o + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 20 + 8 + 8 + inner_len);
	put16(ip + 6, 0x4000); /* DF, as VTEPs send (RFC 7348 4.3) */
	ip[8] = 64;
	ip[9] = 17;
	bench_vxlan_peer_ip(p, ip + 12);
	memcpy(ip + 16, bench_vxlan_local_vtep, 4);
	put16(ip + 10, bench_ip_checksum(ip, 20));
	put16(udp, sport);
	put16(udp + 2, VXLAN_PORT);
	put16(udp + 4, 8 + 8 + inner_len);
	vx[0] = 0x08; /* I: the VNI is valid */
	vx[4] = BENCH_VNI >> 16;
	vx[5] = BENCH_VNI >> 8;
	vx[6] = BENCH_VNI & 0xff;
}

int bench_write_vxlan_frames(
                const char *decap_path, const uint8_t underlay_mac[6], unsigned int flows)
{
	uint8_t frame[OUTER_LEN + BENCH_FRAME_LEN];
	FILE *f = bench_pcap_open(decap_path);
	int rc = 0;

	if (f == NULL)
		return -errno;
	for (unsigned int i = 0; i < flows && rc == 0; i++) {
		uint8_t mac[6], ip[4];
		uint16_t sport = 1024 + i % 60000;
		size_t inner;

		bench_remote_mac(i, mac);
		bench_remote_ip(i, ip);
		inner = bench_build_udp(
		                frame + OUTER_LEN, bench_vm_mac, mac, 0, ip, bench_vm_ip, sport);
		/* The source port is the flow's hash in 49152..65535, as senders do. */
		build_outer(frame, underlay_mac, i % BENCH_N_PEERS, 49152 | (i & 0x3fff), inner);
		rc = bench_pcap_write(f, frame, OUTER_LEN + inner, i);
	}
	if (bench_pcap_close(f) < 0 && rc == 0)
		rc = -EIO;
	return rc;
}

static int add_ports(struct dp_client *c, const struct bench_scenario *s, char *why, size_t len)
{
	struct dp_port_add_req under = {.name = "under"}, vm = {.name = "vm"};
	struct dp_port_add_reply reply;
	char a[24], b[24];
	int rc;

	snprintf(under.devargs, sizeof(under.devargs), "%s", s->devargs[0]);
	snprintf(vm.devargs, sizeof(vm.devargs), "%s", s->devargs[1]);
	rc = bench_call(c, DP_MSG_PORT_ADD, &under, sizeof(under), &reply, sizeof(reply), why, len);
	if (rc < 0)
		return rc;
	/* Decap needs frames to the underlay port's own MAC: the pcap was built for the MAC
	 * a probe saw, so a device that changed its MAC is a broken run, not a slow one. */
	if (s->count_port != NULL && strcmp(s->count_port, "vm") == 0 &&
	                memcmp(reply.mac, s->underlay_mac, 6) != 0) {
		snprintf(a, sizeof(a), "%02x:%02x:%02x:%02x:%02x:%02x", reply.mac[0], reply.mac[1],
		                reply.mac[2], reply.mac[3], reply.mac[4], reply.mac[5]);
		snprintf(b, sizeof(b), "%02x:%02x:%02x:%02x:%02x:%02x", s->underlay_mac[0],
		                s->underlay_mac[1], s->underlay_mac[2], s->underlay_mac[3],
		                s->underlay_mac[4], s->underlay_mac[5]);
		snprintf(why, len, "underlay MAC is %s, frames were built for %s", a, b);
		return -EADDRNOTAVAIL;
	}
	return bench_call(c, DP_MSG_PORT_ADD, &vm, sizeof(vm), NULL, 0, why, len);
}

int bench_program_vxlan(struct dp_client *c, const struct bench_scenario *s, unsigned int flows,
                char *why, size_t len)
{
	struct dp_network_add_req net = {.name = "ov", .seg_id = BENCH_VNI, .type = DP_NET_VXLAN};
	struct dp_port_attach_req vm_at = {.port = "vm", .network = "ov", .mode = DP_PORT_ACCESS};
	struct dp_port_security_req sec = {.port = "vm", .enabled = 1, .n_addrs = 1};
	struct dp_vtep_set_req vtep = {.port = "under", .prefixlen = 24};
	struct dp_mac_req mac = {.network = "ov", .port = "vm"};
	int rc;

	memcpy(sec.mac, bench_vm_mac, sizeof(sec.mac));
	sec.addrs[0].family = AF_INET;
	sec.addrs[0].prefixlen = 32;
	memcpy(sec.addrs[0].addr, bench_vm_ip, 4);
	memcpy(vtep.local_ip, bench_vxlan_local_vtep, 4);
	memcpy(mac.mac, bench_vm_mac, 6);
	if ((rc = bench_call(c, DP_MSG_NETWORK_ADD, &net, sizeof(net), NULL, 0, why, len)) < 0 ||
	                (rc = add_ports(c, s, why, len)) < 0 ||
	                (rc = bench_call(c, DP_MSG_PORT_ATTACH, &vm_at, sizeof(vm_at), NULL, 0, why,
	                                 len)) < 0 ||
	                (rc = bench_call(c, DP_MSG_PORT_SECURITY, &sec, sizeof(sec), NULL, 0, why,
	                                 len)) < 0 ||
	                (rc = bench_call(c, DP_MSG_VTEP_SET, &vtep, sizeof(vtep), NULL, 0, why,
	                                 len)) < 0 ||
	                (rc = bench_call(c, DP_MSG_MAC_ADD, &mac, sizeof(mac), NULL, 0, why, len)) <
	                                0)
		return rc;
	for (unsigned int p = 0; p < BENCH_N_PEERS; p++) {
		struct dp_vtep_peer_req peer = {.network = "ov"};
		struct dp_neigh_req neigh = {.scope = "underlay"};

		bench_vxlan_peer_ip(p, peer.ip);
		bench_vxlan_peer_ip(p, neigh.ip);
		bench_vxlan_peer_mac(p, neigh.mac);
		if ((rc = bench_call(c, DP_MSG_VTEP_PEER_ADD, &peer, sizeof(peer), NULL, 0, why,
		                     len)) < 0 ||
		                (rc = bench_call(c, DP_MSG_NEIGH_ADD, &neigh, sizeof(neigh), NULL,
		                                 0, why, len)) < 0)
			return rc;
	}
	for (unsigned int i = 0; i < flows; i++) {
		struct dp_mac_req remote = {.network = "ov"};

		bench_remote_mac(i, remote.mac);
		bench_vxlan_peer_ip(i % BENCH_N_PEERS, remote.remote_vtep);
		rc = bench_call(c, DP_MSG_MAC_ADD, &remote, sizeof(remote), NULL, 0, why, len);
		if (rc < 0)
			return rc;
	}
	return 0;
}
