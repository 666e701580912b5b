/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "feed_test.h"

static const struct cp_caller admin = {
	.user_id = "u-admin", .user_name = "admin", .project_id = "p-admin", .is_admin = true};

void feed_test_open(struct feed_test *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "/tmp/virga-feed.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/virga.db", t->dir);
	assert_int_equal(cp_db_open(&t->db, t->path), 0);
	t->ctx = (struct cp_ctx){.db = t->db, .caller = &admin};
	feed_test_report(t, "n1", "192.0.2.1");
	feed_test_report(t, "n2", "192.0.2.2");
	feed_test_report(t, "n3", "192.0.2.3");
}

void feed_test_close(struct feed_test *t)
{
	char cmd[128];

	cp_db_close(t->db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
	assert_int_equal(system(cmd), 0);
}

int feed_test_teardown(void **state)
{
	feed_test_close(*state);
	free(*state);
	return 0;
}

void feed_test_create(struct feed_test *t, const struct cp_kind *k, const char *text, char *id)
{
	json_t *req = json_loads(text, 0, NULL), *out = NULL;

	assert_non_null(req);
	if (cp_res_create(&t->ctx, k, req, &out) != 0)
		fail_msg("create %s: %s", k->name, t->ctx.err.msg);
	if (id)
		snprintf(id, CP_ID_LEN, "%s", cp_json_str(out, "id"));
	json_decref(req);
	json_decref(out);
}

void feed_test_network(struct feed_test *t, const char *extra, const char *cidr, char *net,
	char *sub)
{
	char text[256], id[CP_ID_LEN];

	snprintf(text, sizeof(text), "{\"name\": \"n\"%s}", extra);
	feed_test_create(t, &cp_kind_network, text, id);
	if (net)
		snprintf(net, CP_ID_LEN, "%s", id);
	snprintf(text, sizeof(text),
		"{\"network_id\": \"%s\", \"cidr\": \"%s\", \"ip_version\": 4}", id, cidr);
	feed_test_create(t, &cp_kind_subnet, text, sub);
}

void feed_test_port(struct feed_test *t, const char *net, const char *host, char *id)
{
	char text[256];

	snprintf(text, sizeof(text), "{\"network_id\": \"%s\", \"binding:host_id\": \"%s\"}", net,
		host);
	feed_test_create(t, &cp_kind_port, text, id);
}

void feed_test_report(struct feed_test *t, const char *node, const char *tunnel_ip)
{
	json_t *r = json_pack("{s:s, s:s, s:{s:o}}", "agent_type", "Virga agent", "binary",
		"virga-agent", "configurations", "tunneling_ip",
		tunnel_ip ? json_string(tunnel_ip) : json_null()), *out = NULL;

	assert_true(cp_agent_report(&t->ctx, node, r, &out) >= 0);
	json_decref(r);
	json_decref(out);
}

json_t *feed_test_feed(struct feed_test *t, const char *node, int64_t since, int64_t *rev)
{
	json_t *out = NULL;

	assert_int_equal(cp_feed_changes(&t->ctx, node, since, &out), 0);
	if (rev)
		*rev = json_integer_value(json_object_get(out, "revision"));
	return out;
}

/* "node:port_id,port_id;node:..." of an l2pop entry (NULL entry: "-"),
 * and each remote port's MAC and IPs checked against the port itself. */
const char *feed_test_remote(struct feed_test *t, const json_t *entry)
{
	static char buf[2048];
	size_t len = 0, i, j;
	json_t *r, *p;

	if (!entry)
		return "-";
	buf[0] = '\0';
	json_array_foreach(json_object_get(entry, "remote"), i, r) {
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s:", i ? ";" : "",
			cp_json_str(r, "node"));
		json_array_foreach(json_object_get(r, "ports"), j, p) {
			json_t *stored = cp_obj_get(t->db, "port", cp_json_str(p, "port_id"));

			assert_non_null(stored);
			assert_string_equal(cp_json_str(p, "mac_address"),
				cp_json_str(stored, "mac_address"));
			assert_string_equal(json_string_value(json_array_get(
						    json_object_get(p, "ip_addresses"), 0)),
				cp_json_str(json_array_get(json_object_get(stored, "fixed_ips"), 0),
					"ip_address"));
			json_decref(stored);
			len += snprintf(buf + len, sizeof(buf) - len, "%s%.4s", j ? "," : "",
				cp_json_str(p, "port_id"));
		}
	}
	return buf;
}
