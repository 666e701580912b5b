/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's HTTP client, on libcurl: the controller may be across the
 * network, so HTTPS with the peer verified against --cacert (or the
 * system's CAs), and a kept-alive connection instead of one per request.
 *
 * One CURL handle per thread (the agent has one), reset before each request
 * so no option leaks from one to the next; the reset keeps its live
 * connection and TLS session, which is what makes keep-alive work. The URL's
 * scheme is the only one used: an https controller that fails verification
 * is an error, never a reason to try http. Redirects are not followed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <gnutls/gnutls.h>

#include "common/http.h"
#include "common/log.h"

#define HTTP_MAX_RESPONSE (64u << 20)
#define HTTP_CONNECT_MS 5000 /* a controller that does not accept by then is down */

static const char *cacert;                      /* NULL: the system's CA store */
static const char *client_cert, *client_key;    /* the node's certificate, or NULL */
static const volatile sig_atomic_t *abort_flag; /* set: give up the request in progress */
static _Thread_local CURL *curl;
static _Thread_local char last_error[CURL_ERROR_SIZE + 160];
static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void ag_http_init(const char *cacert_file, const volatile sig_atomic_t *stop)
{
	cacert = cacert_file;
	abort_flag = stop;
}

void ag_http_set_client_cert(const char *cert_file, const char *key_file)
{
	client_cert = cert_file;
	client_key = key_file;
}

void ag_http_close(void)
{
	if (curl)
		curl_easy_cleanup(curl);
	curl = NULL;
}

const char *ag_http_last_error(void)
{
	return last_error;
}

struct body_buf {
	char *data;
	size_t len, cap;
	bool too_large;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct body_buf *b = arg;
	size_t n = size * nmemb;

	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		char *nb;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > HTTP_MAX_RESPONSE) {
			b->too_large = true;
			return 0; /* libcurl ends the transfer with CURLE_WRITE_ERROR */
		}
		nb = realloc(b->data, cap);
		if (nb == NULL)
			return 0;
		b->data = nb;
		b->cap = cap;
	}
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

/* Called at least once a second, even on an idle long poll: a SIGTERM
 * (which libcurl's poll loop rides out) ends the request here. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                curl_off_t ulnow)
{
	(void)arg, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return abort_flag && *abort_flag;
}

/* Why the peer's certificate did not verify ("the issuer is unknown", "it
 * has expired"), in GnuTLS's words when libcurl runs on GnuTLS (its verify
 * result is then GnuTLS's status bits); "" otherwise. */
static void verify_reason(char *buf, size_t cap)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	gnutls_datum_t out;
	long result = 0;

	buf[0] = '\0';
	if (!v->ssl_version || strncmp(v->ssl_version, "GnuTLS", 6) != 0 ||
	                curl_easy_getinfo(curl, CURLINFO_SSL_VERIFYRESULT, &result) != CURLE_OK ||
	                result == 0 ||
	                gnutls_certificate_verification_status_print(
	                                (unsigned)result, GNUTLS_CRT_X509, &out, 0) < 0)
		return;
	snprintf(buf, cap, "%s", (const char *)out.data);
	gnutls_free(out.data);
	for (size_t n = strlen(buf); n > 0 && buf[n - 1] == ' '; n--)
		buf[n - 1] = '\0';
}

/* A libcurl failure as the negative errno callers know, with what libcurl
 * said kept for ag_http_last_error(). libcurl's message is the transfer's
 * first (a reused connection that died, before the retry's own failure):
 * the result code's meaning goes first. */
static int fail(CURLcode rc, const char *detail, bool too_large)
{
	char reason[512];

	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		verify_reason(reason, sizeof(reason));
		snprintf(last_error, sizeof(last_error),
		                "refusing the controller's TLS certificate: %s (CA file %s)",
		                reason[0]   ? reason
		                : detail[0] ? detail
		                            : curl_easy_strerror(rc),
		                cacert ? cacert : "none: the system's CAs");
		return -EKEYREJECTED;
	default:
		snprintf(last_error, sizeof(last_error), "%s%s%s", curl_easy_strerror(rc),
		                detail[0] ? ": " : "", detail);
		break;
	}
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		return -ECONNREFUSED;
	case CURLE_COULDNT_RESOLVE_HOST:
		return -EHOSTUNREACH;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_ABORTED_BY_CALLBACK:
		return -EINTR;
	case CURLE_OUT_OF_MEMORY:
		return -ENOMEM;
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return -EINVAL;
	case CURLE_WRITE_ERROR:
		return too_large ? -EMSGSIZE : -ENOMEM;
	default:
		return -EPROTO; /* a TLS handshake that failed, a malformed answer... */
	}
}

/* Where a response body goes: memory (ag_http_request) or a file (ag_http_download). */
struct sink {
	curl_write_callback write;
	void *data;
	const bool *too_large; /* set by write when the body outgrew the memory cap */
};

/* One request; the body goes to out. 0 with *status, or a negative errno. */
static int transfer(const char *base_url, const char *method, const char *path, const char *token,
                const char *body, int timeout_ms, const struct sink *out, long *status)
{
	char url[2048], auth[300], errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	size_t base_len = strlen(base_url);
	CURLcode rc;

	*status = 0;
	while (base_len > 0 && base_url[base_len - 1] == '/')
		base_len--;
	if ((size_t)snprintf(url, sizeof(url), "%.*s%s", (int)base_len, base_url, path) >=
	                sizeof(url))
		return -ENAMETOOLONG;
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK)
		return -ENOMEM;
	if (curl == NULL && (curl = curl_easy_init()) == NULL)
		return -ENOMEM;
	curl_easy_reset(curl);

	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	/* MHD answers "100 Continue" itself, but waiting for it costs a round trip. */
	hdrs = curl_slist_append(hdrs, "Expect:");
	if (token) {
		snprintf(auth, sizeof(auth), "X-Auth-Token: %s", token);
		hdrs = curl_slist_append(hdrs, auth);
	}
	if (body)
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
	}
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "virga-agent");
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
	                (long)(timeout_ms < HTTP_CONNECT_MS ? timeout_ms : HTTP_CONNECT_MS));
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* no SIGALRM for DNS timeouts */
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cacert)
		curl_easy_setopt(curl, CURLOPT_CAINFO, cacert);
	if (client_cert) {
		curl_easy_setopt(curl, CURLOPT_SSLCERT, client_cert);
		curl_easy_setopt(curl, CURLOPT_SSLKEY, client_key);
	}
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, out->write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, out->data);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);

	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
	/* The handle outlives this call: forget the stack pointers it holds. */
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	if (rc != CURLE_OK)
		return fail(rc, errbuf, out->too_large && *out->too_large);
	last_error[0] = '\0';
	return 0;
}

int ag_http_request(const char *base_url, const char *method, const char *path, const char *token,
                const char *body, int timeout_ms, struct ag_http_resp *resp)
{
	struct body_buf b = {0};
	struct sink out = {on_data, &b, &b.too_large};
	long status;
	int rc;

	memset(resp, 0, sizeof(*resp));
	rc = transfer(base_url, method, path, token, body, timeout_ms, &out, &status);
	if (rc < 0) {
		free(b.data);
		return rc;
	}
	if (b.data == NULL && (b.data = calloc(1, 1)) == NULL)
		return -ENOMEM;
	resp->status = (int)status;
	resp->body = b.data;
	resp->len = b.len;
	return 0;
}

static size_t on_file_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	return fwrite(ptr, size, nmemb, arg) * size;
}

int ag_http_download(const char *base_url, const char *path, const char *token, FILE *out,
                int timeout_ms, int *status)
{
	struct sink s = {on_file_data, out, NULL};
	long st;
	int rc = transfer(base_url, "GET", path, token, NULL, timeout_ms, &s, &st);

	*status = (int)st;
	if (rc == 0 && fflush(out) != 0)
		rc = -errno;
	return rc;
}
