#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Thousands of Neutron routers through the REST API to one node's engine.

A private all-in-one node (controller, dataplane, agent; this node is the
--gateway-node) is started in a temp dir. N routers are created through the
Networking API, each with two networks, two /24 subnets and an interface on
each; --gateways K gives the first K an external gateway on a flat external
network (the node's physnet uplink is one end of a veth pair). No VM port
is created: the node instantiates the routers because it hosts them
(--router-node, and --gateway-node for those with a gateway), as a network
node. (The engine holds at most 4 routers' interfaces on one network,
DP_MAX_NET_RIFS: so K <= 4.)

Measured: the API time (one client, one kept-alive connection, as the
openstack CLI would spend it without its start-up), the time until the
engine lists all N routers with all their interfaces, controller and
dataplane RSS, and after killing (-9) and restarting the agent, its
reconcile time and that nothing was re-added or removed: the agent's log
says "0 added ... 0 removed" and the engine's router list (ids, interfaces,
routes) is the same before and after.

    sudo /usr/bin/python3 tools/bench/neutron_routers.py --build build 1000

With --controller URL --admin-password PW it only creates the routers on
that controller (plain HTTP) and prints the API time: tests/agent's
routers_many.sh runs the node itself.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


class Api:
    """The controller's REST API on one kept-alive connection."""

    def __init__(self, port, host="127.0.0.1"):
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.token = None
        self.requests = 0

    def call(self, method, path, body=None, expect=(200, 201, 202, 204)):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["X-Auth-Token"] = self.token
        self.conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        resp = self.conn.getresponse()
        data = resp.read()
        self.requests += 1
        if resp.status not in expect:
            raise RuntimeError(f"{method} {path}: {resp.status} {data[:300]!r}")
        return resp, (json.loads(data) if data else None)

    def login(self, password):
        resp, body = self.call("POST", "/identity/v3/auth/tokens", {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "admin", "domain": {"id": "default"}, "password": password}}},
            "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
        self.token = resp.getheader("X-Subject-Token")
        return body["token"]["project"]["id"]

    def post(self, kind, obj):
        return self.call("POST", f"/network/v2.0/{kind}s", {kind: obj})[1][kind]


class Node:
    """Controller, dataplane and agent of one all-in-one node, in a temp dir."""

    def __init__(self, build, name):
        self.build = build
        self.dir = tempfile.mkdtemp(prefix="virga-nrbench.")
        self.name = name
        self.sock = os.path.join(self.dir, "dp.sock")
        self.port = free_port()
        self.password = f"admin-{os.getpid()}-pw"
        self.uplink = f"nrb{os.getpid() % 100000}"
        self.procs = {}
        self.agent_log = os.path.join(self.dir, "agent.log")

    def _spawn(self, what, argv, log):
        self.procs[what] = subprocess.Popen(argv, stdout=open(log, "ab"), stderr=subprocess.STDOUT)

    def start(self):
        self._spawn("controller", [f"{self.build}/api/virga-controller", "--state-dir",
                    f"{self.dir}/state", "--listen", f"127.0.0.1:{self.port}",
                    "--admin-password", self.password, "--gateway-node", self.name,
                    "--router-node", self.name],
                    f"{self.dir}/controller.log")
        self._spawn("dataplane", [f"{self.build}/dataplane/virga-dataplane", "--socket", self.sock,
                    "--name", self.name, "--idle-sleep", "1000"], f"{self.dir}/dataplane.log")
        subprocess.run(["ip", "link", "add", self.uplink, "type", "veth", "peer", "name",
                        self.uplink + "p"], check=True)
        for dev in (self.uplink, self.uplink + "p"):
            subprocess.run(["ethtool", "-K", dev, "tx", "off"], stdout=subprocess.DEVNULL)
            subprocess.run(["ip", "link", "set", dev, "up"], check=True)
        for _ in range(300):
            if os.path.exists(self.sock) and os.path.exists(f"{self.dir}/state/service-token"):
                try:
                    socket.create_connection(("127.0.0.1", self.port)).close()
                    break
                except OSError:
                    pass
            time.sleep(0.1)
        else:
            raise RuntimeError("the controller or the dataplane did not start")
        self.start_agent()

    def start_agent(self):
        self._spawn("agent", [f"{self.build}/agents/virga-agent", "--node", self.name,
                    "--controller", f"http://127.0.0.1:{self.port}", "--service-token-file",
                    f"{self.dir}/state/service-token", "--dp-socket", self.sock,
                    "--poll-timeout", "2", "--physnet-uplink", f"extnet={self.uplink}"],
                    self.agent_log)

    def kill_agent(self):
        p = self.procs.pop("agent")
        p.kill()
        p.wait()

    def vg(self, *args):
        out = subprocess.run([f"{self.build}/tools/virga/virga", "--socket", self.sock, "--json",
                              *args], check=True, capture_output=True, text=True).stdout
        return json.loads(out)

    def stop(self):
        for what in ("agent", "controller", "dataplane"):
            p = self.procs.pop(what, None)
            if p:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        subprocess.run(["ip", "link", "del", self.uplink], stderr=subprocess.DEVNULL)
        shutil.rmtree(f"/var/run/dpdk/virga-{self.name}", ignore_errors=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def create(api, n, gateways, snat):
    """The external network, then n routers with two networks/subnets each."""
    ext = api.post("network", {"name": "ext", "router:external": True,
                               "provider:network_type": "flat",
                               "provider:physical_network": "extnet"})
    api.post("subnet", {"network_id": ext["id"], "name": "extsub", "ip_version": 4,
                        "cidr": "100.64.0.0/16", "gateway_ip": "100.64.0.1",
                        "enable_dhcp": False})
    for i in range(n):
        a, b = divmod(i, 256)
        router = {"name": f"r{i}"}
        if i < gateways:
            router["external_gateway_info"] = {"network_id": ext["id"], "enable_snat": snat}
        rid = api.post("router", router)["id"]
        for side, first in (("a", 10), ("b", 11)):
            net = api.post("network", {"name": f"n{i}{side}"})
            sub = api.post("subnet", {"network_id": net["id"], "name": f"s{i}{side}",
                                      "ip_version": 4, "cidr": f"{first}.{a}.{b}.0/24"})
            api.call("PUT", f"/network/v2.0/routers/{rid}/add_router_interface",
                     {"subnet_id": sub["id"]})


def create_timed(api, o):
    """create() as admin, with quotas lifted, and its time said."""
    project = api.login(o.admin_password)
    api.call("PUT", f"/network/v2.0/quotas/{project}", {"quota": {
        "network": -1, "subnet": -1, "router": -1, "port": -1}})
    t0 = time.monotonic()
    n0 = api.requests
    create(api, o.routers, o.gateways, not o.no_snat)
    api_s = time.monotonic() - t0
    n = api.requests - n0
    print(f"routers {o.routers}: API {api_s:.1f} s for {n} requests "
          f"({1000 * api_s / n:.2f} ms each)", flush=True)
    return 0


def engine_routers(node):
    return {r["name"]: (r["id"], r["n_interfaces"], r["n_routes"])
            for r in node.vg("dp", "router", "list")}


def wait_converged(node, n, rifs, limit):
    """Seconds until the engine lists n routers with rifs interfaces in all (None: not within limit)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        rs = engine_routers(node)
        if len(rs) >= n and sum(v[1] for v in rs.values()) >= rifs:
            return time.monotonic() - t0
        time.sleep(0.5)
    return None


def wait_log(path, pattern, start, limit):
    """(seconds, line) when a line matching pattern appears at or after offset start."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        with open(path, errors="replace") as f:
            f.seek(start)
            m = re.search(pattern + ".*", f.read())
        if m:
            return time.monotonic() - t0, m.group(0)
        time.sleep(0.05)
    return None, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("routers", type=int)
    ap.add_argument("--build", default="build")
    ap.add_argument("--gateways", type=int, default=0, help="routers with an external gateway")
    ap.add_argument("--no-snat", action="store_true")
    ap.add_argument("--timeout", type=float, default=1800, help="converge limit, seconds")
    ap.add_argument("--keep", action="store_true", help="leave the node running (Enter stops it)")
    ap.add_argument("--controller", help="only create, on this controller (http://HOST:PORT)")
    ap.add_argument("--admin-password")
    o = ap.parse_args()
    if o.controller:
        url = urllib.parse.urlsplit(o.controller)
        return create_timed(Api(url.port, url.hostname), o)
    node = Node(os.path.abspath(o.build), f"nrb{os.getpid()}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    ok = True
    try:
        node.start()
        o.admin_password = node.password
        t0 = time.monotonic()
        create_timed(Api(node.port), o)
        conv = wait_converged(node, o.routers, 2 * o.routers + o.gateways, o.timeout)
        total = time.monotonic() - t0
        print(f"engine holds all {o.routers} routers with all their interfaces: "
              + (f"{conv:.1f} s after the last API call ({total:.1f} s from the first)"
                 if conv is not None else f"NOT within {o.timeout:.0f} s"), flush=True)
        ok = conv is not None
        print(f"RSS: controller {rss_mb(node.procs['controller'].pid)} MB, dataplane "
              f"{rss_mb(node.procs['dataplane'].pid)} MB, agent "
              f"{rss_mb(node.procs['agent'].pid)} MB", flush=True)
        before = engine_routers(node)
        node.kill_agent()
        offset = os.path.getsize(node.agent_log)
        node.start_agent()
        secs, line = wait_log(node.agent_log, r"reconciled with the dataplane", offset, o.timeout)
        after = engine_routers(node)
        kept = re.search(r" 0 added, \d+ updated, 0 removed, 0 failed", line or "") is not None
        print(f"agent restart: reconciled in {secs:.1f} s: {line}" if secs is not None
              else "agent restart: did NOT reconcile", flush=True)
        print(f"engine router list unchanged by the restart: {before == after}; "
              f"nothing re-added or removed: {kept}", flush=True)
        ok = ok and before == after and kept
        if not ok:
            with open(node.agent_log, errors="replace") as f:
                print("--- agent log ---\n" + "".join(f.readlines()[-30:]))
        if o.keep:
            print(f"node in {node.dir}; Enter stops it", flush=True)
            sys.stdin.readline()
    finally:
        node.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
