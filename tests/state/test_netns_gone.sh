#!/usr/bin/env bash
# An attachment whose network namespace is deleted (issue 12, case 2): its
# program runs nowhere, status says so from any namespace, detach removes
# the pins (and with them the program), and the name can be attached again.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
need_root || exit 0

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
NS=vxg$$ NS2=vxh$$ IF=vxg$$n0
TMP=$(mktemp -d)
cleanup() {
	for n in "$NS" "$NS2"; do
		[ -e "/var/run/netns/$n" ] && nsenter --net="/var/run/netns/$n" "$VPNXDP" detach "$IF" >/dev/null 2>&1
		[ -e "/var/run/netns/$n" ] && ip netns del "$n"
	done
	[ -d "/sys/fs/bpf/vpnxdp/$IF" ] && "$VPNXDP" detach "$IF" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

mkns() { # NS: a namespace with a veth pair $IF <-> ${IF%0}1, up
	ip netns add "$1" &&
		ip link add "$IF" netns "$1" type veth peer name "${IF%0}1" netns "$1" &&
		nsenter --net="/var/run/netns/$1" ip link set "$IF" up &&
		nsenter --net="/var/run/netns/$1" ip link set "${IF%0}1" up
}
mkns "$NS" || { t_fail setup "cannot make namespace $NS"; exit 1; }
if ! nsenter --net="/var/run/netns/$NS" "$VPNXDP" attach "$IF" >"$TMP/out" 2>&1; then
	t_fail attach "$(cat "$TMP/out")"
	exit 1
fi
nsenter --net="/var/run/netns/$NS" "$VPNXDP" status "$IF" --json >"$TMP/st0.json"
id=$(json_get "$TMP/st0.json" interfaces.0.program_id)
if [ -n "$id" ] && bpftool prog show id "$id" >/dev/null 2>&1; then
	t_pass program_loaded_while_attached
else
	t_fail program_loaded_while_attached "no program id '$id' loaded"
fi
ip netns del "$NS"

# The kernel tears a deleted namespace down asynchronously: wait for it
# (bounded) to take the interface.
gone=0
for ((i = 0; i < 100; i++)); do
	"$VPNXDP" status "$IF" --json >"$TMP/st.json" 2>&1
	[ "$(json_get "$TMP/st.json" interfaces.0.state)" = gone ] && { gone=1; break; }
	sleep 0.1
done
if [ "$gone" = 1 ]; then
	t_pass status_says_gone
else
	t_fail status_says_gone "$(head -c 300 "$TMP/st.json")"
fi
"$VPNXDP" status "$IF" >"$TMP/st.txt" 2>&1
if grep -q "^$IF: GONE (.*network namespace" "$TMP/st.txt"; then
	t_pass status_text_says_why
else
	t_fail status_text_says_why "$(head -c 300 "$TMP/st.txt")"
fi
if "$VPNXDP" detach "$IF" >"$TMP/out" 2>&1 && [ ! -e "/sys/fs/bpf/vpnxdp/$IF" ]; then
	t_pass detach_from_another_namespace_removes_it
else
	t_fail detach_from_another_namespace_removes_it "$(head -c 300 "$TMP/out")"
fi
# the pins held the program: with them gone, so is it
freed=0
for ((i = 0; i < 50; i++)); do
	bpftool prog show id "$id" >/dev/null 2>&1 || { freed=1; break; }
	sleep 0.1
done
[ "$freed" = 1 ] && t_pass program_freed || t_fail program_freed "program $id is still loaded"

# The name is free again.
mkns "$NS2" || { t_fail setup2 "cannot make namespace $NS2"; exit 1; }
if nsenter --net="/var/run/netns/$NS2" "$VPNXDP" attach "$IF" >"$TMP/out" 2>&1 &&
   nsenter --net="/var/run/netns/$NS2" "$VPNXDP" detach "$IF" >>"$TMP/out" 2>&1; then
	t_pass attach_same_name_again
else
	t_fail attach_same_name_again "$(head -c 300 "$TMP/out")"
fi
