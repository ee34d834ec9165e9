#!/usr/bin/env bash
# An attachment whose program is no longer on its interface (issue 12,
# case 7): policy apply refuses it (exit 1, nothing changed); top and
# events say when an interface they follow goes away, keep following the
# others, and end (exit 1) when none is left.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
X=vxw$$x0
TOP_PID= EV_PID=
cleanup() {
	for p in $TOP_PID $EV_PID; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	for i in "$TOPO_IF_B" "$X"; do topo_in_b "$VPNXDP" detach "$i" >/dev/null 2>&1; done
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "vxw$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }
vx() { topo_in_b "$VPNXDP" "$@"; }
IVL=200
printf 'wireguard drop\n' >"$TMP/drop.pol"
printf 'esp drop\n' >"$TMP/esp.pol"

# A second interface on side b, alone on its own veth pair.
mk_x() {
	topo_in_b ip link add "$X" type veth peer name "${X%0}1" &&
		topo_in_b ip link set "$X" up && topo_in_b ip link set "${X%0}1" up &&
		vx attach "$X" --interval $IVL --policy "$TMP/drop.pol" >/dev/null 2>&1
}

# --- policy apply to an attachment whose interface is gone
mk_x || { t_fail setup "cannot make and attach $X"; exit 1; }
topo_in_b ip link del "$X"
vx policy apply "$X" "$TMP/esp.pol" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q "not attached (gone:.*nothing changed" "$TMP/err"; then
	t_pass apply_to_gone_refused
else
	t_fail apply_to_gone_refused "exit $rc: $(head -c 300 "$TMP/out" "$TMP/err")"
fi
vx policy show "$X" >"$TMP/show" 2>&1
grep -q 'generation 1$' "$TMP/show" && t_pass apply_to_gone_changed_nothing ||
	t_fail apply_to_gone_changed_nothing "$(head -c 200 "$TMP/show")"
vx detach "$X" >/dev/null 2>&1

# --- top and events on two interfaces; one goes, then the other
vx attach "$TOPO_IF_B" --interval $IVL --policy "$TMP/drop.pol" >/dev/null 2>&1 &&
	mk_x || { t_fail setup2 "cannot attach both"; exit 1; }
nsenter --net="/var/run/netns/$TOPO_NS_B" -- "$VPNXDP" top --json "$TOPO_IF_B" "$X" \
	>"$TMP/top.out" 2>"$TMP/top.err" &
TOP_PID=$!
nsenter --net="/var/run/netns/$TOPO_NS_B" -- "$VPNXDP" events --json "$TOPO_IF_B" "$X" \
	>"$TMP/ev.out" 2>"$TMP/ev.err" &
EV_PID=$!
sleep 1
topo_in_b ip link del "$X"
t0=$(date +%s%N)
# wait (bounded) for both to say so
for ((i = 0; i < 50; i++)); do
	grep -q "$X: the attachment is gone" "$TMP/top.err" && grep -q "$X: the attachment is gone" "$TMP/ev.err" && break
	sleep 0.1
done
ms=$((($(date +%s%N) - t0) / 1000000))
if grep -q "$X: the attachment is gone" "$TMP/top.err"; then
	t_pass top_says_interface_gone
else
	t_fail top_says_interface_gone "after ${ms} ms: $(head -c 300 "$TMP/top.err")"
fi
if grep -q "$X: the attachment is gone" "$TMP/ev.err"; then
	t_pass events_says_interface_gone
else
	t_fail events_says_interface_gone "after ${ms} ms: $(head -c 300 "$TMP/ev.err")"
fi
echo "# noticed within ${ms} ms (interval ${IVL} ms)"
# both go on with the other interface
n1=$(grep -c "\"interface\": *\"$TOPO_IF_B\"" "$TMP/top.out")
topo_in_a /usr/bin/python3 -c '
import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"\x04\0\0\0" + b"\x11" * 44, (sys.argv[1], 51820))' "$TOPO_IP4_B"
sleep 1
n2=$(grep -c "\"interface\": *\"$TOPO_IF_B\"" "$TMP/top.out")
if kill -0 "$TOP_PID" 2>/dev/null && [ "$n2" -gt "$n1" ]; then
	t_pass top_keeps_watching_the_other
else
	t_fail top_keeps_watching_the_other "running: $(kill -0 "$TOP_PID" 2>/dev/null && echo yes || echo no); lines for $TOPO_IF_B $n1 then $n2"
fi
if kill -0 "$EV_PID" 2>/dev/null && grep -q "\"interface\": *\"$TOPO_IF_B\".*\"type\": *\"drop\"" "$TMP/ev.out"; then
	t_pass events_keeps_watching_the_other
else
	t_fail events_keeps_watching_the_other "$(head -c 300 "$TMP/ev.out")"
fi
# the last one goes: both end, exit 1, saying so
topo_in_b ip link del "$TOPO_IF_B"
for p in TOP EV; do
	pid=${p}_PID
	rc=124
	for ((i = 0; i < 50; i++)); do
		if ! kill -0 "${!pid}" 2>/dev/null; then
			wait "${!pid}"
			rc=$?
			break
		fi
		sleep 0.1
	done
	[ "$rc" = 124 ] && kill "${!pid}" 2>/dev/null
	eval "${p}_PID="
	name=top f=$TMP/top.err
	[ "$p" = EV ] && name=events f=$TMP/ev.err
	if [ "$rc" = 1 ] && grep -q "$TOPO_IF_B: the attachment is gone" "$f"; then
		t_pass "${name}_ends_when_none_is_left"
	else
		t_fail "${name}_ends_when_none_is_left" "exit $rc: $(head -c 300 "$f")"
	fi
done
