#!/usr/bin/env bash
# Install everything vpnxdp's build, tests, demo and bench need (Debian 12),
# and make sure bpffs is mounted at /sys/fs/bpf.
#
# Idempotent: when every package is already installed it prints
# "deps: all present" and touches nothing (no apt-get update).  Otherwise
# it runs apt-get update + install as root, non-interactively, without
# recommends, and exits non-zero if apt-get fails.
set -u

PKGS=(
	# build
	make gcc libc6-dev clang llvm libbpf-dev libxdp-dev bpftool
	libelf-dev zlib1g-dev pkg-config libjansson-dev libncurses-dev
	libpcap-dev libclang-rt-14-dev
	# tests, lint, demo, bench
	xdp-tools netsniff-ng tcpreplay python3 python3-scapy tcpdump iproute2
	ethtool tmux gnuplot-nox nftables cppcheck clang-tidy util-linux
	procps iputils-ping
	jq # tests/replay
	gdb # tests/state: exact kill points in attach
)

missing() { # the packages of PKGS not installed, one a line
	local have
	have=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PKGS[@]}" 2>/dev/null |
		awk '$2 == "installed" { print $1 }')
	local p
	for p in "${PKGS[@]}"; do
		grep -qxF "$p" <<<"$have" || echo "$p"
	done
}

mount_bpffs() {
	[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: bpffs is not mounted at /sys/fs/bpf (as root: mount -t bpf bpf /sys/fs/bpf)" >&2
		return 0
	fi
	mkdir -p /sys/fs/bpf 2>/dev/null
	if mount -t bpf bpf /sys/fs/bpf; then
		echo "deps: mounted bpffs at /sys/fs/bpf"
	else
		echo "deps: cannot mount bpffs at /sys/fs/bpf" >&2
		return 1
	fi
}

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
	echo "deps: this script needs a Debian system (dpkg-query, apt-get)" >&2
	exit 1
fi

mapfile -t need < <(missing)
if [ ${#need[@]} -eq 0 ]; then
	echo "deps: all present"
	mount_bpffs
	exit $?
fi

echo "deps: installing ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages and not root: run as root (sudo scripts/deps.sh)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -q; then
	echo "deps: apt-get update failed" >&2
	exit 1
fi
if ! apt-get install -y -q --no-install-recommends "${need[@]}"; then
	echo "deps: apt-get install failed" >&2
	exit 1
fi
mapfile -t still < <(missing)
if [ ${#still[@]} -ne 0 ]; then
	echo "deps: still missing after install: ${still[*]}" >&2
	exit 1
fi
echo "deps: installed ${#need[@]} package(s)"
mount_bpffs
