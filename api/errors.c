/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one place where a negative errno becomes an HTTP status, and where
 * error bodies get their OpenStack shape (Keystone's "error", Neutron's
 * "NeutronError", Glance's bare code/title/message).
 */
#include "api.h"

#include <errno.h>
#include <stdio.h>

int api_http_status(int err)
{
	switch (-err) {
	case EINVAL:
	case EBADMSG:
	case EDESTADDRREQ:
		return 400;
	case ENOKEY:
	case EKEYEXPIRED:
	case EKEYREVOKED:
	case EKEYREJECTED:
		return 401;
	case EPERM:
	case EACCES:
		return 403;
	case ENOENT:
		return 404;
	case EOPNOTSUPP:
		return 405;
	case EPROTONOSUPPORT: /* an API (micro)version not served */
		return 406;
	case EEXIST:
	case EBUSY:
	case EADDRINUSE:
	case ENOSPC:
	case ENOTEMPTY:
	case EDQUOT:
		return 409;
	case EMSGSIZE:
		return 413;
	case ENAMETOOLONG:
		return 414;
	case EAGAIN:
		return 429;
	case ENOSYS:
		return 501;
	case ETIMEDOUT:
		return 504;
	default:
		return 500;
	}
}

static const char *title_of(int status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 406:
		return "Not Acceptable";
	case 409:
		return "Conflict";
	case 413:
		return "Request Entity Too Large";
	case 414:
		return "Request-URI Too Long";
	case 429:
		return "Too Many Requests";
	case 501:
		return "Not Implemented";
	default:
		return "Internal Server Error";
	}
}

/* Nova's fault names: the service's own (lower camel case) or the status's. */
static const char *nova_type(int status, const char *type)
{
	if (type[0] >= 'a' && type[0] <= 'z')
		return type;
	switch (status) {
	case 400: return "badRequest";
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "itemNotFound";
	case 405: return "badMethod";
	case 409: return "conflictingRequest";
	case 413: return "overLimit";
	case 429: return "overLimit";
	default: return "computeFault";
	}
}

json_t *api_error_body(enum api_flavor flavor, int status, const struct cp_err *err)
{
	if (flavor == API_KEYSTONE)
		return json_pack("{s:{s:i, s:s, s:s}}", "error", "code", status, "title",
			title_of(status), "message", err->msg);
	if (flavor == API_GLANCE) { /* webob's shape, as Glance answers */
		char code[48];

		snprintf(code, sizeof(code), "%d %s", status, title_of(status));
		return json_pack("{s:s, s:s, s:s}", "code", code, "title", title_of(status),
			"message", err->msg);
	}
	if (flavor == API_NOVA) /* {"itemNotFound": {"code": 404, "message": ...}} */
		return json_pack("{s:{s:i, s:s}}", nova_type(status, err->type), "code", status,
			"message", err->msg);
	return json_pack("{s:{s:s, s:s, s:s}}", "NeutronError", "type", err->type, "message",
		err->msg, "detail", "");
}
