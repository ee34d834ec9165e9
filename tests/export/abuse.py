#!/usr/bin/python3
"""Hostile and broken clients against the exporter, bounded in count and time.

abuse.py HOST PORT [--bad N] [--slow N] [--seconds S] [--src ADDR]

--bad N   N bad requests from 16 threads: garbage, wrong methods and paths,
          oversized request lines and headers, a Content-Length promising a
          body never sent, connections closed mid-request, pipelined junk.
--slow N  N slowloris connections: a partial request, then one header byte
          every 2 s, for --seconds; each is reopened when the server drops it.
--src     source address to bind (another loopback address, such as
          127.0.0.2, plays a client other than the Prometheus on 127.0.0.1).

Prints one JSON line of counts.  Loopback only: refuses any other target.
"""
import argparse
import ipaddress
import json
import random
import socket
import threading
import time

BAD = [
    b"\x00\x01\x02garbage\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET /metrics\r\n\r\n",
    b"GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n",
    b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
    b"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
    b"DELETE /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /metrics%00 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /" + b"A" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /metrics HTTP/1.1\r\nHost: x\r\nX: " + b"B" * 70000 + b"\r\n\r\n",
    b"GET /metrics HTTP/1.1\r\n" + b"".join(b"H%d: v\r\n" % i for i in range(3000)) + b"\r\n",
    b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nabc",
    b"GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\nGET /nope HTTP/1.1\r\n\r\n",
    b"GET /metrics HTTP/1.1\r\nHost",  # cut short, then closed
    b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n",
]


def loopback(host):
    return ipaddress.ip_address(host).is_loopback


def connect(host, port, src, timeout=5.0):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if src:
        s.bind((src, 0))
    s.connect((host, port))
    return s


def bad_worker(host, port, src, n, out, lock):
    rnd = random.Random(n)
    counts = {"sent": 0, "answered": 0, "refused": 0}
    for i in range(n):
        payload = BAD[i % len(BAD)]
        try:
            # a request the server waits on (a body promised, a line cut
            # short) is given up after 1 s: the server's own timeout is
            # what is under test, not the client's patience
            s = connect(host, port, src, timeout=1.0)
        except OSError:
            counts["refused"] += 1
            continue
        try:
            if rnd.random() < 0.1:
                s.sendall(payload[: len(payload) // 2])  # half, then hang up
                s.close()
                counts["sent"] += 1
                continue
            s.sendall(payload)
            counts["sent"] += 1
            if s.recv(64):
                counts["answered"] += 1
        except OSError:
            pass  # reset or closed on us: fine, that is a refusal too
        finally:
            s.close()
    with lock:
        for k, v in counts.items():
            out[k] = out.get(k, 0) + v


def slow_worker(host, port, src, deadline, out, lock):
    opened = dropped = 0
    s = None
    while time.monotonic() < deadline:
        try:
            if s is None:
                s = connect(host, port, src, timeout=2.0)
                s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-a: ")
                opened += 1
            time.sleep(2.0)
            s.sendall(b"a")
        except OSError:
            dropped += 1
            if s:
                s.close()
            s = None
            time.sleep(0.2)
    if s:
        s.close()
    with lock:
        out["slow_opened"] = out.get("slow_opened", 0) + opened
        out["slow_dropped"] = out.get("slow_dropped", 0) + dropped


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--bad", type=int, default=0)
    ap.add_argument("--slow", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--src")
    a = ap.parse_args()
    if not loopback(a.host) or (a.src and not loopback(a.src)):
        raise SystemExit("abuse.py: loopback addresses only")
    a.seconds = min(a.seconds, 120.0)
    out, lock, threads = {}, threading.Lock(), []
    deadline = time.monotonic() + a.seconds
    for _ in range(a.slow):
        threads.append(threading.Thread(target=slow_worker,
                                        args=(a.host, a.port, a.src, deadline, out, lock)))
    nthreads = 16 if a.bad else 0
    for t in range(nthreads):
        share = a.bad // nthreads + (1 if t < a.bad % nthreads else 0)
        threads.append(threading.Thread(target=bad_worker,
                                        args=(a.host, a.port, a.src, share, out, lock)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(a.seconds + 60)
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
