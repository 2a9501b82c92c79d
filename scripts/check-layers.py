#!/usr/bin/env python3
"""check-layers: libjvs keeps its layers (doc/ARCHITECTURE.md).

    scripts/check-layers.py [--src libjvs] [--include include] [--objs build/libjvs]

The layers, lowest first, are the folders of libjvs/: util, store, engine,
ops. A file's layer is its folder. Three rules, each reported file by file:

  call      no object calls (or reads) a symbol defined in a higher layer
            (nm: undefined references of one object against the
            definitions of the others);
  cycle     no cycle between files of different modules in that graph
            (a module is a layer's files that share the name up to the
            first '_': doctor.c, doctor_repair.c and doctor_runtime.c are
            one module and may call each other);
  include   no #include "..." climbs a layer. A header's layer is its
            folder; a header in include/jvs/ or the libjvs/ root takes the
            layer of the .c file with the same name; a header with no such
            .c (an umbrella or types header of the public API) takes the
            highest layer of the headers it includes itself, so it may be
            included from every layer exactly when it declares nothing of
            a higher one.

Exit status 0 when all hold, 1 with the findings on stderr otherwise.
"""

import argparse
import os
import re
import subprocess
import sys

LAYERS = ["util", "store", "engine", "ops"]
RANK = {name: i for i, name in enumerate(LAYERS)}
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def module_of(rel):
    """util/fsutil.c -> util/fsutil; ops/doctor_repair.c -> ops/doctor."""
    layer, base = rel.split("/", 1)
    stem = os.path.splitext(base)[0]
    return layer + "/" + stem.split("_", 1)[0]


def nm_symbols(path):
    out = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
    defs, undefs = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefs.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRCGSVW" and parts[1].isupper():
            defs.add(parts[2])
    return defs, undefs


def call_graph(objs, src):
    """{file: {file: [symbols]}} over the objects below objs/<layer>/ whose
    source is still in src (a stale object of a removed file is left out)."""
    defs, undefs = {}, {}
    for layer in LAYERS:
        d = os.path.join(objs, layer)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            rel = layer + "/" + name[:-2] + ".c"
            if name.endswith(".o") and os.path.isfile(os.path.join(src, rel)):
                defs[rel], undefs[rel] = nm_symbols(os.path.join(d, name))
    where = {}
    for rel, syms in defs.items():
        for s in syms:
            where[s] = rel
    graph = {rel: {} for rel in defs}
    for rel, syms in undefs.items():
        for s in sorted(syms):
            to = where.get(s)
            if to and to != rel:
                graph[rel].setdefault(to, []).append(s)
    return graph


def check_calls(graph):
    found = []
    for a in sorted(graph):
        for b, syms in sorted(graph[a].items()):
            la, lb = a.split("/")[0], b.split("/")[0]
            if RANK[lb] > RANK[la]:
                found.append("call: %s (%s) calls %s (%s): %s"
                             % (a, la, b, lb, ", ".join(syms)))
    return found


def sccs(nodes, edges):
    """Tarjan's strongly connected components, iteratively."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out


def shortest_cycle(start, comp, mod_edges):
    """A shortest cycle of modules through start inside one component, as
    a list of modules ending at start."""
    from collections import deque
    prev = {start: None}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for w in sorted(mod_edges.get(v, ())):
            if w not in comp:
                continue
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                path.reverse()
                return path + [start]
            if w not in prev:
                prev[w] = v
                queue.append(w)
    return [start]


def check_cycles(graph):
    mod_edges = {}
    for a, tos in graph.items():
        for b in tos:
            if module_of(a) != module_of(b):
                mod_edges.setdefault(module_of(a), set()).add(module_of(b))
    nodes = {module_of(f) for f in graph}
    found = []
    for comp in sccs(nodes, mod_edges):
        if len(comp) < 2:
            continue
        path = shortest_cycle(comp[0], set(comp), mod_edges)
        steps = []
        for ma, mb in zip(path, path[1:]):
            for a in sorted(graph):
                for b, syms in sorted(graph[a].items()):
                    if module_of(a) == ma and module_of(b) == mb:
                        steps.append("%s -> %s (%s)" % (a, b, ", ".join(syms)))
        found.append("cycle: between the modules %s, e.g. %s:\n    %s"
                     % (" ".join(comp), " -> ".join(path), "\n    ".join(steps)))
    return found


def check_includes(src, inc):
    files = {}  # path as shown -> real path
    for dirpath, _, names in os.walk(src):
        for n in sorted(names):
            if n.endswith((".c", ".h")):
                p = os.path.join(dirpath, n)
                files[os.path.relpath(p, src)] = p
    pub = os.path.join(inc, "jvs")
    if os.path.isdir(pub):
        for n in sorted(os.listdir(pub)):
            if n.endswith(".h"):
                files["include/jvs/" + n] = os.path.join(pub, n)
    found = []
    stray = [f for f in files if f.endswith(".c") and f.split("/")[0] not in RANK]
    for f in sorted(stray):
        found.append("layer: %s is in no layer folder (%s)" % (f, ", ".join(LAYERS)))
    stems = {}
    for f in files:
        if f.endswith(".c") and f.split("/")[0] in RANK:
            stems.setdefault(os.path.basename(f)[:-2], []).append(f.split("/")[0])
    search = [inc, os.path.join(inc, "jvs"), src] + [os.path.join(src, l) for l in LAYERS]

    def resolve(includer, name):
        for d in [os.path.dirname(files[includer])] + search:
            p = os.path.normpath(os.path.join(d, name))
            if os.path.isfile(p):
                for k, v in files.items():
                    if os.path.normpath(v) == p:
                        return k
                return None  # outside libjvs and include/jvs/
        return None

    includes = {}
    for f in files:
        with open(files[f], encoding="utf-8", errors="replace") as fh:
            for lineno, line in enumerate(fh, 1):
                m = INCLUDE_RE.match(line)
                if m:
                    to = resolve(f, m.group(1))
                    if to:
                        includes.setdefault(f, []).append((lineno, m.group(1), to))

    memo = {}

    def layer_of(f, seen=()):
        """(rank, why) of a file."""
        if f in memo:
            return memo[f]
        top = f.split("/")[0]
        if top in RANK:
            res = (RANK[top], "its folder")
        else:
            stem = os.path.basename(f)[:-2]
            if stem in stems and len(set(stems[stem])) == 1:
                res = (RANK[stems[stem][0]], "%s/%s.c" % (stems[stem][0], stem))
            else:
                res = (0, "no .c of its name, includes nothing higher")
                for _, _, to in includes.get(f, []):
                    if to in seen or to == f:
                        continue
                    r, _ = layer_of(to, seen + (f,))
                    if r > res[0]:
                        res = (r, "no .c of its name, includes %s" % to)
        memo[f] = res
        return res

    for f in sorted(includes):
        rf, _ = layer_of(f)
        for lineno, name, to in includes[f]:
            rt, why = layer_of(to)
            if rt > rf:
                found.append('include: %s:%d (%s) includes "%s" = %s (%s: %s)'
                             % (f, lineno, LAYERS[rf], name, to, LAYERS[rt], why))
    return found


def main():
    ap = argparse.ArgumentParser(description="libjvs layer rules")
    ap.add_argument("--src", default="libjvs")
    ap.add_argument("--include", default="include")
    ap.add_argument("--objs", default="build/libjvs")
    a = ap.parse_args()

    findings = check_includes(a.src, a.include)
    graph = call_graph(a.objs, a.src)
    if not graph:
        findings.append("objects: none below %s/{%s}" % (a.objs, ",".join(LAYERS)))
    findings += check_calls(graph) + check_cycles(graph)

    nfiles = len(graph)
    nedges = sum(len(t) for t in graph.values())
    per = {l: sum(1 for f in graph if f.startswith(l + "/")) for l in LAYERS}
    print("check-layers: %d files (%s), %d file-to-file references"
          % (nfiles, ", ".join("%s %d" % (l, per[l]) for l in LAYERS), nedges))
    sys.stdout.flush()
    if findings:
        for f in findings:
            print(f, file=sys.stderr)
        print("check-layers: %d finding(s); the rules are in doc/ARCHITECTURE.md"
              % len(findings), file=sys.stderr)
        return 1
    print("check-layers: no upward call, no cycle between modules, no upward include")
    return 0


if __name__ == "__main__":
    sys.exit(main())
