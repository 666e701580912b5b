#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The agent's layers (agents/meson.build) hold: common/ includes nothing of
network/ or compute/, the two halves include common/ and themselves but not
each other, and no agent header includes itself back through others. Only
main.c, at the top, uses everything. This fails, naming each offending line
(or the loop), when that stops being true.

  check_agent_layers.py AGENTS_DIR

Includes of the agent name their layer ("network/dp.h"): a bare "dp.h"
would be found by whatever directory the include path tries first, so it
is refused too.
"""
import os
import re
import sys

# What each layer may include besides itself.
ALLOWED = {"common": set(), "network": {"common"}, "compute": {"common"}}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def includes(path):
    """(line number, quoted?, included path) of each #include of path."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                yield n, m.group(1) == '"', m.group(2)


def sources(root):
    """(layer, path relative to root) of every .c and .h: main's files are layer None."""
    for name in sorted(os.listdir(root)):
        full = os.path.join(root, name)
        if os.path.isdir(full):
            for sub in sorted(os.listdir(full)):
                if sub.endswith((".c", ".h")):
                    yield name, name + "/" + sub
        elif name.endswith((".c", ".h")):
            yield None, name


def main(argv):
    if len(argv) != 2:
        print("usage: check_agent_layers.py AGENTS_DIR", file=sys.stderr)
        return 2
    root = argv[1]
    problems = []
    graph = {}  # agent header -> the agent headers it includes
    files = list(sources(root))
    if not any(layer == "common" for layer, _ in files):
        problems.append(f"{root}: no common/ layer")
    for layer, rel in files:
        if layer is not None and layer not in ALLOWED:
            problems.append(f"{rel}: {layer}/ is not a layer of the agent")
            continue
        edges = graph.setdefault(rel, [])
        for n, quoted, inc in includes(os.path.join(root, rel)):
            ours = os.path.exists(os.path.join(root, inc))
            if not quoted and not ours:
                continue  # a system or library header
            where = f"{rel}:{n}"
            if "/" not in inc:
                problems.append(f'{where}: "{inc}" names no layer (write "LAYER/{inc}")')
                continue
            target = inc.split("/", 1)[0]
            if target not in ALLOWED:
                if quoted:
                    problems.append(f"{where}: {inc} is in no layer of the agent")
                continue
            if not ours:
                problems.append(f"{where}: {inc}: no such file")
                continue
            edges.append(inc)
            if layer is not None and target != layer and target not in ALLOWED[layer]:
                problems.append(f"{where}: {layer}/ includes {inc}")

    # An include loop among the headers, depth first.
    state = {}  # header -> 1 while on the path, 2 when done

    def visit(h, path):
        state[h] = 1
        for nxt in graph.get(h, []):
            if state.get(nxt) == 1:
                loop = path[path.index(nxt):] + [nxt]
                problems.append("include loop: " + " -> ".join(loop))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[h] = 2

    for h in sorted(graph):
        if h not in state:
            visit(h, [h])

    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print("agents/: common/ <- network/, common/ <- compute/, main.c uses all; "
              "no include loop", file=sys.stderr)
        return 1
    print("agents/: common/ includes no half, network/ and compute/ not each other, no loop")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
