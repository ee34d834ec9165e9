#!/usr/bin/env bash
# The systemd units (deploy/systemd/).  This machine's PID 1 is not systemd,
# so: `systemd-analyze verify` of the units where `make install` puts them
# in an alternate root (clean means no output at all: an unknown key only
# warns, with exit 0); then each unit's Exec lines run as the unit would run
# them (tests/deploy/unitrun.py: specifiers, environment, prefixes, the
# capability bounding set, NoNewPrivileges, UMask, a read-only /sys/fs/bpf
# for ProtectKernelTunables) with the real vpnxdp on a veth in a test
# namespace: start checks and attaches, reload applies, stop detaches and
# leaves nothing; the exporter units serve and write the real counters.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0

VPNXDP=$PWD/build/vpnxdp
UNITS=$PWD/deploy/systemd
PFX="vxy$$"
T=$(mktemp -d)
EXP_PID=""
cleanup() {
	if [ -n "$EXP_PID" ]; then
		kill "$(sed -n 's/^pid: //p' "$LOG" | tail -1)" "$EXP_PID" 2>/dev/null
		wait "$EXP_PID" 2>/dev/null
	fi
	if [ -n "$TOPO_NS_B" ]; then
		topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
		topo_in_b "$VPNXDP" detach "$DUMMY" >/dev/null 2>&1
	fi
	[ -n "${DUMMY:-}" ] && [ -d "/sys/fs/bpf/vpnxdp/$DUMMY" ] && rm -rf -- "/sys/fs/bpf/vpnxdp/$DUMMY"
	topo_down
	rm -rf "$T"
}
trap cleanup EXIT

# --- systemd-analyze verify, in an alternate root --------------------------
R=$T/root
mkdir -p "$R/usr/lib/systemd"
cp -a /usr/lib/systemd/system "$R/usr/lib/systemd/" # sysinit.target & co.
make -s install DESTDIR="$R" PREFIX=/usr UNITDIR=/usr/lib/systemd/system >/dev/null ||
	t_fail units_install "make install into $R failed"
out=$(systemd-analyze verify --root="$R" --man=no vpnxdp@eth0.service 'vpnxdp@br\x2dlan.service' \
	vpnxdp-export.service vpnxdp-export-textfile.service vpnxdp-export-textfile.timer 2>&1)
rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ]; then t_pass units_verify_clean; else t_fail units_verify_clean "rc $rc: $out"; fi

# --- the Exec lines, with the real vpnxdp -----------------------------------
topo_up "$PFX" || { t_fail topo_up "cannot create the test topology"; exit 1; }
B=$TOPO_IF_B
DUMMY="${PFX}-d" # a name with a '-': instance vpnxdp@vxyNNN\x2dd
topo_in_b ip link add "$DUMMY" type veth peer name "${PFX}-e" &&
	topo_in_b ip link set "$DUMMY" up && topo_in_b ip link set "${PFX}-e" up ||
	t_fail units_second_link "cannot create $DUMMY"

# The unit's binary: a wrapper that logs its arguments and the privileges
# it runs with (this very process, which then becomes vpnxdp), then execs
# the real one.
LOG=$T/calls.log
cat >"$T/vpnxdp" <<WRAP
#!/bin/sh
{ printf 'argv:'; for a in "\$@"; do printf ' [%s]' "\$a"; done; echo
  echo "pid: \$\$"
  grep -E '^(CapBnd|CapEff|NoNewPrivs)' /proc/\$\$/status | tr '\t' ' '
  echo "umask: \$(umask)"
  grep ' /sys/fs/bpf ' /proc/\$\$/mountinfo | sed -n 's/^[^ ]* [^ ]* [^ ]* [^ ]* [^ ]* \([^ ]*\).*/bpffs: \1/p'
} >>"$LOG"
exec "$VPNXDP" "\$@"
WRAP
chmod 755 "$T/vpnxdp"
mkdir -p "$T/etc/vpnxdp" "$T/etc/default" "$T/textfile"
MAPS=(--map /usr/sbin/vpnxdp="$T/vpnxdp" --map /etc/vpnxdp="$T/etc/vpnxdp"
	--map /etc/default="$T/etc/default" --map /var/lib/prometheus/node-exporter="$T/textfile")
unit() { # UNIT INSTANCE ACTION: run in namespace b, as systemd would
	topo_in_b /usr/bin/python3 tests/deploy/unitrun.py "${MAPS[@]}" "$UNITS/$1" "$2" "$3" \
		>>"$T/unitrun.out" 2>&1
}
vx() { topo_in_b "$VPNXDP" "$@"; }
gen() { vx status "$1" --json >"$T/st.json" 2>/dev/null && json_get "$T/st.json" interfaces.0.generation; }
state() { vx status "$1" --json >"$T/st.json" 2>/dev/null && json_get "$T/st.json" interfaces.0.state; }
nth_call() { grep '^argv:' "$LOG" | sed -n "${1}p"; }
# CAP_NET_ADMIN 12, CAP_SYS_ADMIN 21, CAP_PERFMON 38, CAP_BPF 39
caps_hex() { local m=0 b; for b in "$@"; do m=$((m | (1 << b))); done; printf '%016x' "$m"; }

POL=$T/etc/vpnxdp/$B.policy
printf 'pptp drop\n' >"$POL"
: >"$LOG"
unit vpnxdp@.service "$B" start
t_eq "vpnxdp@ start: exit 0" "$?" 0
t_eq "start: ExecStartPre checks the policy first" "$(nth_call 1)" "argv: [policy] [check] [$POL]"
t_eq "start: ExecStart attaches with it" "$(nth_call 2)" \
	"argv: [attach] [$B] [--mode] [auto] [--policy] [$POL]"
t_eq "start: attached" "$(state "$B")" attached
t_eq "start: the unit's policy is in force" "$(vx policy show "$B" | grep -c '^pptp drop')" 1
want=$(caps_hex 12 21 38 39)
t_eq "start: bounding set = BPF NET_ADMIN PERFMON SYS_ADMIN" \
	"$(grep -c "CapBnd: $want" "$LOG") $(grep -c "CapEff: $want" "$LOG")" "2 2"
t_eq "start: NoNewPrivs and UMask 0077" \
	"$(grep -c 'NoNewPrivs: 1' "$LOG") $(grep -c 'umask: 0077' "$LOG")" "2 2"

printf 'pptp drop\nl2tp drop\n' >"$POL"
: >"$LOG"
unit vpnxdp@.service "$B" reload
t_eq "reload: exit 0" "$?" 0
t_eq "reload: one policy apply" "$(grep -c '^argv:' "$LOG") $(nth_call 1)" \
	"1 argv: [policy] [apply] [$B] [$POL]"
t_eq "reload: the new policy in force (generation 2)" "$(gen "$B")" 2
unit vpnxdp@.service "$B" reload
t_eq "reload of the same file: unchanged (generation 2)" "$(gen "$B")" 2
printf 'pptp drop\nwirregard count\n' >"$POL"
unit vpnxdp@.service "$B" reload
t_eq "reload of a bad file: fails with exit 1" "$?" 1
t_eq "reload of a bad file: generation 2 in force, untouched" \
	"$(gen "$B") $(vx policy show "$B" | grep -c '^l2tp drop')" "2 1"

# --- the exporter units, while attached --------------------------------------
printf 'pptp drop\nl2tp drop\n' >"$POL"
printf 'VPNXDP_EXPORT_ARGS="%s %s"\n' "$B" "${PFX}zz" >"$T/etc/default/vpnxdp-export"
: >"$LOG"
unit vpnxdp-export.service - start &
EXP_PID=$!
up() { topo_in_b curl -sf -o "$T/m.txt" http://127.0.0.1:18760/metrics; }
for _ in $(seq 50); do up && break; sleep 0.2; done
t_eq "vpnxdp-export: \$VPNXDP_EXPORT_ARGS split into words" "$(nth_call 1)" \
	"argv: [export] [$B] [${PFX}zz]"
t_eq "vpnxdp-export: serves 127.0.0.1:18760 by default, reports $B attached" \
	"$(grep -c "^vpnxdp_attached{interface=\"$B\"} 1\$" "$T/m.txt" 2>/dev/null)" 1
t_eq "vpnxdp-export: a named missing interface reads 0" \
	"$(grep -c "^vpnxdp_attached{interface=\"${PFX}zz\"} 0\$" "$T/m.txt" 2>/dev/null)" 1
t_eq "vpnxdp-export: an empty bounding set, NoNewPrivs" \
	"$(grep -c "CapBnd: $(caps_hex)" "$LOG") $(grep -c 'NoNewPrivs: 1' "$LOG")" "1 1"
t_eq "vpnxdp-export: /sys/fs/bpf read-only (ProtectKernelTunables)" \
	"$(grep -o 'bpffs: ro' "$LOG")" "bpffs: ro"
# systemd stops a Type=exec service with SIGTERM (to its main process:
# the wrapper's pid, which became vpnxdp).
exporter_pid() { sed -n 's/^pid: //p' "$LOG" | tail -1; }
kill -TERM "$(exporter_pid)"
wait "$EXP_PID"
t_eq "vpnxdp-export: SIGTERM stops it with exit 0" "$?" 0
EXP_PID=""
rm "$T/etc/default/vpnxdp-export"
: >"$LOG"
unit vpnxdp-export.service - start &
EXP_PID=$!
for _ in $(seq 50); do up && break; sleep 0.2; done
t_eq "vpnxdp-export without /etc/default/vpnxdp-export: every attachment" \
	"$(nth_call 1) $(grep -c "^vpnxdp_attached{interface=\"$B\"} 1\$" "$T/m.txt" 2>/dev/null)" \
	"argv: [export] 1"
kill -TERM "$(exporter_pid)"
wait "$EXP_PID" 2>/dev/null
EXP_PID=""

: >"$LOG"
unit vpnxdp-export-textfile.service - start
t_eq "vpnxdp-export-textfile: exit 0" "$?" 0
TF=$T/textfile/vpnxdp.prom
t_eq "textfile: written, mode 0644, $B attached" \
	"$(stat -c %a "$TF" 2>/dev/null) $(grep -c "^vpnxdp_attached{interface=\"$B\"} 1\$" "$TF" 2>/dev/null)" "644 1"
t_eq "textfile: nothing else left in the directory" "$(ls -A "$T/textfile")" vpnxdp.prom
if out=$(promtool check metrics <"$TF" 2>&1) && [ -z "$out" ]; then
	t_pass "textfile: promtool check metrics clean"
else
	t_fail "textfile: promtool check metrics clean" "$out"
fi

# --- stop ---------------------------------------------------------------------
id=$(vx status "$B" --json | sed -n 's/.*"program_id": \([0-9]*\).*/\1/p')
: >"$LOG"
unit vpnxdp@.service "$B" stop
t_eq "vpnxdp@ stop: exit 0, one detach" "$? $(nth_call 1)" "0 argv: [detach] [$B]"
t_eq "stop: no pins left" "$(ls /sys/fs/bpf/vpnxdp/"$B" 2>/dev/null | wc -l)" 0
t_eq "stop: no XDP program on $B" "$(topo_in_b ip link show "$B" | grep -c 'prog/xdp')" 0
t_eq "stop: the program is freed" "$(bpftool prog show id "$id" >/dev/null 2>&1 && echo loaded)" ""

# A bad policy: start fails at ExecStartPre; attach never runs.
printf 'pptp drop\nwirregard count\n' >"$POL"
: >"$LOG"
unit vpnxdp@.service "$B" start
t_eq "start with a bad policy: exit 1 from the check" "$?" 1
t_eq "start with a bad policy: attach not run, nothing pinned" \
	"$(grep -c '\[attach\]' "$LOG") $(ls -d /sys/fs/bpf/vpnxdp/"$B" 2>/dev/null | wc -l)" "0 0"

# An instance name escaped as systemd-escape does: the commands get the name.
printf 'wireguard count\n' >"$T/etc/vpnxdp/$DUMMY.policy"
: >"$LOG"
unit vpnxdp@.service "${PFX}\\x2dd" start
t_eq "escaped instance ${PFX}\\x2dd: attaches $DUMMY" "$(state "$DUMMY")" attached
unit vpnxdp@.service "${PFX}\\x2dd" stop
t_eq "escaped instance: stop detaches $DUMMY" "$(ls -d /sys/fs/bpf/vpnxdp/"$DUMMY" 2>/dev/null | wc -l)" 0
