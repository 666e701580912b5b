/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Client side of the dataplane control protocol (see dp_api.h), used by the
 * `virga` CLI, the node agent and virga-bench. Plain libc; no DPDK.
 *
 * A client is one connected SOCK_SEQPACKET socket. Calls are synchronous and
 * not thread-safe: one thread per client.
 */
#ifndef VIRGA_DP_CLIENT_H
#define VIRGA_DP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <virga/dp_api.h>

struct dp_client;

/* Connects to the dataplane's socket (NULL: DP_DEFAULT_SOCKET). NULL + errno on failure. */
struct dp_client *dp_client_connect(const char *path);
void dp_client_close(struct dp_client *c);

/* The generation sent with every following request. */
void dp_client_set_generation(struct dp_client *c, uint64_t generation);

/*
 * Sends one request and waits for its reply. Returns the reply's status
 * (0 or a negative errno from the dataplane), or a negative errno for a
 * transport failure (-ECONNRESET, -EPROTO for a malformed reply...).
 * On success the reply body (at most resp_cap bytes) is copied to resp and
 * its length stored in *resp_len (resp and resp_len may be NULL).
 */
int dp_client_call(struct dp_client *c, enum dp_msg_type type, const void *req, size_t req_len,
		void *resp, size_t resp_cap, size_t *resp_len);

/* Printable name of a message type ("network_add"), for errors and logs. */
const char *dp_msg_type_name(enum dp_msg_type type);

/* Printable name of a network type (enum dp_net_type: "flat", "vlan",
 * "vxlan"), as the CLI takes it; "unknown" for anything else. */
const char *dp_net_type_name(uint8_t type);

#endif /* VIRGA_DP_CLIENT_H */
