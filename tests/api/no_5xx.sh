#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every attribute of every Neutron resource set to values of every wrong
# type, on create and update, plus malformed auth and identity bodies, and
# Nova's servers (create, rename, every action, volume attachments, the
# node's reports): the controller answers each with a 4xx (or a 2xx where
# the value is valid), never a 5xx, and stays up.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
T_URL="$T_URL" T_PW="$T_ADMIN_PW" T_SVC="$(cat "$T_DIR/state/service-token")" "$PY" - <<'PYEOF' || fail "5xx answers (see above)"
import json, os, sys, urllib.request, urllib.error

U = os.environ["T_URL"]

def call(m, p, body=None, tok=None, raw=None, ctype="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    r = urllib.request.Request(U + p, data=data, method=m)
    r.add_header("Content-Type", ctype)
    if tok:
        r.add_header("X-Auth-Token", tok)
    try:
        with urllib.request.urlopen(r) as resp:
            return resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers

auth = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "admin", "domain": {"id": "default"}, "password": os.environ["T_PW"]}}},
    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}
tok = call("POST", "/identity/v3/auth/tokens", auth)[2]["X-Subject-Token"]

def make(coll, key, body):
    s, b, _ = call("POST", "/network/v2.0/" + coll, {key: body}, tok)
    assert s == 201, (coll, s, b)
    return json.loads(b)[key]["id"]

net = make("networks", "network", {"name": "n", "router:external": True})
sub = make("subnets", "subnet", {"network_id": net, "cidr": "10.0.0.0/24"})
port = make("ports", "port", {"network_id": net})
rtr = make("routers", "router", {"name": "r"})
sg = make("security-groups", "security_group", {"name": "g"})
pool = make("subnetpools", "subnetpool", {"name": "p", "prefixes": ["10.50.0.0/16"],
    "default_prefixlen": 24})

vals = [None, True, 0, -1, 99999999999, "", "x", "10.0.0.300", "10.0.0.0/33", [], [None], [1],
        [{}], [{"ip_address": 1}], [{"subnet_id": None}], {}, {"network_id": 1},
        {"network_id": net}, 1.5]
kinds = {
    "network": ("networks", {}, net, ["name", "admin_state_up", "shared", "router:external",
        "provider:network_type", "provider:physical_network", "provider:segmentation_id",
        "mtu", "port_security_enabled", "availability_zone_hints"]),
    "subnet": ("subnets", {"network_id": net, "cidr": "10.1.0.0/24"}, sub, ["network_id",
        "cidr", "ip_version", "gateway_ip", "allocation_pools", "dns_nameservers",
        "host_routes", "enable_dhcp", "ipv6_ra_mode", "subnetpool_id", "prefixlen"]),
    "subnetpool": ("subnetpools", {"prefixes": ["10.51.0.0/16"]}, pool, ["prefixes",
        "default_prefixlen", "min_prefixlen", "max_prefixlen", "shared", "is_default"]),
    "port": ("ports", {"network_id": net}, port, ["network_id", "mac_address", "fixed_ips",
        "device_id", "security_groups", "port_security_enabled", "allowed_address_pairs",
        "binding:host_id", "binding:profile"]),
    "router": ("routers", {}, rtr, ["external_gateway_info", "admin_state_up", "routes"]),
    "floatingip": ("floatingips", {"floating_network_id": net}, None, ["floating_network_id",
        "floating_ip_address", "subnet_id", "port_id", "fixed_ip_address"]),
    "security_group": ("security-groups", {}, sg, ["name", "stateful"]),
    "security_group_rule": ("security-group-rules", {"security_group_id": sg,
        "direction": "ingress"}, None, ["direction", "ethertype", "protocol", "port_range_min",
        "port_range_max", "remote_ip_prefix", "remote_group_id"]),
}
n = bad = 0
def check(s, what):
    global n, bad
    n += 1
    if s >= 500:
        bad += 1
        print("5xx:", what, file=sys.stderr)

for key, (coll, base, oid, attrs) in kinds.items():
    for a in attrs:
        for v in vals:
            body = dict(base)
            body[a] = v
            check(call("POST", "/network/v2.0/" + coll, {key: body}, tok)[0], ("POST", key, a, v))
            if oid:
                check(call("PUT", "/network/v2.0/%s/%s" % (coll, oid), {key: {a: v}}, tok)[0],
                      ("PUT", key, a, v))
for v in vals:
    check(call("PUT", "/network/v2.0/networks/%s/tags" % net, {"tags": v}, tok)[0], ("tags", v))
    check(call("PUT", "/network/v2.0/subnetpools/%s/tags" % pool, {"tags": [v]}, tok)[0],
          ("pool tags", v))
    check(call("POST", "/network/v2.0/subnets", {"subnet": {"network_id": net,
        "subnetpool_id": pool, "prefixlen": v}}, tok)[0], ("pool subnet", v))
for body in [{"subnet_id": None}, {"port_id": 1}, {"subnet_id": "x", "port_id": "y"}, {},
             {"subnet_id": sub}, {"port_id": port}]:
    for act in ["add_router_interface", "remove_router_interface"]:
        check(call("PUT", "/network/v2.0/routers/%s/%s" % (rtr, act), body, tok)[0], (act, body))
for raw in [b"", b"null", b"1", b'"s"', b'{"auth":null}', b"\xff\xfe",
            b'{"auth":{"identity":{"methods":["password"],"password":{"user":{"password":1}}}}}',
            b'{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin",'
            b'"password":"x"}}},"scope":{"project":{"name":null}}}}']:
    check(call("POST", "/identity/v3/auth/tokens", raw=raw)[0], ("auth", raw))
for p in ["users", "projects", "roles", "domains", "groups"]:
    for v in vals:
        check(call("POST", "/identity/v3/" + p, {p[:-1]: {"name": v}}, tok)[0], (p, v))

# Nova's servers, on a node that offers compute (the test plays its agent).
svc = os.environ["T_SVC"]
check(call("PUT", "/internal/v1/nodes/n1", {"agent_type": "Virga agent", "binary": "virga-agent",
    "configurations": {"compute": {"vcpus": 4, "memory_mb": 4096, "disk_gb": 40}}}, svc)[0], "node")
s_, b, _ = call("POST", "/image/v2/images", {"name": "i", "disk_format": "raw",
    "container_format": "bare"}, tok)
img = json.loads(b)["id"]
check(call("PUT", "/image/v2/images/%s/file" % img, tok=tok, raw=b"\0" * 512,
    ctype="application/octet-stream")[0], "image upload")
net2 = make("networks", "network", {"name": "vms"})
make("subnets", "subnet", {"network_id": net2, "cidr": "10.2.0.0/24"})
base = {"name": "s", "imageRef": img, "flavorRef": "42", "networks": [{"uuid": net2}]}
s_, b, _ = call("POST", "/compute/v2.1/servers", {"server": base}, tok)
assert s_ == 202, (s_, b)
srv = json.loads(b)["server"]["id"]
for a in ["name", "imageRef", "flavorRef", "networks", "key_name", "user_data",
          "security_groups", "metadata", "min_count", "block_device_mapping_v2"]:
    for v in vals + [[{"uuid": v}] for v in vals[:8]] + [[{"port": port}], [{"name": 1}]]:
        body = dict(base)
        body[a] = v
        st = call("POST", "/compute/v2.1/servers", {"server": body}, tok)
        check(st[0], ("POST server", a, v))
        if st[0] == 202:  # a valid one: gone again, so the node keeps room
            call("DELETE", "/compute/v2.1/servers/" + json.loads(st[1])["server"]["id"], tok=tok)
for v in vals:
    check(call("PUT", "/compute/v2.1/servers/" + srv, {"server": {"name": v}}, tok)[0], ("PUT", v))
    check(call("PUT", "/compute/v2.1/servers/" + srv, {"server": v}, tok)[0], ("PUT body", v))
    for act in ["os-stop", "os-start", "reboot", "pause", "unpause", "os-getConsoleOutput",
                "nosuch"]:
        check(call("POST", "/compute/v2.1/servers/%s/action" % srv, {act: v}, tok)[0], (act, v))
        check(call("POST", "/compute/v2.1/servers/%s/action" % srv, {act: {"type": v,
            "length": v}}, tok)[0], (act, "type/length", v))
    for rep in ["status", "console"]:
        check(call("PUT", "/internal/v1/nodes/n1/servers/%s/%s" % (srv, rep), {"power_state": v,
            "reboot": v, "fault": v, "output": v}, svc)[0], (rep, v))
        check(call("PUT", "/internal/v1/nodes/n1/servers/%s/%s" % (srv, rep), v, svc)[0],
              (rep, "body", v))
# Its volume attachments: ill-typed ids, devices and bodies, and the node's reports on them.
s_, b, _ = call("POST", "/volume/v3/x/volumes", {"volume": {"size": 1}}, tok)
vol = json.loads(b)["volume"]["id"]
for v in vals:
    att = "/compute/v2.1/servers/%s/os-volume_attachments" % srv
    check(call("POST", att, {"volumeAttachment": {"volumeId": v}}, tok)[0], ("attach", v))
    check(call("POST", att, {"volumeAttachment": {"volumeId": vol, "device": v}}, tok)[0],
          ("attach device", v))
    check(call("POST", att, {"volumeAttachment": v}, tok)[0], ("attach body", v))
    check(call("POST", att, v, tok)[0], ("attach raw", v))
    check(call("PUT", "/internal/v1/nodes/n1/servers/%s/volumes/%s" % (srv, vol),
        {"attachment_id": v, "status": v, "fault": v}, svc)[0], ("volume report", v))
    check(call("PUT", "/internal/v1/nodes/n1/servers/%s/volumes/%s" % (srv, vol), v, svc)[0],
          ("volume report body", v))
for p in ["", "/" + vol, "/nosuch"]:
    for m in ["GET", "DELETE"]:
        check(call(m, "/compute/v2.1/servers/%s/os-volume_attachments%s" % (srv, p), tok=tok)[0],
              (m, "attachment", p))
for raw in [b"", b"null", b"[]", b'{"server": null}', b"\xff"]:
    check(call("POST", "/compute/v2.1/servers", tok=tok, raw=raw)[0], ("POST server raw", raw))
check(call("DELETE", "/compute/v2.1/servers/" + srv, tok=tok)[0], "delete")
check(call("DELETE", "/compute/v2.1/servers/" + srv, tok=tok)[0], "delete twice")
print("requests: %d, 5xx: %d" % (n, bad))
sys.exit(1 if bad else 0)
PYEOF
kill -0 "$T_PID" || fail "controller died"
pass "no 5xx on ill-typed input, controller alive"
