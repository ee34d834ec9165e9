#!/usr/bin/env python3
"""The tree's layout rules, checked (tests/layout/test_layout.sh runs this).

  functions   no function in bpf/, headers/ or user/ is longer than 80 lines
  headers     every header compiles on its own: headers/ with both compilers
              (gcc, clang -target bpf), bpf/ with clang -target bpf, user/
              with gcc; so none relies on what its includer put before it
  includes    no cycle among the project's own includes
  modules     no cycle among user/'s objects (who calls whom, from nm)
  maps        every map is declared in bpf/maps.bpf.h
  dead        every function user/'s library exports is used by the vpnxdp
              command (test-only code lives under tests/)

Prints PASS/FAIL lines (tests/lib.sh's format).
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
MAX_LINES = 80


def out(ok, name, why=""):
    name = name.replace(" ", "_")
    print(f"PASS {name}" if ok else f"FAIL {name}: {why}")


def files(top, exts):
    for d, _, fs in os.walk(os.path.join(ROOT, top)):
        for f in sorted(fs):
            if f.endswith(exts):
                yield os.path.relpath(os.path.join(d, f), ROOT)


SOURCES = [f for t in ("bpf", "headers", "user") for f in files(t, (".c", ".h"))]

# A definition: a line at column 0 that opens a parameter list and is not a
# declaration, a macro or a type; its body is the lines up to the first "}"
# at column 0 (the tree is written in kernel style).
DEF = re.compile(r"^[A-Za-z_][\w \*]*\b(\w+)\s*\(")


def functions(path):
    lines = open(os.path.join(ROOT, path)).read().split("\n")
    i = 0
    while i < len(lines):
        m = DEF.match(lines[i])
        if not m or lines[i].rstrip().endswith(";") or lines[i].startswith(
                ("typedef", "struct", "enum", "union", "static const", "const")):
            i += 1
            continue
        start = i
        while i < len(lines) and not lines[i].startswith("{"):
            if lines[i].rstrip().endswith(";"):
                break
            i += 1
        if i >= len(lines) or not lines[i].startswith("{"):
            i = start + 1
            continue
        while i < len(lines) and not lines[i].startswith("}"):
            i += 1
        yield m.group(1), start + 1, i - start + 1
        i += 1


def check_functions():
    long = []
    n = 0
    for f in SOURCES:
        for name, line, length in functions(f):
            n += 1
            if length > MAX_LINES:
                long.append(f"{f}:{line} {name} ({length} lines)")
    out(n > 100, "layout_functions_found", f"only {n} functions found: the scan is broken")
    out(not long, f"layout_no_function_over_{MAX_LINES}_lines", "; ".join(long))


def compiles(cmd, header):
    src = f'#include "{os.path.abspath(os.path.join(ROOT, header))}"\n'
    r = subprocess.run(cmd + ["-fsyntax-only", "-x", "c", "-"], input=src,
                       capture_output=True, text=True, cwd=ROOT)
    return r.returncode == 0, r.stderr.strip().split("\n")[0] if r.stderr else ""


def bpf_cmd():
    inc = subprocess.run(["make", "-s", "--no-print-directory", "print-bpf-cflags"],
                         capture_output=True, text=True, cwd=ROOT).stdout.split()
    return ["clang"] + inc


def check_headers():
    # A header alone leaves its static functions unused, and the
    # classifier's hooks (vpnxdp_classify.h) declared but not defined.
    quiet = ["-Wno-unused-function"]
    gcc = ["gcc", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Werror", "-Iheaders",
           f"-I{BUILD}", "-Iuser"] + quiet
    bpf = bpf_cmd() + ["-Ibpf", "-Wno-undefined-internal"] + quiet
    bad = []
    # The classifier asks its includer for hooks (the tables and caches):
    # it is checked through its two bindings, one per compiler.
    bindings = {"headers/vpnxdp_classify.h": [("gcc", gcc + ["-Itests/lib"],
                                               "tests/lib/classify_user.h"),
                                              ("bpf", bpf, "bpf/hooks.bpf.h")]}
    for h in [f for f in SOURCES if f.endswith(".h")]:
        cmds = []
        if h in bindings:
            for what, c, via in bindings[h]:
                ok, why = compiles(c, via)
                if not ok:
                    bad.append(f"{h} through {via} ({what}): {why}")
            continue
        if h.startswith("headers/"):
            cmds = [("gcc", gcc), ("bpf", bpf)]
        elif h.startswith("bpf/"):
            cmds = [("bpf", bpf)]
        else:
            cmds = [("gcc", gcc)]
        for what, c in cmds:
            ok, why = compiles(c, h)
            if not ok:
                bad.append(f"{h} ({what}): {why}")
    out(not bad, "layout_headers_self_contained", "; ".join(bad))


INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def resolve(frm, name):
    for d in (os.path.dirname(frm), "headers", "bpf", "user"):
        p = os.path.normpath(os.path.join(d, name))
        if os.path.exists(os.path.join(ROOT, p)):
            return p
    return None


def cycle(graph):
    """A cycle in @graph (node -> set of nodes) as a list, or None."""
    state = {}
    stack = []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                c = visit(m)
                if c:
                    return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            c = visit(n)
            if c:
                return c
    return None


def check_includes():
    graph = {}
    for f in SOURCES:
        text = open(os.path.join(ROOT, f)).read()
        graph[f] = {r for r in (resolve(f, i) for i in INC.findall(text)) if r}
    c = cycle(graph)
    out(c is None, "layout_no_include_cycle", " -> ".join(c or []))


def nm(obj):
    r = subprocess.run(["nm", obj], capture_output=True, text=True)
    defined, undefined = set(), set()
    for line in r.stdout.split("\n"):
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBR":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
    return defined, undefined


def objects():
    objs = {}
    for d, _, fs in os.walk(os.path.join(ROOT, BUILD, "obj")):
        for f in fs:
            if f.endswith(".o"):
                p = os.path.join(d, f)
                objs[os.path.relpath(p, os.path.join(ROOT, BUILD, "obj"))] = nm(p)
    return objs


def check_modules():
    objs = objects()
    if not objs:
        out(False, "layout_no_module_cycle", f"no objects under {BUILD}/obj: build first")
        return
    owner = {s: o for o, (d, _) in objs.items() for s in d}
    graph = {o: {owner[s] for s in u if s in owner and owner[s] != o}
             for o, (_, u) in objs.items()}
    c = cycle(graph)
    out(c is None, "layout_no_module_cycle", " -> ".join(c or []))
    used = set()
    for _, (_, u) in objs.items():
        used |= u
    lib = [o for o in objs if not (o == "main.o" or o.startswith("cmd/"))]
    dead = sorted(f"{s} ({o})" for o in lib for s in objs[o][0]
                  if s not in used and s.startswith("vx_") and
                  not used_inside(o, s))
    out(not dead, "layout_no_test_only_code_in_user", ", ".join(dead))


def used_inside(obj, sym):
    """Does the source of @obj use @sym beyond defining it?  (A call inside
    its own object leaves no trace in nm.)"""
    src = os.path.join(ROOT, "user", obj[:-2] + ".c")
    text = open(src).read() if os.path.exists(src) else ""
    return len(re.findall(r"\b%s\b" % re.escape(sym), text)) > 1


def check_maps():
    bad = []
    for f in SOURCES:
        if f == "bpf/maps.bpf.h":
            continue
        if 'SEC(".maps")' in open(os.path.join(ROOT, f)).read():
            bad.append(f)
    out(not bad, "layout_maps_only_in_maps_bpf_h", ", ".join(bad))


def main():
    check_functions()
    check_headers()
    check_includes()
    check_modules()
    check_maps()
    return 0


if __name__ == "__main__":
    sys.exit(main())
