#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a tempest.conf for a running Virga controller, from what it serves.

    tempest_conf.py URL ADMIN_PASSWORD WORKSPACE > tempest.conf

The catalog (from an admin token) says which services exist; a service
whose catalog entry answers only its version document is marked unavailable
(tempest would otherwise run its whole suite against it). The network
extensions are the controller's own GET /v2.0/extensions. Identity has no
extension list, so each optional Keystone API is probed: served (any answer
but 404) is enabled. An external network "public" is made for the floating
IP tests, as devstack makes one, and a compute node registered.
"""
import json
import sys
import urllib.error
import urllib.request

URL, PASSWORD, WS = sys.argv[1:4]


def call(method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(path if path.startswith("http") else URL + path,
                                 data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None), r.headers
    except urllib.error.HTTPError as e:
        return e.code, None, e.headers


status, doc, hdrs = call("POST", "/identity/v3/auth/tokens", body={"auth": {
    "identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "domain": {"id": "default"}, "password": PASSWORD}}},
    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
if status != 201:
    sys.exit("tempest_conf: admin authentication failed: HTTP %d" % status)
TOKEN = hdrs["X-Subject-Token"]
USER_ID = doc["token"]["user"]["id"]
catalog = {s["type"]: s for s in doc["token"]["catalog"]}


def public_url(stype):
    for e in catalog[stype]["endpoints"]:
        if e["interface"] == "public":
            return e["url"].rstrip("/"), e["region"]
    return None, None


identity_url, region = public_url("identity")
network_url, _ = public_url("network")


def served(path):
    return call("GET", identity_url + "/v3" + path, TOKEN)[0] != 404


# Keystone's optional APIs: tempest's flag, and the path that serves it.
identity_features = {
    "trust": served("/OS-TRUST/trusts"),
    "application_credentials": served("/users/%s/application_credentials" % USER_ID),
    "access_rules": served("/users/%s/access_rules" % USER_ID),
    "project_tags": served("/projects/%s/tags" % doc["token"]["project"]["id"]),
}
identity_extensions = [name for name, path in [
    ("OS-EC2", "/users/%s/credentials/OS-EC2" % USER_ID),
    ("OS-INHERIT", "/OS-INHERIT/projects/x/users/x/roles/inherited_to_projects"),
    ("OS-EP-FILTER", "/OS-EP-FILTER/endpoint_groups"),
    ("OS-REVOKE", "/OS-REVOKE/events"),
    ("OS-OAUTH1", "/OS-OAUTH1/consumers"),
    ("OS-FEDERATION", "/OS-FEDERATION/identity_providers"),
] if served(path)]

st, ext, _ = call("GET", network_url + "/v2.0/extensions", TOKEN)
net_extensions = sorted(e["alias"] for e in ext["extensions"])


def available(stype):
    """A service is there when its API answers more than the version document."""
    probes = {"compute": "/servers", "image": "/v2/images", "volumev3": "/types"}
    if stype not in catalog:
        return False
    url, _ = public_url(stype)
    st, _, _ = call("GET", url + probes[stype], TOKEN)
    return st == 200


# The floating IP tests need an external network, as devstack's "public".
st, pub, _ = call("POST", network_url + "/v2.0/networks", TOKEN, {"network": {
    "name": "public", "router:external": True}})
if st != 201:
    sys.exit("tempest_conf: cannot create the external network: HTTP %d" % st)
public_id = pub["network"]["id"]
st, _, _ = call("POST", network_url + "/v2.0/subnets", TOKEN, {"subnet": {
    "name": "public-subnet", "network_id": public_id, "ip_version": 4,
    "cidr": "172.24.4.0/24", "enable_dhcp": False}})
if st != 201:
    sys.exit("tempest_conf: cannot create the external subnet: HTTP %d" % st)

# A compute node, as devstack's: tempest binds ports to a hypervisor's host
# (PortsAdminExtendedAttrs). The node is played by its agent's one report
# (run.sh gives the controller a down time longer than the run).
st, _, _ = call("PUT", URL + "/internal/v1/nodes/conformance-node", TOKEN, {
    "agent_type": "Virga agent", "binary": "virga-agent", "configurations": {
        "tunneling_ip": "127.0.0.1",
        "compute": {"vcpus": 8, "memory_mb": 16384, "disk_gb": 100}}})
if st >= 300:
    sys.exit("tempest_conf: cannot register the compute node: HTTP %d" % st)

yes = lambda b: "true" if b else "false"
print(f"""# Written by tools/conformance/tempest_conf.py for {URL}
[DEFAULT]
log_dir = {WS}/logs
log_file = tempest.log

[oslo_concurrency]
lock_path = {WS}/locks

[auth]
use_dynamic_credentials = true
create_isolated_networks = false
admin_username = admin
admin_password = {PASSWORD}
admin_project_name = admin
admin_domain_name = Default

[identity]
uri_v3 = {identity_url}/v3
auth_version = v3
region = {region}
v3_endpoint_type = public
admin_role = admin
default_domain_id = default

[identity-feature-enabled]
api_v2 = false
api_v2_admin = false
api_v3 = true
api_extensions = {",".join(identity_extensions)}
trust = {yes(identity_features["trust"])}
application_credentials = {yes(identity_features["application_credentials"])}
access_rules = {yes(identity_features["access_rules"])}
project_tags = {yes(identity_features["project_tags"])}
security_compliance = false
domain_specific_drivers = false

[network]
catalog_type = network
region = {region}
endpoint_type = publicURL
public_network_id = {public_id}
floating_network_name = public
project_network_cidr = 10.100.0.0/16
project_network_mask_bits = 28

[network-feature-enabled]
api_extensions = {",".join(net_extensions)}
ipv6 = true
ipv6_subnet_attributes = false
port_security = {yes("port-security" in net_extensions)}
floating_ips = true

[validation]
run_validation = false

[service_available]
neutron = true
nova = {yes(available("compute"))}
glance = {yes(available("image"))}
cinder = {yes(available("volumev3"))}
swift = false
horizon = false
""")
