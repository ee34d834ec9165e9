#!/usr/bin/env bash
# Every command under three capability sets, as uid 0 (setpriv
# --bounding-set): all of them, CAP_BPF + CAP_NET_ADMIN only, none; and
# CAP_BPF + CAP_NET_ADMIN + CAP_PERFMON, the set attach asks for (issue 12,
# case 4).  A command that lacks a capability it needs names it (exit 2);
# one that needs none works; a live attachment is never called stale and
# never loses its pins while its program runs; detach takes the program
# off, whatever the set.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
command -v setpriv >/dev/null || { t_skip "$(t_suite)" "setpriv not installed"; exit 0; }

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
cleanup() {
	topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_in_a "$VPNXDP" detach "$TOPO_IF_A" >/dev/null 2>&1
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "vxn$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }
IF=$TOPO_IF_B
printf 'wireguard drop\n' >"$TMP/drop.pol"
printf 'esp drop\n' >"$TMP/other.pol"
# a capture of one WireGuard datagram, for replay
/usr/bin/python3 - "$TMP/one.pcap" <<'PY'
import struct, sys
eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
pl = b"\x04\x00\x00\x00" + b"\x11" * 44
udp = struct.pack("!HHHH", 40000, 51820, 8 + len(pl), 0) + pl
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                 bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])) + udp
f = eth + ip
with open(sys.argv[1], "wb") as o:
    o.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    o.write(struct.pack("<IIII", 0, 0, len(f), len(f)) + f)
PY
send_wg() { # one WireGuard datagram a -> b: a drop, an event
	topo_in_a /usr/bin/python3 -c '
import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"\x04\0\0\0" + b"\x11" * 44, (sys.argv[1], 51820))' "$TOPO_IP4_B"
}
prog_on() { topo_in_b ip -d link show "$IF" | grep -o 'prog/xdp id [0-9]*' | awk '{print $3}'; }
attach_full() {
	topo_in_b "$VPNXDP" detach "$IF" >/dev/null 2>&1
	topo_in_b "$VPNXDP" attach "$IF" --interval 100 --policy "$TMP/drop.pol" >/dev/null 2>&1
}

# capability set name, setpriv's --bounding-set, and per command the exit
# code wanted and what stderr must say ('-': nothing in particular)
SETS="full:+all bpf_netadmin:-all,+bpf,+net_admin none:-all bpf_netadmin_perfmon:-all,+bpf,+net_admin,+perfmon"

want() { # SET COMMAND: "RC REGEX"
	local set=$1 cmd=$2
	case "$set:$cmd" in
	bpf_netadmin:attach) echo "2 attach needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON; missing: CAP_PERFMON" ;;
	bpf_netadmin:replay) echo "2 replay needs .*missing: CAP_PERFMON" ;;
	none:attach) echo "2 missing: CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON" ;;
	none:replay) echo "2 missing: CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON" ;;
	none:apply | none:reset) echo "2 needs CAP_BPF; missing: CAP_BPF" ;;
	*) echo "0 -" ;;
	esac
}

# COMMAND -> the vpnxdp arguments
args() {
	case $1 in
	attach) echo "attach $TOPO_IF_A" ;; # a fresh interface (side a)
	status) echo "status" ;;
	status_if) echo "status $IF" ;;
	stats) echo "stats $IF" ;;
	check) echo "policy check $TMP/other.pol" ;;
	show) echo "policy show $IF" ;;
	diff) echo "policy diff $IF $TMP/other.pol" ;;
	apply) echo "policy apply $IF $TMP/other.pol" ;;
	reset) echo "policy reset $IF" ;;
	top) echo "top $IF --json --count 1" ;;
	events) echo "events $IF --json --count 1" ;;
	replay) echo "replay $TMP/one.pcap" ;;
	detach) echo "detach $IF" ;;
	esac
}
CMDS="attach status status_if stats events check show diff apply reset top replay detach"

for s in $SETS; do
	set_name=${s%%:*} bset=${s#*:}
	if ! attach_full; then
		t_fail "${set_name}_setup" "cannot attach $IF"
		continue
	fi
	id=$(prog_on)
	for c in $CMDS; do
		read -r wrc wre <<<"$(want "$set_name" "$c")"
		[ "$c" = events ] && send_wg
		# the side-a attach runs in its own namespace; the rest on b
		ns=$TOPO_NS_B
		[ "$c" = attach ] && ns=$TOPO_NS_A
		# shellcheck disable=SC2046
		timeout 20 nsenter --net="/var/run/netns/$ns" -- setpriv --bounding-set="$bset" -- \
			"$VPNXDP" $(args "$c") >"$TMP/out" 2>"$TMP/err"
		rc=$?
		why=""
		[ "$rc" -ne "$wrc" ] && why="exit $rc, want $wrc"
		[ "$wre" != "-" ] && ! grep -Eq -- "$wre" "$TMP/err" && why="$why; stderr lacks /$wre/"
		grep "$IF" "$TMP/out" "$TMP/err" | grep -qi 'stale' && why="$why; called $IF stale"
		if [ "$c" != detach ]; then
			topo_in_b "$VPNXDP" status "$IF" --json >"$TMP/st.json" 2>&1
			[ "$(prog_on)" = "$id" ] || why="$why; the program left $IF"
			[ "$(json_get "$TMP/st.json" interfaces.0.state)" = attached ] ||
				why="$why; status (full root) after it: $(head -c 120 "$TMP/st.json")"
		else
			[ -z "$(prog_on)" ] || why="$why; the program is still on $IF"
			topo_in_b test -e "/sys/fs/bpf/vpnxdp/$IF" && why="$why; pins left"
		fi
		if [ -z "$why" ]; then
			t_pass "${set_name}_${c}"
		else
			t_fail "${set_name}_${c}" "${why#; }: $(head -c 200 "$TMP/err")"
		fi
		if [ "$c" = attach ]; then
			topo_in_a "$VPNXDP" detach "$TOPO_IF_A" >/dev/null 2>&1
		fi
	done
done
exit 0
