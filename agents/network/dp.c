/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's side of the dataplane's control socket (dp.h): the
 * connection, the boot it talks to, one call and a paged list, with their
 * failures logged. Every file of the network half that programs the
 * dataplane goes through these, so none depends on the reconciler.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <virga/dp_client.h>

#include "common/log.h"
#include "network/dp.h"

void ag_dp_init(struct ag_dp *dp, const char *socket)
{
	memset(dp, 0, sizeof(*dp));
	dp->socket = socket;
	dp->applied = json_object();
	dp->ports_ok = json_object();
}

void ag_dp_free(struct ag_dp *dp)
{
	if (dp->client != NULL)
		dp_client_close(dp->client);
	json_decref(dp->applied);
	json_decref(dp->ports_ok);
}

void ag_dp_disconnect(struct ag_dp *dp)
{
	dp_client_close(dp->client);
	dp->client = NULL;
}

int ag_dp_call(struct ag_dp *dp, enum dp_msg_type type, const char *what, const void *req,
                size_t len, void *resp, size_t cap)
{
	int rc = dp_client_call(dp->client, type, req, len, resp, cap, NULL);

	if (rc < 0)
		ag_log(AG_ERR, "dataplane %s %s: %s", dp_msg_type_name(type), what, strerror(-rc));
	return rc;
}

/* A new boot id means a dataplane that started since we last programmed
 * it: everything we sent is gone. */
int ag_dp_hello(struct ag_dp *dp)
{
	struct dp_hello_reply h;
	size_t len;
	int rc;

	if (dp->client == NULL) {
		dp->client = dp_client_connect(dp->socket);
		if (dp->client == NULL)
			return -errno;
	}
	rc = dp_client_call(dp->client, DP_MSG_HELLO, NULL, 0, &h, sizeof(h), &len);
	if (rc == 0 && len < sizeof(h))
		rc = -EPROTO;
	if (rc < 0) {
		ag_dp_disconnect(dp);
		return rc;
	}
	if (h.boot_id != dp->boot_id) {
		if (dp->boot_id != 0)
			ag_log(AG_WARN,
			                "the dataplane restarted (boot id %016" PRIx64
			                " -> %016" PRIx64 "): programming it again",
			                dp->boot_id, h.boot_id);
		else
			ag_log(AG_INFO,
			                "dataplane boot id %016" PRIx64 ", programmed up to "
			                "generation %" PRIu64 " before this agent started",
			                h.boot_id, h.generation);
		json_object_clear(dp->applied);
		dp->sg_unsupported_said = false;
		dp->boot_id = h.boot_id;
		dp->passes = 0;
	}
	return 0;
}

int ag_dp_list(struct ag_dp *dp, enum dp_msg_type type, size_t entry_size, void **out,
                size_t *n_out)
{
	struct dp_list_req req = {.cursor = 0};
	uint8_t *page = malloc(DP_MSG_MAX), *all = NULL;
	size_t n = 0, len;
	int rc = 0;

	if (page == NULL)
		return -ENOMEM;
	do {
		uint32_t head[2]; /* count, next_cursor: the head of every list reply */
		uint8_t *grown;

		rc = dp_client_call(dp->client, type, &req, sizeof(req), page, DP_MSG_MAX, &len);
		if (rc < 0)
			break;
		memcpy(head, page, sizeof(head));
		if (len != sizeof(head) + head[0] * entry_size ||
		                (head[1] != 0 && head[1] == req.cursor)) {
			rc = -EPROTO;
			break;
		}
		grown = realloc(all, (n + head[0] + 1) * entry_size);
		if (grown == NULL) {
			rc = -ENOMEM;
			break;
		}
		all = grown;
		memcpy(all + n * entry_size, page + sizeof(head), head[0] * entry_size);
		n += head[0];
		req.cursor = head[1];
	} while (req.cursor != 0);
	free(page);
	if (rc < 0) {
		free(all);
		return rc;
	}
	*out = all;
	*n_out = n;
	return 0;
}

uint64_t ag_fnv1a(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}
