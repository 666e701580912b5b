# SPDX-License-Identifier: Apache-2.0
"""TCP probes for the agent tests, run inside a namespace with Debian's python3.

  serve PORT...        echo every byte back, on each port, until killed
  whois PORT FILE      the same on one port, FILE holding the address the
                       last connection came from (what a NAT made of it)
  connect IP PORT      exit 0 when a connection opens and echoes within 2 s
  hold IP PORT FILE    one connection kept open: a byte out and back every
                       0.2 s, FILE holding the count of round trips; on the
                       first one that fails FILE says "broken" and it exits 1
"""
import os
import socket
import sys
import threading
import time


def echo(conn):
    with conn:
        while True:
            data = conn.recv(4096)
            if not data:
                return
            conn.sendall(data)


def serve(port, whois=None):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(16)
    while True:
        conn, peer = s.accept()
        if whois:
            report(whois, peer[0] + "\n")
        threading.Thread(target=echo, args=(conn,), daemon=True).start()


def report(path, text):
    """Replaces FILE whole: a reader never sees it truncated and not yet written."""
    with open(path + ".new", "w") as f:
        f.write(text)
    os.replace(path + ".new", path)


def main():
    mode = sys.argv[1]
    if mode == "serve":
        for port in sys.argv[2:]:
            threading.Thread(target=serve, args=(int(port),), daemon=True).start()
        while True:
            time.sleep(3600)
    if mode == "whois":
        serve(int(sys.argv[2]), sys.argv[3])
    ip, port = sys.argv[2], int(sys.argv[3])
    try:
        conn = socket.create_connection((ip, port), timeout=2)
        conn.sendall(b"x")
        if conn.recv(1) != b"x":
            raise OSError("no echo")
    except OSError as e:
        print(f"{ip}:{port}: {e}")
        sys.exit(1)
    if mode == "connect":
        return
    conn.settimeout(1)
    n = 0
    while True:
        try:
            conn.sendall(b"x")
            if conn.recv(1) != b"x":
                raise OSError("closed")
        except OSError:
            report(sys.argv[4], "broken\n")
            sys.exit(1)
        n += 1
        report(sys.argv[4], f"{n}\n")
        time.sleep(0.2)


main()
