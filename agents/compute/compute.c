/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node's servers, brought to the feed by libvirt, and their state
 * reported back (see compute.h).
 *
 * Power: "running" starts (or resumes) the domain, "paused" suspends it,
 * "shutoff" powers it off at once (virDomainDestroy: the tiny guest has no
 * ACPI daemon, and Nova's clean shutdown ends the same way after its
 * timeout). A reboot is a new "reboot" generation in the feed; the agent
 * resets the domain once for it (soft and hard alike, as Nova does for a
 * guest that ignores ACPI). A domain is persistent (defined), so a node or
 * libvirt restart finds it again; the agent only starts what the feed says.
 *
 * Reports: PUT /internal/v1/nodes/{node}/servers/{id}/status
 *   {"power_state": "running"|"paused"|"shutoff"|"error", "fault": TEXT|null, "reboot": N}
 * when it differs from the last one taken, and
 * PUT /internal/v1/nodes/{node}/servers/{id}/console {"output": TEXT}
 * (the console log's last CONSOLE_TAIL bytes) at most every
 * CONSOLE_EVERY_MS while it grows.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "common/feed.h"
#include "common/http.h"
#include "common/log.h"
#include "common/parse.h"
#include "common/state_dir.h"
#include "compute/compute.h"

#define DOMAIN_PREFIX "virga-"
#define REPORT_TIMEOUT_MS 5000
#define CONSOLE_TAIL (64 * 1024)
#define CONSOLE_EVERY_MS 2000

struct ag_compute {
	virConnectPtr conn;
	char *uri;
	const char *controller, *token, *node;
	bool kvm;
	json_t *reported; /* server id -> the last status the controller took */
	json_t *failed;   /* server id -> the feed object that could not be built */
	json_t *rebooted; /* server id -> the reboot generation done */
	json_t *console;  /* server id -> console log size last sent */
	int64_t console_next_ms;
	struct ag_volumes *volumes; /* volumes.c */
};

int64_t ag_compute_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* libvirt's errors are read where they happen (virGetLastErrorMessage), not printed. */
static void quiet(void *arg, virErrorPtr err)
{
	(void)arg, (void)err;
}

static bool connect_libvirt(struct ag_compute *c)
{
	if (c->conn != NULL && virConnectIsAlive(c->conn) == 1)
		return true;
	if (c->conn != NULL)
		virConnectClose(c->conn);
	c->conn = virConnectOpen(c->uri);
	if (c->conn == NULL && ag_once("libvirt-down", 0))
		ag_log(AG_ERR, "cannot connect to libvirt at %s: %s (servers wait)", c->uri,
		                virGetLastErrorMessage());
	else if (c->conn != NULL)
		ag_log(AG_INFO, "libvirt %s connected; guests run on %s", c->uri,
		                c->kvm ? "KVM" : "TCG (no usable KVM here)");
	return c->conn != NULL;
}

struct ag_compute *ag_compute_open(const char *uri, const char *controller, const char *token,
                const char *node)
{
	struct ag_compute *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->uri = strdup(uri)) == NULL) {
		free(c);
		return NULL;
	}
	virSetErrorFunc(NULL, quiet);
	c->controller = controller;
	c->token = token;
	c->node = node;
	c->kvm = ag_kvm_usable();
	c->reported = json_object();
	c->failed = json_object();
	c->rebooted = json_object();
	c->console = json_object();
	c->volumes = ag_volumes_new();
	connect_libvirt(c); /* not yet is fine: each pass tries again */
	return c;
}

void ag_compute_close(struct ag_compute *c)
{
	if (c == NULL)
		return;
	if (c->conn)
		virConnectClose(c->conn);
	json_decref(c->reported);
	json_decref(c->failed);
	json_decref(c->rebooted);
	json_decref(c->console);
	ag_volumes_free(c->volumes);
	free(c->uri);
	free(c);
}

static void put(struct ag_compute *c, const char *id, const char *what, json_t *body,
                bool *taken)
{
	char path[384], *text = json_dumps(body, JSON_COMPACT);
	struct ag_http_resp resp;
	int rc;

	*taken = false;
	if (text == NULL)
		return;
	snprintf(path, sizeof(path), "/internal/v1/nodes/%s/servers/%s/%s", c->node, id, what);
	rc = ag_http_request(c->controller, "PUT", path, c->token, text, REPORT_TIMEOUT_MS, &resp);
	free(text);
	if (rc < 0)
		return;
	*taken = resp.status / 100 == 2;
	if (!*taken)
		ag_log(AG_WARN, "server %s: %s report refused: HTTP %d: %.200s", id, what,
		                resp.status, resp.body);
	free(resp.body);
}

bool ag_compute_put(struct ag_compute *c, const char *id, const char *what, json_t *body)
{
	bool taken;

	put(c, id, what, body, &taken);
	return taken;
}

static void report(struct ag_compute *c, const char *id, const char *state, const char *fault,
                json_int_t reboot)
{
	json_t *body = json_pack("{s:s, s:s?, s:I}", "power_state", state, "fault", fault,
	                "reboot", (json_int_t)reboot);
	bool taken;

	if (body == NULL || json_equal(json_object_get(c->reported, id), body)) {
		json_decref(body);
		return;
	}
	put(c, id, "status", body, &taken);
	if (taken) {
		ag_log(AG_INFO, "server %s: %s%s%s", id, state, fault ? ": " : "", fault ? fault : "");
		json_object_set_new(c->reported, id, body);
	} else {
		json_decref(body);
	}
}

static const char *state_name(virDomainPtr dom)
{
	int state, reason;

	if (virDomainGetState(dom, &state, &reason, 0) < 0)
		return "error";
	switch (state) {
	case VIR_DOMAIN_RUNNING:
	case VIR_DOMAIN_BLOCKED:
		return "running";
	case VIR_DOMAIN_PAUSED:
	case VIR_DOMAIN_PMSUSPENDED:
		return "paused";
	case VIR_DOMAIN_CRASHED:
		return "error";
	default:
		return "shutoff";
	}
}

/* Whether the engine has every port of s programmed: QEMU would wait for it. */
static bool ports_ready(const struct ag_server *s, const json_t *ports_ok)
{
	char tap[DP_PORT_NAME_LEN];
	const json_t *p;
	size_t i;

	json_array_foreach(s->ports, i, p)
	{
		const char *id = json_string_value(json_object_get(p, "port_id"));

		if (id == NULL)
			return false;
		snprintf(tap, sizeof(tap), "tap%.*s", AG_PORT_ID_CHARS, id);
		if (!json_is_true(json_object_get(ports_ok, tap)))
			return false;
	}
	return true;
}

/* The server failed to build: reported with its fault, not tried again for this object. */
static void failed(struct ag_compute *c, const json_t *o, const char *id, const char *fault)
{
	json_object_set(c->failed, id, (json_t *)o);
	report(c, id, "error", fault, 0);
}

static virDomainPtr define(struct ag_compute *c, const json_t *o, const struct ag_server *s)
{
	char dir[PATH_MAX], fault[512];
	virDomainPtr dom;
	char *xml;

	if (ag_instance_prepare(s, c->controller, c->token, fault, sizeof(fault)) < 0) {
		failed(c, o, s->id, fault);
		return NULL;
	}
	ag_instance_dir(s->id, dir, sizeof(dir));
	xml = ag_domain_xml(s, dir, c->kvm);
	dom = xml ? virDomainDefineXML(c->conn, xml) : NULL;
	free(xml);
	if (dom == NULL)
		failed(c, o, s->id, virGetLastErrorMessage());
	else
		ag_log(AG_INFO, "server %s: domain %s%s defined", s->id, DOMAIN_PREFIX, s->id);
	return dom;
}

/* Brings the domain's power to what s asks; a libvirt refusal is the fault. */
static const char *apply_power(virDomainPtr dom, const struct ag_server *s, bool ready)
{
	const char *have = state_name(dom);
	int rc = 0;

	if (strcmp(s->power, "shutoff") == 0) {
		if (strcmp(have, "shutoff") != 0)
			rc = virDomainDestroy(dom);
	} else if (strcmp(have, "shutoff") == 0 || strcmp(have, "error") == 0) {
		if (!ready)
			return NULL; /* its ports first: QEMU waits for the engine */
		rc = virDomainCreate(dom);
		if (rc == 0 && strcmp(s->power, "paused") == 0)
			rc = virDomainSuspend(dom);
	} else if (strcmp(s->power, "paused") == 0 && strcmp(have, "running") == 0) {
		rc = virDomainSuspend(dom);
	} else if (strcmp(s->power, "running") == 0 && strcmp(have, "paused") == 0) {
		rc = virDomainResume(dom);
	}
	return rc < 0 ? virGetLastErrorMessage() : NULL;
}

/* The console log's last CONSOLE_TAIL bytes, as JSON-safe text (UTF-8 or not, the guest wrote it). */
static json_t *console_tail(const char *path, off_t size)
{
	off_t from = size > CONSOLE_TAIL ? size - CONSOLE_TAIL : 0;
	char *buf = malloc(CONSOLE_TAIL + 1);
	FILE *f = fopen(path, "rb");
	size_t n = 0, out = 0;
	json_t *text = NULL;

	if (buf != NULL && f != NULL && fseeko(f, from, SEEK_SET) == 0) {
		n = fread(buf, 1, CONSOLE_TAIL, f);
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)buf[i];

			if (ch == '\r')
				continue;
			buf[out++] = ch == '\n' || ch == '\t' || (ch >= 0x20 && ch < 0x7f) ? (char)ch
			                                                                : '?';
		}
		text = json_stringn(buf, out);
	}
	if (f != NULL)
		fclose(f);
	free(buf);
	return text;
}

static void send_console(struct ag_compute *c, const char *id)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	struct stat st;
	json_t *text, *body;
	bool taken;

	if (ag_instance_dir(id, dir, sizeof(dir)) < 0)
		return;
	snprintf(path, sizeof(path), "%s/console.log", dir);
	if (stat(path, &st) < 0 ||
	                json_integer_value(json_object_get(c->console, id)) == (json_int_t)st.st_size)
		return;
	text = console_tail(path, st.st_size);
	if (text == NULL)
		return;
	body = json_pack("{s:o}", "output", text); /* takes text */
	if (body == NULL)
		return;
	put(c, id, "console", body, &taken); /* put only reads it: it was leaked every 2 s */
	json_decref(body);
	if (taken)
		json_object_set_new(c->console, id, json_integer((json_int_t)st.st_size));
}

static void reconcile_one(struct ag_compute *c, const json_t *o, const json_t *ports_ok,
                bool console_due)
{
	struct ag_server s;
	const char *why, *fault, *state;
	virDomainPtr dom;
	bool ready;
	json_int_t done;

	if (ag_server_parse(o, &s, &why) < 0) {
		if (s.id != NULL && !json_equal(json_object_get(c->failed, s.id), o))
			failed(c, o, s.id, why);
		return;
	}
	if (json_equal(json_object_get(c->failed, s.id), o))
		return; /* reported in error; a new version of it is tried again */
	json_object_del(c->failed, s.id);
	ready = ports_ready(&s, ports_ok);
	dom = virDomainLookupByUUIDString(c->conn, s.id);
	if (dom == NULL) {
		if (!ready)
			return; /* built once its ports are in the engine; BUILD until then */
		dom = define(c, o, &s);
		if (dom == NULL)
			return;
	}
	fault = apply_power(dom, &s, ready);
	/* A reboot asked before the agent saw the server is not one to do now. */
	if (json_object_get(c->rebooted, s.id) == NULL)
		json_object_set_new(c->rebooted, s.id, json_integer(s.reboot));
	done = json_integer_value(json_object_get(c->rebooted, s.id));
	if (fault == NULL && s.reboot > done && strcmp(state_name(dom), "running") == 0) {
		if (virDomainReset(dom, 0) < 0)
			fault = virGetLastErrorMessage();
		else
			ag_log(AG_INFO, "server %s: reset (reboot %lld)", s.id, (long long)s.reboot);
		json_object_set_new(c->rebooted, s.id, json_integer(s.reboot));
	}
	state = fault ? "error" : state_name(dom);
	report(c, s.id, state, fault, json_integer_value(json_object_get(c->rebooted, s.id)));
	if (c->volumes != NULL)
		ag_volumes_reconcile(c->volumes, c, dom, &s);
	virDomainFree(dom);
	if (console_due)
		send_console(c, s.id);
}

static bool wanted_here(const struct ag_compute *c, const json_t *o)
{
	const char *host = json_string_value(json_object_get(o, "host"));

	return o != NULL && (host == NULL || strcmp(host, c->node) == 0);
}

/* The "virga-" domains the feed no longer has here: gone, with their instance directories. */
static void remove_unwanted(struct ag_compute *c, const json_t *servers)
{
	virDomainPtr *doms = NULL;
	char uuid[VIR_UUID_STRING_BUFLEN];
	int n = virConnectListAllDomains(c->conn, &doms, 0);

	for (int i = 0; i < n; i++) {
		const char *name = virDomainGetName(doms[i]);

		if (name != NULL && strncmp(name, DOMAIN_PREFIX, strlen(DOMAIN_PREFIX)) == 0 &&
		                virDomainGetUUIDString(doms[i], uuid) == 0 &&
		                !wanted_here(c, json_object_get(servers, uuid))) {
			if (virDomainIsActive(doms[i]) == 1)
				virDomainDestroy(doms[i]);
			if (virDomainUndefine(doms[i]) < 0)
				ag_log(AG_WARN, "cannot undefine %s: %s", name, virGetLastErrorMessage());
			else
				ag_log(AG_INFO, "server %s: gone; domain %s removed", uuid, name);
			ag_instance_remove(uuid);
			json_object_del(c->reported, uuid);
			json_object_del(c->failed, uuid);
			json_object_del(c->rebooted, uuid);
			json_object_del(c->console, uuid);
			if (c->volumes != NULL)
				ag_volumes_forget(c->volumes, uuid);
		}
		virDomainFree(doms[i]);
	}
	free(doms);
}

void ag_compute_reconcile(struct ag_compute *c, struct ag_feed *f, const json_t *ports_ok)
{
	int64_t now = ag_compute_now_ms();
	bool console_due = now >= c->console_next_ms;
	const char *id;
	json_t *o;

	if (!connect_libvirt(c))
		return;
	if (console_due)
		c->console_next_ms = now + CONSOLE_EVERY_MS;
	json_object_foreach(f->servers, id, o)
		if (wanted_here(c, o))
			reconcile_one(c, o, ports_ok, console_due);
	remove_unwanted(c, f->servers);
}
