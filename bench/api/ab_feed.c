/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Timing a node's change feed (GET /internal/v1/nodes/NODE/changes), the
 * two reads an agent makes: its first sync (since=0, the node's whole
 * state) and a poll after one change (since the revision it has, after
 * one of its ports was updated). Each is the latency of one request on a
 * kept-alive connection that is otherwise idle, so it is the controller's
 * time to compute and send the answer plus one loopback round trip; the
 * one-change poll asks timeout=0, so it is never held. With the bench's
 * own controller, the controller's CPU time per read too, which the load
 * of other processes on the machine changes less than the latency.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ab.h"

/* The CPU ticks (user + system, all threads) of process pid so far; -1 if unknown. */
static long long cpu_ticks(int pid)
{
	unsigned long long utime, stime;
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields 14 and 15, counted after the command's closing parenthesis. */
	if (!(p = strrchr(buf, ')')) ||
	                sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
	                                &utime, &stime) != 2)
		return -1;
	return (long long)(utime + stime);
}

/* GET the feed since rev; 0 with *doc (a new reference) and its size, or
 * -errno; *ticks gets the controller's CPU ticks it took (-1: unknown). */
static int read_feed(struct ab_conn *c, const char *token, const char *node, int64_t since,
                int server_pid, double *ms, long long *ticks, size_t *bytes, json_t **doc)
{
	char path[256];
	struct ab_resp resp;
	long long cpu0 = cpu_ticks(server_pid), cpu1;
	int64_t t0 = ab_now_ns();
	int rc;

	snprintf(path, sizeof(path), "/internal/v1/nodes/%s/changes?since=%lld&timeout=0", node,
	                (long long)since);
	rc = ab_request(c, "GET", path, token, NULL, NULL, &resp);
	if (rc < 0)
		return rc;
	*ms = (double)(ab_now_ns() - t0) / 1e6;
	cpu1 = cpu_ticks(server_pid);
	*ticks = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1;
	if (resp.status != 200) {
		fprintf(stderr, "virga-apibench: feed: HTTP %d: %.200s\n", resp.status, resp.body);
		ab_resp_free(&resp);
		return -EPROTO;
	}
	*bytes = resp.body_len;
	*doc = json_loads(resp.body, 0, NULL);
	ab_resp_free(&resp);
	return *doc ? 0 : -EPROTO;
}

/* Renames port id (one change: the port's own revision moves, nothing else). */
static int change_port(struct ab_conn *c, const char *admin_token, const char *id, int n)
{
	char path[160], body[128];
	struct ab_resp resp;
	int rc;

	snprintf(path, sizeof(path), "/network/v2.0/ports/%s", id);
	snprintf(body, sizeof(body), "{\"port\": {\"name\": \"apibench-change-%d\"}}", n);
	rc = ab_request(c, "PUT", path, admin_token, NULL, body, &resp);
	if (rc < 0)
		return rc;
	if (resp.status != 200) {
		fprintf(stderr, "virga-apibench: PUT %s: HTTP %d: %.200s\n", path, resp.status,
		                resp.body);
		rc = -EPROTO;
	}
	ab_resp_free(&resp);
	return rc;
}

/* Records one read of doc; returns its revision, where the next poll starts. */
static int64_t note_read(struct ab_feed_reads *r, double ms, long long ticks, size_t bytes,
                const json_t *doc)
{
	if (ticks < 0 || r->cpu_ms < 0)
		r->cpu_ms = -1;
	else /* a running sum of ms until ab_feed_time divides it */
		r->cpu_ms += (double)ticks * 1000.0 / (double)sysconf(_SC_CLK_TCK);
	r->ms[r->runs++] = ms;
	r->bytes = bytes;
	r->ports = json_array_size(json_object_get(doc, "ports"));
	return json_integer_value(json_object_get(doc, "revision"));
}

/* ab_median sorts: on a copy, so the runs stay in the order they ran. */
static double median_of(const double *v, int n)
{
	double tmp[AB_FEED_MAX_READS];

	memcpy(tmp, v, sizeof(*v) * (size_t)n);
	return ab_median(tmp, (size_t)n);
}

int ab_feed_time(const char *url, const char *token, const char *admin_token, const char *node,
                int reads, int server_pid, struct ab_feed_times *t)
{
	char port[64] = "";
	struct ab_conn c;
	int64_t rev = 0;
	long long ticks;
	json_t *doc;
	size_t bytes;
	double ms;
	int rc, i;

	memset(t, 0, sizeof(*t));
	rc = ab_conn_open(&c, url);
	for (i = 0; rc == 0 && i < reads && i < AB_FEED_MAX_READS && !ab_stop; i++) {
		rc = read_feed(&c, token, node, 0, server_pid, &ms, &ticks, &bytes, &doc);
		if (rc < 0)
			break;
		rev = note_read(&t->full, ms, ticks, bytes, doc);
		snprintf(port, sizeof(port), "%s",
		                json_string_value(json_object_get(
		                                json_array_get(json_object_get(doc, "ports"), 0), "id"))
		                                ?: "");
		json_decref(doc);
	}
	for (i = 0; rc == 0 && port[0] && i < reads && i < AB_FEED_MAX_READS && !ab_stop; i++) {
		rc = change_port(&c, admin_token, port, i);
		if (rc == 0)
			rc = read_feed(&c, token, node, rev, server_pid, &ms, &ticks, &bytes, &doc);
		if (rc < 0)
			break;
		rev = note_read(&t->change, ms, ticks, bytes, doc);
		json_decref(doc);
	}
	ab_conn_close(&c);
	t->full.ms_median = median_of(t->full.ms, t->full.runs);
	t->change.ms_median = median_of(t->change.ms, t->change.runs);
	if (t->full.runs && t->full.cpu_ms >= 0)
		t->full.cpu_ms /= t->full.runs;
	if (t->change.runs && t->change.cpu_ms >= 0)
		t->change.cpu_ms /= t->change.runs;
	return rc;
}
