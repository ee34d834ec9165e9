#!/usr/bin/python3
"""Run a unit's Exec lines the way systemd would, without systemd.

unitrun.py [--map OLD=NEW]... UNITFILE INSTANCE start|reload|stop

For a test on a machine whose PID 1 is not systemd.  Reads the unit file
(a template vpnxdp@.service with INSTANCE, or a plain unit with INSTANCE
"-"), then for the action runs, in systemd's order:
  start:  ExecStartPre=, ExecStart=, ExecStartPost=
  reload: ExecReload=
  stop:   ExecStop=, ExecStopPost=
each command as systemd would start it:
  - specifiers %i %I %n %N %p %% substituted (the subset our units use;
    any other is refused rather than guessed);
  - a clean environment: PATH as systemd sets it, Environment= and
    EnvironmentFile= (a leading '-': missing is fine) applied in order;
  - $VAR as a word of its own splits into words, ${VAR} is one word;
  - prefixes '-' (failure ignored), ':' (no variable expansion),
    '+' (no sandbox), '@' (argv[0] given separately);
  - the sandbox part that setpriv can reproduce: CapabilityBoundingSet=
    (as root, the bounding set is also what the process gets),
    NoNewPrivileges=, UMask=; and of ProtectKernelTunables= the part that
    matters to vpnxdp, /sys/fs/bpf read-only (a bind mount in a private
    mount namespace).  Other mount, syscall and address-family
    restrictions are NOT reproduced: those are systemd's own, checked by
    systemd-analyze verify/security instead.
--map OLD=NEW rewrites any argument starting with OLD (e.g. the binary
/usr/sbin/vpnxdp to a build, /etc/vpnxdp to a test directory).
Stops at the first failing command (unless prefixed '-'), exit code as the
command's, like a failed unit.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys

SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
ORDER = {
    "start": ["ExecStartPre", "ExecStart", "ExecStartPost"],
    "reload": ["ExecReload"],
    "stop": ["ExecStop", "ExecStopPost"],
}
CAP_NAMES = None


def parse_unit(path):
    """{section: [(key, value)]}, with continuation lines joined."""
    sections, cur, pending = {}, None, ""
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if pending:
                line = pending + line.lstrip()
                pending = ""
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            s = line.strip()
            if not s or s[0] in "#;":
                continue
            if s.startswith("[") and s.endswith("]"):
                cur = s[1:-1]
                sections.setdefault(cur, [])
                continue
            k, _, v = s.partition("=")
            sections.setdefault(cur, []).append((k.strip(), v.strip()))
    return sections


def unescape_instance(s):
    """systemd's unit name unescaping: \\xNN sequences (not '-')."""
    return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), s)


def specifiers(text, unit_name, instance):
    prefix = unit_name.split("@")[0]
    table = {
        "i": instance or "",
        "I": unescape_instance(instance or ""),
        "n": unit_name,
        "N": unit_name.rsplit(".", 1)[0],
        "p": prefix,
        "%": "%",
    }

    def sub(m):
        c = m.group(1)
        if c not in table:
            raise SystemExit("unitrun: specifier %%%s not supported" % c)
        return table[c]

    return re.sub(r"%(.)", sub, text)


def read_env_file(path, env):
    with open(path) as f:
        for line in f:
            s = line.strip()
            if not s or s[0] in "#;" or "=" not in s:
                continue
            k, _, v = s.partition("=")
            k, v = k.strip(), v.strip()
            if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
                v = v[1:-1]
            env[k] = v


def expand(words, env):
    out = []
    for w in words:
        m = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", w)
        if m:
            out.extend(env.get(m.group(1), "").split())
            continue
        out.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}",
                          lambda mm: env.get(mm.group(1), ""), w))
    return out


ALL = object()


def cap_update(current, value):
    """Fold one CapabilityBoundingSet= line into @current (None = unset, a
    set of names, or ALL minus a set as ("~", set)).  Lines are ORed, an
    empty one resets to the empty set, "~" lists what to take away."""
    caps = value.split()
    if not caps:
        return set()
    if caps[0].startswith("~"):
        caps[0] = caps[0][1:]
        drop = {c.lower().replace("cap_", "", 1) for c in caps}
        return ("~", drop | (current[1] if isinstance(current, tuple) else set()))
    add = {c.lower().replace("cap_", "", 1) for c in caps}
    if isinstance(current, tuple):
        return ("~", current[1] - add)
    return (current or set()) | add


def setpriv_bounding(caps):
    if isinstance(caps, tuple):
        return "+all" + "".join(",-" + c for c in sorted(caps[1]))
    return "-all" + "".join(",+" + c for c in sorted(caps))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--map", action="append", default=[])
    ap.add_argument("unit")
    ap.add_argument("instance")
    ap.add_argument("action", choices=sorted(ORDER))
    a = ap.parse_args()

    base = os.path.basename(a.unit)
    if a.instance != "-":
        if "@." not in base:
            raise SystemExit("unitrun: %s is not a template" % base)
        unit_name = base.replace("@.", "@%s." % a.instance, 1)
    else:
        unit_name = base
    maps = [m.split("=", 1) for m in a.map]
    unit = parse_unit(a.unit)
    svc = unit.get("Service", [])
    inst = a.instance if a.instance != "-" else None

    env = {"PATH": SYSTEMD_PATH, "LANG": "C.UTF-8"}
    bounding, nnp, umask, ro_sys = None, False, None, False
    for k, v in svc:
        v = specifiers(v, unit_name, inst)
        if k == "Environment":
            for w in shlex.split(v):
                kk, _, vv = w.partition("=")
                env[kk] = vv
        elif k == "EnvironmentFile":
            optional = v.startswith("-")
            p = v[1:] if optional else v
            for old, new in maps:
                if p.startswith(old):
                    p = new + p[len(old):]
            if os.path.exists(p):
                read_env_file(p, env)
            elif not optional:
                print("unitrun: EnvironmentFile %s missing" % p, file=sys.stderr)
                return 1
        elif k == "CapabilityBoundingSet":
            bounding = cap_update(bounding, v)
        elif k == "NoNewPrivileges":
            nnp = v.lower() in ("yes", "true", "1", "on")
        elif k == "UMask":
            umask = int(v, 8)
        elif k == "ProtectKernelTunables":
            ro_sys = v.lower() in ("yes", "true", "1", "on")

    for key in ORDER[a.action]:
        for k, v in svc:
            if k != key or not v:
                continue
            v = specifiers(v, unit_name, inst)
            ignore = full = noexpand = argv0 = False
            while v and v[0] in "-+:@!":
                ignore |= v[0] == "-"
                full |= v[0] == "+"
                noexpand |= v[0] == ":"
                argv0 |= v[0] == "@"
                v = v[1:]
            words = shlex.split(v)
            if not noexpand:
                words = expand(words, env)
            words = [next((new + w[len(old):] for old, new in maps if w.startswith(old)), w)
                     for w in words]
            if argv0:
                raise SystemExit("unitrun: the '@' prefix is not supported")
            path = words[0]
            cmd = ["setpriv"]
            if not full:
                if bounding is not None:
                    cmd.append("--bounding-set=" + setpriv_bounding(bounding))
                if nnp:
                    cmd.append("--no-new-privs")
            cmd += ["--", path] + words[1:]
            if ro_sys and not full:
                cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                       "mount --bind /sys/fs/bpf /sys/fs/bpf && "
                       "mount -o remount,bind,ro /sys/fs/bpf && exec \"$@\"", "sh"] + cmd
            print("unitrun: %s %s: %s" % (unit_name, key, shlex.join(cmd)), file=sys.stderr)
            old_umask = os.umask(umask) if umask is not None else None
            try:
                rc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL).returncode
            finally:
                if old_umask is not None:
                    os.umask(old_umask)
            if rc != 0 and not ignore:
                print("unitrun: %s %s failed (exit %d)" % (unit_name, key, rc), file=sys.stderr)
                return rc
    return 0


if __name__ == "__main__":
    sys.exit(main())
