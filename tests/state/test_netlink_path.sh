#!/usr/bin/env bash
# An attachment whose program is attached by netlink (what libxdp does, with
# or without its dispatcher; on this kernel vpnxdp uses its own XDP link, so
# the test makes one by hand: the program loaded by bpftool, its maps moved
# into the attachment's directory, its metadata written, the program
# attached with ip).  With only the capabilities to ask what needs none,
# status still finds it attached; where only a privileged query can tell
# (an interrupted attach without the program's pin: is the program on the
# interface this attachment's?), the answer is "unknown" and detach changes
# nothing; when the kernel refuses the detach, nothing is removed; with
# every capability both are found and removed.  Issue 12, case 4, on the
# netlink path.  Runs with a private bpffs (tests/lib.sh iso_up).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
command -v bpftool >/dev/null || { t_skip "$(t_suite)" "bpftool not installed"; exit 0; }

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
cleanup() {
	topo_in_b ip link set dev "$TOPO_IF_B" xdpdrv off 2>/dev/null
	iso_down
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "vxl$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }
iso_up || { t_fail iso_up "cannot make a private bpffs"; exit 1; }
IF=$TOPO_IF_B NS=$TOPO_NS_B R=/sys/fs/bpf/vpnxdp
prog_on() { topo_in_b ip -d link show "$IF" | grep -o 'prog/xdp id [0-9]*' | awk '{print $3}'; }
as() { # CAPS CMD...: vpnxdp in b with the bounding set CAPS
	local caps=$1
	shift
	nsenter -t "$ISO_PID" -m --net="/var/run/netns/$NS" -- \
		setpriv --bounding-set="$caps" -- "$VPNXDP" "$@"
}
st() { # CAPS FIELD: status of IF's entry
	as "$1" status "$IF" --json >"$TMP/st.json" 2>"$TMP/st.err"
	json_get "$TMP/st.json" "interfaces.0.$2"
}

# The attachment, by hand, in directory @1 of the pin root; @2 = keep the
# program's pin there (a finished attach) or not (interrupted after the
# attach).
make_att() { # DIR PIN(yes|no)
	local d="$R/$1" ifindex
	ifindex=$(topo_in_b ip -o link show "$IF" | cut -d: -f1)
	iso mkdir -p -m 0700 "$R" "$d" &&
		iso bpftool prog load "$PWD/build/vpnxdp.bpf.o" /sys/fs/bpf/vxnl_prog 2>/dev/null &&
		iso sh -c 'for m in /sys/fs/bpf/vx_*; do mv "$m" "$1/"; done' sh "$d" || return 1
	# struct vx_meta (headers/vpnxdp_common.h): this ABI, native, by netlink
	/usr/bin/python3 - "$ifindex" "$(sed -n 's/^#define VX_ABI_VERSION \([0-9]*\).*/\1/p' headers/vpnxdp_common.h)" >"$TMP/meta.hex" <<'PY'
import struct, sys
m = struct.pack("<IIII", int(sys.argv[2]), 1, 0, int(sys.argv[1])) + struct.pack("<QQ", 0, 0)
m += b"by hand".ljust(200, b"\0") + struct.pack("<II", 1000, 262144)
m += struct.pack("<QIIII", 0, 2, 4242, 65536, 0) + b"\0" * 8
print(" ".join(str(b) for b in m))
PY
	# shellcheck disable=SC2046
	iso bpftool map update pinned "$d/vx_meta" key 0 0 0 0 value $(cat "$TMP/meta.hex") &&
		iso_net "$NS" ip link set dev "$IF" xdpdrv pinned /sys/fs/bpf/vxnl_prog || return 1
	if [ "$2" = yes ]; then
		iso mv /sys/fs/bpf/vxnl_prog "$d/prog"
	else
		iso rm /sys/fs/bpf/vxnl_prog
	fi
}

# --- a finished attachment, by netlink, with its program pinned
make_att "$IF" yes || { t_fail setup "cannot make the attachment by hand"; exit 1; }
prog=$(prog_on)
[ "$(st +all program_state)" = attached ] && t_pass netlink_live_as_root ||
	t_fail netlink_live_as_root "$(head -c 300 "$TMP/st.json" "$TMP/st.err")"
[ "$(st -all,+bpf,+net_admin program_state)" = attached ] && t_pass netlink_live_without_sys_admin ||
	t_fail netlink_live_without_sys_admin "$(head -c 300 "$TMP/st.json" "$TMP/st.err")"
[ "$(st -all program_state)" = attached ] && t_pass netlink_live_without_any_capability ||
	t_fail netlink_live_without_any_capability "$(head -c 300 "$TMP/st.json" "$TMP/st.err")"
as -all detach "$IF" >"$TMP/d.out" 2>"$TMP/d.err"
rc=$?
if [ "$rc" = 2 ] && grep -q "cannot detach XDP program $prog: Operation not permitted (needs CAP_NET_ADMIN" "$TMP/d.err" &&
   [ "$(prog_on)" = "$prog" ] && iso test -e "$R/$IF/prog"; then
	t_pass netlink_detach_refused_changes_nothing
else
	t_fail netlink_detach_refused_changes_nothing "exit $rc: $(head -c 300 "$TMP/d.err"); on $IF: $(prog_on)"
fi
if as +all detach "$IF" >"$TMP/d.out" 2>&1 && [ -z "$(prog_on)" ] && ! iso test -e "$R/$IF"; then
	t_pass netlink_detach
else
	t_fail netlink_detach "$(head -c 300 "$TMP/d.out"); on $IF: $(prog_on)"
fi

# --- interrupted right after the attach: no program pin
E="$IF:4242:attaching"
make_att "$E" no || { t_fail setup2 "cannot make the interrupted attach by hand"; exit 1; }
prog=$(prog_on)
CAPS=-all,+bpf,+net_admin,+perfmon
as "$CAPS" status "$IF" --json >"$TMP/st.json" 2>&1
if [ "$(json_get "$TMP/st.json" interfaces.0.state)" = interrupted ] &&
   [ "$(json_get "$TMP/st.json" interfaces.0.program_state)" = unknown ] &&
   json_get "$TMP/st.json" interfaces.0.reason | grep -q 'needs CAP_SYS_ADMIN'; then
	t_pass interrupted_unknown_without_sys_admin
else
	t_fail interrupted_unknown_without_sys_admin "$(head -c 400 "$TMP/st.json")"
fi
as "$CAPS" detach "$IF" >"$TMP/d.out" 2>"$TMP/d.err"
rc=$?
if [ "$rc" = 2 ] && grep -q 'cannot tell whether its program is on the interface.*nothing changed' "$TMP/d.err" &&
   [ "$(prog_on)" = "$prog" ] && iso test -d "$R/$E"; then
	t_pass interrupted_unknown_detach_changes_nothing
else
	t_fail interrupted_unknown_detach_changes_nothing "exit $rc: $(head -c 300 "$TMP/d.err"); on $IF: $(prog_on)"
fi
as +all status "$IF" --json >"$TMP/st.json" 2>&1
if [ "$(json_get "$TMP/st.json" interfaces.0.program_state)" = attached ] &&
   [ "$(json_get "$TMP/st.json" interfaces.0.program_id)" = "$prog" ]; then
	t_pass interrupted_found_by_its_maps
else
	t_fail interrupted_found_by_its_maps "$(head -c 400 "$TMP/st.json")"
fi
if as +all detach "$IF" >"$TMP/d.out" 2>&1 && [ -z "$(prog_on)" ] && ! iso test -e "$R/$E"; then
	t_pass interrupted_detach
else
	t_fail interrupted_detach "$(head -c 300 "$TMP/d.out"); on $IF: $(prog_on)"
fi
