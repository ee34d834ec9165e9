#!/usr/bin/env bash
# The pin root /sys/fs/bpf/vpnxdp against a hostile local user (issue 12,
# case 5).  /sys/fs/bpf is world-writable: anyone can make the root before
# vpnxdp does, or plant a symlink there.  vpnxdp makes it 0700 root, keeps
# it (the sticky bit then keeps it root's), and uses it only if it is a
# root-owned directory without group/other write; an entry that is a
# symlink is refused, and nothing is ever followed through one.
#
# Each case runs with a private bpffs (tests/lib.sh iso_up) of its own.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
command -v setpriv >/dev/null || { t_skip "$(t_suite)" "setpriv not installed"; exit 0; }

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
cleanup() {
	iso_down
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "vxo$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }
IF=$TOPO_IF_B
R=/sys/fs/bpf/vpnxdp
V=/sys/fs/bpf/victim
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
vx() { iso_net "$TOPO_NS_B" "$VPNXDP" "$@"; }
prog_on() { topo_in_b ip link show "$IF" | grep -c 'prog/xdp'; }
fresh() { iso_down; iso_up || { t_fail iso_up "cannot make a private bpffs"; exit 1; }; }
# A victim elsewhere in bpffs: a directory with one pinned map.
victim() {
	iso mkdir -p "$V" && iso bpftool map create "$V/precious" type array key 4 value 4 \
		entries 1 name precious
}
victim_intact() { iso test -e "$V/precious"; }

# expect NAME RC REGEX CMD...: exit code and stderr
expect() {
	local name=$1 want=$2 re=$3 rc
	shift 3
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		t_fail "$name" "exit $rc, want $want: $(head -c 300 "$TMP/err") $(head -c 200 "$TMP/out")"
	elif [ -n "$re" ] && ! grep -Eq -- "$re" "$TMP/err"; then
		t_fail "$name" "stderr lacks /$re/: $(head -c 300 "$TMP/err")"
	else
		t_pass "$name"
	fi
}

# 1. Made first by another user.
fresh
iso $NOBODY mkdir "$R"
expect foreign_owner_attach_refused 2 'owned by uid 65534, not root: refusing' vx attach "$IF"
expect foreign_owner_status_refused 2 'owned by uid 65534, not root' vx status
[ "$(prog_on)" = 0 ] && [ -z "$(iso ls -A "$R")" ] && t_pass foreign_owner_nothing_attached_or_pinned ||
	t_fail foreign_owner_nothing_attached_or_pinned "program on $IF: $(prog_on); in $R: $(iso ls -A "$R" | tr '\n' ' ')"

# 2. A symlink planted as the root.
fresh
victim
iso $NOBODY ln -s "$V" "$R"
expect symlink_root_attach_refused 2 'a symlink.*refusing' vx attach "$IF"
expect symlink_root_detach_refused 2 'a symlink.*refusing' vx detach precious
expect symlink_root_status_refused 2 'a symlink.*refusing' vx status
victim_intact && [ "$(prog_on)" = 0 ] && t_pass symlink_root_victim_untouched ||
	t_fail symlink_root_victim_untouched "$V/precious is gone or a program is on $IF"

# 3. Root's, but writable by its group.
fresh
iso mkdir -m 0770 "$R"
expect group_writable_root_refused 2 'mode 0770 lets group or others write it' vx attach "$IF"

# 4. A good root: created 0700 root, kept after the last detach, and
# closed to others.
fresh
expect attach_makes_root 0 '' vx attach "$IF"
if [ "$(iso stat -c '%u %a %F' "$R")" = "0 700 directory" ]; then
	t_pass root_is_0700_root
else
	t_fail root_is_0700_root "$(iso stat -c '%u %a %F' "$R")"
fi
expect nobody_cannot_rename_root 1 '' iso $NOBODY mv "$R" /sys/fs/bpf/hijack
expect nobody_cannot_list_root 2 '' iso $NOBODY ls "$R"
# 5. ... with an entry that is a symlink (root planted it: nobody else
# can write here): refused by name, never followed, the rest still listed.
victim
iso ln -s "$V" "$R/vxlink0"
iso ln -s "$V" "$R/${TOPO_IF_A}"
expect symlink_entry_detach_refused 1 'a symlink.*refusing it; nothing changed' vx detach vxlink0
victim_intact && t_pass symlink_entry_victim_untouched || t_fail symlink_entry_victim_untouched "$V/precious is gone"
vx status >"$TMP/st" 2>&1
if grep -q '^vxlink0: REFUSED (a symlink' "$TMP/st" && grep -q "^$IF: attached," "$TMP/st"; then
	t_pass symlink_entry_listed_as_refused
else
	t_fail symlink_entry_listed_as_refused "$(head -c 300 "$TMP/st")"
fi
# an attach of that name refuses too, and follows nothing
expect symlink_entry_attach_refused 1 'a symlink.*refusing' iso_net "$TOPO_NS_A" "$VPNXDP" attach "$TOPO_IF_A"
victim_intact && t_pass symlink_entry_attach_victim_untouched ||
	t_fail symlink_entry_attach_victim_untouched "$V/precious is gone"
iso rm "$R/vxlink0" "$R/${TOPO_IF_A}"
expect detach_last 0 '' vx detach "$IF"
if iso test -d "$R" && [ "$(iso stat -c '%u %a' "$R")" = "0 700" ]; then
	t_pass root_kept_after_last_detach
else
	t_fail root_kept_after_last_detach "$R: $(iso stat -c '%u %a' "$R" 2>&1)"
fi
