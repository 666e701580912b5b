/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control socket: the only way the tables change after start-up. Runs on
 * the main lcore (the control thread), one request at a time.
 */
#ifndef VIRGA_DP_CTL_H
#define VIRGA_DP_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <virga/dp_api.h>

/* A request handler: reads req (its length checked against the type's size), writes up
 * to DP_MSG_MAX - header bytes of reply and its length. Returns 0 or -errno. */
typedef int (*dp_ctl_handler_t)(const void *req, uint32_t req_len, void *reply, uint32_t *reply_len);

struct dp_ctl_handler {
	uint32_t req_size; /* exact body size the request must have, or its head's */
	dp_ctl_handler_t fn;
	/* The body is req_size bytes and a trailing array (SG_SET): the server checks
	 * the head is there, the handler the rest. */
	bool trailing;
};

/* The handler table, indexed by enum dp_msg_type (ctl_handlers.c). */
extern const struct dp_ctl_handler dp_ctl_handlers[DP_MSG_TYPE_MAX];

/*
 * Handles one raw message: validates the header and body size, dispatches,
 * and writes the reply (header included) into out. Returns the reply length.
 * Never fails: a bad message gets an error reply.
 */
uint32_t dp_ctl_handle(const void *msg, size_t len, void *out, size_t out_cap);

int dp_ctl_server_open(const char *path);
/* Serves clients for at most timeout_ms; returns after handling what was ready. */
void dp_ctl_server_poll(int timeout_ms);
void dp_ctl_server_close(void);

/* The highest generation seen, and this run's boot id (for HELLO). */
extern uint64_t dp_ctl_generation;
extern uint64_t dp_ctl_boot_id;

#endif
