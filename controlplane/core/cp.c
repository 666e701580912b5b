/* SPDX-License-Identifier: Apache-2.0 */
#include "cp.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sodium.h>

int cp_fail(struct cp_err *err, int code, const char *type, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	snprintf(err->type, sizeof(err->type), "%s", type);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void cp_uuid(char out[CP_ID_LEN], bool dashes)
{
	uint8_t b[16];

	randombytes_buf(b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40; /* RFC 4122 version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;
	if (dashes)
		snprintf(out, CP_ID_LEN,
			"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
			b[12], b[13], b[14], b[15]);
	else
		sodium_bin2hex(out, CP_ID_LEN, b, sizeof(b));
}

void cp_deadline(struct timespec *ts, int timeout_ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += timeout_ms / 1000;
	ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int64_t cp_now(void)
{
	return (int64_t)time(NULL);
}

void cp_time_iso(char out[32], int64_t unix_sec)
{
	time_t t = (time_t)unix_sec;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *cp_json_str(const json_t *obj, const char *key)
{
	const json_t *v = obj ? json_object_get(obj, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

bool cp_json_bool(const json_t *obj, const char *key, bool dflt)
{
	const json_t *v = obj ? json_object_get(obj, key) : NULL;

	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

bool cp_json_truthy(const json_t *v)
{
	return json_is_true(v) ||
		(json_is_string(v) && strcasecmp(json_string_value(v), "true") == 0);
}

long long cp_json_count(const json_t *v)
{
	if (json_is_string(v)) {
		char *end;
		long long n = strtoll(json_string_value(v), &end, 10);

		return *end == '\0' && n >= 0 ? n : -1;
	}
	return json_is_integer(v) && json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
}
