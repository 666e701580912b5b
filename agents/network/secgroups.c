/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Neutron security groups as the dataplane's per-port filters.
 *
 * The dataplane knows no groups: it takes one flat rule list per port
 * (DP_MSG_SG_SET), so the agent flattens the rules of all the port's
 * groups, from the feed's cache, and expands each remote-group rule into
 * one rule per member address of that family (the feed sends a remote
 * group's "members": the fixed IPs and address pairs of every port in it,
 * the port's own included, as Neutron does). A port without port security
 * or without groups gets no filter (enabled = 0).
 *
 * As for port security, the dataplane's copy is not compared rule by rule:
 * a digest of what was sent is kept in `applied` under "sg:PORT", the whole
 * set is sent again only when the digest changes, and once per agent start
 * and dataplane boot (the dataplane keeps established connections when the
 * rules it gets are the ones it has).
 *
 * Rule ids are a hash of the Neutron rule and the member address, not a
 * position, so a set that gains a member keeps the ids of the others.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <virga/dp_client.h>

#include "common/log.h"
#include "common/parse.h"
#include "network/secgroups.h"

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* Neutron's protocol (a name, a number as text, or null) as an IP protocol number; -1 unknown. */
static int proto_number(const json_t *v, uint8_t family)
{
	static const struct {
		const char *name;
		int number;
	} names[] = {
	                {"any", 0}, {"tcp", 6}, {"udp", 17}, {"icmpv6", 58}, {"ipv6-icmp", 58},
	                {"sctp", 132}, {"udplite", 136}, {"dccp", 33}, {"gre", 47}, {"esp", 50},
	                {"ah", 51}, {"igmp", 2}, {"ipip", 4}, {"ospf", 89}, {"pgm", 113},
	                {"vrrp", 112}, {"egp", 8}, {"rsvp", 46}, {"ipv6-encap", 41},
	                {"ipv6-route", 43}, {"ipv6-frag", 44}, {"ipv6-nonxt", 59},
	                {"ipv6-opts", 60},
	                /* Not "hopopt" (0): the dataplane's 0 is any protocol. */
	};
	const char *s = json_string_value(v);
	char *end;
	long n;

	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v))
		n = (long)json_integer_value(v);
	else if (s == NULL || s[0] == '\0')
		return s ? 0 : -1;
	else if (strcmp(s, "icmp") == 0)
		/* Neutron means ICMPv6 by "icmp" on an IPv6 rule. */
		return family == AF_INET6 ? 58 : 1;
	else {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(s, names[i].name) == 0)
				return names[i].number;
		n = strtol(s, &end, 10);
		if (*end != '\0')
			return -1;
	}
	return n >= 0 && n <= 255 ? (int)n : -1;
}

/* The protocols Neutron takes port ranges on. */
static bool proto_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 33 || proto == 136;
}

struct sg_set {
	struct dp_sg_rule_spec *rules;
	size_t n, cap;
};

static int set_push(struct sg_set *s, const struct dp_sg_rule_spec *r)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct dp_sg_rule_spec *grown = realloc(s->rules, cap * sizeof(*grown));

		if (grown == NULL)
			return -ENOMEM;
		s->rules = grown;
		s->cap = cap;
	}
	s->rules[s->n++] = *r;
	return 0;
}

/* A stable id for rule_id (+ member address), unique within s. */
static uint32_t rule_id(const struct sg_set *s, const char *neutron_id, const char *member)
{
	uint64_t h = ag_fnv1a(AG_FNV1A_INIT, neutron_id, strlen(neutron_id));
	uint32_t id;
	bool taken;

	h = ag_fnv1a(h, member, strlen(member));
	id = (uint32_t)(h ^ (h >> 32));
	do {
		taken = false;
		for (size_t i = 0; i < s->n && !taken; i++)
			taken = s->rules[i].id == id;
		id += taken;
	} while (taken);
	return id;
}

/* One Neutron rule without its remote into r; false (logged) when it cannot be read. */
static bool rule_base(const json_t *g, const json_t *rule, struct dp_sg_rule_spec *r)
{
	const json_t *lo = json_object_get(rule, "port_range_min");
	const json_t *hi = json_object_get(rule, "port_range_max");
	int proto;

	memset(r, 0, sizeof(*r));
	r->direction = strcmp(str(rule, "direction"), "egress") == 0 ? DP_SG_DIR_EGRESS
	                                                             : DP_SG_DIR_INGRESS;
	r->family = strcmp(str(rule, "ethertype"), "IPv6") == 0 ? AF_INET6 : AF_INET;
	proto = proto_number(json_object_get(rule, "protocol"), r->family);
	if (proto < 0) {
		char key[160];

		/* Left out: one rule fewer only ever allows less. */
		snprintf(key, sizeof(key), "sgproto/%s", str(rule, "id"));
		if (ag_once(key, 0))
			ag_log(AG_WARN,
			                "security group %s: rule %s has a protocol this agent "
			                "cannot program: left out",
			                str(g, "id"), str(rule, "id"));
		return false;
	}
	r->proto = (uint8_t)proto;
	if (proto_has_ports(r->proto) && json_is_integer(lo)) {
		r->has_ports = 1;
		r->port_min = (uint16_t)json_integer_value(lo);
		r->port_max = (uint16_t)json_integer_value(json_is_integer(hi) ? hi : lo);
	} else if ((r->proto == 1 || r->proto == 58) && json_is_integer(lo)) {
		r->has_icmp_type = 1;
		r->icmp_type = (uint8_t)json_integer_value(lo);
		if (json_is_integer(hi)) {
			r->has_icmp_code = 1;
			r->icmp_code = (uint8_t)json_integer_value(hi);
		}
	}
	snprintf(r->label, sizeof(r->label), "%.8s of group %s", str(rule, "id"), str(g, "name"));
	return true;
}

static int push_remote(
                struct sg_set *s, struct dp_sg_rule_spec *r, const json_t *rule, const char *addr)
{
	struct dp_ip_prefix p;

	if (ag_parse_prefix(addr, &p) < 0 || p.family != r->family)
		return 0; /* the other family's members, or one the feed got wrong */
	memcpy(r->remote, p.addr, sizeof(r->remote));
	r->prefixlen = p.prefixlen;
	r->id = rule_id(s, str(rule, "id"), addr);
	return set_push(s, r);
}

/* One Neutron rule, its remote group expanded, into s. */
static int flatten_rule(
                const struct ag_feed *f, const json_t *g, const json_t *rule, struct sg_set *s)
{
	const char *remote = str(rule, "remote_group_id");
	const json_t *prefix = json_object_get(rule, "remote_ip_prefix"), *rg, *m;
	struct dp_sg_rule_spec r;
	size_t i;
	int rc = 0;

	if (!rule_base(g, rule, &r))
		return 0;
	if (remote[0] == '\0')
		return push_remote(s, &r, rule,
		                json_is_string(prefix) ? json_string_value(prefix)
		                : r.family == AF_INET6 ? "::/0"
		                                       : "0.0.0.0/0");
	rg = json_object_get(f->security_groups, remote);
	if (rg == NULL)
		return 0; /* deleted: Neutron's rule went with it, and matches no one */
	json_array_foreach(json_object_get(rg, "members"), i, m)
	{
		if (strcmp(str(m, "ethertype"), r.family == AF_INET6 ? "IPv6" : "IPv4") == 0)
			rc = push_remote(s, &r, rule, str(m, "ip_address"));
		if (rc < 0)
			break;
	}
	return rc;
}

int ag_sg_build(const struct ag_feed *f, const json_t *port, struct ag_port *out)
{
	const json_t *groups = json_object_get(port, "security_groups"), *v, *rule;
	struct sg_set s = {0};
	size_t i, j;
	int rc = 0;

	out->sg_enabled = out->security.enabled && json_array_size(groups) > 0;
	out->sg_stateful = true;
	out->sg_rules = NULL;
	out->n_sg_rules = 0;
	if (!out->sg_enabled)
		return 0;
	json_array_foreach(groups, i, v)
	{
		const json_t *g = json_object_get(f->security_groups, json_string_value(v));

		if (g == NULL) {
			char key[160];

			/* The feed sends a bound port's groups with it: a gap is a bug upstream. */
			snprintf(key, sizeof(key), "nosg/%s/%s", str(port, "id"),
			                json_string_value(v) ? json_string_value(v) : "");
			if (ag_once(key, json_integer_value(
			                                 json_object_get(port, "revision_number"))))
				ag_log(AG_ERR, "port %s: its security group %s is not in the feed",
				                str(port, "id"), json_string_value(v));
			continue;
		}
		/* The controller refuses a port with groups of both kinds. */
		out->sg_stateful = json_is_false(json_object_get(g, "stateful")) ? false : true;
		json_array_foreach(json_object_get(g, "security_group_rules"), j, rule)
		{
			rc = flatten_rule(f, g, rule, &s);
			if (rc < 0) {
				free(s.rules);
				return rc;
			}
		}
	}
	out->sg_rules = s.rules;
	out->n_sg_rules = s.n;
	return 0;
}

static json_int_t sg_hash(const struct ag_port *p)
{
	uint64_t h = ag_fnv1a(AG_FNV1A_INIT, &p->sg_enabled, sizeof(p->sg_enabled));

	h = ag_fnv1a(h, &p->sg_stateful, sizeof(p->sg_stateful));
	h = ag_fnv1a(h, p->sg_rules, p->n_sg_rules * sizeof(*p->sg_rules));
	return (json_int_t)(h >> 1);
}

void ag_sg_key(char *key, size_t cap, const char *dp_name)
{
	snprintf(key, cap, "sg:%s", dp_name);
}

/* SG_SET for the whole set, in chunks; the last one applies it. */
static int sg_send(struct ag_dp *dp, const struct ag_port *p)
{
	size_t total = p->sg_enabled ? p->n_sg_rules : 0, off = 0;
	struct dp_sg_set_req *req =
	                calloc(1, sizeof(*req) + DP_SG_RULES_PER_MSG * sizeof(req->rules[0]));
	int rc;

	if (req == NULL)
		return -ENOMEM;
	if (total > UINT32_MAX) {
		free(req);
		return -E2BIG;
	}
	snprintf(req->port, sizeof(req->port), "%s", p->dp_name);
	req->enabled = p->sg_enabled;
	req->stateful = p->sg_stateful;
	req->total = (uint32_t)total;
	do {
		size_t n = total - off < DP_SG_RULES_PER_MSG ? total - off : DP_SG_RULES_PER_MSG;

		req->offset = (uint32_t)off;
		req->n_rules = (uint16_t)n;
		memcpy(req->rules, p->sg_rules + off, n * sizeof(req->rules[0]));
		rc = dp_client_call(dp->client, DP_MSG_SG_SET, req,
		                sizeof(*req) + n * sizeof(req->rules[0]), NULL, 0, NULL);
		off += n;
	} while (rc == 0 && off < total);
	free(req);
	return rc;
}

/* The generation of the port's filter in the dataplane; 0 when it has none. */
static int sg_generation(struct ag_dp *dp, const char *port, uint64_t *gen)
{
	struct dp_list_req req = {.cursor = 0};
	/* The filter names one port: a page of at most one entry. */
	uint8_t reply[sizeof(struct dp_sg_list_reply) + sizeof(struct dp_sg_info)];
	struct dp_sg_list_reply head;
	struct dp_sg_info entry;
	size_t len;
	int rc;

	snprintf(req.filter, sizeof(req.filter), "%s", port);
	rc = dp_client_call(
	                dp->client, DP_MSG_SG_LIST, &req, sizeof(req), reply, sizeof(reply), &len);
	if (rc < 0)
		return rc;
	if (len < sizeof(head))
		return -EPROTO;
	memcpy(&head, reply, sizeof(head));
	if (head.count > 1 || len != sizeof(head) + head.count * sizeof(entry))
		return -EPROTO;
	memcpy(&entry, reply + sizeof(head), head.count * sizeof(entry));
	/* 1 + the generation: a filter at generation 0 still differs from none. */
	*gen = head.count ? (uint64_t)entry.generation + 1 : 0;
	return 0;
}

int ag_sg_ensure(struct ag_dp *dp, const struct ag_port *p)
{
	json_int_t hash = sg_hash(p);
	char key[DP_PORT_NAME_LEN + 4];
	uint64_t before = 0, after = 0;
	const json_t *sent;
	bool known;
	int rc;

	ag_sg_key(key, sizeof(key), p->dp_name);
	sent = json_object_get(dp->applied, key);
	if (sent != NULL && json_integer_value(sent) == hash)
		return 0;
	/* Sent for the first time since this agent started (or the dataplane
	 * booted): most likely the set the dataplane has. Its generation says
	 * whether it really changed anything. */
	known = sent == NULL && sg_generation(dp, p->dp_name, &before) == 0;
	rc = sg_send(dp, p);
	if (rc == -EOPNOTSUPP) {
		/* An older dataplane: the ports forward unfiltered, as before. */
		if (!dp->sg_unsupported_said)
			ag_log(AG_WARN, "this dataplane does not enforce security groups "
			                "(sg_set: not supported): ports are not filtered");
		dp->sg_unsupported_said = true;
		json_object_set_new(dp->applied, key, json_integer(hash));
		return 0;
	}
	if (rc < 0) {
		ag_log(AG_ERR, "dataplane sg_set %s (%zu rules): %s", p->dp_name,
		                p->sg_enabled ? p->n_sg_rules : 0, strerror(-rc));
		json_object_del(dp->applied, key);
		return rc;
	}
	json_object_set_new(dp->applied, key, json_integer(hash));
	if (known && sg_generation(dp, p->dp_name, &after) == 0 && after == before) {
		ag_log(AG_INFO, "port %s: security group filter of %zu rules resent, unchanged",
		                p->dp_name, p->sg_enabled ? p->n_sg_rules : 0);
		return 0;
	}
	if (p->sg_enabled)
		ag_log(AG_INFO, "port %s: %s security group filter of %zu rules", p->dp_name,
		                p->sg_stateful ? "stateful" : "stateless", p->n_sg_rules);
	else
		ag_log(AG_DEBUG, "port %s: no security group filter", p->dp_name);
	return 1;
}
