#!/usr/bin/env bash
# Install everything vpnxdp's build, tests, demo and bench need (Debian 12),
# and make sure bpffs is mounted at /sys/fs/bpf.
#
# Idempotent: when every package is already installed it prints
# "deps: all present" and touches nothing (no apt-get update).  Otherwise
# it runs apt-get update + install as root, non-interactively, without
# recommends, and exits non-zero if apt-get fails.
#
# Some packages are daemons (prometheus, prometheus-node-exporter: the
# tests run them on loopback ports of their own).  Installing them must
# not start them: while apt-get runs, a policy-rc.d that refuses every
# start (exit 101, what invoke-rc.d and deb-systemd-invoke ask) is put in
# place unless the box has one already; afterwards, on a box booted with
# systemd, the ones this run installed are disabled so they do not start
# at boot either.  A box that already ran them is left as it was.
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
	tshark # tests/replay/test_oracle.sh: an independent dissector as oracle
	gdb # tests/state: exact kill points in attach
	# vpnxdp export, its tests and the ops side (tests/export, tests/deploy)
	libmicrohttpd-dev curl prometheus prometheus-node-exporter
	ansible-core python3-apt lintian debhelper dpkg-dev bash-completion
	systemd
)

# Daemons among PKGS, and their units: installed, never started (above).
DAEMONS=(prometheus prometheus-node-exporter)
DAEMON_UNITS=(prometheus.service prometheus-node-exporter.service)

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
RCD=/usr/sbin/policy-rc.d
own_rcd=0
if [ ! -e "$RCD" ]; then
	printf '#!/bin/sh\n# scripts/deps.sh: no daemon starts while it installs\nexit 101\n' >"$RCD" &&
		chmod 755 "$RCD" && own_rcd=1
	trap '[ "$own_rcd" = 1 ] && rm -f "$RCD"' EXIT
fi
if ! apt-get install -y -q --no-install-recommends "${need[@]}"; then
	echo "deps: apt-get install failed" >&2
	exit 1
fi
[ "$own_rcd" = 1 ] && rm -f "$RCD" && own_rcd=0
if [ -d /run/systemd/system ]; then
	for i in "${!DAEMONS[@]}"; do
		if printf '%s\n' "${need[@]}" | grep -qxF "${DAEMONS[i]}"; then
			systemctl disable --quiet "${DAEMON_UNITS[i]}" 2>/dev/null &&
				echo "deps: ${DAEMON_UNITS[i]} installed, not started, disabled"
		fi
	done
fi
mapfile -t still < <(missing)
if [ ${#still[@]} -ne 0 ]; then
	echo "deps: still missing after install: ${still[*]}" >&2
	exit 1
fi
echo "deps: installed ${#need[@]} package(s)"
mount_bpffs
