#!/usr/bin/python3
# Ordinary (non-VPN) traffic for test_oracle.sh, written byte by byte
# (struct): DNS, NTP, TLS over TCP 443, QUIC v1 Initials, STUN and DTLS
# 1.0/1.2, each flow on its own 5-tuple.  tshark, not this script, says
# what each flow is; the script only writes how many flows of each kind it
# made (OUTDIR/expect, "proto count" lines), for the test to check that
# tshark recognises them all.
# Usage: mkoracle.py OUTDIR
import random, struct, sys

out = sys.argv[1]
rng = random.Random(11)
frames = []   # (seconds, Ethernet frame)
made = {}     # protocol -> flows made
t = [1700000000.0]
ETH4 = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00"
ETH6 = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x86\xdd"


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


class Host:
    n4 = 0
    n6 = 0

    def __init__(self, v6=False):
        self.v6 = v6
        if v6:
            Host.n6 += 1
            self.a = bytes.fromhex("20010db8") + bytes(10) + struct.pack(">H", Host.n6)
        else:
            Host.n4 += 1
            net = (192, 0, 2) if Host.n4 < 250 else (198, 51, 100)
            self.a = bytes(net) + bytes([Host.n4 % 250 + 1])


def l4pkt(src, dst, proto, l4):
    if src.v6:
        return ETH6 + struct.pack(">IHBB16s16s", 0x60000000, len(l4), proto, 64, src.a, dst.a) + l4
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), rng.randrange(65536), 0x4000, 64,
                    proto, 0, src.a, dst.a)
    h = h[:10] + struct.pack(">H", csum(h)) + h[12:]
    return ETH4 + h + l4


def emit(frame):
    t[0] += 0.001
    frames.append((t[0], frame))


def udp(src, sp, dst, dp, payload):
    emit(l4pkt(src, dst, 17, struct.pack(">HHHH", sp, dp, 8 + len(payload), 0) + payload))


class Tcp:
    def __init__(self, c, cp, s, sp):
        self.c, self.cp, self.s, self.sp = c, cp, s, sp
        self.seq = {0: rng.randrange(1 << 32), 1: rng.randrange(1 << 32)}
        self.seg(0, 0x02)
        self.seg(1, 0x12)
        self.seg(0, 0x10)

    def seg(self, d, flags, data=b""):
        src, dst = (self.c, self.s) if d == 0 else (self.s, self.c)
        sp, dp = (self.cp, self.sp) if d == 0 else (self.sp, self.cp)
        ack = self.seq[1 - d] if flags != 0x02 else 0
        hdr = struct.pack(">HHIIBBHHH", sp, dp, self.seq[d], ack, 0x50, flags, 64240, 0, 0)
        emit(l4pkt(src, dst, 6, hdr + data))
        self.seq[d] = (self.seq[d] + len(data) + (1 if flags & 0x03 else 0)) & 0xffffffff


PORTS = list(range(20000, 60000))
rng.shuffle(PORTS)


def port():
    """A client port no other flow uses: each flow its own 5-tuple."""
    return PORTS.pop()


# ---------------------------------------------------------------- DNS
def qname(n):
    """An encoded name of exactly n bytes (n == 1 or n >= 3)."""
    out, m = b"", n - 1
    while m:
        k = min(63, m - 1)
        if m - (k + 1) == 1:   # a single byte left could not be a label
            k -= 1
        out += bytes([k]) + b"a" * k
        m -= k + 1
    return out + b"\0"


def dns_query(qid, rd, size, edns=False):
    """A query of exactly @size bytes (header, question, optional OPT)."""
    opt = b""
    if edns == "bare":
        # OPT with no options: the query ends in zeros, as OpenVPN's hard
        # reset does
        opt = b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0)
    elif edns:
        # OPT: root name, type 41, UDP size 1232, TTL 0, a cookie option
        opt = b"\0" + struct.pack(">HHIH", 41, 1232, 0, 12) + struct.pack(">HH", 10, 8) + bytes(range(8))
    size = max(size, 48) if edns is True else size   # room for the OPT record
    nq = size - 12 - 4 - len(opt)
    name = qname(nq)
    assert len(name) == nq, (size, nq, len(name))
    flags = 0x0100 if rd else 0
    return struct.pack(">HHHHHH", qid, flags, 1, 0, 0, 1 if edns else 0) + name + struct.pack(">HH", 1, 1) + opt


def dns_response(q):
    qid, flags = struct.unpack(">HH", q[:4])
    hdr = struct.pack(">HHHHHH", qid, 0x8000 | (flags & 0x0100) | 0x0080, 1, 1, 0, 0)
    qd_end = 12
    while q[qd_end]:
        qd_end += 1 + q[qd_end]
    question = q[12:qd_end + 5]
    ans = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 300, 4) + bytes([203, 0, 113, 7])
    return hdr + question + ans


resolver, auth, auth6, res6 = Host(), Host(), Host(True), Host(True)
sizes = [s for s in range(32, 513, 16)]
# Every ID 0x0100-0x0400 with RD=0, as a resolver asks an authority, one
# flow each; a payload length that is a multiple of 16.
for i, qid in enumerate(range(0x0100, 0x0401)):
    q = dns_query(qid, 0, sizes[i % len(sizes)], edns=(i % 3 == 0))
    sp = 1024 + i * 7
    udp(resolver, sp, auth, 53, q)
    udp(auth, 53, resolver, sp, dns_response(q))
    made["dns"] = made.get("dns", 0) + 1
# The IDs whose first bytes are WireGuard's message types (01-04 00 00 00
# with RD=0) at every multiple-of-16 length and at the lengths of its
# handshake messages (148, 92, 64), with and without EDNS.
for qid in (0x0100, 0x0200, 0x0300, 0x0400):
    for size in sizes + [148, 92, 64]:
        for edns in (False, True):
            if edns and size < 48:
                continue
            q = dns_query(qid, 0, size, edns=edns)
            assert len(q) == size
            sp = port()
            udp(resolver, sp, auth, 53, q)
            udp(auth, 53, resolver, sp, dns_response(q))
            made["dns"] += 1
# IDs whose first byte is an OpenVPN hard-reset opcode with key 0 (0x08
# client v1, 0x10 server v1, 0x38 client v2, 0x40 server v2; 0x088e as a
# resolver sent it), EDNS with no options, at every length 40-160.
for qid in (0x088e, 0x1000, 0x3800, 0x4000):
    for size in range(40, 161):
        q = dns_query(qid, qid & 1, size, edns="bare")
        assert len(q) == size
        sp = port()
        udp(resolver, sp, auth, 53, q)
        udp(auth, 53, resolver, sp, dns_response(q))
        made["dns"] += 1
# Random IDs with RD=1 (stub to resolver), EDNS or not, IPv4 and IPv6; the
# issue's 0x088e with EDNS among them.
for i, qid in enumerate([0x088e, 0x0000, 0xffff] + [rng.randrange(65536) for _ in range(150)]):
    v6 = i % 4 == 3
    c, s = (res6, auth6) if v6 else (Host(), resolver)
    q = dns_query(qid, 1, rng.choice(sizes) if i % 2 else rng.randrange(29, 300), edns=(i % 2 == 0))
    sp = port()
    udp(c, sp, s, 53, q)
    udp(s, 53, c, sp, dns_response(q))
    made["dns"] += 1
# One resolver-to-authority flow of many queries (what the flow cache sees
# of a busy resolver): IDs 0x0100-0x0400 again, every 16th.
for i, qid in enumerate(range(0x0100, 0x0401, 16)):
    q = dns_query(qid, 0, sizes[i % len(sizes)], edns=(i % 2 == 0))
    udp(resolver, 10053, auth, 53, q)
    udp(auth, 53, resolver, 10053, dns_response(q))
made["dns"] += 1

# ---------------------------------------------------------------- NTP
ntps = Host()
for i in range(40):
    c = Host()
    sp = 123 if i % 2 else port()
    ts = struct.pack(">II", 3900000000 + i, rng.randrange(1 << 32))
    # root delay, dispersion, reference id; reference, origin, receive
    # and transmit times
    req = struct.pack(">BBbb", 0x23, 0, 6, -20) + bytes(12) + bytes(24) + ts
    resp = struct.pack(">BBbb", 0x24, 2, 6, -23) + struct.pack(">II", 0x100, 0x200) + b"GPS\0" + ts * 2 + ts + ts
    udp(c, sp, ntps, 123, req)
    udp(ntps, 123, c, sp, resp)
    made["ntp"] = made.get("ntp", 0) + 1


# ---------------------------------------------------------------- TLS
def ext(t_, body):
    return struct.pack(">HH", t_, len(body)) + body


def tls_hs(kind, body):
    return bytes([kind]) + struct.pack(">I", len(body))[1:] + body


def client_hello(name, sid, version=0x0303, dtls_cookie=None):
    sni = ext(0, struct.pack(">HBH", len(name) + 3, 0, len(name)) + name)
    sv = ext(43, b"\x04\x03\x04\x03\x03")
    groups = ext(10, b"\x00\x04\x00\x1d\x00\x17")
    suites = b"\x13\x01\x13\x02\xc0\x2b\xc0\x2f\x00\x9c"
    body = struct.pack(">H", version) + bytes(rng.randrange(256) for _ in range(32))
    body += bytes([len(sid)]) + sid
    if dtls_cookie is not None:
        body += bytes([len(dtls_cookie)]) + dtls_cookie
    body += struct.pack(">H", len(suites)) + suites + b"\x01\x00"
    exts = sni + groups + (sv if dtls_cookie is None else b"")
    return body + struct.pack(">H", len(exts)) + exts


def server_hello(sid, version=0x0303):
    body = struct.pack(">H", version) + bytes(rng.randrange(256) for _ in range(32))
    body += bytes([len(sid)]) + sid + b"\xc0\x2f\x00"
    exts = ext(0xff01, b"\x00")
    return body + struct.pack(">H", len(exts)) + exts


def tls_record(ct, version, body):
    return struct.pack(">BHH", ct, version, len(body)) + body


web = [Host(), Host(True)]
for i in range(40):
    s = web[i % 2]
    c = Host(s.v6)
    cp = port()
    conn = Tcp(c, cp, s, 443)
    sid = bytes(rng.randrange(256) for _ in range(32)) if i % 3 else b""
    conn.seg(0, 0x18, tls_record(22, 0x0301, tls_hs(1, client_hello(b"www%d.example.com" % i, sid))))
    conn.seg(1, 0x18, tls_record(22, 0x0303, tls_hs(2, server_hello(sid))) +
             tls_record(20, 0x0303, b"\x01"))
    for _ in range(3):
        conn.seg(0, 0x18, tls_record(23, 0x0303, bytes(rng.randrange(256) for _ in range(rng.randrange(20, 600)))))
        conn.seg(1, 0x18, tls_record(23, 0x0303, bytes(rng.randrange(256) for _ in range(rng.randrange(20, 1400)))))
    made["tls"] = made.get("tls", 0) + 1


# ---------------------------------------------------------------- QUIC
def quic_initial(dcid, scid, size):
    hdr = bytes([0xc3]) + struct.pack(">I", 1) + bytes([len(dcid)]) + dcid + bytes([len(scid)]) + scid + b"\x00"
    rest = size - len(hdr) - 2
    return hdr + struct.pack(">H", 0x4000 | rest) + bytes(rng.randrange(256) for _ in range(rest))


for i in range(30):
    s = web[i % 2]
    c = Host(s.v6)
    cp = port()
    dcid = bytes(rng.randrange(256) for _ in range(8))
    scid = bytes(rng.randrange(256) for _ in range(8))
    udp(c, cp, s, 443, quic_initial(dcid, b"", 1200))
    udp(s, 443, c, cp, quic_initial(scid, dcid, rng.randrange(200, 1200)))
    made["quic"] = made.get("quic", 0) + 1


# ---------------------------------------------------------------- STUN
def stun(kind, txid, attrs):
    msg = struct.pack(">HHI", kind, len(attrs) + 8, 0x2112A442) + txid + attrs
    import zlib
    fp = (zlib.crc32(msg) ^ 0x5354554e) & 0xffffffff
    return msg + struct.pack(">HHI", 0x8028, 4, fp)


def attr(t_, body):
    pad = (4 - len(body) % 4) % 4
    return struct.pack(">HH", t_, len(body)) + body + bytes(pad)


stuns = Host()
for i in range(40):
    c = Host()
    cp = port()
    sp = 3478 if i % 2 == 0 else port()   # WebRTC peers: random ports
    s = stuns if i % 2 == 0 else Host()
    txid = bytes(rng.randrange(256) for _ in range(12))
    udp(c, cp, s, sp, stun(0x0001, txid, attr(0x8022, b"oracle")))
    xma = struct.pack(">BBH4s", 0, 1, cp ^ 0x2112, bytes(a ^ b for a, b in zip(c.a, b"\x21\x12\xa4\x42")))
    udp(s, sp, c, cp, stun(0x0101, txid, attr(0x0020, xma)))
    made["stun"] = made.get("stun", 0) + 1


# ---------------------------------------------------------------- DTLS
def dtls_record(ct, version, epoch, seq, body):
    return struct.pack(">BHHHI", ct, version, epoch, seq >> 32, seq & 0xffffffff) + struct.pack(">H", len(body)) + body


def dtls_hs(kind, mseq, body):
    n = struct.pack(">I", len(body))[1:]
    return bytes([kind]) + n + struct.pack(">H", mseq) + b"\0\0\0" + n + body


for i in range(40):
    ver = 0xfeff if i % 2 == 0 else 0xfefd
    c = Host()
    s = Host()
    cp = port()
    sp = (443, 4433, port(), port())[i % 4]
    ch = client_hello(b"peer%d.example.com" % i, b"", version=ver, dtls_cookie=b"")
    udp(c, cp, s, sp, dtls_record(22, 0xfeff, 0, 0, dtls_hs(1, 0, ch)))
    hvr = struct.pack(">H", 0xfeff) + bytes([16]) + bytes(rng.randrange(256) for _ in range(16))
    udp(s, sp, c, cp, dtls_record(22, 0xfeff, 0, 0, dtls_hs(3, 0, hvr)))
    cookie = hvr[3:]
    ch = client_hello(b"peer%d.example.com" % i, b"", version=ver, dtls_cookie=cookie)
    udp(c, cp, s, sp, dtls_record(22, 0xfeff, 0, 1, dtls_hs(1, 1, ch)))
    udp(s, sp, c, cp, dtls_record(22, ver, 0, 1, dtls_hs(2, 1, server_hello(b"", version=ver))))
    for k in range(4):
        udp(c, cp, s, sp, dtls_record(23, ver, 1, k + 1, bytes(rng.randrange(256) for _ in range(rng.randrange(30, 900)))))
        udp(s, sp, c, cp, dtls_record(23, ver, 1, k + 2, bytes(rng.randrange(256) for _ in range(rng.randrange(30, 900)))))
    made["dtls"] = made.get("dtls", 0) + 1

with open(out + "/ordinary.pcap", "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for ts, fr in frames:
        f.write(struct.pack("<IIII", int(ts), int((ts % 1) * 1e6), len(fr), len(fr)))
        f.write(fr)
with open(out + "/expect", "w") as f:
    for k in sorted(made):
        f.write("%s %d\n" % (k, made[k]))
