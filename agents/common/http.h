/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's HTTP client to the controller and the image service:
 * libcurl, HTTP or HTTPS, one kept-alive connection per thread. What the
 * feed, the node's reports and the compute half's downloads all go
 * through; it depends only on the log.
 */
#ifndef AG_COMMON_HTTP_H
#define AG_COMMON_HTTP_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

struct ag_http_resp {
	int status; /* HTTP status code */
	char *body; /* NUL-terminated; caller frees */
	size_t len;
};

/*
 * Before the first request: the CA certificates (PEM file) an https
 * controller must be signed by (NULL: the system's), and a flag that, once
 * set (by a signal handler), ends the request in progress within a second.
 * Both are kept, not copied.
 */
void ag_http_init(const char *cacert_file, const volatile sig_atomic_t *stop);
/* The node's client certificate and key (PEM files, kept, not copied),
 * presented to a controller that asks for one (--tls-client-ca). */
void ag_http_set_client_cert(const char *cert_file, const char *key_file);
/*
 * Sends one request to base_url ("http[s]://HOST:PORT") + path and reads the
 * whole response, giving up after timeout_ms. body may be NULL. Returns 0
 * with *resp filled (any HTTP status) or a negative errno for a transport
 * failure (-ECONNREFUSED, -ETIMEDOUT, -EKEYREJECTED for a certificate that
 * does not verify, -EPROTO for a failed handshake or a malformed response,
 * -EINTR when the stop flag was set); ag_http_last_error() then says what
 * libcurl saw.
 */
int ag_http_request(const char *base_url, const char *method, const char *path, const char *token,
                const char *body, int timeout_ms, struct ag_http_resp *resp);
/* GET base_url + path into out (streamed, never whole in memory): 0 with
 * *status (any HTTP status; out then holds its body), or ag_http_request's errors. */
int ag_http_download(const char *base_url, const char *path, const char *token, FILE *out,
                int timeout_ms, int *status);
/* The last failed request's reason, in words ("" after a success). */
const char *ag_http_last_error(void);
/* Closes this thread's connection (at exit). */
void ag_http_close(void);

#endif /* AG_COMMON_HTTP_H */
