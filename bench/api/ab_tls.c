/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TLS under ab_http.c's keep-alive client (GnuTLS, as the controller): the
 * same framing code measures HTTP and HTTPS, so the two figures differ by
 * the TLS work alone. The server is verified against one CA file and the
 * URL's host (an IP address is matched against the certificate's IP SANs).
 * The credentials are made once, before the connection threads start;
 * each connection has its own session.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "ab.h"

static gnutls_certificate_credentials_t creds;

int ab_tls_init(const char *cafile)
{
	int n;

	if (gnutls_certificate_allocate_credentials(&creds) < 0)
		return -ENOMEM;
	n = gnutls_certificate_set_x509_trust_file(creds, cafile, GNUTLS_X509_FMT_PEM);
	if (n <= 0) {
		fprintf(stderr, "virga-apibench: no CA certificate in %s: %s\n", cafile,
		                n < 0 ? gnutls_strerror(n) : "empty");
		gnutls_certificate_free_credentials(creds);
		creds = NULL;
		return -EINVAL;
	}
	return 0;
}

int ab_tls_open(struct ab_conn *c)
{
	gnutls_session_t s;
	int rc;

	if (creds == NULL)
		return -ENOPROTOOPT; /* an https URL without --tls */
	if (gnutls_init(&s, GNUTLS_CLIENT) < 0)
		return -ENOMEM;
	if (gnutls_set_default_priority(s) < 0 ||
	                gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, creds) < 0) {
		gnutls_deinit(s);
		return -EPROTO;
	}
	gnutls_session_set_verify_cert(s, c->host, 0);
	gnutls_transport_set_int(s, c->fd);
	gnutls_handshake_set_timeout(s, GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT);
	do
		rc = gnutls_handshake(s);
	while (rc < 0 && !gnutls_error_is_fatal(rc) && !ab_stop);
	if (rc < 0) {
		fprintf(stderr, "virga-apibench: TLS handshake with %s:%s: %s\n", c->host, c->port,
		                gnutls_strerror(rc));
		gnutls_deinit(s);
		return -EPROTO;
	}
	c->tls = s;
	return 0;
}

void ab_tls_close(struct ab_conn *c)
{
	if (c->tls)
		gnutls_deinit(c->tls);
	c->tls = NULL;
}

ssize_t ab_tls_send(struct ab_conn *c, const char *p, size_t len)
{
	ssize_t n;

	do
		n = gnutls_record_send(c->tls, p, len);
	while (n == GNUTLS_E_INTERRUPTED || n == GNUTLS_E_AGAIN);
	return n >= 0 ? n : -EPIPE;
}

/* 0 when the server closed the connection, with or without a close_notify
 * (MHD closes idle keep-alive connections without one). */
ssize_t ab_tls_recv(struct ab_conn *c, char *p, size_t len)
{
	ssize_t n;

	do
		n = gnutls_record_recv(c->tls, p, len);
	while ((n == GNUTLS_E_INTERRUPTED && !ab_stop) || n == GNUTLS_E_AGAIN);
	if (n == GNUTLS_E_PREMATURE_TERMINATION)
		return 0;
	if (n == GNUTLS_E_INTERRUPTED)
		return -EINTR;
	return n >= 0 ? n : -ECONNRESET;
}
