#!/usr/bin/env bash
# make install / make uninstall into a temporary DESTDIR, with the default
# PREFIX and with PREFIX=/usr: every file where it belongs, the units naming
# the installed binary, the operator's files in /etc never overwritten nor
# removed when changed, and nothing left after uninstall.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

files() { (cd "$1" && find . -type f | sort | tr '\n' ' ' | sed 's/ $//'); }

D=$T/local
if make -s install DESTDIR="$D" >"$T/out" 2>&1; then t_pass install_default_prefix; else t_fail install_default_prefix "$(cat "$T/out")"; fi
t_eq install_files "$(files "$D")" "$(echo ./etc/default/vpnxdp-export ./etc/vpnxdp/example.policy \
	./usr/local/lib/systemd/system/vpnxdp-export-textfile.service \
	./usr/local/lib/systemd/system/vpnxdp-export-textfile.timer \
	./usr/local/lib/systemd/system/vpnxdp-export.service \
	./usr/local/lib/systemd/system/vpnxdp@.service ./usr/local/sbin/vpnxdp \
	./usr/local/share/bash-completion/completions/vpnxdp \
	./usr/local/share/man/man5/vpnxdp-policy.5 ./usr/local/share/man/man8/vpnxdp.8)"
t_eq install_binary_runs "$("$D/usr/local/sbin/vpnxdp" --version)" "vpnxdp $(sed -n 's/^VERSION := //p' Makefile)"
t_eq install_modes "$(stat -c '%a' "$D/usr/local/sbin/vpnxdp" "$D/usr/local/lib/systemd/system/vpnxdp@.service" \
	"$D/etc/vpnxdp/example.policy" | tr '\n' ' ')" "755 644 644 "
t_eq install_units_name_the_installed_binary \
	"$(grep -h '^Exec' "$D"/usr/local/lib/systemd/system/*.service | grep -vc '^Exec[A-Za-z]*=/usr/local/sbin/vpnxdp ')" 0
t_eq install_example_policy_valid "$("$D/usr/local/sbin/vpnxdp" policy check "$D/etc/vpnxdp/example.policy" >/dev/null 2>&1; echo $?)" 0

# The operator's files: an edited one survives install and uninstall.
echo 'VPNXDP_EXPORT_ARGS="eth0"' >"$D/etc/default/vpnxdp-export"
echo "wireguard count" >"$D/etc/vpnxdp/eth0.policy"
make -s install DESTDIR="$D" >/dev/null 2>&1
t_eq install_keeps_edited_etc "$(cat "$D/etc/default/vpnxdp-export")" 'VPNXDP_EXPORT_ARGS="eth0"'
make -s uninstall DESTDIR="$D" >/dev/null 2>&1
t_eq uninstall_keeps_the_operators_files "$(files "$D")" "./etc/default/vpnxdp-export ./etc/vpnxdp/eth0.policy"
rm "$D/etc/default/vpnxdp-export" "$D/etc/vpnxdp/eth0.policy"
make -s install DESTDIR="$D" >/dev/null 2>&1
make -s uninstall DESTDIR="$D" >/dev/null 2>&1
t_eq uninstall_leaves_no_file "$(files "$D")" ""
t_eq uninstall_removes_etc_vpnxdp "$(ls -d "$D/etc/vpnxdp" 2>/dev/null)" ""

# PREFIX=/usr with the Debian unit directory, as the package does it.
D=$T/usr
make -s install DESTDIR="$D" PREFIX=/usr UNITDIR=/lib/systemd/system >/dev/null 2>&1
t_eq install_prefix_usr "$(ls "$D/usr/sbin/vpnxdp" "$D/lib/systemd/system/vpnxdp@.service" \
	"$D/usr/share/bash-completion/completions/vpnxdp" "$D/usr/share/man/man8/vpnxdp.8" 2>/dev/null | wc -l)" 4
t_eq install_prefix_usr_units \
	"$(grep -c '^ExecStart=/usr/sbin/vpnxdp attach %I' "$D/lib/systemd/system/vpnxdp@.service")" 1
make -s uninstall DESTDIR="$D" PREFIX=/usr UNITDIR=/lib/systemd/system >/dev/null 2>&1
t_eq uninstall_prefix_usr "$(files "$D")" ""
