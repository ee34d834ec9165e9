#!/usr/bin/env bash
# The bash completion (deploy/bash-completion/vpnxdp), driven the way
# readline drives it: COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT set
# for a command line, the function `complete -p vpnxdp` names called, and
# COMPREPLY compared with what is expected.  Interfaces come from a fake pin
# root and a fake /sys/class/net, files from a temporary directory.  The
# commands, options and option words are compared with what the real
# `vpnxdp --help` and `vpnxdp COMMAND --help` say, so the completion cannot
# drift from the command table.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
COMP=$PWD/deploy/bash-completion/vpnxdp
BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || { t_fail completion_setup "$BC missing (scripts/deps.sh installs bash-completion)"; exit 1; }
[ -x "$VPNXDP" ] || { t_fail completion_setup "no $VPNXDP (make all)"; exit 1; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/pins/eth0" "$T/pins/veth0" "$T/pins/eth9:123:attaching" \
	"$T/net/eth0" "$T/net/eth1" "$T/net/lo" "$T/net/veth0" "$T/cwd/sub"
touch "$T/cwd/a.policy" "$T/cwd/b.json" "$T/cwd/x.pcap" "$T/cwd/y.pcapng" "$T/cwd/m.prom"
cd "$T/cwd" || exit 1

# shellcheck disable=SC1090
source "$BC"
_vpnxdp_pins=$T/pins _vpnxdp_netdevs=$T/net
# shellcheck disable=SC1090
source "$COMP"
fn=$(complete -p vpnxdp 2>/dev/null | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
[ -n "$fn" ] || { t_fail completion_loads "complete -p vpnxdp names no function"; exit 1; }
t_pass completion_loads

sorted() { printf '%s\n' "$@" | sed '/^$/d' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

# complete "COMMAND LINE": COMPREPLY, sorted, for the cursor at its end.
complete_line() {
	local line=$1
	COMP_LINE=$line
	COMP_POINT=${#line}
	read -r -a COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	"$fn" vpnxdp "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	sorted "${COMPREPLY[@]}"
}

expect() { # "COMMAND LINE" "EXPECTED WORDS"
	local got want
	got=$(complete_line "$1")
	# shellcheck disable=SC2086  # the expected words, split
	want=$(sorted $2)
	t_eq "complete:${1// /_}" "$got" "$want"
}

# --- against the command's own help -----------------------------------------
# Commands: "  vpnxdp NAME" lines of `vpnxdp --help`, and `help`.
cmds=$(sorted $("$VPNXDP" --help | sed -n 's/^  vpnxdp \([a-z]*\).*/\1/p') help)
expect "vpnxdp " "$cmds"
# A command's long options: the "Options:" lines of its --help.
opts_of() { "$@" --help | sed -n 's/^    \(-., \)\{0,1\}\(--[a-z-]*\).*/\2/p'; }
# Its options that take a value, long and short.
valued_of() { "$@" --help | sed -n 's/^    \(-.\), \(--[a-z-]*\) [A-Z].*/\1 \2/p'; }
valued=""
for c in $cmds; do
	case $c in
	help) continue ;;
	policy)
		for s in $("$VPNXDP" policy --help | sed -n 's/.*vpnxdp policy \([a-z]*\).*/\1/p'); do
			expect "vpnxdp policy $s --" "$(opts_of "$VPNXDP" policy "$s")"
			valued+=" $(valued_of "$VPNXDP" policy "$s")"
		done
		;;
	*)
		expect "vpnxdp $c --" "$(opts_of "$VPNXDP" "$c")"
		valued+=" $(valued_of "$VPNXDP" "$c")"
		;;
	esac
done
# shellcheck disable=SC2086,SC2154  # _vpnxdp_valued: the completion's
t_eq completion_valued_options_match_help "$(sorted $_vpnxdp_valued)" "$(sorted $valued)"
# The words of a choice option, from the synopsis (--mode native|skb|auto).
modes=$("$VPNXDP" attach --help | sed -n 's/.*--mode \([a-z|]*\).*/\1/p' | head -1 | tr '|' ' ')
expect "vpnxdp attach eth1 --mode " "$modes"
expect "vpnxdp attach eth1 -m " "$modes"

# --- words, interfaces, files -----------------------------------------------
expect "vpnxdp st" "status stats"
expect "vpnxdp -" "-v --verbose --version --help"
expect "vpnxdp -v de" "detach"
expect "vpnxdp attach " "eth0 eth1 lo veth0"
expect "vpnxdp attach ve" "veth0"
expect "vpnxdp attach eth1 --mode s" "skb"
expect "vpnxdp attach eth1 --policy " "a.policy b.json m.prom sub x.pcap y.pcapng"
expect "vpnxdp attach eth1 --flows " ""
expect "vpnxdp attach eth1 --mode skb " ""
expect "vpnxdp detach " "eth0 veth0"
expect "vpnxdp detach eth0 " ""
expect "vpnxdp stats e" "eth0"
expect "vpnxdp status " "eth0 veth0"
expect "vpnxdp events " "eth0 veth0"
expect "vpnxdp top eth0 " "eth0 veth0"
expect "vpnxdp top --count 3 " "eth0 veth0"
expect "vpnxdp policy " "$("$VPNXDP" policy --help | sed -n 's/.*vpnxdp policy \([a-z]*\).*/\1/p' | tr '\n' ' ')"
expect "vpnxdp policy a" "apply"
expect "vpnxdp policy check " "a.policy b.json m.prom sub x.pcap y.pcapng"
expect "vpnxdp policy check a.policy " ""
expect "vpnxdp policy apply " "eth0 veth0"
expect "vpnxdp policy apply eth0 " "a.policy b.json m.prom sub x.pcap y.pcapng"
expect "vpnxdp policy apply eth0 --json " "a.policy b.json m.prom sub x.pcap y.pcapng"
expect "vpnxdp policy apply eth0 a.policy " ""
expect "vpnxdp policy show " "eth0 veth0"
expect "vpnxdp policy reset " "eth0 veth0"
expect "vpnxdp policy diff veth0 a" "a.policy"
expect "vpnxdp replay " "sub x.pcap y.pcapng"
expect "vpnxdp replay --policy " "a.policy b.json m.prom sub x.pcap y.pcapng"
expect "vpnxdp export --listen " ""
expect "vpnxdp export --textfile " "m.prom sub"
expect "vpnxdp export " "eth0 veth0"
expect "vpnxdp export eth0 " "eth0 veth0"
# Pins unreadable or absent (a user, or nothing attached): nothing offered.
_vpnxdp_pins=$T/nonexistent
expect "vpnxdp detach " ""
