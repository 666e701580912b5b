#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Counts a tempest run per service, from its subunit stream on stdin.

    stestr last --subunit | summary.py LISTED DETAILS_FILE

Prints "SERVICE ran N passed N failed N skipped N" per service (the part of
the test id after tempest.api.); DETAILS_FILE gets one line per failure and
skip with its reason (the skip message, or the exception's last line).
LISTED is `tempest run --list-tests`: a listed test with no result of its
own did not run because its class fixture failed, and counts as failed.
"""
import sys

import subunit
import testtools

tests = []
stream = subunit.ByteStreamToStreamResult(sys.stdin.buffer, non_subunit_name="stdout")
result = testtools.StreamToDict(tests.append)
result.startTestRun()
stream.run(result)
result.stopTestRun()


def reason(t):
    for name in ("reason", "traceback"):
        d = t["details"].get(name)
        if d is not None:
            text = d.as_text().strip()
            lines = [ln for ln in text.splitlines() if ln.strip()]
            return lines[-1].strip() if lines else ""
    return ""


counts = {}
details = []
for t in tests:
    tid = t["id"].split("[")[0]
    if not tid.startswith("tempest.api.") or t["status"] not in ("success", "fail", "skip", "xfail", "uxsuccess"):
        continue  # setUpClass / tearDownClass rows are counted by the tests they fail
    service = tid.split(".")[2]
    c = counts.setdefault(service, {"ran": 0, "passed": 0, "failed": 0, "skipped": 0})
    if t["status"] == "skip":
        c["skipped"] += 1
        details.append("skip %s: %s" % (tid, reason(t)))
        continue
    c["ran"] += 1
    if t["status"] in ("success", "xfail"):
        c["passed"] += 1
    else:
        c["failed"] += 1
        details.append("fail %s: %s" % (tid, reason(t)))

# A class fixture that failed (or skipped) leaves its tests without results.
fixtures = {}
for t in tests:
    if t["status"] in ("fail", "skip") and t["id"].startswith(("setUpClass (", "tearDownClass (")):
        fixtures[t["id"].split("(")[1].rstrip(")")] = t
seen = {t["id"].split("[")[0] for t in tests}
with open(sys.argv[1]) as f:
    listed = [ln.strip().split("[")[0] for ln in f if ln.startswith("tempest.api.")]
for tid in listed:
    if tid in seen:
        continue
    cls = tid.rsplit(".", 1)[0]
    c = counts.setdefault(tid.split(".")[2], {"ran": 0, "passed": 0, "failed": 0, "skipped": 0})
    if cls in fixtures and fixtures[cls]["status"] == "skip":  # skip_checks said why
        c["skipped"] += 1
        details.append("skip %s: %s" % (tid, reason(fixtures[cls])))
        continue
    c["ran"] += 1
    c["failed"] += 1
    why = reason(fixtures[cls]) if cls in fixtures else "no result"
    details.append("fail %s: class setup failed: %s" % (tid, why))

for service in sorted(counts):
    c = counts[service]
    print("%-10s ran %3d passed %3d failed %3d skipped %3d" % (
        service, c["ran"], c["passed"], c["failed"], c["skipped"]))
with open(sys.argv[2], "w") as f:
    f.write("\n".join(sorted(details)) + ("\n" if details else ""))
