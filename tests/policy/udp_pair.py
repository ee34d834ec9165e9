#!/usr/bin/python3
"""Helpers for test_policy_push.sh (bounded in packets and time).

  udp_pair.py recv PORT SECONDS          count datagrams per source address,
                                         print JSON {source: count} at the end
  udp_pair.py send SRC DST PORT COUNT    send COUNT WireGuard handshake
                                         initiations from SRC (148 bytes:
                                         type 1, three zero bytes)
"""
import json
import socket
import sys
import time


def recv(port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    s.settimeout(0.2)
    counts = {}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            _, (src, _) = s.recvfrom(2048)
        except socket.timeout:
            continue
        counts[src] = counts.get(src, 0) + 1
    print(json.dumps(counts))


def send(src, dst, port, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    payload = b"\x01\x00\x00\x00" + bytes(range(144))
    for _ in range(count):
        s.sendto(payload, (dst, port))


if __name__ == "__main__":
    if sys.argv[1] == "recv":
        recv(int(sys.argv[2]), float(sys.argv[3]))
    else:
        send(sys.argv[2], sys.argv[3], int(sys.argv[4]), min(int(sys.argv[5]), 100000))
