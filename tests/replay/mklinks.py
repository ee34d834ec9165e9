#!/usr/bin/python3
# Captures for test_replay_links.sh, written byte by byte (struct):
#   OUTDIR/big.pcap        frames over the test run's size limit (BIG TCP,
#                          IPv4 total length 0 and IPv6 payload length 0)
#                          amid a WireGuard handshake and ordinary TCP
#   OUTDIR/cut.pcap        frames the snap length cut, the wire length over
#                          64 KiB (and one cut inside the TCP header)
#   OUTDIR/ppp.pcap        DLT_PPP: WireGuard over IPv4/IPv6 with and
#                          without HDLC-like framing and with a compressed
#                          protocol field, and LCP/IPCP frames
#   OUTDIR/ppp_serial.pcap DLT_PPP_SERIAL: HDLC-like and Cisco framing
#   OUTDIR/chdlc.pcap      DLT_C_HDLC: IPv4, IPv6 and SLARP
#   OUTDIR/cutfile.pcap    a capture whose last record is cut short
#   OUTDIR/badmagic.pcap   not a capture
# Usage: mklinks.py OUTDIR
import struct, sys

out = sys.argv[1]
ETH = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01"
C4, S4 = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
C6 = bytes.fromhex("20010db8000000000000000000000001")
S6 = bytes.fromhex("20010db8000000000000000000000002")


def pcap(path, linktype, frames, snaplen=262144):
    """frames: (data, wire length) pairs."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, snaplen, linktype))
        for i, (data, ln) in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000, i, len(data), ln))
            f.write(data)


def ip4(src, dst, proto, l4, tot=None):
    tot = 20 + len(l4) if tot is None else tot
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, tot, 7, 0, 64, proto, 0, src, dst) + l4


def ip6(src, dst, nxt, l4, plen=None):
    plen = len(l4) if plen is None else plen
    return struct.pack(">IHBB16s16s", 0x60000000, plen, nxt, 64, src, dst) + l4


def udp(sp, dp, payload, ulen=None):
    return struct.pack(">HHHH", sp, dp, 8 + len(payload) if ulen is None else ulen, 0) + payload


def tcp(sp, dp, payload):
    return struct.pack(">HHIIBBHHH", sp, dp, 1, 1, 0x50, 0x18, 65535, 0, 0) + payload


def wg_init(idx):
    # type 1, reserved, sender index, ephemeral, static, timestamp, mac1, mac2
    return struct.pack("<BxxxI", 1, idx) + bytes((i * 7) & 255 for i in range(140))


def wg_resp(idx, rcv):
    return struct.pack("<BxxxII", 2, idx, rcv) + bytes((i * 5) & 255 for i in range(80))


def eth(ethertype, l3):
    return ETH + struct.pack(">H", ethertype) + l3


def whole(frame):
    return (frame, len(frame))


# big.pcap: 2 frames of IPv4 TCP and 1 of IPv6 TCP are over the limit.
big = [
    whole(eth(0x0800, ip4(C4, S4, 17, udp(40000, 51820, wg_init(1))))),
    whole(eth(0x0800, ip4(C4, S4, 6, tcp(40001, 443, bytes(1000))))),
    whole(eth(0x0800, ip4(C4, S4, 6, tcp(40001, 443, bytes(100000)), tot=0))),
    whole(eth(0x0800, ip4(S4, C4, 6, tcp(443, 40001, bytes(60))))),
    whole(eth(0x86DD, ip6(C6, S6, 6, tcp(40002, 443, bytes(150000)), plen=0))),
    whole(eth(0x0800, ip4(C4, S4, 6, tcp(40001, 443, bytes(200000)), tot=0))),
    whole(eth(0x86DD, ip6(S6, C6, 6, tcp(443, 40002, bytes(40))))),
    whole(eth(0x0800, ip4(S4, C4, 17, udp(51820, 40000, wg_resp(2, 1))))),
]
pcap(out + "/big.pcap", 1, big)

# cut.pcap: the snap length kept 200 bytes of frames 100000+ long; one
# IPv4 frame cut inside its TCP header (ports captured, doff not).
cut = []
f = eth(0x0800, ip4(C4, S4, 6, tcp(40003, 443, bytes(100000)), tot=0))
cut.append((f[:200], len(f)))
f = eth(0x86DD, ip6(C6, S6, 6, tcp(40004, 8443, bytes(120000)), plen=0))
cut.append((f[:120], len(f)))
f = eth(0x0800, ip4(C4, S4, 6, tcp(40003, 443, bytes(30000))))
cut.append((f[:14 + 20 + 6], len(f)))
cut.append(whole(eth(0x0800, ip4(S4, C4, 6, tcp(443, 40003, bytes(10))))))
pcap(out + "/cut.pcap", 1, cut, snaplen=200)

v4wg = ip4(C4, S4, 17, udp(40010, 51820, wg_init(3)))
v4wgr = ip4(S4, C4, 17, udp(51820, 40010, wg_resp(4, 3)))
v6wg = ip6(C6, S6, 17, udp(40011, 51820, wg_init(5)))
lcp = b"\xc0\x21" + bytes([1, 1, 0, 8, 1, 4, 5, 0xdc])   # Configure-Request
ipcp = b"\x80\x21" + bytes([1, 1, 0, 10, 3, 6]) + C4

# DLT_PPP: framed (ff 03) or not, 2-byte or compressed 1-byte protocol.
pcap(out + "/ppp.pcap", 9, [whole(x) for x in (
    b"\xff\x03\x00\x21" + v4wg,
    b"\x00\x21" + v4wgr,
    b"\xff\x03\x57" + v6wg,
    b"\xff\x03" + lcp,
    lcp,
    b"\xff\x03" + ipcp,
)])
# DLT_PPP_SERIAL: HDLC-like framing, or Cisco HDLC framing.
pcap(out + "/ppp_serial.pcap", 50, [whole(x) for x in (
    b"\xff\x03\x00\x21" + v4wg,
    b"\x0f\x00\x08\x00" + v4wgr,
    b"\x8f\x00\x86\xdd" + v6wg,
    b"\xff\x03" + lcp,
)])
slarp = b"\x8f\x00\x80\x35" + struct.pack(">I", 2) + bytes(14)
pcap(out + "/chdlc.pcap", 104, [whole(x) for x in (
    b"\x0f\x00\x08\x00" + v4wg,
    b"\x0f\x00\x08\x00" + v4wgr,
    b"\x8f\x00\x86\xdd" + v6wg,
    slarp, slarp,
)])

# A capture cut mid-record: the frames before the cut are still read.
pcap(out + "/cutfile.pcap", 1, [whole(eth(0x0800, v4wg)), whole(eth(0x0800, v4wgr))])
with open(out + "/cutfile.pcap", "r+b") as fh:
    fh.truncate(len(fh.read()) - 30)
open(out + "/badmagic.pcap", "wb").write(b"this is not a capture file at all\n" * 4)
open(out + "/short.pcap", "wb").write(struct.pack("<IHH", 0xa1b2c3d4, 2, 4))
