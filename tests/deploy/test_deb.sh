#!/usr/bin/env bash
# The Debian package: `make deb` (dpkg-buildpackage with debhelper, from a
# copy under build/deb/), lintian with no error or warning, then the
# package installed with dpkg, run (the installed units verify clean with
# their man pages found; the installed binary attaches to a veth in a test
# namespace), removed (which detaches it) and purged, and nothing of it
# left anywhere.  Refuses to touch a vpnxdp package installed by someone
# else.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0

. tests/deploy/pkg.sh
pkg_refuse_if_installed deb
PFX="vxk$$"
T=$(mktemp -d)
cleanup() {
	pkg_purge
	topo_down
	rm -rf "$T"
}
trap cleanup EXIT

# --- build ------------------------------------------------------------------
if make -s deb >"$T/build.log" 2>&1; then t_pass deb_builds; else t_fail deb_builds "$(tail -5 "$T/build.log")"; exit 1; fi
VERSION=$(sed -n 's/^VERSION := //p' Makefile)
DEB=build/deb/vpnxdp_${VERSION}_$(dpkg --print-architecture).deb
t_eq deb_in_build_deb "$(ls "$DEB" 2>/dev/null)" "$DEB"
t_eq deb_version_is_the_makefiles "$(dpkg-deb -f "$DEB" Version)" "$VERSION"
t_eq deb_nothing_beside_the_tree "$(ls .. | grep -cE '\.(deb|changes|buildinfo)$')" 0
t_eq deb_no_debian_dir_in_the_tree "$(ls -d debian 2>/dev/null)" ""
lintian --pedantic build/deb/*.changes >"$T/lintian.txt" 2>&1
if grep -qE '^[EW]:' "$T/lintian.txt"; then
	t_fail deb_lintian_no_error_no_warning "$(grep -E '^[EW]:' "$T/lintian.txt" | head -5)"
else
	t_pass deb_lintian_no_error_no_warning
fi

# --- install and run ----------------------------------------------------------
PRUNE=(-path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp -o -path /var/tmp
	-o -path /work -o -path /root -o -path /home -o -path /var/lib/dpkg -o -path /var/log
	-o -path /var/cache/man -o -path /var/cache/debconf -o -path /var/lib/apt -o -path /var/cache/apt)
# Where a package can write (not the whole filesystem: CI's own log, the
# test run's logs and whatever else runs beside this suite write too).
SEARCH=()
for d in /etc /usr /lib /lib64 /var /opt /srv /boot /sbin /bin; do
	[ -d "$d" ] && [ ! -L "$d" ] && SEARCH+=("$d")
done
PRUNE+=(-o -path "$PWD")
find "${SEARCH[@]}" -xdev \( "${PRUNE[@]}" \) -prune -o -type d -print 2>/dev/null | sort >"$T/dirs-before"
touch "$T/stamp"
sleep 1
if dpkg -i "$DEB" >"$T/dpkg-i.log" 2>&1; then t_pass deb_dpkg_i; else t_fail deb_dpkg_i "$(tail -3 "$T/dpkg-i.log")"; fi
t_eq deb_installed_binary_runs "$(/usr/sbin/vpnxdp --version 2>&1)" "vpnxdp $VERSION"
t_eq deb_conffiles "$(dpkg-query -W -f='${Conffiles}\n' vpnxdp | awk 'NF {print $1}' | sort | tr '\n' ' ')" \
	"/etc/default/vpnxdp-export /etc/vpnxdp/example.policy "
dpkg -L vpnxdp >"$T/dpkg-L"
t_eq deb_lists_units_man_completion "$(grep -cE '^/lib/systemd/system/vpnxdp(@|-export|-export-textfile)\.(service|timer)$|/man8/vpnxdp\.8\.gz$|/man5/vpnxdp-policy\.5\.gz$|/completions/vpnxdp$' "$T/dpkg-L")" 7
out=$(cd /lib/systemd/system && systemd-analyze verify vpnxdp@eth0.service vpnxdp-export.service \
	vpnxdp-export-textfile.service vpnxdp-export-textfile.timer 2>&1)
t_eq deb_installed_units_verify_clean "$out" ""
t_eq deb_completion_loads "$(bash -c 'source /usr/share/bash-completion/bash_completion
	source /usr/share/bash-completion/completions/vpnxdp; complete -p vpnxdp' 2>&1)" "complete -F _vpnxdp vpnxdp"
t_eq deb_nothing_enabled "$(find /etc/systemd/system -name '*vpnxdp*' 2>/dev/null)" ""

topo_up "$PFX" || { t_fail topo_up "cannot create the test topology"; exit 1; }
B=$TOPO_IF_B
cp /etc/vpnxdp/example.policy "$T/p.policy"
if out=$(topo_in_b /usr/sbin/vpnxdp attach "$B" --mode auto --policy "$T/p.policy" 2>&1); then
	t_pass deb_installed_binary_attaches
else
	t_fail deb_installed_binary_attaches "$out"
fi
t_eq deb_installed_binary_reads_stats \
	"$(topo_in_b /usr/sbin/vpnxdp stats "$B" --json 2>/dev/null | grep -c '"generation": 1')" 1

# --- remove: detaches; purge: nothing left --------------------------------------
topo_in_b dpkg -r vpnxdp >"$T/dpkg-r.log" 2>&1
t_eq deb_remove_detached "$(grep -c "$B: detached" "$T/dpkg-r.log") $(ls -d /sys/fs/bpf/vpnxdp/"$B" 2>/dev/null | wc -l) $(topo_in_b ip link show "$B" | grep -c prog/xdp)" "1 0 0"
t_eq deb_remove_keeps_conffiles_only \
	"$(dpkg-query -W -f='${db:Status-Status}' vpnxdp) $(ls /usr/sbin/vpnxdp 2>/dev/null)$(ls /etc/vpnxdp/example.policy)" \
	"config-files /etc/vpnxdp/example.policy"
dpkg -P vpnxdp >"$T/dpkg-P.log" 2>&1
t_eq deb_purge_unknown_to_dpkg "$(dpkg-query -W vpnxdp >/dev/null 2>&1; echo $?)" 1
# (directories: the find below)
left=$(while read -r f; do [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"; done <"$T/dpkg-L")
t_eq deb_purge_every_listed_file_gone "$left" ""
t_eq deb_purge_etc_gone "$(ls -d /etc/vpnxdp /etc/default/vpnxdp-export 2>/dev/null)" ""
# Left behind: a file newer than the install, or a directory that is newer
# and was not there before (one dpkg only passed through is newer but old).
find "${SEARCH[@]}" -xdev \( "${PRUNE[@]}" \) -prune -o -newer "$T/stamp" -print 2>/dev/null |
	while read -r f; do
		if [ -d "$f" ] && [ ! -L "$f" ]; then grep -qxF "$f" "$T/dirs-before" || echo "$f"; else echo "$f"; fi
	done >"$T/left"
t_eq deb_purge_nothing_left_anywhere "$(cat "$T/left")" ""
