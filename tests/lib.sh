# shellcheck shell=bash
# Helpers for shell test suites.  Source it:  . tests/lib.sh
#
# Every result is one line on stdout, which tests/run.sh counts:
#   PASS name
#   FAIL name: reason
#   SKIP suite: reason
# Names are one word (spaces become '_'); reasons are folded to one line.

_t_name() { local n=${1:-unnamed}; printf '%s' "${n// /_}"; }
_t_line() { printf '%s' "$*" | tr '\n\r' '  '; }

# The suite's own name: the script's file name without .sh.
t_suite() { local s; s=$(basename -- "${0:-suite}"); printf '%s' "${s%.sh}"; }

t_pass() { printf 'PASS %s\n' "$(_t_name "$1")"; }

t_fail() { # NAME REASON...
	local n=$1
	shift
	printf 'FAIL %s: %s\n' "$(_t_name "$n")" "$(_t_line "${*:-failed}")"
}

t_skip() { # SUITE REASON...
	local s=${1:-$(t_suite)}
	shift
	printf 'SKIP %s: %s\n' "$(_t_name "$s")" "$(_t_line "${*:-skipped}")"
}

# t_eq NAME GOT WANT: PASS if the two strings are equal.
t_eq() {
	if [ "$2" = "$3" ]; then
		t_pass "$1"
	else
		t_fail "$1" "got '$2', want '$3'"
	fi
}

# need_root: returns 0 as root; otherwise prints "SKIP suite: needs root"
# and returns 1.  Use:  need_root || exit 0
need_root() {
	[ "$(id -u)" -eq 0 ] && return 0
	t_skip "$(t_suite)" "needs root"
	return 1
}

# json_get FILE PATH: print the value at PATH (dots between keys, list
# indexes as numbers: protocols.wireguard.packets, interfaces.0.mode).
# Strings print raw, numbers as they are, true/false/null as in JSON,
# objects and lists as compact JSON.  Missing path or bad JSON: prints
# nothing, returns 1.
json_get() {
	/usr/bin/python3 - "$1" "${2:-}" <<'PY'
import json, sys
try:
    with open(sys.argv[1]) as f:
        v = json.load(f)
    for k in [p for p in sys.argv[2].split(".") if p != ""]:
        if isinstance(v, list):
            v = v[int(k)]
        elif isinstance(v, dict):
            v = v[k]
        else:
            raise KeyError(k)
except Exception:
    sys.exit(1)
if isinstance(v, str):
    print(v)
elif isinstance(v, (dict, list)) or v is None or isinstance(v, bool):
    print(json.dumps(v, separators=(",", ":")))
else:
    print(v)
PY
}

# A private mount namespace with a bpffs of its own on /sys/fs/bpf, for
# tests that change /sys/fs/bpf/vpnxdp itself (its owner, mode, existence,
# symlinks or foreign pins in it): other runs on the machine never see it.
# One process (a sleep) holds it; commands enter it with nsenter.  Slave
# propagation: namespaces made by `ip netns add` afterwards are seen inside.
#   iso_up            start it (returns 1 if it cannot)
#   iso CMD...        run CMD with the private bpffs, host network namespace
#   iso_net NS CMD... the same in network namespace NS
#   iso_down          end it: its bpffs, and every pin in it, goes
ISO_PID=
iso_up() {
	local i
	unshare --mount --propagation slave -- sh -c \
		'mount -t bpf bpf /sys/fs/bpf && exec sleep 3600' </dev/null >/dev/null 2>&1 &
	ISO_PID=$!
	# ready when its /sys/fs/bpf is another filesystem than ours
	for ((i = 0; i < 100; i++)); do
		if [ "$(nsenter -t "$ISO_PID" -m -- stat -c %d /sys/fs/bpf 2>/dev/null)" != "" ] &&
		   [ "$(nsenter -t "$ISO_PID" -m -- stat -c %d /sys/fs/bpf)" != "$(stat -c %d /sys/fs/bpf)" ]; then
			return 0
		fi
		kill -0 "$ISO_PID" 2>/dev/null || break
		sleep 0.05
	done
	iso_down
	return 1
}
iso() { nsenter -t "$ISO_PID" -m -- "$@"; }
iso_net() { local ns=$1; shift; nsenter -t "$ISO_PID" -m --net="/var/run/netns/$ns" -- "$@"; }
iso_down() {
	[ -n "$ISO_PID" ] && kill "$ISO_PID" 2>/dev/null && wait "$ISO_PID" 2>/dev/null
	ISO_PID=
	return 0
}
