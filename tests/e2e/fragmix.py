"""Fragment attack traffic for test_frag_drop.sh, and which frames may drop.

    fragmix.py build OUT.pcap LABELS.json SRC_MAC DST_MAC ROUNDS
    fragmix.py judge LABELS.json SENT.pcap RECEIVED.pcap

build: ROUNDS rounds (at most 200) of these sequences, IPv4 and IPv6, each
sequence with an IP id of its own (frames go 192.0.2.1 -> 192.0.2.2,
2001:db8::1 -> 2001:db8::2):
  wg          a WireGuard data datagram to UDP 51820 in two fragments
  reorder     a non-VPN datagram, its later fragment first
  reorder_id  a WireGuard datagram, then a non-VPN one with its id,
              later fragment first
  reuse_id    a WireGuard datagram, then a non-VPN one with its id, in order
  dup_after   a non-VPN first fragment, a forged WireGuard first fragment
              with its id, the non-VPN later fragment
  dup_before  the forged first fragment before the non-VPN one
Every frame is labelled "vpn" (part of a real WireGuard datagram: must be
dropped under `wireguard drop`), "other" (part of a non-VPN datagram: must
pass) or "forged" (a forged WireGuard first fragment: its own bytes are
WireGuard; reported, not judged).

judge: which sent frames did not arrive (received.pcap: what the receiving
side captured past XDP), per label; prints one JSON object
{"vpn": [dropped, sent], "other": [...], "forged": [...]}.

Needs Debian's /usr/bin/python3 with python3-scapy.
"""
import json
import logging
import random
import struct
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (IP, UDP, Ether, IPv6, IPv6ExtHdrFragment, Raw,  # noqa: E402
                       rdpcap, wrpcap)

IP4_A, IP4_B = "192.0.2.1", "192.0.2.2"
IP6_A, IP6_B = "2001:db8::1", "2001:db8::2"
CUT = 520  # first fragment: UDP header + 512 bytes; a multiple of 8


def wg_payload(rng):
    # transport data: type 4, reserved, receiver index, counter, 1024 bytes
    return b"\x04\0\0\0" + struct.pack("<IQ", rng.randrange(1, 1 << 32),
                                       rng.randrange(1 << 32)) + rng.randbytes(1024)


def other_payload(rng):
    return b"GET /" + bytes(rng.choice(b"abcdefghij") for _ in range(1035))


def udp_bytes(v6, sport, dport, payload):
    """The datagram's L4 bytes with a correct checksum."""
    l3 = IPv6(src=IP6_A, dst=IP6_B) if v6 else IP(src=IP4_A, dst=IP4_B)
    return bytes((l3 / UDP(sport=sport, dport=dport) / Raw(payload))[UDP])


def frags(smac, dmac, v6, ident, l4):
    """First fragment [0, CUT), later fragment [CUT, end)."""
    out = []
    for off, mf in ((0, 1), (CUT, 0)):
        part = l4[off:CUT] if off == 0 else l4[CUT:]
        if v6:
            l3 = IPv6(src=IP6_A, dst=IP6_B, hlim=64, nh=44) / \
                IPv6ExtHdrFragment(nh=17, offset=off // 8, m=mf, id=ident)
        else:
            l3 = IP(src=IP4_A, dst=IP4_B, ttl=64, id=ident, proto=17,
                    flags="MF" if mf else 0, frag=off // 8)
        out.append(bytes(Ether(src=smac, dst=dmac) / l3 / Raw(part)))
    return out


def build(out, labels, smac, dmac, rounds):
    rng = random.Random(11)
    frames, tags = [], []
    ident = 0x2000

    def add(fs, tag):
        frames.extend(fs)
        tags.extend([tag] * len(fs))

    for _ in range(min(rounds, 200)):
        for v6 in (False, True):
            def wg():
                return frags(smac, dmac, v6, ident,
                             udp_bytes(v6, 40000, 51820, wg_payload(rng)))

            def ot():
                return frags(smac, dmac, v6, ident,
                             udp_bytes(v6, 40001, 40404, other_payload(rng)))
            ident += 1
            add(wg(), "vpn")
            ident += 1
            o = ot()
            add([o[1], o[0]], "other")
            ident += 1
            add(wg(), "vpn")
            o = ot()
            add([o[1], o[0]], "other")
            ident += 1
            add(wg(), "vpn")
            add(ot(), "other")
            ident += 1
            o, w = ot(), wg()
            add([o[0]], "other")
            add([w[0]], "forged")
            add([o[1]], "other")
            ident += 1
            o, w = ot(), wg()
            add([w[0]], "forged")
            add(o, "other")
    wrpcap(out, [Ether(f) for f in frames])
    with open(labels, "w") as fh:
        json.dump(tags, fh)


def judge(labels, sent, received):
    tags = json.load(open(labels))
    got = {}
    for p in rdpcap(received):
        b = bytes(p)
        got[b] = got.get(b, 0) + 1
    res = {"vpn": [0, 0], "other": [0, 0], "forged": [0, 0]}
    for tag, p in zip(tags, rdpcap(sent)):
        b = bytes(p)
        res[tag][1] += 1
        if got.get(b, 0):
            got[b] -= 1
        else:
            res[tag][0] += 1
    print(json.dumps(res))


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]))
    else:
        judge(sys.argv[2], sys.argv[3], sys.argv[4])
