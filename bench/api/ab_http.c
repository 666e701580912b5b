/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTP/1.1 with keep-alive: requests go out one at a time on a connection
 * and each response is framed by Content-Length or chunked encoding
 * (RFC 9112 6.3), so the connection can carry the next one. https:// URLs
 * run the same code over a TLS session (ab_tls.c).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ab.h"

#define AB_MAX_RESPONSE (256u << 20)

int64_t ab_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int conn_connect(struct ab_conn *c)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
	int one = 1, rc;

	rc = getaddrinfo(c->host, c->port, &hints, &res);
	if (rc != 0)
		return -EHOSTUNREACH;
	c->fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
	if (c->fd < 0 || connect(c->fd, res->ai_addr, res->ai_addrlen) != 0) {
		rc = -errno;
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		freeaddrinfo(res);
		return rc;
	}
	freeaddrinfo(res);
	/* Requests are written whole: Nagle would only add a delayed-ACK wait. */
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->len = 0;
	if (c->https && (rc = ab_tls_open(c)) < 0) {
		close(c->fd);
		c->fd = -1;
		return rc;
	}
	return 0;
}

static void conn_drop(struct ab_conn *c)
{
	ab_tls_close(c);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int ab_conn_open(struct ab_conn *c, const char *base_url)
{
	const char *p, *colon, *end;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (strncmp(base_url, "https://", 8) == 0)
		c->https = true;
	else if (strncmp(base_url, "http://", 7) != 0)
		return -EINVAL;
	p = base_url + (c->https ? 8 : 7);
	end = p + strcspn(p, "/");
	colon = memchr(p, ':', (size_t)(end - p));
	if (colon == NULL || colon == p || (size_t)(colon - p) >= sizeof(c->host) ||
	                (size_t)(end - colon - 1) >= sizeof(c->port) || end == colon + 1)
		return -EINVAL;
	snprintf(c->host, sizeof(c->host), "%.*s", (int)(colon - p), p);
	snprintf(c->port, sizeof(c->port), "%.*s", (int)(end - colon - 1), colon + 1);
	c->cap = 65536;
	c->buf = malloc(c->cap);
	if (c->buf == NULL)
		return -ENOMEM;
	return conn_connect(c);
}

void ab_conn_close(struct ab_conn *c)
{
	conn_drop(c);
	free(c->buf);
	c->buf = NULL;
}

void ab_resp_free(struct ab_resp *resp)
{
	free(resp->body);
	resp->body = NULL;
}

static int send_all(struct ab_conn *c, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = c->tls ? ab_tls_send(c, p, len) : send(c->fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && c->tls)
			return (int)n;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads more bytes into the buffer; 0 on EOF, >0 bytes read, <0 -errno. */
static ssize_t fill(struct ab_conn *c)
{
	ssize_t n;

	if (c->len + 1 >= c->cap) {
		char *nb;

		if (c->cap >= AB_MAX_RESPONSE)
			return -EMSGSIZE;
		nb = realloc(c->buf, c->cap * 2);
		if (nb == NULL)
			return -ENOMEM;
		c->buf = nb;
		c->cap *= 2;
	}
	if (c->tls) {
		n = ab_tls_recv(c, c->buf + c->len, c->cap - c->len - 1);
		if (n < 0)
			return n;
	} else {
		do
			n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
		while (n < 0 && errno == EINTR && !ab_stop);
		if (n < 0)
			return -errno;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	return n;
}

/* Consumes n bytes from the front of the buffer. */
static void consume(struct ab_conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
	c->buf[c->len] = '\0';
}

/* Reads one response: headers, then the body as framed by them. */
static int read_response(struct ab_conn *c, struct ab_resp *resp, bool *close_after)
{
	char *hdr_end, *line, *next;
	long content_length = -1;
	bool chunked = false;
	size_t hdr_len;
	int minor;
	ssize_t n;

	while ((hdr_end = c->len ? strstr(c->buf, "\r\n\r\n") : NULL) == NULL) {
		n = fill(c);
		if (n <= 0)
			return n == 0 ? -ECONNRESET : (int)n;
	}
	hdr_len = (size_t)(hdr_end - c->buf) + 4;
	if (sscanf(c->buf, "HTTP/1.%d %d", &minor, &resp->status) != 2)
		return -EPROTO;
	*close_after = minor == 0;
	for (line = strstr(c->buf, "\r\n") + 2; line < hdr_end; line = next + 2) {
		next = strstr(line, "\r\n");
		if (strncasecmp(line, "Content-Length:", 15) == 0)
			content_length = strtol(line + 15, NULL, 10);
		else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0)
			chunked = memmem(line, (size_t)(next - line), "chunked", 7) != NULL;
		else if (strncasecmp(line, "Connection:", 11) == 0)
			*close_after = memmem(line, (size_t)(next - line), "close", 5) != NULL;
		else if (strncasecmp(line, "X-Subject-Token:", 16) == 0)
			snprintf(resp->subject_token, sizeof(resp->subject_token), "%.*s",
			                (int)(next - line - 16 - strspn(line + 16, " ")),
			                line + 16 + strspn(line + 16, " "));
	}
	consume(c, hdr_len);
	if (chunked) {
		size_t out = 0, cap = 4096;
		char *body = malloc(cap);

		if (body == NULL)
			return -ENOMEM;
		for (;;) {
			char *crlf, *end;
			unsigned long size;

			while ((crlf = strstr(c->buf, "\r\n")) == NULL)
				if ((n = fill(c)) <= 0)
					goto chunk_err;
			size = strtoul(c->buf, &end, 16);
			if (end == c->buf)
				goto chunk_err;
			consume(c, (size_t)(crlf - c->buf) + 2);
			while (c->len < size + 2)
				if ((n = fill(c)) <= 0)
					goto chunk_err;
			if (size == 0) {
				/* No trailers from libmicrohttpd: just the final CRLF. */
				consume(c, 2);
				break;
			}
			if (out + size + 1 > cap) {
				char *nb;

				while (out + size + 1 > cap)
					cap *= 2;
				nb = realloc(body, cap);
				if (nb == NULL)
					goto chunk_err;
				body = nb;
			}
			memcpy(body + out, c->buf, size);
			out += size;
			consume(c, size + 2);
		}
		body[out] = '\0';
		resp->body = body;
		resp->body_len = out;
		return 0;
	chunk_err:
		free(body);
		return -EPROTO;
	}
	if (content_length < 0)
		content_length = 0; /* the API always frames its bodies */
	while (c->len < (size_t)content_length)
		if ((n = fill(c)) <= 0)
			return n == 0 ? -ECONNRESET : (int)n;
	resp->body = malloc((size_t)content_length + 1);
	if (resp->body == NULL)
		return -ENOMEM;
	memcpy(resp->body, c->buf, (size_t)content_length);
	resp->body[content_length] = '\0';
	resp->body_len = (size_t)content_length;
	consume(c, (size_t)content_length);
	return 0;
}

int ab_request(struct ab_conn *c, const char *method, const char *path, const char *token,
                const char *extra_headers, const char *body, struct ab_resp *resp)
{
	char head[2048];
	bool close_after = false;
	int attempt, rc = -EIO, len;

	for (attempt = 0; attempt < 2; attempt++) {
		memset(resp, 0, sizeof(*resp));
		if (c->fd < 0 && (rc = conn_connect(c)) < 0)
			return rc;
		len = snprintf(head, sizeof(head),
		                "%s %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: virga-apibench\r\n"
		                "Accept: application/json\r\n%s%s%s%s"
		                "Content-Length: %zu\r\n%s\r\n",
		                method, path, c->host, c->port, token ? "X-Auth-Token: " : "",
		                token ? token : "", token ? "\r\n" : "",
		                body ? "Content-Type: application/json\r\n" : "",
		                body ? strlen(body) : 0, extra_headers ? extra_headers : "");
		if (len < 0 || (size_t)len >= sizeof(head))
			return -ENAMETOOLONG;
		rc = send_all(c, head, (size_t)len);
		if (rc == 0 && body)
			rc = send_all(c, body, strlen(body));
		if (rc == 0)
			rc = read_response(c, resp, &close_after);
		if (rc == 0) {
			if (close_after)
				conn_drop(c);
			return 0;
		}
		ab_resp_free(resp);
		conn_drop(c);
		/* Only a connection the server dropped while idle is retried. */
		if (ab_stop || (rc != -ECONNRESET && rc != -EPIPE))
			break;
	}
	return rc;
}
