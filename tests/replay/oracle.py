#!/usr/bin/python3
# tshark as an independent oracle for vpnxdp replay: every flow tshark
# dissects as DNS, NTP, TLS, QUIC version 1, STUN or DTLS of a standard
# version (1.0, 1.2, 1.3) must not be called VPN by vpnxdp.  One PASS/FAIL
# line per protocol found, with counts; a failure names each flow called
# VPN and the frames vpnxdp called so, as tshark reads them.
#
# Usage: oracle.py NAME CAPTURE REPLAY_JSON [EXPECT]
#   REPLAY_JSON  `vpnxdp replay --frames --json CAPTURE` (frames and flows)
#   EXPECT       "proto count" lines: tshark must find at least that many
#                flows of each (the crafted captures hold what they claim)
# Exit status 1 when anything failed.
import json, subprocess, sys

name, cap, replay = sys.argv[1], sys.argv[2], sys.argv[3]
expect = {}
if len(sys.argv) > 4:
    for line in open(sys.argv[4]):
        p, n = line.split()
        expect[p] = int(n)

FIELDS = ["frame.number", "frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
          "udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport", "udp.length",
          "dns.id", "dns.flags.recdesired", "dns.flags.response",
          "tls.record.version", "dtls.record.version", "quic.version", "ntp.flags.mode",
          "stun.type"]
cmd = ["tshark", "-n", "-r", cap, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"]
for f in FIELDS:
    cmd += ["-e", f]
res = subprocess.run(cmd, capture_output=True, text=True)
if res.returncode != 0:
    print("FAIL oracle_%s_tshark: exit %d: %s" % (name, res.returncode, res.stderr.strip()[:300]))
    sys.exit(1)

TLS_VERSIONS = {0x0300, 0x0301, 0x0302, 0x0303, 0x0304}
DTLS_VERSIONS = {0xfeff, 0xfefd, 0xfefc}


def num(s):
    return int(s, 0) if s else None


def nums(s):
    return [int(x, 0) for x in s.split(",") if x] if s else []


def what(protos, f):
    """The oracle protocols tshark dissected in this frame."""
    if "_ws.malformed" in protos:
        return set()
    out = set()
    if "dns" in protos or "mdns" in protos:
        out.add("dns")
    if "ntp" in protos:
        out.add("ntp")
    if "tls" in protos and TLS_VERSIONS & set(nums(f["tls.record.version"])):
        out.add("tls")
    if "dtls" in protos and DTLS_VERSIONS & set(nums(f["dtls.record.version"])):
        out.add("dtls")
    if "quic" in protos and 1 in nums(f["quic.version"]):
        out.add("quic")
    if "stun" in protos or "classicstun" in protos:
        out.add("stun")
    return out


def keys(protos, f):
    """The frame's flow keys, outermost and innermost IP/transport layer:
    (l4, lower endpoint, higher endpoint)."""
    ks = []
    for pick in (0, -1):
        ipl = [p for p in protos if p in ("ip", "ipv6")]
        l4l = [p for p in protos if p in ("udp", "tcp")]
        if not ipl or not l4l:
            continue
        ip, l4 = ipl[pick], l4l[pick]
        src = f[ip + ".src"].split(",")[pick]
        dst = f[ip + ".dst"].split(",")[pick]
        sp = f[l4 + ".srcport"].split(",")[pick]
        dp = f[l4 + ".dstport"].split(",")[pick]
        if not (src and dst and sp and dp):
            continue
        a, b = sorted([(src, int(sp)), (dst, int(dp))])
        ks.append((l4, a, b))
    return ks


def describe(p, f, frame_cls):
    if p == "dns":
        first = lambda k: f[k].split(",")[0]
        ulen = num(first("udp.length"))
        return "DNS %s ID %s RD=%s len %s" % (
            "response" if first("dns.flags.response") in ("1", "True") else "query",
            "0x%04x" % num(first("dns.id")) if first("dns.id") else "?",
            {"True": "1", "False": "0"}.get(first("dns.flags.recdesired"), first("dns.flags.recdesired")),
            ulen - 8 if ulen else "?")
    sp = f["udp.srcport"] or f["tcp.srcport"]
    dp = f["udp.dstport"] or f["tcp.dstport"]
    ulen = num(f["udp.length"].split(",")[0]) if f["udp.length"] else None
    return "%s frame %s %s->%s%s" % (p.upper(), f["frame.number"], sp, dp,
                                     " len %d" % (ulen - 8) if ulen else "")


# vpnxdp's side: per frame, and per flow.
vx_frame, vx_flow = {}, {}
for line in open(replay):
    o = json.loads(line)
    if "frame" in o:
        vx_frame[o["frame"]] = o
    else:
        a, b = sorted([(o["src"], o["sport"]), (o["dst"], o["dport"])])
        vx_flow[(o["l4"], a, b)] = o

NOT_VPN = (None, "other", "fragment")
flows = {}   # (proto, key) -> {"frames": [...]}
for line in res.stdout.splitlines():
    vals = line.split("\t")
    f = dict(zip(FIELDS, vals + [""] * (len(FIELDS) - len(vals))))
    protos = f["frame.protocols"].split(":")
    ks = keys(protos, f)
    for p in what(protos, f):
        # The flow as replay names it: the innermost layers (a replay that
        # looks inside tunnels), else the outermost.
        key = next((k for k in reversed(ks) if k in vx_flow), ks[0] if ks else None)
        if key is None:
            continue
        flows.setdefault((p, key), []).append(f)

fails = 0
for p in sorted({p for p, _ in flows} | set(expect)):
    mine = [(k, fs) for (q, k), fs in flows.items() if q == p]
    bad = []
    for k, fs in mine:
        fl = vx_flow.get(k)
        if fl is None:
            bad.append("%s %s:%d <-> %s:%d: not in replay's output" % (k[0], k[1][0], k[1][1], k[2][0], k[2][1]))
            continue
        if fl["protocol"] in NOT_VPN:
            continue
        # Which frames: those of the flow replay called VPN.
        why = []
        for f in fs:
            fr = vx_frame.get(int(f["frame.number"]))
            if fr and fr["protocol"] not in NOT_VPN:
                why.append("%s -> %s (%s, frame %s)" % (describe(p, f, fr), fr["protocol"],
                                                        fr["confidence"], f["frame.number"]))
        if not why:
            why.append("%s -> %s (%s; a frame tshark did not dissect as %s)" % (
                describe(p, fs[0], None), fl["protocol"], fl["confidence"], p.upper()))
        bad.append("%s %s:%d <-> %s:%d: %s" % (k[0], k[1][0], k[1][1], k[2][0], k[2][1], "; ".join(why)))
    n = len(mine)
    short = p in expect and n < expect[p]
    if bad or short:
        fails += 1
        msg = "%d of %d flows tshark dissects as %s called VPN or missing" % (len(bad), n, p.upper())
        if short:
            msg += "; tshark found %d %s flows, %d were made" % (n, p.upper(), expect[p])
        print("FAIL oracle_%s_%s: %s: %s" % (name, p, msg, " | ".join(sorted(bad))))
    else:
        print("PASS oracle_%s_%s: %d flows tshark dissects as %s, 0 called VPN" % (name, p, n, p.upper()))
if not flows:
    print("FAIL oracle_%s: tshark dissected no flow as DNS, NTP, TLS, QUIC, STUN or DTLS" % name)
    fails += 1
sys.exit(1 if fails else 0)
