/* SPDX-License-Identifier: Apache-2.0 */
/*
 * l2-vlan (and null): Virga programmed as the agent would for a provider
 * network:
 *
 *   network net100: vlan 100 on physnet1
 *   port up: uplink of physnet1        port vm: access on net100, port
 *                                      security on with its MAC and IP
 *
 * vhost-l2 the same, with vm a vhost-user port (s->vhost_sock) whose MAC is
 * static: its peer only receives, so the engine would never learn it and
 * would flood every frame (an agent programs VM MACs so, as l2population).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <virga/dp_client.h>

#include "bench.h"

int bench_call(struct dp_client *c, enum dp_msg_type type, const void *req, size_t len, void *resp,
                size_t resp_len, char *why, size_t why_len)
{
	int rc = dp_client_call(c, type, req, len, resp, resp_len, NULL);

	if (rc < 0)
		snprintf(why, why_len, "%s: %s", dp_msg_type_name(type), strerror(-rc));
	return rc;
}

void bench_port_req(const struct bench_scenario *s, unsigned int i, const char *name,
                struct dp_port_add_req *req)
{
	memset(req, 0, sizeof(*req));
	snprintf(req->name, sizeof(req->name), "%s", name);
	snprintf(req->devargs, sizeof(req->devargs), "%s", s->devargs[i]);
	if (i == 1 && s->vhost_sock[0] != '\0') {
		req->kind = DP_PORT_KIND_VHOST_USER;
		snprintf(req->devargs, sizeof(req->devargs), "%s", s->vhost_sock);
	}
}

int bench_program_l2(struct dp_client *c, const struct bench_scenario *s, char *why, size_t len)
{
	struct dp_network_add_req net = {.name = "net100",
	                .physnet = "physnet1",
	                .seg_id = BENCH_VLAN_ID,
	                .type = DP_NET_VLAN};
	struct dp_port_add_req up, vm;
	struct dp_port_attach_req up_at = {
	                .port = "up", .physnet = "physnet1", .mode = DP_PORT_UPLINK};
	struct dp_port_attach_req vm_at = {
	                .port = "vm", .network = "net100", .mode = DP_PORT_ACCESS};
	struct dp_port_security_req sec = {.port = "vm", .enabled = 1, .n_addrs = 1};
	struct dp_mac_req vm_mac = {.network = "net100", .port = "vm"};
	int rc;

	bench_port_req(s, 0, "up", &up);
	bench_port_req(s, 1, "vm", &vm);
	memcpy(vm_mac.mac, bench_vm_mac, sizeof(vm_mac.mac));
	memcpy(sec.mac, bench_vm_mac, sizeof(sec.mac));
	sec.addrs[0].family = AF_INET;
	sec.addrs[0].prefixlen = 32;
	memcpy(sec.addrs[0].addr, bench_vm_ip, 4);
	if ((rc = bench_call(c, DP_MSG_NETWORK_ADD, &net, sizeof(net), NULL, 0, why, len)) < 0 ||
	                (rc = bench_call(c, DP_MSG_PORT_ADD, &up, sizeof(up), NULL, 0, why, len)) <
	                                0 ||
	                (rc = bench_call(c, DP_MSG_PORT_ADD, &vm, sizeof(vm), NULL, 0, why, len)) <
	                                0 ||
	                (rc = bench_call(c, DP_MSG_PORT_ATTACH, &up_at, sizeof(up_at), NULL, 0, why,
	                                 len)) < 0 ||
	                (rc = bench_call(c, DP_MSG_PORT_ATTACH, &vm_at, sizeof(vm_at), NULL, 0, why,
	                                 len)) < 0 ||
	                (rc = bench_call(c, DP_MSG_PORT_SECURITY, &sec, sizeof(sec), NULL, 0, why,
	                                 len)) < 0)
		return rc;
	if (s->vhost_sock[0] != '\0')
		return bench_call(c, DP_MSG_MAC_ADD, &vm_mac, sizeof(vm_mac), NULL, 0, why, len);
	return 0;
}
