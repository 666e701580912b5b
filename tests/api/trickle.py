#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A slow-loris client for the API tests.

    trickle.py HOST PORT COUNT INTERVAL DURATION STATUS_FILE

Opens COUNT connections to HOST:PORT (from the default source address)
that never finish their request: each sends the start of a request line,
then one more byte every INTERVAL seconds, which is enough to keep an idle
timeout from ever firing. Rewrites STATUS_FILE every 0.2 s with
"connected=N open=N closed=N failed=N" (closed: by the server; failed: the
connection never came up) and exits after DURATION seconds. Raises its own
descriptor limit to the hard maximum, and fails when that is too low.
"""
import errno
import os
import resource
import selectors
import socket
import sys
import time


def main():
    host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    interval, duration, status_file = float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < count + 64:
        sys.exit("trickle.py: the hard descriptor limit %d is below %d" % (hard, count + 64))
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    sel = selectors.DefaultSelector()
    state = {}  # socket -> "connecting" | "open"
    counts = {"connected": 0, "closed": 0, "failed": 0}

    def finish(s, outcome):
        sel.unregister(s)
        s.close()
        del state[s]
        counts[outcome] += 1

    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex((host, port))
        if err not in (0, errno.EINPROGRESS):
            s.close()
            counts["failed"] += 1
            continue
        state[s] = "connecting"
        sel.register(s, selectors.EVENT_WRITE)

    start = time.monotonic()
    next_trickle = start + interval
    next_status = start
    while time.monotonic() - start < duration:
        for key, events in sel.select(timeout=0.1):
            s = key.fileobj
            if state[s] == "connecting":
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    finish(s, "failed")
                    continue
                counts["connected"] += 1
                try:
                    s.send(b"GET /identity/v3/proj")
                except OSError:
                    finish(s, "closed")
                    continue
                state[s] = "open"
                sel.modify(s, selectors.EVENT_READ)
            else:
                # Anything readable is the server giving up on us: an
                # error page, the end of the stream or a reset.
                finish(s, "closed")
        now = time.monotonic()
        if now >= next_trickle:
            for s in [s for s, st in state.items() if st == "open"]:
                try:
                    s.send(b"e")
                except OSError:
                    finish(s, "closed")
            next_trickle = now + interval
        if now >= next_status:
            is_open = sum(1 for st in state.values() if st == "open")
            tmp = status_file + ".tmp"
            with open(tmp, "w") as f:
                f.write("connected=%d open=%d closed=%d failed=%d pending=%d\n" % (
                    counts["connected"], is_open, counts["closed"], counts["failed"],
                    len(state) - is_open))
            os.replace(tmp, status_file)
            next_status = now + 0.2


if __name__ == "__main__":
    main()
