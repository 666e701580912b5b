/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sg-established: l2-vlan's topology (scenario_l2.c), one way, with a stateful
 * security group on the VM port:
 *
 *   network net100: vlan 100 on physnet1; port up its uplink, port vm on it
 *   (port security with its MAC and IP, and a static MAC entry so frames to
 *   it are switched, not flooded, from the first one)
 *   vm's filter: 1,000 rules, ten groups' worth of 100 rules (half ingress,
 *   half egress; TCP and UDP port ranges from prefixes of 10.0.0.0/8), one
 *   of which allows UDP 5001 from 10.100.0.0/16
 *
 * Port up replays SG_FLOWS 64-byte VLAN 100 UDP frames: 100 remote stations
 * (10.100.16.0 + i) times 100 source ports each, to the VM's port 5001. The
 * first frame of each flow is classified and creates its connection (during
 * the warm-up); every frame measured is then a packet of an established
 * connection: parse, one bulk lookup per 64 frames, the record's generation.
 * Port vm replays one frame, once.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <virga/dp_client.h>

#include "bench.h"

#define SG_STATIONS 100
#define SG_PORTS_PER_STATION 100
#define SG_GROUPS 10
#define SG_RULES_PER_GROUP 100

int bench_write_sg_frames(const char *path)
{
	uint8_t frame[BENCH_FRAME_LEN + 4];
	FILE *f = bench_pcap_open(path);
	int rc = 0;

	if (f == NULL)
		return -errno;
	for (unsigned int i = 0; i < BENCH_SG_FLOWS && rc == 0; i++) {
		unsigned int station = i % SG_STATIONS;
		uint8_t mac[6], ip[4];

		bench_remote_mac(station, mac);
		bench_remote_ip(station, ip);
		rc = bench_pcap_write(f, frame,
				bench_build_udp(frame, bench_vm_mac, mac, BENCH_VLAN_ID, ip, bench_vm_ip,
						(uint16_t)(20000 + i / SG_STATIONS)),
				i);
	}
	if (bench_pcap_close(f) < 0 && rc == 0)
		rc = -EIO;
	return rc;
}

/* Rule k of group g: ingress for even k, egress for odd; TCP and UDP in turn. */
static void make_rule(unsigned int g, unsigned int k, struct dp_sg_rule_spec *r)
{
	uint16_t lo = (uint16_t)(1000 + g * 1000 + k * 10);

	memset(r, 0, sizeof(*r));
	r->id = g * SG_RULES_PER_GROUP + k;
	r->direction = k % 2 ? DP_SG_DIR_EGRESS : DP_SG_DIR_INGRESS;
	r->family = AF_INET;
	r->proto = k % 4 < 2 ? 6 : 17;
	r->prefixlen = 16 + k % 9;
	r->remote[0] = 10;
	r->remote[1] = (uint8_t)(g * 20 + k % 20);
	r->remote[2] = (uint8_t)(k * 2);
	r->has_ports = 1;
	r->port_min = lo;
	r->port_max = (uint16_t)(lo + k % 10);
	snprintf(r->label, sizeof(r->label), "group %u rule %u", g, k);
}

void bench_sg_rule(unsigned int id, struct dp_sg_rule_spec *r)
{
	make_rule(id / SG_RULES_PER_GROUP, id % SG_RULES_PER_GROUP, r);
	/* The measured flows' rule: somewhere in the middle of group 5. */
	if (id == 555) {
		r->direction = DP_SG_DIR_INGRESS;
		r->proto = 17;
		r->remote[1] = 100;
		r->remote[2] = 0;
		r->prefixlen = 16;
		r->port_min = r->port_max = 5001;
	}
}

int bench_program_sg(struct dp_client *c, const struct bench_scenario *s, char *why, size_t len)
{
	const unsigned int total = SG_GROUPS * SG_RULES_PER_GROUP;
	size_t cap = sizeof(struct dp_sg_set_req) + DP_SG_RULES_PER_MSG * sizeof(struct dp_sg_rule_spec);
	struct dp_mac_req mac = {.network = "net100", .port = "vm"};
	struct dp_sg_set_req *req;
	int rc = bench_program_l2(c, s, why, len);

	if (rc < 0)
		return rc;
	memcpy(mac.mac, bench_vm_mac, 6);
	rc = bench_call(c, DP_MSG_MAC_ADD, &mac, sizeof(mac), NULL, 0, why, len);
	if (rc < 0)
		return rc;
	req = calloc(1, cap);
	if (req == NULL)
		return -ENOMEM;
	snprintf(req->port, sizeof(req->port), "vm");
	req->enabled = 1;
	req->stateful = 1;
	req->total = total;
	for (unsigned int off = 0; off < total && rc == 0; off += DP_SG_RULES_PER_MSG) {
		unsigned int n = total - off < DP_SG_RULES_PER_MSG ? total - off : DP_SG_RULES_PER_MSG;

		for (unsigned int i = 0; i < n; i++) {
			unsigned int id = off + i;

			bench_sg_rule(id, &req->rules[i]);
		}
		req->offset = off;
		req->n_rules = (uint16_t)n;
		rc = bench_call(c, DP_MSG_SG_SET, req,
				sizeof(*req) + n * sizeof(struct dp_sg_rule_spec), NULL, 0, why, len);
	}
	free(req);
	return rc;
}
