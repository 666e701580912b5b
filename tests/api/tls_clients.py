#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Clients that misuse a TLS port, held open until the server closes them.

    tls_clients.py HOST PORT CAFILE MODE N HOLD_S

MODE is one of
  idle     a full, verified handshake, then silence;
  partial  the first 50 bytes of a real ClientHello, then silence;
  cut      the first 50 bytes of a real ClientHello, then close at once;
  plain    a plain-HTTP request to the TLS port.
Opens N connections, prints "ready N" (the caller probes the server while
they are held), then waits up to HOLD_S seconds for the server to close
each and prints "closed K of N in S s". Exits 1 when a connection could not
be opened as MODE says.
"""
import selectors
import socket
import ssl
import sys
import time


def client_hello_prefix(host, n):
    """The first n bytes a TLS client sends, taken from a handshake that
    never reaches the network."""
    ctx = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname=host)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = outgoing.read()
    assert len(hello) > n, "ClientHello shorter than the cut"
    return hello[:n]


def open_one(host, port, ctx, mode, hello):
    raw = socket.create_connection((host, port), timeout=5)
    if mode == "idle":
        s = ctx.wrap_socket(raw, server_hostname=host)
    elif mode in ("partial", "cut"):
        raw.sendall(hello)
        s = raw
        if mode == "cut":
            raw.close()
            return None
    else:
        raw.sendall(b"GET /identity HTTP/1.1\r\nHost: " + host.encode() + b"\r\n\r\n")
        s = raw
    s.setblocking(False)
    return s


def closed_by_peer(s):
    try:
        return s.recv(4096) == b""
    except (ssl.SSLWantReadError, BlockingIOError):
        return False  # a TLS 1.3 session ticket, or nothing yet
    except (ssl.SSLError, ConnectionError):
        return True


def main():
    host, port, cafile, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    n, hold = int(sys.argv[5]), float(sys.argv[6])
    ctx = ssl.create_default_context(cafile=cafile)
    hello = client_hello_prefix(host, 50)
    conns = []
    try:
        for _ in range(n):
            conns.append(open_one(host, port, ctx, mode, hello))
    except (OSError, ssl.SSLError) as e:
        print(f"could not open connection {len(conns) + 1} as {mode}: {e}", flush=True)
        return 1
    print(f"ready {n}", flush=True)
    start = time.monotonic()
    sel = selectors.DefaultSelector()
    open_left = 0
    for s in conns:
        if s is not None:
            sel.register(s, selectors.EVENT_READ)
            open_left += 1
    while open_left and time.monotonic() - start < hold:
        for key, _ in sel.select(timeout=0.2):
            if closed_by_peer(key.fileobj):
                sel.unregister(key.fileobj)
                key.fileobj.close()
                open_left -= 1
    print(f"closed {n - open_left} of {n} in {time.monotonic() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
