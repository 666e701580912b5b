/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dp_client against a scripted server: a thread serving one SOCK_SEQPACKET
 * connection on a temporary socket, answering every request the way the
 * test asked (well, wrongly, or not at all). Checks what the client sends
 * and how it judges what comes back.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include <virga/dp_client.h>

/* Short, so that the timeout test is quick; read by dp_client_connect(). */
#define TEST_TIMEOUT_MS "200"

enum serve_mode {
	SERVE_WELL_FORMED,
	SERVE_WRONG_MAGIC,
	SERVE_WRONG_SEQ,
	SERVE_SHORT_BODY, /* the header announces more body than the packet has */
	SERVE_LONG_BODY,  /* the packet has more body than the header announces */
	SERVE_SILENT,	  /* reads requests, never answers */
	SERVE_HANG_UP,	  /* closes the connection on the first request */
};

struct server {
	char dir[64];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int listen_fd;
	pthread_t thread;
	bool running;

	/* How to answer: set before start, read by the thread only. */
	enum serve_mode mode;
	int32_t status;
	uint8_t body[128];
	size_t body_len;

	/* What was asked: written by the thread, read after server_stop(). */
	int n_requests;
	struct dp_msg_hdr first;
	struct dp_msg_hdr last;
	uint8_t last_body[512];
	size_t last_body_len;

	uint8_t buf[DP_MSG_MAX];
};

static void serve_reply(struct server *s, int fd, const struct dp_msg_hdr *req)
{
	struct dp_reply_hdr hdr = {
		.magic = DP_API_MAGIC,
		.version = DP_API_VERSION,
		.type = req->type,
		.len = s->body_len,
		.seq = req->seq,
		.status = s->status,
	};
	uint8_t out[sizeof(hdr) + sizeof(s->body)];
	size_t out_len = sizeof(hdr) + s->body_len;

	switch (s->mode) {
	case SERVE_WRONG_MAGIC:
		hdr.magic = ~DP_API_MAGIC;
		break;
	case SERVE_WRONG_SEQ:
		hdr.seq = req->seq + 1;
		break;
	case SERVE_SHORT_BODY:
		hdr.len = s->body_len + 8;
		break;
	case SERVE_LONG_BODY:
		hdr.len = s->body_len - 1;
		break;
	default:
		break;
	}
	memcpy(out, &hdr, sizeof(hdr));
	memcpy(out + sizeof(hdr), s->body, s->body_len);
	if (send(fd, out, out_len, MSG_NOSIGNAL) != (ssize_t)out_len)
		fprintf(stderr, "test server: send: %s\n", strerror(errno));
}

static void *serve(void *arg)
{
	struct server *s = arg;
	struct dp_msg_hdr req;
	ssize_t n;
	int fd;

	fd = accept(s->listen_fd, NULL, NULL);
	if (fd < 0)
		return NULL;
	/* Until the client closes (a zero-length read), or the mode hangs up. */
	while ((n = recv(fd, s->buf, sizeof(s->buf), 0)) > 0) {
		if ((size_t)n < sizeof(req))
			break;
		memcpy(&req, s->buf, sizeof(req));
		if (s->n_requests++ == 0)
			s->first = req;
		s->last = req;
		s->last_body_len = (size_t)n - sizeof(req);
		if (s->last_body_len > sizeof(s->last_body))
			s->last_body_len = sizeof(s->last_body);
		memcpy(s->last_body, s->buf + sizeof(req), s->last_body_len);

		if (s->mode == SERVE_HANG_UP)
			break;
		if (s->mode != SERVE_SILENT)
			serve_reply(s, fd, &req);
	}
	close(fd);
	return NULL;
}

static struct server *server_start(enum serve_mode mode, int32_t status, const void *body,
		size_t body_len)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct server *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->mode = mode;
	s->status = status;
	assert_true(body_len <= sizeof(s->body));
	memcpy(s->body, body, body_len);
	s->body_len = body_len;

	strcpy(s->dir, "/tmp/test_dp_client.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->path, sizeof(s->path), "%s/dp.sock", s->dir);
	strcpy(addr.sun_path, s->path);
	s->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(s->listen_fd >= 0);
	assert_int_equal(bind(s->listen_fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(s->listen_fd, 1), 0);
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
	s->running = true;
	return s;
}

/* Waits for the server to see the client go; its records are then safe to read. */
static void server_stop(struct server *s)
{
	if (!s->running)
		return;
	pthread_join(s->thread, NULL);
	s->running = false;
}

/* Test state: the server and the client, torn down even when a test fails. */
struct fixture {
	struct server *server;
	struct dp_client *client;
};

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	dp_client_close(f->client);
	if (f->server != NULL) {
		/* A client that never connected would leave accept() waiting. */
		shutdown(f->server->listen_fd, SHUT_RDWR);
		server_stop(f->server);
		close(f->server->listen_fd);
		unlink(f->server->path);
		rmdir(f->server->dir);
		free(f->server);
	}
	free(f);
	return 0;
}

static struct dp_client *connect_to(struct fixture *f, enum serve_mode mode, int32_t status,
		const void *body, size_t body_len)
{
	f->server = server_start(mode, status, body, body_len);
	f->client = dp_client_connect(f->server->path);
	assert_non_null(f->client);
	return f->client;
}

static const struct dp_hello_reply hello = {
	.boot_id = 0x1122334455667788ull,
	.generation = 7,
	.tsc_hz = 2000000000ull,
	.n_workers = 3,
	.api_version = DP_API_VERSION,
};

static void client_returns_status_and_body_of_well_formed_reply(void **state)
{
	struct dp_client *c = connect_to(*state, SERVE_WELL_FORMED, 0, &hello, sizeof(hello));
	struct dp_hello_reply got;
	size_t len = 0;

	assert_int_equal(dp_client_call(c, DP_MSG_HELLO, NULL, 0, &got, sizeof(got), &len), 0);
	assert_int_equal(len, sizeof(got));
	assert_memory_equal(&got, &hello, sizeof(hello));
}

static void client_returns_dataplane_errno_as_status(void **state)
{
	struct dp_client *c = connect_to(*state, SERVE_WELL_FORMED, -EEXIST, NULL, 0);
	struct dp_network_add_req req = {.name = "blue", .type = DP_NET_FLAT};
	size_t len = 1;

	assert_int_equal(dp_client_call(c, DP_MSG_NETWORK_ADD, &req, sizeof(req), NULL, 0, &len),
			-EEXIST);
	assert_int_equal(len, 0);
}

static void client_sends_magic_type_len_seq_and_generation(void **state)
{
	struct fixture *f = *state;
	struct dp_client *c = connect_to(f, SERVE_WELL_FORMED, 0, NULL, 0);
	struct dp_network_del_req req = {.name = "blue", .missing_ok = 1};

	dp_client_set_generation(c, 42);
	assert_int_equal(dp_client_call(c, DP_MSG_HELLO, NULL, 0, NULL, 0, NULL), 0);
	assert_int_equal(dp_client_call(c, DP_MSG_NETWORK_DEL, &req, sizeof(req), NULL, 0, NULL), 0);
	dp_client_close(c);
	f->client = NULL;
	server_stop(f->server);

	assert_int_equal(f->server->n_requests, 2);
	assert_int_equal(f->server->last.magic, DP_API_MAGIC);
	assert_int_equal(f->server->last.version, DP_API_VERSION);
	assert_int_equal(f->server->last.type, DP_MSG_NETWORK_DEL);
	assert_int_equal(f->server->last.len, sizeof(req));
	assert_int_equal(f->server->last.generation, 42);
	assert_int_not_equal(f->server->last.seq, f->server->first.seq);
	assert_int_equal(f->server->last_body_len, sizeof(req));
	assert_memory_equal(f->server->last_body, &req, sizeof(req));
}

static void client_copies_at_most_resp_cap_bytes(void **state)
{
	struct dp_client *c = connect_to(*state, SERVE_WELL_FORMED, 0, &hello, sizeof(hello));
	uint8_t got[sizeof(hello) + 8];
	size_t len = 0;

	memset(got, 0xee, sizeof(got));
	assert_int_equal(dp_client_call(c, DP_MSG_HELLO, NULL, 0, got, 8, &len), 0);
	assert_int_equal(len, 8);
	assert_memory_equal(got, &hello, 8);
	assert_int_equal(got[8], 0xee);
}

static void client_rejects_reply_with_wrong_magic(void **state)
{
	struct dp_client *c = connect_to(*state, SERVE_WRONG_MAGIC, 0, &hello, sizeof(hello));
	struct dp_hello_reply got;

	assert_int_equal(dp_client_call(c, DP_MSG_HELLO, NULL, 0, &got, sizeof(got), NULL), -EPROTO);
}

static void client_rejects_reply_with_wrong_seq(void **state)
{
	struct dp_client *c = connect_to(*state, SERVE_WRONG_SEQ, 0, &hello, sizeof(hello));
	struct dp_hello_reply got;

	assert_int_equal(dp_client_call(c, DP_MSG_HELLO, NULL, 0, &got, sizeof(got), NULL), -EPROTO);
}

static void client_rejects_reply_shorter_than_its_len(void **state)
{
	struct dp_client *c = connect_to(*state, SERVE_SHORT_BODY, 0, &hello, sizeof(hello));
	struct dp_hello_reply got;

	assert_int_equal(dp_client_call(c, DP_MSG_HELLO, NULL, 0, &got, sizeof(got), NULL), -EPROTO);
}

static void client_rejects_reply_longer_than_its_len(void **state)
{
	struct dp_client *c = connect_to(*state, SERVE_LONG_BODY, 0, &hello, sizeof(hello));
	struct dp_hello_reply got;

	assert_int_equal(dp_client_call(c, DP_MSG_HELLO, NULL, 0, &got, sizeof(got), NULL), -EPROTO);
}

static void client_times_out_when_server_never_answers(void **state)
{
	struct dp_client *c = connect_to(*state, SERVE_SILENT, 0, NULL, 0);

	assert_int_equal(dp_client_call(c, DP_MSG_HELLO, NULL, 0, NULL, 0, NULL), -ETIMEDOUT);
}

static void client_refuses_calls_after_a_transport_error(void **state)
{
	struct dp_client *c = connect_to(*state, SERVE_SILENT, 0, NULL, 0);

	assert_int_equal(dp_client_call(c, DP_MSG_HELLO, NULL, 0, NULL, 0, NULL), -ETIMEDOUT);
	/* A late answer to the first call would otherwise pass for the second's. */
	assert_int_equal(dp_client_call(c, DP_MSG_HELLO, NULL, 0, NULL, 0, NULL), -ENOTCONN);
}

static void client_reports_reset_when_server_hangs_up(void **state)
{
	struct dp_client *c = connect_to(*state, SERVE_HANG_UP, 0, NULL, 0);

	assert_int_equal(dp_client_call(c, DP_MSG_HELLO, NULL, 0, NULL, 0, NULL), -ECONNRESET);
}

static void client_rejects_unknown_message_type(void **state)
{
	struct dp_client *c = connect_to(*state, SERVE_WELL_FORMED, 0, NULL, 0);

	assert_int_equal(dp_client_call(c, DP_MSG_TYPE_MAX, NULL, 0, NULL, 0, NULL), -EINVAL);
	assert_int_equal(dp_client_call(c, 0, NULL, 0, NULL, 0, NULL), -EINVAL);
}

static void client_connect_fails_with_enoent_without_server(void **state)
{
	(void)state;
	errno = 0;
	assert_null(dp_client_connect("/tmp/test_dp_client.no-such-dir/dp.sock"));
	assert_int_equal(errno, ENOENT);
}

static void msg_type_names_are_snake_case(void **state)
{
	(void)state;
	assert_string_equal(dp_msg_type_name(DP_MSG_HELLO), "hello");
	assert_string_equal(dp_msg_type_name(DP_MSG_NETWORK_ADD), "network_add");
	assert_string_equal(dp_msg_type_name(DP_MSG_PORT_SECURITY), "port_security");
	assert_string_equal(dp_msg_type_name(DP_MSG_TRACE_SHOW), "trace_show");
	assert_string_equal(dp_msg_type_name(DP_MSG_TYPE_MAX), "unknown");
	for (int t = DP_MSG_HELLO; t < DP_MSG_TYPE_MAX; t++)
		assert_string_not_equal(dp_msg_type_name(t), "unknown");
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, fixture_setup, fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(client_returns_status_and_body_of_well_formed_reply),
		FIXTURE_TEST(client_returns_dataplane_errno_as_status),
		FIXTURE_TEST(client_sends_magic_type_len_seq_and_generation),
		FIXTURE_TEST(client_copies_at_most_resp_cap_bytes),
		FIXTURE_TEST(client_rejects_reply_with_wrong_magic),
		FIXTURE_TEST(client_rejects_reply_with_wrong_seq),
		FIXTURE_TEST(client_rejects_reply_shorter_than_its_len),
		FIXTURE_TEST(client_rejects_reply_longer_than_its_len),
		FIXTURE_TEST(client_times_out_when_server_never_answers),
		FIXTURE_TEST(client_refuses_calls_after_a_transport_error),
		FIXTURE_TEST(client_reports_reset_when_server_hangs_up),
		FIXTURE_TEST(client_rejects_unknown_message_type),
		cmocka_unit_test(client_connect_fails_with_enoent_without_server),
		cmocka_unit_test(msg_type_names_are_snake_case),
	};

	setenv("VIRGA_DP_TIMEOUT_MS", TEST_TIMEOUT_MS, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
