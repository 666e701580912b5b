/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal HTTP/1.1 client: the agent talks to one controller, usually on
 * loopback, a few requests per change. libcurl's headers are not on every
 * build host, and this is all it needs: one request per connection
 * ("Connection: close"), responses with Content-Length, chunked or
 * read-to-close bodies, and a deadline for the whole exchange (the change
 * feed is a long poll, so the deadline is the caller's).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ag.h"

#define HTTP_MAX_RESPONSE (64u << 20)

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "http://host:port[/...]" -> host, port. */
static int parse_base(const char *url, char *host, size_t host_cap, char *port, size_t port_cap)
{
	const char *p, *colon, *end;

	if (strncmp(url, "http://", 7) != 0)
		return -EINVAL;
	p = url + 7;
	end = p + strcspn(p, "/");
	colon = memchr(p, ':', (size_t)(end - p));
	if (colon == NULL) {
		colon = end;
		snprintf(port, port_cap, "80");
	} else {
		if ((size_t)(end - colon - 1) >= port_cap || end == colon + 1)
			return -EINVAL;
		snprintf(port, port_cap, "%.*s", (int)(end - colon - 1), colon + 1);
	}
	if (colon == p || (size_t)(colon - p) >= host_cap)
		return -EINVAL;
	snprintf(host, host_cap, "%.*s", (int)(colon - p), p);
	return 0;
}

static int connect_to(const char *host, const char *port)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
	int fd = -1, rc;

	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0)
		return rc == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
	rc = -ECONNREFUSED;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			rc = -errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		rc = -errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd >= 0 ? fd : rc;
}

/* Waits for fd to become ready for events before the deadline. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	int64_t left = deadline - now_ms();
	int rc;

	if (left <= 0)
		return -ETIMEDOUT;
	rc = poll(&pfd, 1, (int)left);
	if (rc < 0)
		return -errno;
	return rc == 0 ? -ETIMEDOUT : 0;
}

static int send_all(int fd, const char *buf, size_t len, int64_t deadline)
{
	while (len > 0) {
		ssize_t n;
		int rc = wait_fd(fd, POLLOUT, deadline);

		if (rc < 0)
			return rc;
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads until the peer closes (we asked it to), into a growing buffer. */
static int recv_all(int fd, char **out, size_t *out_len, int64_t deadline)
{
	size_t cap = 16384, len = 0;
	char *buf = malloc(cap);
	int rc = 0;

	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *nb;

			if (cap >= HTTP_MAX_RESPONSE) {
				rc = -EMSGSIZE;
				break;
			}
			nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		rc = wait_fd(fd, POLLIN, deadline);
		if (rc < 0)
			break;
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return 0;
}

/* Decodes a chunked body in place (RFC 9112 7.1); trailers are ignored. */
static int dechunk(char *body, size_t len, size_t *out_len)
{
	size_t in = 0, out = 0;

	for (;;) {
		char *end;
		unsigned long size = strtoul(body + in, &end, 16);
		char *crlf = strstr(body + in, "\r\n");

		if (end == body + in || crlf == NULL)
			return -EPROTO;
		in = (size_t)(crlf - body) + 2;
		if (size == 0)
			break;
		if (size > len - in)
			return -EPROTO;
		memmove(body + out, body + in, size);
		out += size;
		in += size + 2;
		if (in > len)
			return -EPROTO;
	}
	body[out] = '\0';
	*out_len = out;
	return 0;
}

/* Splits a raw response into status and body (moved to the buffer's start). */
static int parse_response(char *raw, size_t raw_len, struct ag_http_resp *resp)
{
	char *hdr_end = strstr(raw, "\r\n\r\n"), *line, *save = NULL;
	bool chunked = false;
	long content_length = -1;
	size_t body_len;
	int minor;

	if (hdr_end == NULL || sscanf(raw, "HTTP/1.%d %d", &minor, &resp->status) != 2)
		return -EPROTO;
	*hdr_end = '\0';
	body_len = raw_len - (size_t)(hdr_end + 4 - raw);
	for (line = strtok_r(raw, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		if (strncasecmp(line, "Content-Length:", 15) == 0)
			content_length = strtol(line + 15, NULL, 10);
		else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0 &&
		                strcasestr(line + 18, "chunked") != NULL)
			chunked = true;
	}
	memmove(raw, hdr_end + 4, body_len);
	raw[body_len] = '\0';
	if (chunked) {
		int rc = dechunk(raw, body_len, &body_len);

		if (rc < 0)
			return rc;
	} else if (content_length >= 0) {
		if ((size_t)content_length > body_len)
			return -EPROTO; /* the connection closed early */
		body_len = (size_t)content_length;
		raw[body_len] = '\0';
	}
	resp->body = raw;
	resp->len = body_len;
	return 0;
}

int ag_http_request(const char *base_url, const char *method, const char *path, const char *token,
                const char *body, int timeout_ms, struct ag_http_resp *resp)
{
	int64_t deadline = now_ms() + timeout_ms;
	char host[256], port[16], *head = NULL, *raw = NULL;
	size_t raw_len = 0;
	int fd, rc, head_len;

	memset(resp, 0, sizeof(*resp));
	rc = parse_base(base_url, host, sizeof(host), port, sizeof(port));
	if (rc < 0)
		return rc;
	fd = connect_to(host, port);
	if (fd < 0)
		return fd;
	head_len = asprintf(&head,
	                "%s %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: virga-agent\r\n"
	                "Accept: application/json\r\nConnection: close\r\n%s%s%s"
	                "%sContent-Length: %zu\r\n\r\n",
	                method, path, host, port, token ? "X-Auth-Token: " : "", token ? token : "",
	                token ? "\r\n" : "", body ? "Content-Type: application/json\r\n" : "",
	                body ? strlen(body) : 0);
	if (head_len < 0) {
		close(fd);
		return -ENOMEM;
	}
	rc = send_all(fd, head, (size_t)head_len, deadline);
	if (rc == 0 && body != NULL)
		rc = send_all(fd, body, strlen(body), deadline);
	free(head);
	if (rc == 0)
		rc = recv_all(fd, &raw, &raw_len, deadline);
	close(fd);
	if (rc < 0)
		return rc;
	rc = parse_response(raw, raw_len, resp);
	if (rc < 0) {
		free(raw);
		memset(resp, 0, sizeof(*resp));
	}
	return rc;
}
