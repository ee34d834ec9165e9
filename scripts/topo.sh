# shellcheck shell=bash
# Test topology: two network namespaces joined by one veth pair.
# Source it:  . scripts/topo.sh
#
#   topo_up PREFIX     make "${PREFIX}-a" and "${PREFIX}-b", a veth pair
#                      "${PREFIX}a" (in a) <-> "${PREFIX}b" (in b).
#                      a (sender):   192.0.2.1/24  2001:db8::1/64
#                      b (receiver): 192.0.2.2/24  2001:db8::2/64
#                      PREFIX: unique per run, at most 14 characters of
#                      [A-Za-z0-9_], e.g. "vx$$".
#   topo_down          remove all of it (idempotent; safe before topo_up)
#   topo_in_a CMD...   run CMD in namespace a (nsenter, so bpffs stays
#   topo_in_b CMD...   visible: `ip netns exec` would remount /sys)
#
# Exports TOPO_NS_A TOPO_NS_B (namespace names), TOPO_IF_A TOPO_IF_B
# (interface names), TOPO_MAC_A TOPO_MAC_B.  Callers: trap topo_down EXIT.
#
# The link is kept silent, so that a counter on b sees only the frames a
# test sends: no ARP or neighbour discovery (static neighbours both ways),
# no DAD, no IPv6 link-local address, router solicitations or MLD reports
# (addrgenmode none, accept_ra 0, NOARP so no solicited-node group is
# joined).  Frames cross the veth unpadded: a frame of L bytes is L bytes
# in XDP (no 60-byte Ethernet minimum).

: "${TOPO_NS_A:=}" "${TOPO_NS_B:=}" "${TOPO_IF_A:=}" "${TOPO_IF_B:=}"
: "${TOPO_MAC_A:=}" "${TOPO_MAC_B:=}" "${TOPO_PREFIX:=}"
export TOPO_NS_A TOPO_NS_B TOPO_IF_A TOPO_IF_B TOPO_MAC_A TOPO_MAC_B TOPO_PREFIX

TOPO_IP4_A=192.0.2.1
TOPO_IP4_B=192.0.2.2
TOPO_IP6_A=2001:db8::1
TOPO_IP6_B=2001:db8::2
export TOPO_IP4_A TOPO_IP4_B TOPO_IP6_A TOPO_IP6_B

_topo_err() { echo "topo: $*" >&2; }

_topo_ns() { # NS CMD...: run in a namespace by name
	local ns=$1
	shift
	if [ -z "$ns" ] || [ ! -e "/var/run/netns/$ns" ]; then
		_topo_err "no namespace '${ns}' (topo_up not run?)"
		return 1
	fi
	nsenter --net="/var/run/netns/$ns" -- "$@"
}
topo_in_a() { _topo_ns "$TOPO_NS_A" "$@"; }
topo_in_b() { _topo_ns "$TOPO_NS_B" "$@"; }

# Per-interface sysctl inside a namespace (/proc/sys/net follows the netns
# of the writer; no dependency on procps' sysctl).
_topo_sysctl() { # NS PATH VALUE
	_topo_ns "$1" sh -c 'echo "$2" > "/proc/sys/$1"' sh "$2" "$3"
}

_topo_side() { # NS IF MYIP4 MYIP6 PEERIP4 PEERIP6 PEERMAC
	local ns=$1 ifc=$2 ip4=$3 ip6=$4 pip4=$5 pip6=$6 pmac=$7 k
	_topo_ns "$ns" ip link set lo up || return 1
	# Before the link is up: no link-local address, no RA/RS, no DAD.
	_topo_ns "$ns" ip link set dev "$ifc" addrgenmode none arp off || return 1
	for k in accept_ra router_solicitations accept_dad dad_transmits; do
		_topo_sysctl "$ns" "net/ipv6/conf/$ifc/$k" 0 || return 1
	done
	_topo_ns "$ns" ip addr add "$ip4/24" dev "$ifc" || return 1
	_topo_ns "$ns" ip -6 addr add "$ip6/64" dev "$ifc" nodad || return 1
	_topo_ns "$ns" ip link set dev "$ifc" up || return 1
	_topo_ns "$ns" ip neigh replace "$pip4" lladdr "$pmac" dev "$ifc" nud permanent || return 1
	_topo_ns "$ns" ip -6 neigh replace "$pip6" lladdr "$pmac" dev "$ifc" nud permanent || return 1
}

topo_up() { # PREFIX
	local p=${1:-}
	if [ -z "$p" ] || [ ${#p} -gt 14 ] || [[ ! $p =~ ^[A-Za-z0-9_]+$ ]]; then
		_topo_err "topo_up PREFIX: 1 to 14 characters of [A-Za-z0-9_], got '$p'"
		return 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		_topo_err "needs root"
		return 1
	fi
	if [ -n "$TOPO_PREFIX" ]; then
		_topo_err "topology '$TOPO_PREFIX' is already up; topo_down first"
		return 1
	fi
	TOPO_PREFIX=$p
	TOPO_NS_A="$p-a" TOPO_NS_B="$p-b"
	TOPO_IF_A="${p}a" TOPO_IF_B="${p}b"
	# Locally administered, fixed: the same pcap works for every run.
	TOPO_MAC_A=02:76:78:00:00:0a TOPO_MAC_B=02:76:78:00:00:0b

	if [ -e "/var/run/netns/$TOPO_NS_A" ] || [ -e "/var/run/netns/$TOPO_NS_B" ]; then
		_topo_err "namespace $TOPO_NS_A or $TOPO_NS_B exists already: pick another prefix"
		TOPO_PREFIX='' TOPO_NS_A='' TOPO_NS_B='' TOPO_IF_A='' TOPO_IF_B=''
		return 1
	fi
	if ! ip netns add "$TOPO_NS_A" || ! ip netns add "$TOPO_NS_B" ||
	   ! ip link add "$TOPO_IF_A" netns "$TOPO_NS_A" address "$TOPO_MAC_A" \
		type veth peer name "$TOPO_IF_B" netns "$TOPO_NS_B" address "$TOPO_MAC_B" ||
	   ! _topo_side "$TOPO_NS_A" "$TOPO_IF_A" "$TOPO_IP4_A" "$TOPO_IP6_A" \
		"$TOPO_IP4_B" "$TOPO_IP6_B" "$TOPO_MAC_B" ||
	   ! _topo_side "$TOPO_NS_B" "$TOPO_IF_B" "$TOPO_IP4_B" "$TOPO_IP6_B" \
		"$TOPO_IP4_A" "$TOPO_IP6_A" "$TOPO_MAC_A"; then
		_topo_err "cannot build the topology"
		topo_down
		return 1
	fi
	return 0
}

topo_down() {
	local ns
	for ns in "$TOPO_NS_A" "$TOPO_NS_B"; do
		[ -n "$ns" ] && [ -e "/var/run/netns/$ns" ] && ip netns del "$ns" 2>/dev/null
	done
	# Deleting a namespace deletes its veth end and so the pair; should
	# an end have been moved out, delete it where it is now.
	if [ -n "$TOPO_IF_A" ] && ip link show "$TOPO_IF_A" >/dev/null 2>&1; then
		ip link del "$TOPO_IF_A" 2>/dev/null
	fi
	# Safety net for a test that died before its own detach: pins named
	# after this topology's interfaces are this topology's.
	local i
	for i in "$TOPO_IF_A" "$TOPO_IF_B"; do
		[ -n "$i" ] && [ -d "/sys/fs/bpf/vpnxdp/$i" ] && rm -rf -- "/sys/fs/bpf/vpnxdp/$i"
	done
	TOPO_PREFIX=''
	return 0
}
