#!/usr/bin/python3
# Captures for test_replay_cli.sh, written by hand (struct) so that the
# link-layer header of each link type is exactly what the test expects.
# Usage: mkcaps.py SRC.pcap OUTDIR
#   OUTDIR/lt_<name>.pcap   SRC's IP packets under link type <name>
#   OUTDIR/lt_80211.pcap    an unsupported link type
#   OUTDIR/malformed.pcap   truncations, byte flips, caplen < len, tiny frames
#   OUTDIR/v6.pcap          a WireGuard handshake over IPv6, both directions
#   OUTDIR/frag.pcap        one UDP datagram to 51820 in two IPv4 fragments
#   OUTDIR/counts           malformed frame count and its caplen < len count
#                           (its last frame is a 9000-byte jumbo frame)
import random, struct, sys

src, out = sys.argv[1], sys.argv[2]

def read_pcap(path):
    d = open(path, "rb").read()
    magic = struct.unpack("<I", d[:4])[0]
    e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    linktype = struct.unpack(e + "I", d[20:24])[0]
    off, pkts = 24, []
    while off + 16 <= len(d):
        ts, tu, cl, ln = struct.unpack(e + "IIII", d[off:off + 16])
        pkts.append((ts, tu, d[off + 16:off + 16 + cl], ln))
        off += 16 + cl
    return linktype, pkts

def write_pcap(path, linktype, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for ts, tu, data, ln in pkts:
            f.write(struct.pack("<IIII", ts, tu, len(data), ln))
            f.write(data)

lt, pkts = read_pcap(src)
assert lt == 1, "source must be Ethernet"

def l3(p):
    data = p[2]
    et, off = struct.unpack(">H", data[12:14])[0], 14
    while et in (0x8100, 0x88a8):
        et, off = struct.unpack(">H", data[off + 2:off + 4])[0], off + 4
    return et, data[off:]

def relink(linktype, mkhdr):
    res = []
    for ts, tu, data, ln in pkts:
        et, ip = l3((ts, tu, data, ln))
        h = mkhdr(et)
        res.append((ts, tu, h + ip, len(h) + len(ip)))
    write_pcap("%s/lt_%s.pcap" % (out, {113: "sll", 276: "sll2", 101: "raw",
                                         228: "ipv4", 0: "null", 108: "loop"}[linktype]),
               linktype, res)

relink(113, lambda et: struct.pack(">HHH8sH", 0, 1, 6, b"\x02" * 6 + b"\0\0", et))
relink(276, lambda et: struct.pack(">HHIHBB8s", et, 0, 2, 1, 0, 6, b"\x02" * 6 + b"\0\0"))
relink(101, lambda et: b"")
relink(228, lambda et: b"")
relink(0, lambda et: struct.pack("<I", 2 if et == 0x800 else 10))
relink(108, lambda et: struct.pack(">I", 2 if et == 0x800 else 24))
write_pcap(out + "/lt_80211.pcap", 105, [(0, 0, b"\x80\0" + b"\0" * 30, 32)])

rng = random.Random(5)
mal, trunc = [], 0
for ts, tu, data, ln in pkts:
    for cut in (0, 1, 6, 13, 14, 15, 20, 33, 34, 41, 42, 50, len(data) - 1):
        if cut < len(data):
            mal.append((ts, tu, data[:cut], ln))   # as a snap length cuts
            trunc += 1
    b = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    mal.append((ts, tu, bytes(b), len(b)))
mal.append((0, 0, b"\xff" * 6 + b"\x02" * 6 + b"\x08\x06" + b"\0" * 28, 42))  # ARP
# A 9000-byte jumbo frame: larger than one page, so BPF_PROG_TEST_RUN
# hands the program its first part and keeps the rest as fragments.
jumbo = pkts[0][2][:14] + bytes([0x45, 0]) + struct.pack(">H", 8986) + bytes(8982)
mal.append((0, 0, jumbo, len(jumbo)))
write_pcap(out + "/malformed.pcap", 1, mal)
open(out + "/counts", "w").write("%d %d\n" % (len(mal), trunc))

# An IPv4 UDP datagram of 1192 bytes to 51820 in two fragments.
def ip4(payload, ident, flags_off, proto=17):
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                      flags_off, 64, proto, 0, bytes([192, 0, 2, 1]),
                      bytes([198, 51, 100, 2]))
    return hdr + payload
# a valid transport data message: 16-byte header, then a ciphertext that is
# a multiple of 16 bytes (the payload checks hold it to that)
wg = bytes([4, 0, 0, 0]) + bytes(1180)
udp = struct.pack(">HHHH", 40000, 51820, 8 + len(wg), 0) + wg
eth = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00"
f1 = eth + ip4(udp[:800], 77, 0x2000)
f2 = eth + ip4(udp[800:], 77, 100)
write_pcap(out + "/frag.pcap", 1, [(0, 0, f1, len(f1)), (0, 1, f2, len(f2))])

# WireGuard initiation and response over IPv6 (2001:db8::1 -> ::2, 51820).
def ip6udp(src, dst, sport, dport, payload):
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    a = bytes.fromhex("20010db8" + "0" * 22 + "%02x" % src)
    b = bytes.fromhex("20010db8" + "0" * 22 + "%02x" % dst)
    return (b"\x02" * 6 + b"\x04" * 6 + b"\x86\xdd" +
            struct.pack(">IHBB", 0x60000000, len(udp), 17, 64) + a + b + udp)
p1 = ip6udp(1, 2, 40001, 51820, bytes([1, 0, 0, 0]) + bytes(144))
p2 = ip6udp(2, 1, 51820, 40001, bytes([2, 0, 0, 0]) + bytes(88))
write_pcap(out + "/v6.pcap", 1, [(0, 0, p1, len(p1)), (0, 1, p2, len(p2))])
