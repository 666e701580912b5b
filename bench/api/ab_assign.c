/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --assignments N: N more role assignments before the rounds, each a fresh
 * user with the member role on the bench's own project. They go where a
 * token's role resolution looks (the project's assignments), so a
 * validation whose cost grows with them shows it; assignments on other
 * projects an index skips already (BENCHMARKS.md, issue 12).
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "ab.h"

#define AB_ASSIGN_CONC 4

struct assign_job {
	const char *url, *token;
	char project[128], role[128];
	int n;
	_Atomic int next;
	_Atomic int failed; /* the first -errno, or 0 */
};

/* The id of the role named name (GET /identity/v3/roles?name=). */
static int role_id(struct ab_conn *c, const char *token, const char *name, char *out, size_t cap)
{
	char path[160];
	struct ab_resp resp;
	json_t *j, *id;
	int rc;

	snprintf(path, sizeof(path), "/identity/v3/roles?name=%s", name);
	rc = ab_request(c, "GET", path, token, NULL, NULL, &resp);
	if (rc < 0)
		return rc;
	j = resp.status == 200 ? json_loads(resp.body, 0, NULL) : NULL;
	id = json_object_get(json_array_get(json_object_get(j, "roles"), 0), "id");
	rc = json_is_string(id) ? 0 : -EPROTO;
	if (rc == 0)
		snprintf(out, cap, "%s", json_string_value(id));
	else
		fprintf(stderr, "virga-apibench: role %s: HTTP %d\n", name, resp.status);
	json_decref(j);
	ab_resp_free(&resp);
	return rc;
}

/* User number i, and its role on the project. */
static int assign_one(struct assign_job *job, struct ab_conn *c, int i)
{
	char body[256], user[128], path[512];
	struct ab_resp resp;
	int rc;

	snprintf(body, sizeof(body),
	                "{\"user\": {\"name\": \"apibench-user-%d\", \"domain_id\": \"default\"}}",
	                i);
	rc = ab_create(c, job->token, "/identity/v3/users", "user", body, user, sizeof(user));
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "/identity/v3/projects/%s/users/%s/roles/%s", job->project,
	                user, job->role);
	rc = ab_request(c, "PUT", path, job->token, NULL, NULL, &resp);
	if (rc < 0)
		return rc;
	if (resp.status != 204) {
		fprintf(stderr, "virga-apibench: PUT %s: HTTP %d\n", path, resp.status);
		rc = -EPROTO;
	}
	ab_resp_free(&resp);
	return rc;
}

static void *assign_worker(void *arg)
{
	struct assign_job *job = arg;
	struct ab_conn c;
	int i, rc = ab_conn_open(&c, job->url);

	while (rc == 0 && !ab_stop && !atomic_load(&job->failed) &&
	                (i = atomic_fetch_add(&job->next, 1)) < job->n)
		rc = assign_one(job, &c, i);
	if (rc < 0) {
		int zero = 0;

		atomic_compare_exchange_strong(&job->failed, &zero, rc);
	}
	ab_conn_close(&c);
	return NULL;
}

int ab_add_assignments(const char *url, const char *token, int n)
{
	struct assign_job job = {.url = url, .token = token, .n = n};
	pthread_t th[AB_ASSIGN_CONC];
	struct ab_conn c;
	int k, rc = ab_conn_open(&c, url);

	if (rc == 0)
		rc = ab_token_project(&c, token, job.project, sizeof(job.project));
	if (rc == 0)
		rc = role_id(&c, token, "member", job.role, sizeof(job.role));
	ab_conn_close(&c);
	if (rc < 0)
		return rc;
	for (k = 0; k < AB_ASSIGN_CONC; k++)
		pthread_create(&th[k], NULL, assign_worker, &job);
	for (k = 0; k < AB_ASSIGN_CONC; k++)
		pthread_join(th[k], NULL);
	if (ab_stop)
		return -EINTR;
	return atomic_load(&job.failed);
}
