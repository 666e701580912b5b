/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutual TLS for the node endpoints (/internal/v1/nodes/{node}/...): with
 * --tls-client-ca, a node proves who it is with a client certificate that
 * the node CA signed, issued to the node (its subject's CN is the node
 * name of the path), for TLS client authentication (extended key usage
 * clientAuth), and valid now. The service token is still needed beside it:
 * the certificate says which node, the token that it is an agent at all.
 *
 * MHD asks every TLS client for a certificate once a trust list is given
 * (GnuTLS's "request", not "require"), so the openstack CLI, which has
 * none, still reaches the public APIs; the node endpoints check here, per
 * request, and refuse with a 403 that says what was wrong ("none was
 * presented", "expired", "issued to node2, not node3"), which the agent
 * logs. A handshake-time refusal would only say "bad certificate".
 */
#include "api.h"

#include <errno.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>

static int refuse(struct api_req *req, const char *why)
{
	return cp_fail(&req->ctx.err, -EACCES, "NodeCertificateRefused",
		"The node endpoints need a client certificate from the node CA issued to the "
		"node: %s",
		why);
}

/* Why the chain did not verify, in GnuTLS's words. */
static int refuse_status(struct api_req *req, unsigned status)
{
	gnutls_datum_t out = {0};
	char why[200] = "it does not verify";
	size_t n;

	if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) == 0) {
		snprintf(why, sizeof(why), "%s", (const char *)out.data);
		gnutls_free(out.data);
	}
	for (n = strlen(why); n > 0 && why[n - 1] == ' '; n--)
		why[n - 1] = '\0';
	return refuse(req, why);
}

int api_node_cert_check(struct api_req *req, const char *node)
{
	gnutls_typed_vdata_st purpose = {.type = GNUTLS_DT_KEY_PURPOSE_OID,
		.data = (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT};
	const union MHD_ConnectionInfo *ci;
	const gnutls_datum_t *chain = NULL;
	gnutls_session_t session = NULL;
	gnutls_x509_crt_t crt;
	unsigned n = 0, status = 0;
	char cn[256] = "";
	size_t cn_len = sizeof(cn);
	int rc;

	if (!req->srv->tls_client_ca)
		return 0;
	ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci)
		session = (gnutls_session_t)ci->tls_session;
	if (session)
		chain = gnutls_certificate_get_peers(session, &n);
	if (!chain || n == 0)
		return refuse(req, "none was presented");
	/* Against the trust list MHD gave the session: signature, validity
	 * dates, and the purpose. */
	if (gnutls_certificate_verify_peers(session, &purpose, 1, &status) < 0)
		return refuse(req, "it could not be verified");
	if (status)
		return refuse_status(req, status);
	if (gnutls_x509_crt_init(&crt) < 0)
		return cp_fail(&req->ctx.err, -ENOMEM, "InternalError", "out of memory");
	rc = gnutls_x509_crt_import(crt, &chain[0], GNUTLS_X509_FMT_DER);
	if (rc == 0)
		rc = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cn_len);
	gnutls_x509_crt_deinit(crt);
	if (rc < 0)
		return refuse(req, "it names no node (no CN)");
	if (strcmp(cn, node) != 0) {
		char why[400];

		snprintf(why, sizeof(why), "it is issued to node '%.128s', not '%.128s'", cn, node);
		return refuse(req, why);
	}
	return 0;
}
