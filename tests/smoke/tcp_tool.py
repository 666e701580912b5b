#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""TCP ends for the security-group smoke test, with plain sockets.

    tcp_tool.py serve READY_FILE PORT...   echo on each PORT, IPv4 and IPv6
    tcp_tool.py connect HOST PORT          one echo within 2 s: exit 0, else 1
    tcp_tool.py probe HOST PORT OUT [S]    connect, then one echo every 0.1 s,
                                           a line in OUT per answer, until one
                                           is missing for S s (0.5; exit 1)
    tcp_tool.py open HOST PORT N           N connections one after the other,
                                           1 s each; prints how many opened
    tcp_tool.py serve-peer READY_FILE PORT answer each connection on PORT with
                                           the address and port it came from
    tcp_tool.py ask HOST PORT              print what serve-peer answers
    tcp_tool.py udp-refused HOST PORT      a UDP datagram to a closed port: exit 0
                                           when the ICMP port unreachable comes back
"""
import socket
import sys
import threading
import time


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def echo(conn):
    with conn:
        while True:
            data = conn.recv(1024)
            if not data:
                return
            conn.sendall(data)


def serve(ready, ports):
    socks = []
    for port in ports:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", int(port)))
        s.listen(64)
        socks.append(s)

    def accept(s):
        while True:
            conn, _ = s.accept()
            threading.Thread(target=echo, args=(conn,), daemon=True).start()

    for s in socks:
        threading.Thread(target=accept, args=(s,), daemon=True).start()
    open(ready, "w").close()
    while True:
        time.sleep(3600)


def serve_peer(ready, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(port)))
    s.listen(16)
    open(ready, "w").close()
    while True:
        conn, peer = s.accept()
        with conn:
            conn.sendall(("%s %d\n" % peer).encode())


def udp_refused(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.connect((host, int(port)))
    for _ in range(3):
        s.send(b"anyone?")
        try:
            s.recv(100)
        except ConnectionRefusedError:
            return 0
        except socket.timeout:
            continue
    return 1


def connect(host, port, timeout):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, int(port)))
    return s


def ping(s):
    s.sendall(b"x")
    return s.recv(1) == b"x"


def main():
    mode = sys.argv[1]
    if mode == "serve":
        serve(sys.argv[2], sys.argv[3:])
    elif mode == "connect":
        try:
            with connect(sys.argv[2], sys.argv[3], 2) as s:
                sys.exit(0 if ping(s) else 1)
        except OSError as e:
            print(e)
            sys.exit(1)
    elif mode == "probe":
        s = connect(sys.argv[2], sys.argv[3], 2)
        s.settimeout(float(sys.argv[5]) if len(sys.argv) > 5 else 0.5)
        with open(sys.argv[4], "a", buffering=1) as out:
            try:
                while ping(s):
                    out.write("%.3f\n" % time.time())
                    time.sleep(0.1)
            except OSError as e:
                out.write("stopped: %s\n" % e)
        sys.exit(1)
    elif mode == "open":
        opened = []
        for _ in range(int(sys.argv[4])):
            try:
                s = connect(sys.argv[2], sys.argv[3], 1)
                if ping(s):
                    opened.append(s)
            except OSError:
                pass
        print(len(opened))
    elif mode == "serve-peer":
        serve_peer(sys.argv[2], sys.argv[3])
    elif mode == "ask":
        with connect(sys.argv[2], sys.argv[3], 5) as s:
            print(s.recv(100).decode().strip())
    elif mode == "udp-refused":
        sys.exit(udp_refused(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(2)


main()
