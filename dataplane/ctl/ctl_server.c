/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control socket's transport: a UNIX SOCK_SEQPACKET listener, so every
 * message arrives whole and alone. One request at a time, on the control
 * thread, so handlers need no locks against each other.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_debug.h>

#include "core/dp_log.h"
#include "engine/dp_tables.h"
#include "dp_ctl.h"

#define MAX_CLIENTS 32

uint64_t dp_ctl_generation;
uint64_t dp_ctl_boot_id;

static struct {
	int listen_fd;
	int clients[MAX_CLIENTS];
	unsigned int n_clients;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uint8_t in[DP_MSG_MAX];
	uint8_t out[DP_MSG_MAX];
} srv = {.listen_fd = -1};

static void reply_init(struct dp_reply_hdr *r, uint16_t type, uint32_t seq, int status)
{
	memset(r, 0, sizeof(*r));
	r->magic = DP_API_MAGIC;
	r->version = DP_API_VERSION;
	r->type = type;
	r->seq = seq;
	r->status = status;
}

uint32_t dp_ctl_handle(const void *msg, size_t len, void *out, size_t out_cap)
{
	const struct dp_msg_hdr *h = msg;
	struct dp_reply_hdr *r = out;
	uint32_t body_len = 0;
	int rc;

	if (len < sizeof(*h) || h->magic != DP_API_MAGIC) {
		reply_init(r, 0, len >= sizeof(*h) ? h->seq : 0, -EPROTO);
		return sizeof(*r);
	}
	reply_init(r, h->type, h->seq, 0);
	if (h->version != DP_API_VERSION) {
		r->status = -EPROTONOSUPPORT;
		return sizeof(*r);
	}
	if (h->type == 0 || h->type >= DP_MSG_TYPE_MAX || dp_ctl_handlers[h->type].fn == NULL) {
		r->status = -EOPNOTSUPP;
		return sizeof(*r);
	}
	if (h->len != len - sizeof(*h) ||
			(dp_ctl_handlers[h->type].trailing ? h->len < dp_ctl_handlers[h->type].req_size :
							     h->len != dp_ctl_handlers[h->type].req_size)) {
		r->status = -EBADMSG;
		return sizeof(*r);
	}
	if (h->generation > dp_ctl_generation)
		dp_ctl_generation = h->generation;
	/* Before: a worker filling a cache from the tables while they change fills it
	 * with this generation, which the bump after retires. */
	__atomic_fetch_add(&dp_tables.conf_gen, 1, __ATOMIC_RELEASE);
	rc = dp_ctl_handlers[h->type].fn(h + 1, h->len, r + 1, &body_len);
	__atomic_fetch_add(&dp_tables.conf_gen, 1, __ATOMIC_RELEASE);
	RTE_VERIFY(body_len <= out_cap - sizeof(*r));
	r->status = rc;
	r->len = rc == 0 ? body_len : 0;
	return sizeof(*r) + r->len;
}

int dp_ctl_server_open(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char dir[sizeof(srv.path)];
	char *slash;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	snprintf(srv.path, sizeof(srv.path), "%s", path);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	srv.listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (srv.listen_fd < 0)
		return -errno;
	unlink(path);
	if (bind(srv.listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
			listen(srv.listen_fd, 16) < 0) {
		int rc = -errno;

		close(srv.listen_fd);
		srv.listen_fd = -1;
		return rc;
	}
	/* Programming the dataplane is root's business. */
	chmod(path, 0600);
	DP_LOG(INFO, "control socket %s", path);
	return 0;
}

static void drop_client(unsigned int i)
{
	close(srv.clients[i]);
	srv.clients[i] = srv.clients[--srv.n_clients];
}

static void serve_client(unsigned int i)
{
	ssize_t n = recv(srv.clients[i], srv.in, sizeof(srv.in), MSG_DONTWAIT | MSG_TRUNC);
	uint32_t out_len;

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		drop_client(i);
		return;
	}
	if (n < 0)
		return;
	/* A message larger than any request is answered, not truncated into sense. */
	out_len = dp_ctl_handle(srv.in, (size_t)n > sizeof(srv.in) ? 0 : (size_t)n, srv.out,
			sizeof(srv.out));
	if (send(srv.clients[i], srv.out, out_len, MSG_NOSIGNAL) < 0)
		drop_client(i);
}

void dp_ctl_server_poll(int timeout_ms)
{
	struct pollfd fds[MAX_CLIENTS + 1];
	unsigned int n = srv.n_clients;

	fds[0] = (struct pollfd){.fd = srv.listen_fd, .events = POLLIN};
	for (unsigned int i = 0; i < n; i++)
		fds[i + 1] = (struct pollfd){.fd = srv.clients[i], .events = POLLIN};
	if (poll(fds, n + 1, timeout_ms) <= 0)
		return;
	/* Serve from the end: drop_client moves the last client into the freed slot. */
	for (unsigned int i = n; i-- > 0;)
		if (fds[i + 1].revents)
			serve_client(i);
	if (fds[0].revents & POLLIN) {
		int fd = accept4(srv.listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd >= 0 && srv.n_clients < MAX_CLIENTS)
			srv.clients[srv.n_clients++] = fd;
		else if (fd >= 0)
			close(fd);
	}
}

void dp_ctl_server_close(void)
{
	while (srv.n_clients)
		drop_client(0);
	if (srv.listen_fd >= 0) {
		close(srv.listen_fd);
		unlink(srv.path);
	}
	srv.listen_fd = -1;
}
