/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Nova's microversion headers. Virga serves 2.1 only (the version document
 * says min_version = version = 2.1), so a client that negotiates, as the
 * openstack CLI and openstacksdk do, asks for 2.1; one that asks for more
 * hears 406, as Nova answers a version outside its range, rather than a
 * 2.1 body it would misread. The version is read as Nova's
 * microversion_parse does: "OpenStack-API-Version: compute X.Y" (a list of
 * "service version" pairs), else the legacy X-OpenStack-Nova-API-Version;
 * "latest" is the maximum. Every answer under /compute/v2.1 names the
 * version it speaks, in both headers, as Nova's.
 *
 * Cinder's is read the same way ("volume 3.42"), only to know whether a
 * request may use what a later version allows (in-use extend): the
 * volume answers are 3.0's whatever is asked.
 */
#include "api.h"

#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NOVA_MIN_MAJOR 2
#define NOVA_MIN_MINOR 1
#define NOVA_MAX_MAJOR 2
#define NOVA_MAX_MINOR 1

/* The service's entry of an OpenStack-API-Version value ("compute 2.1,
 * volume 3.0") into out; false when there is none. */
static bool service_entry(const char *value, const char *service, char *out, size_t len)
{
	const char *p = value;
	size_t sn = strlen(service);

	while (*p) {
		const char *end = strchr(p, ','), *v;
		size_t n;

		if (end == NULL)
			end = p + strlen(p);
		while (p < end && isspace((unsigned char)*p))
			p++;
		if ((size_t)(end - p) > sn && strncasecmp(p, service, sn) == 0 &&
			isspace((unsigned char)p[sn])) {
			for (v = p + sn; v < end && isspace((unsigned char)*v); v++)
				;
			for (n = (size_t)(end - v); n > 0 && isspace((unsigned char)v[n - 1]); n--)
				;
			snprintf(out, len, "%.*s", (int)n, v);
			return true;
		}
		p = *end ? end + 1 : end;
	}
	return false;
}

/* Nova's APIVersionRequest format: ^([1-9]\d*)\.([1-9]\d*|0)$. */
static bool parse_version(const char *s, long *major, long *minor)
{
	char *end;

	if (!isdigit((unsigned char)s[0]) || s[0] == '0')
		return false;
	*major = strtol(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]) || (end[1] == '0' && end[2] != '\0'))
		return false;
	*minor = strtol(end + 1, &end, 10);
	return *end == '\0' && *major < 1000 && *minor < 100000;
}

int api_nova_microversion(struct api_req *req)
{
	const char *hdr = NULL, *legacy = NULL;
	char asked[64];
	long major, minor;

	/* The version list at /compute is no versioned resource (Nova's / either). */
	if (req->nseg < 2 || strcmp(req->seg[0], "compute") != 0)
		return 0;
	req->nova_version_headers = true;
	if (req->conn) {
		hdr = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "OpenStack-API-Version");
		legacy = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND,
			"X-OpenStack-Nova-API-Version");
	}
	if (hdr && service_entry(hdr, "compute", asked, sizeof(asked)))
		;
	else if (legacy)
		snprintf(asked, sizeof(asked), "%s", legacy);
	else
		return 0;
	if (strcasecmp(asked, "latest") == 0)
		return 0;
	if (!parse_version(asked, &major, &minor))
		return cp_fail(&req->ctx.err, -EINVAL, "badRequest",
			"API Version String %s is of invalid format. Must be of format MajorNum.MinorNum.",
			asked);
	if (major < NOVA_MIN_MAJOR || (major == NOVA_MIN_MAJOR && minor < NOVA_MIN_MINOR) ||
		major > NOVA_MAX_MAJOR || (major == NOVA_MAX_MAJOR && minor > NOVA_MAX_MINOR))
		return cp_fail(&req->ctx.err, -EPROTONOSUPPORT, "computeFault",
			"Version %ld.%ld is not supported by the API. Minimum is %d.%d and maximum is %d.%d.",
			major, minor, NOVA_MIN_MAJOR, NOVA_MIN_MINOR, NOVA_MAX_MAJOR, NOVA_MAX_MINOR);
	return 0;
}

bool api_volume_version_at_least(struct api_req *req, long major, long minor)
{
	const char *hdr = req->conn ? MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND,
						"OpenStack-API-Version") : NULL;
	char asked[64];
	long have_major, have_minor;

	/* No header: Cinder's base version, 3.0. */
	if (hdr == NULL || !service_entry(hdr, "volume", asked, sizeof(asked)))
		return major < 3 || (major == 3 && minor == 0);
	if (strcasecmp(asked, "latest") == 0)
		return true;
	if (!parse_version(asked, &have_major, &have_minor))
		return false;
	return have_major > major || (have_major == major && have_minor >= minor);
}
