#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Keep-alive client checks for tests/api/keepalive.sh.

    keepalive.py PORT TOKEN many N        N requests of several kinds on one
                                          connection: never closed, never
                                          reconnected
    keepalive.py PORT TOKEN idle SECONDS  a request, SECONDS of silence, a
                                          request: the same connection
    keepalive.py PORT TOKEN trickle IDLE HEADER_TIMEOUT
                                          a request, IDLE s of silence, then
                                          the next request line a byte every
                                          0.2 s: closed HEADER_TIMEOUT (+ the
                                          sweep) after its first byte
With KA_CA set (a CA file): over HTTPS, verified against it.
Prints one line of what it saw; exits 1 with the reason on failure.
"""
import http.client
import json
import os
import socket
import ssl
import sys
import time


class Conn:
    """http.client reconnects on its own: pin the socket, fail on a new one."""

    def __init__(self, port):
        ca = os.environ.get("KA_CA")
        if ca:
            ctx = ssl.create_default_context(cafile=ca)
            self.c = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=ctx)
        else:
            self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.c.connect()
        self.sock = self.c.sock
        self.local = self.sock.getsockname()

    def req(self, method, path, tok, body=None, want=None, extra=None):
        hdr = dict({"X-Auth-Token": tok}, **(extra or {}))
        if body is not None:
            hdr["Content-Type"] = "application/json"
            body = json.dumps(body)
        self.c.request(method, path, body=body, headers=hdr)
        if self.c.sock is not self.sock:
            sys.exit("%s %s went out on a new connection" % (method, path))
        r = self.c.getresponse()
        data = r.read()
        if want is not None and r.status != want:
            sys.exit("%s %s: HTTP %d, not %d: %s" % (method, path, r.status, want, data[:200]))
        if r.will_close or (r.getheader("Connection") or "").lower() == "close":
            sys.exit("%s %s: the server closes the connection after HTTP %d" %
                     (method, path, r.status))
        return r, data


def many(port, tok, n):
    c = Conn(port)
    for i in range(n):
        k = i % 5
        if k == 0:
            c.req("GET", "/identity/v3/auth/tokens", tok, want=200, extra={"X-Subject-Token": tok})
        elif k == 1:
            r, data = c.req("POST", "/network/v2.0/networks", tok, {"network": {"name": "kea%d" % i}}, 201)
            net = json.loads(data)["network"]["id"]
            c.req("GET", "/network/v2.0/networks/" + net, tok, want=200)
            c.req("DELETE", "/network/v2.0/networks/" + net, tok, want=204)
        elif k == 2:
            c.req("GET", "/network/v2.0/ports/no-such-port", tok, want=404)
        elif k == 3:
            c.req("GET", "/network/v2.0/networks", "not-a-token", want=401)
        else:
            c.req("POST", "/network/v2.0/networks", tok, {"bogus": 1}, 400)
    print("%d requests on one connection from %s:%d" % (n, *c.local))


def idle(port, tok, secs):
    c = Conn(port)
    c.req("GET", "/network/v2.0/networks", tok, want=200)
    time.sleep(secs)
    try:
        c.req("GET", "/network/v2.0/networks", tok, want=200)
    except (ConnectionError, http.client.HTTPException) as e:
        sys.exit("the kept-alive connection was closed during %.1f s of silence: %r" % (secs, e))
    print("same connection answered after %.1f s idle" % secs)


def trickle(port, tok, idle_s, header_timeout):
    c = Conn(port)
    c.req("GET", "/network/v2.0/networks", tok, want=200)
    time.sleep(idle_s)
    s = c.sock
    s.settimeout(0.2)
    line = b"GET /network/v2.0/networks HTTP/1.1\r\nHost: x\r\nX-Trickle: " + b"a" * 200
    first = time.monotonic()
    for i in range(len(line)):
        try:
            s.send(line[i:i + 1])
            if s.recv(1) == b"":
                break
            sys.exit("the server answered a request it never finished")
        except socket.timeout:
            continue
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            break
    closed = time.monotonic() - first
    lo, hi = header_timeout - 0.1, header_timeout + 1.0
    if not lo <= closed <= hi:
        sys.exit("closed %.2f s after the next request's first byte, not within %.1f..%.1f s"
                 " (after %.1f s idle)" % (closed, lo, hi, idle_s))
    print("closed %.2f s after the first byte of a request trickled after %.1f s idle" %
          (closed, idle_s))


def main():
    port, tok, what = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    if what == "many":
        many(port, tok, int(sys.argv[4]))
    elif what == "idle":
        idle(port, tok, float(sys.argv[4]))
    elif what == "trickle":
        trickle(port, tok, float(sys.argv[4]), float(sys.argv[5]))
    else:
        sys.exit("keepalive.py: unknown check " + what)


if __name__ == "__main__":
    main()
