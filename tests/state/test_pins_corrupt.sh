#!/usr/bin/env bash
# Foreign or corrupt pins under /sys/fs/bpf/vpnxdp (issue 12, case 1): maps
# of the wrong type or size, a missing map, something else pinned as the
# program, an attachment made by another vpnxdp version.  Every command
# says "foreign or corrupt" (exit 1) and never crashes; status still lists
# the good attachment beside the bad ones; detach removes a bad one (and
# takes its program off the interface when it is vpnxdp's).
#
# Runs with a private bpffs (tests/lib.sh iso_up): the bad pins must not
# reach other runs on the machine.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
command -v bpftool >/dev/null || { t_skip "$(t_suite)" "bpftool not installed"; exit 0; }

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
cleanup() {
	iso_down
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "vxk$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }
iso_up || { t_fail iso_up "cannot make a private bpffs"; exit 1; }
vb() { iso_net "$TOPO_NS_B" "$VPNXDP" "$@"; }
va() { iso_net "$TOPO_NS_A" "$VPNXDP" "$@"; }
R=/sys/fs/bpf/vpnxdp
printf 'wireguard drop\n' >"$TMP/p.pol"

vb attach "$TOPO_IF_B" >/dev/null 2>&1 || { t_fail attach_good "cannot attach $TOPO_IF_B"; exit 1; }
vb status --json >"$TMP/s.json"
# The maps an attachment pins: whatever this build's attachment holds.
MAPS=$(iso ls "$R/$TOPO_IF_B" | grep '^vx_')

# A directory of every map name as an array map of @value bytes.
fake_dir() { # NAME VALUE
	iso mkdir -p "$R/$1"
	for m in $MAPS; do
		iso bpftool map create "$R/$1/$m" type array key 4 value "$2" entries 2 name "$m" ||
			return 1
	done
}

# One bad entry against every command that names it: exit 1 and "foreign
# or corrupt" (no crash), the good one still listed, detach removes it.
against() { # VARIANT ENTRY
	local v=$1 f=$2 c rc bad=""
	for c in "stats $f" "policy show $f" "policy apply $f $TMP/p.pol" "policy diff $f $TMP/p.pol" \
		 "top $f --json --count 1" "events $f --json --count 1"; do
		# shellcheck disable=SC2086
		timeout 10 nsenter -t "$ISO_PID" -m --net="/var/run/netns/$TOPO_NS_B" -- \
			"$VPNXDP" $c >"$TMP/out" 2>"$TMP/err"
		rc=$?
		if [ "$rc" -ne 1 ] || ! grep -q 'foreign or corrupt' "$TMP/err"; then
			bad="$bad; '${c%% *}': exit $rc: $(head -c 160 "$TMP/err")"
		fi
	done
	[ -z "$bad" ] && t_pass "${v}_every_command_refuses" || t_fail "${v}_every_command_refuses" "${bad#; }"
	vb status >"$TMP/st" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q "^$f: FOREIGN OR CORRUPT" "$TMP/st" &&
	   grep -q "^$TOPO_IF_B: attached," "$TMP/st"; then
		t_pass "${v}_status_lists_it_and_the_good_one"
	else
		t_fail "${v}_status_lists_it_and_the_good_one" "exit $rc: $(head -c 400 "$TMP/st")"
	fi
	vb status --json >"$TMP/st.json" 2>&1
	if [ "$(json_get "$TMP/st.json" interfaces | /usr/bin/python3 -c "
import json, sys
s = {i['interface']: i['state'] for i in json.load(sys.stdin)}
print(s.get('$f'), s.get('$TOPO_IF_B'))")" = "corrupt attached" ]; then
		t_pass "${v}_status_json"
	else
		t_fail "${v}_status_json" "$(head -c 400 "$TMP/st.json")"
	fi
}

detached() { # VARIANT ENTRY [RUNNER]: detach from that side's namespace
	local v=$1 f=$2 rc
	"${3:-vb}" detach "$f" >"$TMP/out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && ! iso test -e "$R/$f"; then
		t_pass "${v}_detach_removes_it"
	else
		t_fail "${v}_detach_removes_it" "exit $rc: $(head -c 300 "$TMP/out")"
	fi
}

# Maps of a size nobody reads into a fixed struct safely.
for vs in 4096 65536; do
	f="vxf${vs}"
	fake_dir "$f" "$vs" || { t_fail "value${vs}_setup" "bpftool map create failed"; continue; }
	against "value$vs" "$f"
	detached "value$vs" "$f"
done

# A real attachment (side a) with one thing wrong at a time.
real_variant() { # VARIANT HOW...
	local v=$1 d="$R/$TOPO_IF_A"
	shift
	va attach "$TOPO_IF_A" >/dev/null 2>&1 || { t_fail "${v}_setup" "cannot attach $TOPO_IF_A"; return; }
	if ! iso sh -c "$*"; then
		t_fail "${v}_setup" "cannot make it"
		return
	fi
	against "$v" "$TOPO_IF_A"
	detached "$v" "$TOPO_IF_A" va
	if topo_in_a ip link show "$TOPO_IF_A" | grep -q prog/xdp; then
		t_fail "${v}_detach_takes_the_program_off" "an XDP program is still on $TOPO_IF_A"
	else
		t_pass "${v}_detach_takes_the_program_off"
	fi
}
# right key and value sizes, wrong type: the counters as a plain array
real_variant wrong_type "d=$R/$TOPO_IF_A; set -- \$(bpftool -j map show pinned \$d/vx_counters | \
	/usr/bin/python3 -c 'import json,sys; m=json.load(sys.stdin); print(m[\"bytes_key\"], m[\"bytes_value\"], m[\"max_entries\"])'); \
	rm \$d/vx_counters && bpftool map create \$d/vx_counters type array key \$1 value \$2 entries \$3 name vx_counters"
# the right type, one size wrong: vx_config's value, the flow cache's
# entries (attach recorded --flows in vx_meta)
real_variant wrong_value_size "rm $R/$TOPO_IF_A/vx_config && bpftool map create $R/$TOPO_IF_A/vx_config type array key 4 value 4096 entries 1 name vx_config"
real_variant wrong_max_entries "d=$R/$TOPO_IF_A; set -- \$(bpftool -j map show pinned \$d/vx_flows | \
	/usr/bin/python3 -c 'import json,sys; m=json.load(sys.stdin); print(m[\"bytes_key\"], m[\"bytes_value\"])'); \
	rm \$d/vx_flows && bpftool map create \$d/vx_flows type lru_hash key \$1 value \$2 entries 16 name vx_flows"
# the stored policy (userspace's alone, so no program vouches for it) with
# chunks four times the size a reader's buffer has room for
/usr/bin/python3 -c 'print("value", " ".join(["7"] * 65536))' >"$TMP/big.val"
real_variant store_value_size "d=$R/$TOPO_IF_A; rm \$d/vx_store && \
	bpftool map create \$d/vx_store type hash key 4 value 65536 entries 8192 name vx_store flags 1 && \
	bpftool map update pinned \$d/vx_store key 0 0 0 0 \$(cat $TMP/big.val)"
real_variant missing_map "rm $R/$TOPO_IF_A/vx_rtimer"
real_variant prog_is_a_map "rm $R/$TOPO_IF_A/prog && bpftool map create $R/$TOPO_IF_A/prog type array key 4 value 4 entries 1 name prog"
real_variant prog_is_foreign "rm $R/$TOPO_IF_A/prog && bpftool prog load $PWD/build/bench/null.bpf.o $R/$TOPO_IF_A/prog type xdp"

# An attachment of another version: its metadata is the old size, and
# says so in its first word.
f=vxfold
iso mkdir -p "$R/$f"
iso bpftool map create "$R/$f/vx_meta" type array key 4 value 240 entries 1 name vx_meta &&
	iso bpftool map update pinned "$R/$f/vx_meta" key 0 0 0 0 value 3 $(printf '0 %.0s' $(seq 239))
vb stats "$f" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'another vpnxdp version (ABI 3' "$TMP/err"; then
	t_pass other_version_said
else
	t_fail other_version_said "exit $rc: $(head -c 300 "$TMP/err")"
fi
detached other_version "$f"

# After all that, the good attachment is untouched.
if [ "$(vb status "$TOPO_IF_B" --json 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["state"])' 2>/dev/null)" = attached ] &&
   [ "$(vb status "$TOPO_IF_B" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["program_id"])')" = "$(json_get "$TMP/s.json" interfaces.0.program_id)" ]; then
	t_pass good_attachment_untouched
else
	t_fail good_attachment_untouched "$(vb status 2>&1 | head -c 300)"
fi
vb detach "$TOPO_IF_B" >/dev/null 2>&1
