#!/usr/bin/env bash
# Self-check of the test tooling, with nothing attached: scripts/topo.sh
# builds a silent, working namespace pair, scripts/vpnmix.py's mix crosses
# it whole and unchanged through scripts/send.sh, and topo_down leaves
# nothing behind.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0

PFX="vxt$$"
TMP=$(mktemp -d)
TDPID=
cleanup() {
	[ -n "$TDPID" ] && kill "$TDPID" 2>/dev/null
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT

if topo_up "$PFX"; then t_pass topo_up; else t_fail topo_up "cannot create the topology"; exit 1; fi
if [ "$TOPO_NS_A" = "$PFX-a" ] && [ "$TOPO_NS_B" = "$PFX-b" ] &&
   [ "$TOPO_IF_A" = "${PFX}a" ] && [ "$TOPO_IF_B" = "${PFX}b" ] &&
   [ -n "$TOPO_MAC_A" ] && [ -n "$TOPO_MAC_B" ]; then
	t_pass topo_names
else
	t_fail topo_names "$TOPO_NS_A $TOPO_NS_B $TOPO_IF_A $TOPO_IF_B $TOPO_MAC_A $TOPO_MAC_B"
fi
if topo_in_b ip -o addr show dev "$TOPO_IF_B" | grep -q '192.0.2.2/24' &&
   topo_in_b ip -o addr show dev "$TOPO_IF_B" | grep -q '2001:db8::2/64' &&
   topo_in_a ip -o addr show dev "$TOPO_IF_A" | grep -q '192.0.2.1/24' &&
   topo_in_a ip -o link show dev "$TOPO_IF_A" | grep -qi "$TOPO_MAC_A"; then
	t_pass topo_addresses
else
	t_fail topo_addresses "$(topo_in_b ip -o addr show dev "$TOPO_IF_B")"
fi
# bpffs must be visible inside (nsenter, not ip netns exec).
if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	t_skip topo_bpffs_visible "bpffs not mounted on the host"
elif [ "$(topo_in_b stat -f -c %T /sys/fs/bpf)" = bpf_fs ]; then
	t_pass topo_bpffs_visible
else
	t_fail topo_bpffs_visible "/sys/fs/bpf is not bpffs inside $TOPO_NS_B"
fi

# Both ways, v4 and v6, with no neighbour discovery on the wire.
udp_echo() { # family src dst
	topo_in_b /usr/bin/python3 -c '
import socket, sys
f = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(f, socket.SOCK_DGRAM); s.bind((sys.argv[1], 9000)); s.settimeout(5)
d, a = s.recvfrom(100); s.sendto(d, a)' "$3" &
	local p=$!
	sleep 0.3
	topo_in_a /usr/bin/python3 -c '
import socket, sys
f = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(f, socket.SOCK_DGRAM); s.settimeout(3); s.bind((sys.argv[1], 0))
s.sendto(b"vpnxdp", (sys.argv[2], 9000)); sys.exit(0 if s.recvfrom(100)[0] == b"vpnxdp" else 1)' "$2" "$3"
	local rc=$?
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	return $rc
}
if udp_echo 4 192.0.2.1 192.0.2.2; then t_pass topo_udp_v4; else t_fail topo_udp_v4 "no UDP echo over v4"; fi
if udp_echo 6 2001:db8::1 2001:db8::2; then t_pass topo_udp_v6; else t_fail topo_udp_v6 "no UDP echo over v6"; fi
if topo_in_a ip neigh show dev "$TOPO_IF_A" | grep -q PERMANENT &&
   ! topo_in_b ip neigh show dev "$TOPO_IF_B" | grep -vq PERMANENT; then
	t_pass topo_static_neighbours
else
	t_fail topo_static_neighbours "$(topo_in_b ip neigh show dev "$TOPO_IF_B" | tr '\n' ';')"
fi

# Silence: a frame counter on b must see only what a test sends.  Side a
# has sent exactly the 2 echo requests above, nothing of its own.
sleep 2
tx=$(topo_in_a awk -v i="$TOPO_IF_A:" '$1 == i { print $11 }' /proc/net/dev)
t_eq topo_silent_link "$tx" 2

MIX=$TMP/mix.pcap
if /usr/bin/python3 scripts/vpnmix.py --out "$MIX" --src-mac "$TOPO_MAC_A" \
	--dst-mac "$TOPO_MAC_B" --count-per-class 20 --manifest "$TMP/want.json" \
	--labels "$TMP/labels.json" >/dev/null; then
	t_pass vpnmix_builds
else
	t_fail vpnmix_builds "vpnmix.py failed"
	exit 1
fi
/usr/bin/python3 scripts/vpnmix.py --out "$TMP/again.pcap" --src-mac "$TOPO_MAC_A" \
	--dst-mac "$TOPO_MAC_B" --count-per-class 20 --manifest "$TMP/again.json" >/dev/null
if cmp -s "$MIX" "$TMP/again.pcap" && cmp -s "$TMP/want.json" "$TMP/again.json"; then
	t_pass vpnmix_deterministic
else
	t_fail vpnmix_deterministic "two runs differ"
fi
total=$(/usr/bin/python3 -c 'import json,sys; print(sum(v["packets"] for v in json.load(open(sys.argv[1])).values()))' "$TMP/want.json")
/usr/bin/python3 scripts/vpnmix.py --out "$TMP/sub.pcap" --src-mac "$TOPO_MAC_A" \
	--dst-mac "$TOPO_MAC_B" --count-per-class 3 --classes pptp,esp --manifest "$TMP/sub.json" >/dev/null
t_eq vpnmix_classes_subset "$(json_get "$TMP/sub.json" pptp.packets)/$(json_get "$TMP/sub.json" esp.packets)/$(json_get "$TMP/sub.json" wireguard.packets)" "3/3/0"

# Send the mix and capture what arrives on b (inbound only: b's own
# replies, TCP resets and ICMP errors, go out on the same interface).
topo_in_b timeout 30 tcpdump -i "$TOPO_IF_B" -Q in -nn -U -c "$total" \
	-w "$TMP/rx.pcap" 2>"$TMP/tcpdump.err" &
TDPID=$!
for _ in $(seq 50); do grep -q 'listening on' "$TMP/tcpdump.err" && break; sleep 0.1; done
if scripts/send.sh "$TOPO_NS_A" "$TOPO_IF_A" "$MIX" >"$TMP/send.out" 2>&1; then
	t_pass send_ok
else
	t_fail send_ok "$(tail -3 "$TMP/send.out")"
fi
wait "$TDPID"
TDPID=
if msg=$(/usr/bin/python3 - "$MIX" "$TMP/rx.pcap" "$TMP/want.json" <<'PY'
import json, struct, sys
def frames(path):
    with open(path, "rb") as f:
        d = f.read()
    magic = struct.unpack("<I", d[:4])[0]
    e = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off, out = 24, []
    while off + 16 <= len(d):
        _, _, incl, orig = struct.unpack(e + "IIII", d[off:off + 16])
        out.append(d[off + 16:off + 16 + incl])
        off += 16 + incl
    return out
sent, got = frames(sys.argv[1]), frames(sys.argv[2])
want = json.load(open(sys.argv[3]))
wbytes = sum(v["bytes"] for v in want.values())
bad = []
if len(got) != len(sent):
    bad.append(f"received {len(got)} frames, sent {len(sent)}")
if sum(map(len, sent)) != wbytes:
    bad.append(f"pcap holds {sum(map(len, sent))} bytes, manifest says {wbytes}")
if sorted(got) != sorted(sent):
    bad.append("received frames differ from those sent")
print("; ".join(bad))
sys.exit(1 if bad else 0)
PY
); then
	t_pass mix_arrives_whole
else
	t_fail mix_arrives_whole "$msg"
fi

ns_a=$TOPO_NS_A ns_b=$TOPO_NS_B
topo_down
topo_down
if ip netns list | grep -qE "^($ns_a|$ns_b)( |$)" || ip link show "${PFX}a" >/dev/null 2>&1; then
	t_fail topo_down_clean "namespaces or links remain"
else
	t_pass topo_down_clean
fi
