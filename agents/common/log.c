/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging for the whole agent (log.h): here rather than in main.c, so that
 * no file of the agent, and no unit test, depends on the program.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "common/log.h"

static enum ag_log_level log_level = AG_INFO;

void ag_log_set_level(enum ag_log_level level)
{
	log_level = level;
}

void ag_log(enum ag_log_level level, const char *fmt, ...)
{
	static const char *const names[] = {"ERROR", "WARN", "INFO", "DEBUG"};
	struct timespec ts;
	struct tm tm;
	char stamp[32];
	va_list ap;

	if (level > log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld virga-agent %s: ", stamp, ts.tv_nsec / 1000000, names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Ids (with the revision) already logged, so a problem is said once, not every pass. */
static json_t *noted;

bool ag_once(const char *key, json_int_t rev)
{
	if (noted == NULL)
		noted = json_object();
	if (json_integer_value(json_object_get(noted, key)) == rev &&
	                json_object_get(noted, key) != NULL)
		return false;
	json_object_set_new(noted, key, json_integer(rev));
	return true;
}
