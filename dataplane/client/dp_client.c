/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Client side of the dataplane control protocol (dp_api.h).
 *
 * SOCK_SEQPACKET keeps message boundaries, so one request is one send and one
 * reply is one receive: there is no framing to parse, only a header to check.
 * A client has at most one request in flight; after a transport failure it
 * cannot tell a late reply from the answer to its next request, so it shuts
 * the connection and every later call fails with -ENOTCONN (reconnect).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <virga/dp_client.h>

/* Long enough for a dataplane rebuilding a large rule set, short enough that
 * a wedged dataplane does not hang the agent or the operator. */
#define DP_CLIENT_TIMEOUT_MS 10000
/* The timeout can be shortened from the environment (tests do): the client
 * API in dp_client.h is fixed and has no setter for it. */
#define DP_CLIENT_TIMEOUT_ENV "VIRGA_DP_TIMEOUT_MS"

struct dp_client {
	int fd; /* -1 once a transport failure closed it */
	uint32_t seq;
	uint64_t generation;
	/* A whole reply: a SEQPACKET receive into a smaller buffer would lose
	 * the rest of the message. */
	uint8_t rx[DP_MSG_MAX];
};

static const char *const dp_msg_type_names[DP_MSG_TYPE_MAX] = {
	[DP_MSG_HELLO] = "hello",
	[DP_MSG_NETWORK_ADD] = "network_add",
	[DP_MSG_NETWORK_DEL] = "network_del",
	[DP_MSG_NETWORK_LIST] = "network_list",
	[DP_MSG_PORT_ADD] = "port_add",
	[DP_MSG_PORT_DEL] = "port_del",
	[DP_MSG_PORT_ATTACH] = "port_attach",
	[DP_MSG_PORT_DETACH] = "port_detach",
	[DP_MSG_PORT_SECURITY] = "port_security",
	[DP_MSG_PORT_LIST] = "port_list",
	[DP_MSG_MAC_ADD] = "mac_add",
	[DP_MSG_MAC_DEL] = "mac_del",
	[DP_MSG_MAC_LIST] = "mac_list",
	[DP_MSG_STATS] = "stats",
	[DP_MSG_TRACE_SET] = "trace_set",
	[DP_MSG_TRACE_SHOW] = "trace_show",
	[DP_MSG_VTEP_SET] = "vtep_set",
	[DP_MSG_VTEP_PEER_ADD] = "vtep_peer_add",
	[DP_MSG_VTEP_PEER_DEL] = "vtep_peer_del",
	[DP_MSG_VTEP_PEER_LIST] = "vtep_peer_list",
	[DP_MSG_NEIGH_LIST] = "neigh_list",
	[DP_MSG_ROUTER_ADD] = "router_add",
	[DP_MSG_ROUTER_DEL] = "router_del",
	[DP_MSG_ROUTER_LIST] = "router_list",
	[DP_MSG_ROUTER_IF_ADD] = "router_if_add",
	[DP_MSG_ROUTER_IF_DEL] = "router_if_del",
	[DP_MSG_ROUTE_ADD] = "route_add",
	[DP_MSG_ROUTE_DEL] = "route_del",
	[DP_MSG_ROUTE_LIST] = "route_list",
	[DP_MSG_NEIGH_ADD] = "neigh_add",
	[DP_MSG_NEIGH_DEL] = "neigh_del",
	[DP_MSG_PORT_STATS] = "port_stats",
	[DP_MSG_SG_SET] = "sg_set",
	[DP_MSG_SG_LIST] = "sg_list",
	[DP_MSG_SG_RULES] = "sg_rules",
	[DP_MSG_CT_LIST] = "ct_list",
	[DP_MSG_CT_STATS] = "ct_stats",
	[DP_MSG_CT_FLUSH] = "ct_flush",
	[DP_MSG_ROUTER_GW_SET] = "router_gw_set",
	[DP_MSG_ROUTER_GW_CLEAR] = "router_gw_clear",
	[DP_MSG_FIP_ADD] = "fip_add",
	[DP_MSG_FIP_DEL] = "fip_del",
	[DP_MSG_FIP_LIST] = "fip_list",
	[DP_MSG_NAT_STATS] = "nat_stats",
	[DP_MSG_DHCP_SET] = "dhcp_set",
	[DP_MSG_DHCP_DEL] = "dhcp_del",
	[DP_MSG_DHCP_LIST] = "dhcp_list",
	[DP_MSG_ROUTER_IF_MAC_SET] = "router_if_mac_set",
};

const char *dp_msg_type_name(enum dp_msg_type type)
{
	if ((unsigned)type >= DP_MSG_TYPE_MAX || dp_msg_type_names[type] == NULL)
		return "unknown";
	return dp_msg_type_names[type];
}

static unsigned dp_client_timeout_ms(void)
{
	const char *env = getenv(DP_CLIENT_TIMEOUT_ENV);
	char *end;
	unsigned long ms;

	if (env == NULL || *env == '\0')
		return DP_CLIENT_TIMEOUT_MS;
	errno = 0;
	ms = strtoul(env, &end, 10);
	/* 0 would mean "wait forever" to SO_RCVTIMEO: not something to get by typo. */
	if (errno != 0 || *end != '\0' || ms == 0 || ms > 24UL * 3600 * 1000)
		return DP_CLIENT_TIMEOUT_MS;
	return (unsigned)ms;
}

static int dp_client_set_timeouts(int fd, unsigned ms)
{
	struct timeval tv = {
		.tv_sec = ms / 1000,
		.tv_usec = (ms % 1000) * 1000,
	};

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	/* A full socket buffer means the dataplane stopped reading: same deal. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	return 0;
}

struct dp_client *dp_client_connect(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct dp_client *c;
	int err;

	if (path == NULL)
		path = DP_DEFAULT_SOCKET;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(addr.sun_path, path);

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		err = errno;
		goto fail;
	}
	err = -dp_client_set_timeouts(c->fd, dp_client_timeout_ms());
	if (err != 0)
		goto fail;
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		err = errno;
		goto fail;
	}
	return c;
fail:
	dp_client_close(c);
	errno = err;
	return NULL;
}

void dp_client_close(struct dp_client *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

void dp_client_set_generation(struct dp_client *c, uint64_t generation)
{
	c->generation = generation;
}

/* After a transport failure the stream of replies can no longer be trusted. */
static int dp_client_broken(struct dp_client *c, int err)
{
	close(c->fd);
	c->fd = -1;
	return err;
}

static int dp_client_send(struct dp_client *c, enum dp_msg_type type, const void *req,
		size_t req_len)
{
	struct dp_msg_hdr hdr = {
		.magic = DP_API_MAGIC,
		.version = DP_API_VERSION,
		.type = (uint16_t)type,
		.len = (uint32_t)req_len, /* bounded by DP_MSG_MAX in dp_client_call() */
		.seq = c->seq,
		.generation = c->generation,
	};
	struct iovec iov[2] = {
		{.iov_base = &hdr, .iov_len = sizeof(hdr)},
		{.iov_base = (void *)req, .iov_len = req_len},
	};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = req_len > 0 ? 2 : 1};
	ssize_t n;

	do {
		/* MSG_NOSIGNAL: a dataplane that went away is an error, not SIGPIPE. */
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? -ETIMEDOUT : -errno;
	/* SEQPACKET sends are all or nothing; anything else is a broken socket. */
	if ((size_t)n != sizeof(hdr) + req_len)
		return -EIO;
	return 0;
}

/* Receives one whole reply into c->rx; returns its size or a negative errno. */
static ssize_t dp_client_recv(struct dp_client *c)
{
	struct iovec iov = {.iov_base = c->rx, .iov_len = sizeof(c->rx)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	do {
		n = recvmsg(c->fd, &msg, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? -ETIMEDOUT : -errno;
	/* A SEQPACKET peer that closed reads as a zero-length message. */
	if (n == 0)
		return -ECONNRESET;
	/* Larger than DP_MSG_MAX: the protocol promises that never happens. */
	if (msg.msg_flags & MSG_TRUNC)
		return -EPROTO;
	return n;
}

static int dp_client_check_reply(const struct dp_client *c, const struct dp_reply_hdr *hdr,
		enum dp_msg_type type, size_t received)
{
	if (hdr->magic != DP_API_MAGIC || hdr->version != DP_API_VERSION)
		return -EPROTO;
	if (hdr->type != type || hdr->seq != c->seq)
		return -EPROTO;
	if (hdr->len != received - sizeof(*hdr))
		return -EPROTO;
	if (hdr->status > 0)
		return -EPROTO;
	return 0;
}

int dp_client_call(struct dp_client *c, enum dp_msg_type type, const void *req, size_t req_len,
		void *resp, size_t resp_cap, size_t *resp_len)
{
	struct dp_reply_hdr hdr;
	size_t body_len;
	ssize_t n;
	int ret;

	if ((unsigned)type == 0 || (unsigned)type >= DP_MSG_TYPE_MAX || (req == NULL && req_len > 0))
		return -EINVAL;
	if (req_len > DP_MSG_MAX - sizeof(struct dp_msg_hdr))
		return -EMSGSIZE;
	if (c->fd < 0)
		return -ENOTCONN;

	c->seq++;
	ret = dp_client_send(c, type, req, req_len);
	if (ret < 0)
		return dp_client_broken(c, ret);
	n = dp_client_recv(c);
	if (n < 0)
		return dp_client_broken(c, (int)n);
	if ((size_t)n < sizeof(hdr))
		return dp_client_broken(c, -EPROTO);
	memcpy(&hdr, c->rx, sizeof(hdr));
	ret = dp_client_check_reply(c, &hdr, type, n);
	if (ret < 0)
		return dp_client_broken(c, ret);

	/* The caller sized resp for what it expects; a longer body is cut. */
	body_len = 0;
	if (resp != NULL)
		body_len = hdr.len < resp_cap ? hdr.len : resp_cap;
	if (body_len > 0)
		memcpy(resp, c->rx + sizeof(hdr), body_len);
	if (resp_len != NULL)
		*resp_len = body_len;
	return hdr.status;
}

const char *dp_net_type_name(uint8_t type)
{
	switch (type) {
	case DP_NET_FLAT:
		return "flat";
	case DP_NET_VLAN:
		return "vlan";
	case DP_NET_VXLAN:
		return "vxlan";
	}
	return "unknown";
}
