#!/usr/bin/python3
"""Build a known VPN traffic mix as a pcap, and what vpnxdp must count for it.

    vpnmix.py --out FILE --src-mac MAC --dst-mac MAC [--count-per-class N]
              [--manifest FILE.json] [--labels FILE.json] [--classes a,b,c]
              [--seed N]

Every class gets exactly N packets (default 10), cycling through the variants
listed in CLASSES below (protocol message types, IPv4 and IPv6, both
directions), so even N=1 yields the canonical packet of each class.  Frames
go from 192.0.2.1 / 2001:db8::1 (side a) to 192.0.2.2 / 2001:db8::2 (side
b); "return" packets are the server's replies, the server port being the
source port.  Packets of the classes are interleaved round-robin; within a
flow they keep their order.  Output is byte-for-byte deterministic (fixed
seed, fixed timestamps).

The manifest maps every class vpnxdp reports (zeros included) to
{"packets": n, "bytes": b}, b being the sum of the Ethernet frame lengths as
written (veth does not pad to 60 bytes, so that is what XDP sees as
data_end - data).  --labels writes one record per packet (1-based number as
tcpdump -r / Wireshark count, class, frame length, description).

Needs Debian's /usr/bin/python3 with python3-scapy.
"""
import argparse
import json
import logging
import random
import struct
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (DNS, DNSQR, DNSRR, ICMP, IP, TCP, UDP,  # noqa: E402
                       Ether, ICMPv6EchoRequest, IPv6, IPv6ExtHdrFragment,
                       Raw, fragment, fragment6)

IP4_A, IP4_B = "192.0.2.1", "192.0.2.2"
IP6_A, IP6_B = "2001:db8::1", "2001:db8::2"
# Addresses inside tunnels (GRE, AH tunnel mode, L2TP's PPP).
IN4_A, IN4_B = "198.51.100.10", "203.0.113.10"

# Every class vpnxdp reports, in its counter order.
ALL_CLASSES = ["other", "wireguard", "openvpn", "ike", "esp", "ah", "l2tp",
               "pptp", "sstp", "lightway", "fragment"]

MAX_FRAME = 1514  # veth MTU 1500 + Ethernet header
TS0 = 1700000000.0

# Ports a default or likely signature uses: never picked as ephemeral.
SIG_PORTS = {51820, 41641, 1194, 500, 4500, 4501, 1701, 1723, 443, 80, 53,
             9993, 9999}


class Mix:
    def __init__(self, seed, smac, dmac):
        self.rng = random.Random(seed)
        self.smac, self.dmac = smac, dmac
        self.ipid = 0x1000 + self.rng.randrange(0x4000)
        self.used_ports = set()

    # ---- helpers -----------------------------------------------------
    def rb(self, n):
        return self.rng.randbytes(n)

    def nz32(self):
        return self.rng.randrange(0x100, 0xFFFFFFFF)

    def eph(self):
        """A fresh ephemeral port, unique in the mix (one per flow)."""
        while True:
            p = self.rng.randrange(49152, 65535)
            if p not in SIG_PORTS and p not in self.used_ports:
                self.used_ports.add(p)
                return p

    def next_id(self):
        self.ipid = (self.ipid + 1) & 0xFFFF
        return self.ipid

    def ip4(self, **kw):
        return IP(src=IP4_A, dst=IP4_B, ttl=64, id=self.next_id(), **kw)

    def ip6(self, **kw):
        return IPv6(src=IP6_A, dst=IP6_B, hlim=64, **kw)

    def eth(self, l3):
        return Ether(src=self.smac, dst=self.dmac) / l3

    def udp(self, sport, dport, payload, v6=False):
        l3 = self.ip6() if v6 else self.ip4()
        return self.eth(l3 / UDP(sport=sport, dport=dport) / Raw(payload))

    def ipproto(self, proto, payload, v6=False):
        l3 = self.ip6(nh=proto) if v6 else self.ip4(proto=proto)
        return self.eth(l3 / Raw(payload))


class TcpFlow:
    """One direction of a TCP connection: seq advances with the payload."""

    def __init__(self, mix, sport, dport, v6=False):
        self.m, self.sport, self.dport, self.v6 = mix, sport, dport, v6
        self.seq = mix.rng.randrange(1 << 32)
        self.ack = mix.rng.randrange(1 << 32)

    def send(self, payload=b"", flags="PA"):
        m = self.m
        l3 = m.ip6() if self.v6 else m.ip4(flags="DF")
        seg = TCP(sport=self.sport, dport=self.dport, seq=self.seq,
                  ack=self.ack if "A" in flags else 0, flags=flags,
                  window=64240)
        self.seq = (self.seq + len(payload) + (1 if "S" in flags else 0)) \
            & 0xFFFFFFFF
        pkt = l3 / seg
        if payload:
            pkt = pkt / Raw(payload)
        return m.eth(pkt)


# ---- protocol payloads ------------------------------------------------

def wg_init(m, sender):
    # type 1, reserved, sender index, ephemeral, static, timestamp, mac1, mac2
    p = b"\x01\0\0\0" + struct.pack("<I", sender) + m.rb(32) + m.rb(48) + \
        m.rb(28) + m.rb(16) + bytes(16)
    assert len(p) == 148
    return p


def wg_resp(m, sender, receiver):
    p = b"\x02\0\0\0" + struct.pack("<II", sender, receiver) + m.rb(32) + \
        m.rb(16) + m.rb(16) + bytes(16)
    assert len(p) == 92
    return p


def wg_cookie(m, receiver):
    p = b"\x03\0\0\0" + struct.pack("<I", receiver) + m.rb(24) + m.rb(32)
    assert len(p) == 64
    return p


def wg_data(m, receiver, counter, inner_len):
    # encrypted inner packet padded to 16, plus the 16-byte Poly1305 tag
    enc = -(-inner_len // 16) * 16 + 16
    return b"\x04\0\0\0" + struct.pack("<IQ", receiver, counter) + m.rb(enc)


# OpenVPN (no tls-auth): opcode << 3 | key_id
OVPN_CONTROL_V1, OVPN_ACK_V1 = 4, 5
OVPN_HARD_RESET_CLIENT_V2, OVPN_HARD_RESET_SERVER_V2, OVPN_DATA_V2 = 7, 8, 9


def ovpn_reset_client(m, sid):
    return bytes([OVPN_HARD_RESET_CLIENT_V2 << 3]) + sid + b"\x00" + \
        struct.pack("!I", 0)


def ovpn_reset_server(m, sid, peer_sid):
    return bytes([OVPN_HARD_RESET_SERVER_V2 << 3]) + sid + b"\x01" + \
        struct.pack("!I", 0) + peer_sid + struct.pack("!I", 0)


def ovpn_control(m, sid, pid, tls):
    return bytes([OVPN_CONTROL_V1 << 3]) + sid + b"\x00" + \
        struct.pack("!I", pid) + tls


def ovpn_data_v2(m, peer_id, pid, n):
    # opcode 9 key 0, 24-bit peer id, packet id, AEAD tag, ciphertext
    return bytes([OVPN_DATA_V2 << 3]) + struct.pack("!I", peer_id)[1:] + \
        struct.pack("!I", pid) + m.rb(16) + m.rb(n)


def tcp_framed(p):
    return struct.pack("!H", len(p)) + p


# IKE (RFC 7296 / RFC 2408)
IKE_SA_INIT, IKE_AUTH, INFORMATIONAL = 34, 35, 37
PL_SA, PL_KE, PL_IDI, PL_NONCE, PL_SK = 33, 34, 35, 40, 46


def ike_gp(next_pl, body):
    return struct.pack("!BBH", next_pl, 0, 4 + len(body)) + body


def ike_msg(ispi, rspi, next_pl, version, xchg, flags, msgid, body):
    return struct.pack("!8s8sBBBBII", ispi, rspi, next_pl, version, xchg,
                       flags, msgid, 28 + len(body)) + body


def ikev2_sa_init(m, ispi, rspi, response):
    def transform(last, ttype, tid, attrs=b""):
        return struct.pack("!BBHBBH", 0 if last else 3, 0, 8 + len(attrs),
                           ttype, 0, tid) + attrs
    tr = transform(False, 1, 20, struct.pack("!HH", 0x800E, 256)) + \
        transform(False, 2, 5) + transform(True, 4, 19)
    prop = struct.pack("!BBHBBBB", 0, 0, 8 + len(tr), 1, 1, 0, 3) + tr
    body = ike_gp(PL_KE, prop) + \
        ike_gp(PL_NONCE, struct.pack("!HH", 19, 0) + m.rb(64)) + \
        ike_gp(0, m.rb(32))
    return ike_msg(ispi, rspi, PL_SA, 0x20, IKE_SA_INIT,
                   0x20 if response else 0x08, 0, body)


def ikev2_sk(m, ispi, rspi, xchg, msgid, response, inner_len):
    # SK payload: IV, encrypted payloads (16-aligned), integrity checksum
    sk = ike_gp(PL_IDI if inner_len else 0,
                m.rb(16) + m.rb(-(-max(inner_len, 1) // 16) * 16) + m.rb(16))
    return ike_msg(ispi, rspi, PL_SK, 0x20, xchg,
                   0x20 if response else 0x08, msgid, sk)


def ikev1_main_mode(m, ispi):
    attrs = struct.pack("!HHHHHHHHHHHHHHI", 0x8001, 7, 0x800E, 256,
                        0x8002, 2, 0x8003, 1, 0x8004, 14, 0x800B, 1,
                        0x000C, 4, 28800)
    trans = struct.pack("!BBHBBH", 0, 0, 8 + len(attrs), 1, 1, 0) + attrs
    prop = struct.pack("!BBHBBBB", 0, 0, 8 + len(trans), 1, 1, 0, 1) + trans
    sa = ike_gp(0, struct.pack("!II", 1, 1) + prop)
    return ike_msg(ispi, bytes(8), 1, 0x10, 2, 0, 0, sa)


def esp(m, spi, seq, n):
    # SPI, sequence, IV, ciphertext (16-aligned), ICV
    return struct.pack("!II", spi, seq) + m.rb(16) + \
        m.rb(-(-n // 16) * 16) + m.rb(16)


def ah(m, next_hdr, spi, seq, inner):
    # 12-byte ICV (HMAC-SHA1-96): AH length (24 / 4) - 2 = 4
    return struct.pack("!BBHII", next_hdr, 4, 0, spi, seq) + m.rb(12) + inner


# L2TPv2 (RFC 2661)
def l2tp_avp(atype, value, mandatory=True):
    return struct.pack("!HHH", (0x8000 if mandatory else 0) | (6 + len(value)),
                       0, atype) + value


def l2tp_control(tunnel, ns, nr, avps):
    return struct.pack("!HHHHHH", 0xC802, 12 + len(avps), tunnel, 0, ns, nr) \
        + avps


def l2tp_sccrq(tid):
    return l2tp_control(0, 0, 0,
                        l2tp_avp(0, struct.pack("!H", 1)) +
                        l2tp_avp(2, struct.pack("!H", 0x0100)) +
                        l2tp_avp(7, b"lac.example.net") +
                        l2tp_avp(3, struct.pack("!I", 3)) +
                        l2tp_avp(9, struct.pack("!H", tid)) +
                        l2tp_avp(10, struct.pack("!H", 4), False))


def l2tp_sccrp(peer_tid, tid):
    return l2tp_control(peer_tid, 0, 1,
                        l2tp_avp(0, struct.pack("!H", 2)) +
                        l2tp_avp(2, struct.pack("!H", 0x0100)) +
                        l2tp_avp(7, b"lns.example.net") +
                        l2tp_avp(3, struct.pack("!I", 3)) +
                        l2tp_avp(9, struct.pack("!H", tid)))


def l2tp_hello(tid, ns, nr):
    return l2tp_control(tid, ns, nr, l2tp_avp(0, struct.pack("!H", 6)))


def l2tp_data(tid, sid, ppp):
    return struct.pack("!HHHH", 0x4002, 8 + len(ppp), tid, sid) + ppp


def ppp_ip(inner):
    return b"\xff\x03\x00\x21" + inner


# PPTP (RFC 2637)
PPTP_COOKIE = 0x1A2B3C4D


def pptp_sccrq():
    p = struct.pack("!HHIHHHHIIHH64s64s", 156, 1, PPTP_COOKIE, 1, 0, 0x0100,
                    0, 3, 3, 0, 0x0600, b"pptp-client", b"example")
    assert len(p) == 156
    return p


def pptp_sccrp():
    p = struct.pack("!HHIHHHBBIIHH64s64s", 156, 1, PPTP_COOKIE, 2, 0, 0x0100,
                    1, 0, 3, 3, 1, 0x0100, b"pptp-server", b"example")
    assert len(p) == 156
    return p


def pptp_echo_req(ident):
    return struct.pack("!HHIHHI", 16, 1, PPTP_COOKIE, 5, 0, ident)


def pptp_ocrq(call_id, serial):
    p = struct.pack("!HHIHHHHIIIIHHHH64s64s", 168, 1, PPTP_COOKIE, 7, 0,
                    call_id, serial, 300, 100000000, 3, 3, 64, 0, 0, 0,
                    b"", b"")
    assert len(p) == 168
    return p


def gre_pptp(call_id, seq, ppp, ack=None):
    # enhanced GRE: K and S bits (A when acking), version 1, protocol PPP
    flags = 0x3001 | (0x0080 if ack is not None else 0)
    h = struct.pack("!HHHHI", flags, 0x880B, len(ppp), call_id, seq)
    if ack is not None:
        h += struct.pack("!I", ack)
    return h + ppp


def gre_pptp_ack(call_id, ack):
    return struct.pack("!HHHHI", 0x2081, 0x880B, 0, call_id, ack)


# TLS (for HTTPS: TCP 443 is "other" while SSTP is off)
def tls_client_hello(m, host):
    sni = host.encode()
    ext = b""
    ext += struct.pack("!HHHBH", 0, len(sni) + 5, len(sni) + 3, 0, len(sni)) \
        + sni
    ext += struct.pack("!HHH", 10, 6, 4) + struct.pack("!HH", 29, 23)
    ext += struct.pack("!HHH", 13, 8, 6) + struct.pack("!HHH", 0x0403, 0x0804,
                                                        0x0401)
    ext += struct.pack("!HHB", 43, 5, 4) + struct.pack("!HH", 0x0304, 0x0303)
    ext += struct.pack("!HHHHH", 51, 38, 36, 29, 32) + m.rb(32)
    suites = struct.pack("!HHHH", 6, 0x1301, 0x1302, 0x1303)
    body = struct.pack("!H", 0x0303) + m.rb(32) + b"\x20" + m.rb(32) + \
        suites + b"\x01\x00" + struct.pack("!H", len(ext)) + ext
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def tls_server_flight(m):
    body = struct.pack("!H", 0x0303) + m.rb(32) + b"\x20" + m.rb(32) + \
        struct.pack("!HB", 0x1301, 0) + struct.pack("!H", 46) + \
        struct.pack("!HHH", 43, 2, 0x0304) + \
        struct.pack("!HHHH", 51, 36, 29, 32) + m.rb(32)
    hs = b"\x02" + struct.pack("!I", len(body))[1:] + body
    app = m.rb(800)
    return b"\x16\x03\x03" + struct.pack("!H", len(hs)) + hs + \
        b"\x14\x03\x03\x00\x01\x01" + \
        b"\x17\x03\x03" + struct.pack("!H", len(app)) + app


def tls_app(m, n):
    return b"\x17\x03\x03" + struct.pack("!H", n) + m.rb(n)


# ---- the classes: each a list of variants -------------------------------
# A variant is made once (its flow: ports, SPIs, sequence state) and then
# called with k = 0, 1, 2, ... for its k-th packet.  Each returns a frame
# (or a list of candidate frames: first fragments, tails).

def build_classes(m):
    C = {}

    # WireGuard: UDP 51820, message types 1..4, v4 and v6, both directions,
    # and the first fragment of an oversized data message.
    def wg(v6=False, kind="init", reverse=False):
        port = m.eph()
        idx_a, idx_b = m.nz32(), m.nz32()

        def f(k):
            if kind == "init":
                p = wg_init(m, idx_a)
            elif kind == "resp":
                p = wg_resp(m, idx_b, idx_a)
            elif kind == "cookie":
                p = wg_cookie(m, idx_a)
            else:
                p = wg_data(m, idx_b if not reverse else idx_a, k,
                            [0, 84, 1280, 500][k % 4])
            sp, dp = (51820, port) if reverse else (port, 51820)
            return m.udp(sp, dp, p, v6)
        return f

    def wg_first_frag(v6):
        port = m.eph()
        idx = m.nz32()

        def f(k):
            p = wg_data(m, idx, 1000 + k, 1560)
            if v6:
                pkt = m.ip6() / IPv6ExtHdrFragment(id=m.nz32()) / \
                    UDP(sport=port, dport=51820) / Raw(p)
                frags = fragment6(pkt, 1400)
            else:
                pkt = m.ip4() / UDP(sport=port, dport=51820) / Raw(p)
                frags = fragment(pkt, fragsize=1400)
            return m.eth(frags[0])
        return f

    C["wireguard"] = [
        ("v4 handshake initiation (148 B)", wg(kind="init")),
        ("v4 handshake response, from server port", wg(kind="resp",
                                                       reverse=True)),
        ("v4 transport data", wg(kind="data")),
        ("v4 transport data, from server port", wg(kind="data",
                                                   reverse=True)),
        ("v6 handshake initiation", wg(v6=True, kind="init")),
        ("v6 transport data", wg(v6=True, kind="data")),
        ("v4 cookie reply, from server port", wg(kind="cookie",
                                                 reverse=True)),
        ("v4 first fragment of a data message", wg_first_frag(False)),
        ("v6 first fragment of a data message", wg_first_frag(True)),
    ]

    # OpenVPN: UDP 1194 and TCP 1194 (2-byte length prefix).
    def ovpn_udp(v6=False, kind="reset", reverse=False):
        port = m.eph()
        sid_c, sid_s = m.rb(8), m.rb(8)
        peer_id = m.rng.randrange(1 << 24)

        def f(k):
            if kind == "reset":
                p = ovpn_reset_client(m, sid_c)
            elif kind == "reset_srv":
                p = ovpn_reset_server(m, sid_s, sid_c)
            elif kind == "control":
                p = ovpn_control(m, sid_c, 1 + k, tls_client_hello(
                    m, "vpn.example.com"))
            else:
                p = ovpn_data_v2(m, peer_id, 1 + k, [64, 1200, 200][k % 3])
            sp, dp = (1194, port) if reverse else (port, 1194)
            return m.udp(sp, dp, p, v6)
        return f

    def ovpn_tcp(kind="reset", reverse=False, v6=False):
        port = m.eph()
        sid_c, sid_s = m.rb(8), m.rb(8)
        flow = TcpFlow(m, 1194, port, v6) if reverse else \
            TcpFlow(m, port, 1194, v6)

        def f(k):
            if kind == "reset":
                p = ovpn_reset_client(m, sid_c)
            elif kind == "reset_srv":
                p = ovpn_reset_server(m, sid_s, sid_c)
            else:
                p = ovpn_data_v2(m, 7, 1 + k, [100, 1000][k % 2])
            return flow.send(tcp_framed(p))
        return f

    C["openvpn"] = [
        ("v4 UDP P_CONTROL_HARD_RESET_CLIENT_V2", ovpn_udp()),
        ("v4 UDP P_CONTROL_HARD_RESET_SERVER_V2, from server port",
         ovpn_udp(kind="reset_srv", reverse=True)),
        ("v4 TCP P_CONTROL_HARD_RESET_CLIENT_V2", ovpn_tcp()),
        ("v4 TCP P_CONTROL_HARD_RESET_SERVER_V2, from server port",
         ovpn_tcp(kind="reset_srv", reverse=True)),
        ("v4 UDP P_DATA_V2", ovpn_udp(kind="data")),
        ("v4 UDP P_DATA_V2, from server port", ovpn_udp(kind="data",
                                                        reverse=True)),
        ("v6 UDP P_CONTROL_HARD_RESET_CLIENT_V2", ovpn_udp(v6=True)),
        ("v4 UDP P_CONTROL_V1 with TLS ClientHello", ovpn_udp(
            kind="control")),
        ("v4 TCP P_DATA_V2", ovpn_tcp(kind="data")),
        ("v6 TCP P_CONTROL_HARD_RESET_CLIENT_V2", ovpn_tcp(v6=True)),
    ]

    # IKE: UDP 500 (v1 and v2), UDP 4500 with the non-ESP marker, keepalive.
    def ike500(v6=False, kind="init", reverse=False, nat=False):
        ispi, rspi = m.rb(8), m.rb(8)
        port = m.eph() if nat else 500

        def f(k):
            if kind == "init":
                p = ikev2_sa_init(m, ispi, bytes(8), False)
            elif kind == "resp":
                p = ikev2_sa_init(m, ispi, rspi, True)
            else:
                p = ikev1_main_mode(m, ispi)
            sp, dp = (500, port) if reverse else (port, 500)
            return m.udp(sp, dp, p, v6)
        return f

    def ike4500(v6=False, kind="auth", reverse=False):
        ispi, rspi = m.rb(8), m.rb(8)
        port = m.eph()

        def f(k):
            if kind == "keepalive":
                p = b"\xff"
            elif kind == "auth":
                p = bytes(4) + ikev2_sk(m, ispi, rspi, IKE_AUTH, 1, reverse,
                                        300)
            else:
                p = bytes(4) + ikev2_sk(m, ispi, rspi, INFORMATIONAL, 2 + k,
                                        reverse, 0)
            sp, dp = (4500, port) if reverse else (port, 4500)
            return m.udp(sp, dp, p, v6)
        return f

    C["ike"] = [
        ("v4 IKEv2 IKE_SA_INIT request, 500 -> 500", ike500()),
        ("v4 IKEv2 IKE_SA_INIT response, 500 -> 500", ike500(kind="resp")),
        ("v4 IKEv2 IKE_AUTH on 4500 after the non-ESP marker",
         ike4500()),
        ("v4 NAT-keepalive 0xFF on 4500", ike4500(kind="keepalive")),
        ("v6 IKEv2 IKE_SA_INIT request", ike500(v6=True)),
        ("v4 IKEv2 IKE_SA_INIT response to a NATed port, from 500",
         ike500(kind="resp", reverse=True, nat=True)),
        ("v4 IKEv2 IKE_AUTH response on 4500, from server port",
         ike4500(reverse=True)),
        ("v4 IKEv1 Main Mode SA, 500 -> 500", ike500(kind="v1")),
        ("v6 IKEv2 INFORMATIONAL on 4500", ike4500(v6=True, kind="info")),
    ]

    # ESP: IP protocol 50, and ESP-in-UDP on 4500 (first word = SPI != 0).
    def esp_ip(v6=False):
        spi = m.nz32()

        def f(k):
            return m.ipproto(50, esp(m, spi, 1 + k, [100, 1300, 40][k % 3]),
                             v6)
        return f

    def esp_udp(v6=False, reverse=False):
        spi = m.nz32()
        port = m.eph()

        def f(k):
            sp, dp = (4500, port) if reverse else (port, 4500)
            return m.udp(sp, dp, esp(m, spi, 1 + k, [80, 1200][k % 2]), v6)
        return f

    C["esp"] = [
        ("v4 ESP (IP proto 50)", esp_ip()),
        ("v4 ESP-in-UDP to 4500", esp_udp()),
        ("v6 ESP (IP proto 50)", esp_ip(v6=True)),
        ("v4 ESP-in-UDP from 4500", esp_udp(reverse=True)),
        ("v4 ESP (IP proto 50), second SA", esp_ip()),
        ("v6 ESP-in-UDP to 4500", esp_udp(v6=True)),
    ]

    # AH: IP protocol 51, transport (TCP inside) and tunnel (IPv4 inside).
    def ah_v(v6=False, mode="transport"):
        spi = m.nz32()
        port = m.eph()

        def f(k):
            if mode == "tunnel":
                inner = bytes(IP(src=IN4_A, dst=IN4_B, id=k + 1) /
                              ICMP(id=0x4242, seq=k + 1) / Raw(m.rb(56)))
                nh = 4
            else:
                inner = bytes(TCP(sport=port, dport=22, seq=k * 100,
                                  flags="PA") / Raw(m.rb(48)))
                nh = 6
            return m.ipproto(51, ah(m, nh, spi, 1 + k, inner), v6)
        return f

    C["ah"] = [
        ("v4 AH transport mode (TCP inside)", ah_v()),
        ("v4 AH tunnel mode (IPv4 inside)", ah_v(mode="tunnel")),
        ("v6 AH transport mode", ah_v(v6=True)),
    ]

    # L2TPv2 on UDP 1701: control (T bit, 0xC802) and data.
    def l2tp_v(v6=False, kind="sccrq", reverse=False):
        tid_a, tid_b, sid = m.rng.randrange(1, 65535), \
            m.rng.randrange(1, 65535), m.rng.randrange(1, 65535)
        port = m.eph() if reverse else 1701

        def f(k):
            if kind == "sccrq":
                p = l2tp_sccrq(tid_a)
            elif kind == "sccrp":
                p = l2tp_sccrp(tid_a, tid_b)
            elif kind == "hello":
                p = l2tp_hello(tid_b, 1 + k, 1 + k)
            else:
                p = l2tp_data(tid_b, sid, ppp_ip(bytes(
                    IP(src=IN4_A, dst=IN4_B, id=k + 1) /
                    UDP(sport=40000, dport=40001) / Raw(m.rb(100)))))
            sp, dp = (1701, port) if reverse else (port, 1701)
            return m.udp(sp, dp, p, v6)
        return f

    C["l2tp"] = [
        ("v4 L2TPv2 SCCRQ, 1701 -> 1701", l2tp_v()),
        ("v4 L2TPv2 SCCRP to a NATed port, from 1701",
         l2tp_v(kind="sccrp", reverse=True)),
        ("v4 L2TPv2 data (PPP, IPv4)", l2tp_v(kind="data")),
        ("v6 L2TPv2 SCCRQ", l2tp_v(v6=True)),
        ("v4 L2TPv2 HELLO", l2tp_v(kind="hello")),
    ]

    # PPTP: control on TCP 1723 (magic cookie), data in enhanced GRE v1.
    def pptp_tcp(kind="sccrq", reverse=False):
        port = m.eph()
        flow = TcpFlow(m, 1723, port) if reverse else TcpFlow(m, port, 1723)

        def f(k):
            if kind == "sccrq":
                p = pptp_sccrq()
            elif kind == "sccrp":
                p = pptp_sccrp()
            elif kind == "echo":
                p = pptp_echo_req(k + 1)
            else:
                p = pptp_ocrq(m.rng.randrange(1, 65535), k + 1)
            return flow.send(p)
        return f

    def pptp_gre(kind="data"):
        call = m.rng.randrange(1, 65535)

        def f(k):
            if kind == "ack":
                return m.ipproto(47, gre_pptp_ack(call, k + 1))
            ppp = b"\xff\x03\x00\xfd" + struct.pack("!H", 0x9000 + k) + \
                m.rb([60, 1200, 400][k % 3])
            return m.ipproto(47, gre_pptp(call, k + 1, ppp,
                                          ack=k if kind == "data_ack"
                                          else None))
        return f

    C["pptp"] = [
        ("v4 PPTP Start-Control-Connection-Request (TCP 1723)",
         pptp_tcp()),
        ("v4 GRE v1 (key, 0x880B) PPP data", pptp_gre()),
        ("v4 PPTP Start-Control-Connection-Reply, from server port",
         pptp_tcp(kind="sccrp", reverse=True)),
        ("v4 GRE v1 PPP data with acknowledgment", pptp_gre("data_ack")),
        ("v4 PPTP Outgoing-Call-Request", pptp_tcp(kind="ocrq")),
        ("v4 GRE v1 acknowledgment only", pptp_gre("ack")),
        ("v4 PPTP Echo-Request", pptp_tcp(kind="echo")),
    ]

    # Not VPN.
    def dns(v6=False, reverse=False):
        port = m.eph()
        base = 0xB300 if v6 else 0xA700

        def f(k):
            qn = ["www.example.com.", "mail.example.org.", "example.net."][
                k % 3]
            qt = "AAAA" if v6 else "A"
            if reverse:
                d = DNS(id=base + k, qr=1, rd=1, ra=1,
                        qd=DNSQR(qname=qn, qtype=qt),
                        an=DNSRR(rrname=qn, type="A", ttl=300,
                                 rdata="203.0.113.80"))
            else:
                d = DNS(id=base + k, rd=1, qd=DNSQR(qname=qn, qtype=qt))
            sp, dp = (53, port) if reverse else (port, 53)
            return m.udp(sp, dp, bytes(d), v6)
        return f

    def https(v6=False, reverse=False):
        port = m.eph()
        flow = TcpFlow(m, 443, port, v6) if reverse else \
            TcpFlow(m, port, 443, v6)

        def f(k):
            if reverse:
                p = tls_server_flight(m) if k == 0 else tls_app(m, 1000)
            else:
                p = tls_client_hello(m, "www.example.com") if k == 0 else \
                    tls_app(m, 300)
            return flow.send(p)
        return f

    def plain_udp():
        port = m.eph()

        def f(k):
            return m.udp(port, 9999, b"\xe1vpnxdp plain datagram " +
                         m.rb(60 + 40 * (k % 3)))
        return f

    def gre_v0():
        def f(k):
            inner = bytes(IP(src=IN4_A, dst=IN4_B, id=k + 1) /
                          ICMP(id=0x4747, seq=k + 1) / Raw(m.rb(56)))
            return m.ipproto(47, struct.pack("!HH", 0, 0x0800) + inner)
        return f

    def syn_scan(dport):
        def f(k):
            return TcpFlow(m, m.eph(), dport).send(b"", flags="S")
        return f

    def ping(v6=False):
        def f(k):
            if v6:
                return m.eth(m.ip6() / ICMPv6EchoRequest(id=0x7678, seq=k + 1,
                                                         data=m.rb(56)))
            return m.eth(m.ip4() / ICMP(id=0x7678, seq=k + 1) / Raw(m.rb(56)))
        return f

    C["other"] = [
        ("v4 DNS query (UDP 53)", dns()),
        ("v4 HTTPS, TLS on TCP 443 (SSTP off)", https()),
        ("v4 plain UDP to 9999", plain_udp()),
        ("v4 GRE v0 carrying IPv4", gre_v0()),
        ("v4 DNS response, from 53", dns(reverse=True)),
        ("v6 DNS query", dns(v6=True)),
        ("v4 HTTPS, from server port 443", https(reverse=True)),
        ("v4 TCP SYN to 1723, no payload (a scan, not PPTP)",
         syn_scan(1723)),
        ("v4 ICMP echo request", ping()),
        ("v6 HTTPS, TLS on TCP 443", https(v6=True)),
        ("v6 ICMPv6 echo request", ping(v6=True)),
    ]

    # Non-first fragments: no L4 header of their own.
    def tail(v6=False, which=-1, size=2000, sport=53):
        port = m.eph()

        def f(k):
            p = b"\xa7\x01" + m.rb(size)
            if v6:
                pkt = m.ip6() / IPv6ExtHdrFragment(id=m.nz32()) / \
                    UDP(sport=sport, dport=port) / Raw(p)
                frags = fragment6(pkt, 1400)
            else:
                pkt = m.ip4() / UDP(sport=sport, dport=port) / Raw(p)
                frags = fragment(pkt, fragsize=1400)
            assert len(frags) > 1
            return m.eth(frags[which])
        return f

    C["fragment"] = [
        ("v4 last fragment of a UDP datagram", tail()),
        ("v4 middle fragment (MF set, offset > 0)", tail(which=1,
                                                        size=3000)),
        ("v6 last fragment of a UDP datagram", tail(v6=True)),
        ("v4 last fragment of a WireGuard datagram", tail(size=1600,
                                                          sport=51820)),
    ]
    return C


def write_pcap(path, frames):
    """Classic pcap, Ethernet, microsecond stamps TS0 + 1 ms per frame:
    the frames exactly as built, nothing re-encoded."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, raw in enumerate(frames):
            us = int(TS0) * 1000000 + i * 1000
            f.write(struct.pack("<IIII", us // 1000000, us % 1000000,
                                len(raw), len(raw)))
            f.write(raw)


def main():
    ap = argparse.ArgumentParser(
        description="Build a known VPN traffic mix (pcap) and its expected "
        "per-class counts.")
    ap.add_argument("--out", required=True, help="pcap file to write")
    ap.add_argument("--src-mac", required=True, help="sender (side a) MAC")
    ap.add_argument("--dst-mac", required=True, help="receiver (side b) MAC")
    ap.add_argument("--count-per-class", type=int, default=10, metavar="N")
    ap.add_argument("--manifest", help="write expected counts (JSON)")
    ap.add_argument("--labels", help="write per-packet classes (JSON)")
    ap.add_argument("--classes", help="comma-separated subset of classes")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    if a.count_per_class < 1:
        ap.error("--count-per-class must be at least 1")
    m = Mix(a.seed, a.src_mac, a.dst_mac)
    classes = build_classes(m)
    want = list(classes)
    if a.classes:
        want = [c.strip() for c in a.classes.split(",") if c.strip()]
        for c in want:
            if c not in classes:
                gen = ", ".join(classes)
                if c in ALL_CLASSES:
                    ap.error(f"class '{c}' is not generated (generated: {gen})")
                ap.error(f"unknown class '{c}' (generated: {gen})")
        want = [c for c in classes if c in want]

    n = a.count_per_class
    frames, labels = [], []
    counts = {c: {"packets": 0, "bytes": 0} for c in ALL_CLASSES}
    for i in range(n):
        for c in want:
            variants = classes[c]
            desc, fn = variants[i % len(variants)]
            frame = fn(i // len(variants))
            raw = bytes(frame)
            if len(raw) > MAX_FRAME:
                sys.exit(f"vpnmix: internal error: {c} '{desc}' frame is "
                         f"{len(raw)} bytes > {MAX_FRAME}")
            frames.append(raw)
            counts[c]["packets"] += 1
            counts[c]["bytes"] += len(raw)
            labels.append({"n": len(frames), "class": c, "len": len(raw),
                           "what": desc})

    write_pcap(a.out, frames)
    if a.manifest:
        with open(a.manifest, "w") as f:
            json.dump(counts, f, indent=1)
            f.write("\n")
    if a.labels:
        with open(a.labels, "w") as f:
            json.dump(labels, f, indent=1)
            f.write("\n")
    for c in ALL_CLASSES:
        if counts[c]["packets"]:
            print(f"{c:10} {counts[c]['packets']:6} packets "
                  f"{counts[c]['bytes']:9} bytes")
    print(f"{'total':10} {len(frames):6} packets "
          f"{sum(v['bytes'] for v in counts.values()):9} bytes -> {a.out}")


if __name__ == "__main__":
    main()
