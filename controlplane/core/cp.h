/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Control-plane core types shared by every service: the caller a request runs
 * as, the error a service returns (negative errno + OpenStack error type +
 * message) and small helpers. Nothing here knows about HTTP or SQL.
 * All functions are for control threads only.
 */
#ifndef CP_CP_H
#define CP_CP_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#define CP_ID_LEN 40

struct cp_caller {
	char user_id[CP_ID_LEN];
	char user_name[256];
	char project_id[CP_ID_LEN];
	char domain_id[CP_ID_LEN];
	char project_domain_id[CP_ID_LEN]; /* the scope's domain: readable by its members */
	bool is_admin;   /* holds the admin role on its scope */
	bool is_service; /* the agents' shared service token */
	/* The application credential the token was made with ("" none), and
	 * whether it is restricted: such a token cannot make or delete
	 * application credentials (Keystone's unrestricted flag). */
	char app_cred_id[CP_ID_LEN];
	bool app_cred_restricted;
	bool app_cred_rules; /* it has access rules: each request must match one */
};

/* A service error: code is a negative errno, type an OpenStack error type
 * such as "NetworkNotFound"; message is for humans. */
struct cp_err {
	int code;
	char type[64];
	char msg[320];
};

/* Fills err and returns code (a negative errno), for `return cp_fail(...)`. */
int cp_fail(struct cp_err *err, int code, const char *type, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Random UUID, "8-4-4-4-12" with dashes (Neutron) or 32 hex digits (Keystone). */
void cp_uuid(char out[CP_ID_LEN], bool dashes);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" (Neutron) into out[32]. */
void cp_time_iso(char out[32], int64_t unix_sec);
int64_t cp_now(void);
/* *ts = now + timeout_ms on CLOCK_REALTIME, for pthread_cond_timedwait. */
struct timespec;
void cp_deadline(struct timespec *ts, int timeout_ms);

/* Cheap JSON accessors that tolerate a missing key or wrong type. */
const char *cp_json_str(const json_t *obj, const char *key);
bool cp_json_bool(const json_t *obj, const char *key, bool dflt);
/* What OpenStack's clients send as booleans: true, or the string "true"
 * in any case (the CLI sends some flags so). */
bool cp_json_truthy(const json_t *v);
/* A non-negative integer, or its decimal string (clients send numbers as
 * strings too); -1 for anything else. */
long long cp_json_count(const json_t *v);

#endif
