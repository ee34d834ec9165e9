#!/usr/bin/env bash
# The Ansible role (deploy/ansible/roles/vpnxdp) through the fleet playbook
# (deploy/ansible/push.yml), with Debian's ansible-core, against this host
# (connection: local) inside a test namespace with two veths: the role
# installs the real package built by `make deb`, checks and writes the
# policies, attaches with the installed vpnxdp and applies.  A first run
# changes, a second reports changed=0; check and diff mode predict without
# touching; a changed policy moves the generation once; a bad policy fails
# the play with the policy in force untouched.  Offline: builtin modules
# only, every Ansible path under the test's directory.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0

. tests/deploy/pkg.sh
pkg_refuse_if_installed role
command -v ansible-playbook >/dev/null || { t_fail role_setup "ansible-playbook missing (scripts/deps.sh)"; exit 1; }
make -s deb >/dev/null 2>&1 || { t_fail role_setup "make deb failed"; exit 1; }
DEB=$PWD/build/deb/vpnxdp_$(sed -n 's/^VERSION := //p' Makefile)_$(dpkg --print-architecture).deb

PFX="vxa$$"
T=$(mktemp -d)
cleanup() {
	pkg_purge
	topo_down
	rm -rf "$T"
}
trap cleanup EXIT
topo_up "$PFX" || { t_fail topo_up "cannot create the test topology"; exit 1; }
IF1=$TOPO_IF_B IF2="${PFX}c"
topo_in_b ip link add "$IF2" type veth peer name "${PFX}d" && topo_in_b ip link set "$IF2" up &&
	topo_in_b ip link set "${PFX}d" up || { t_fail role_setup "cannot create $IF2"; exit 1; }

cat >"$T/ansible.cfg" <<CFG
[defaults]
inventory = $T/inventory
roles_path = $PWD/deploy/ansible/roles
nocows = true
retry_files_enabled = false
gathering = explicit
interpreter_python = /usr/bin/python3
localhost_warning = false
force_color = false
CFG
echo "[vpnxdp]
localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3" >"$T/inventory"
export ANSIBLE_CONFIG=$T/ansible.cfg ANSIBLE_HOME=$T/ansible-home ANSIBLE_LOCAL_TEMP=$T/tmp-local \
	ANSIBLE_REMOTE_TEMP=$T/tmp-remote ANSIBLE_COLLECTIONS_PATH=$T/collections ANSIBLE_NOCOWS=1
home_before=$(ls -la ~/.ansible 2>/dev/null | md5sum)

vars() { # FILE POLICY-LINE...: the play's variables
	local f=$1 ifc l
	shift
	{
		echo "vpnxdp_deb: $DEB"
		echo "vpnxdp_deb_cache: $T/cache"
		echo "vpnxdp_conf_dir: $T/etc/vpnxdp"
		echo "vpnxdp_service_manager: command"
		echo "vpnxdp_interfaces:"
		for ifc in "$IF1" "$IF2"; do
			echo "  - name: $ifc"
			echo "    mode: auto"
			echo "    policy:"
			for l in "$@"; do echo "      - \"$l\""; done
		done
	} >"$f"
}
play() { # NAME ARGS...: run in namespace b, keep the output
	local name=$1
	shift
	topo_in_b ansible-playbook deploy/ansible/push.yml "$@" >"$T/$name.out" 2>&1
	echo $? >"$T/$name.rc"
	echo "  [$name] $(grep -A1 '^PLAY RECAP' "$T/$name.out" | tail -1 | tr -s ' ')"
}
field() { grep -A1 '^PLAY RECAP' "$T/$1.out" | tail -1 | sed -n "s/.* $2=\([0-9]*\).*/\1/p"; }
gen() { topo_in_b /usr/sbin/vpnxdp status "$1" --json 2>/dev/null | sed -n 's/.*"generation": \([0-9]*\).*/\1/p'; }

vars "$T/v1.yml" "pptp drop" "l2tp drop" "ike count"
play first -e @"$T/v1.yml"
t_eq "role first run: succeeds" "$(cat "$T/first.rc")" 0
t_eq "role first run: changed" "$([ "$(field first changed)" -gt 0 ] && echo yes)" yes
t_eq "role first run: package installed from the .deb" "$(dpkg-query -W -f='${Version}' vpnxdp 2>/dev/null)" \
	"$(dpkg-deb -f "$DEB" Version)"
t_eq "role first run: both attached, generation 1" "$(gen "$IF1") $(gen "$IF2")" "1 1"
t_eq "role first run: the policy in force is the role's" \
	"$(topo_in_b /usr/sbin/vpnxdp policy show "$IF1" | grep -cE '^(pptp drop|l2tp drop)')" 2

play second -e @"$T/v1.yml"
t_eq "role second run: changed=0" "$(cat "$T/second.rc") $(field second changed)" "0 0"
t_eq "role second run: generation still 1" "$(gen "$IF1") $(gen "$IF2")" "1 1"

vars "$T/v2.yml" "pptp drop" "l2tp drop" "ike count" "wireguard drop"
cp "$T/etc/vpnxdp/$IF1.policy" "$T/v1.policy"
play check --check --diff -e @"$T/v2.yml"
t_eq "role check+diff: succeeds and predicts a change" \
	"$(cat "$T/check.rc") $([ "$(field check changed)" -gt 0 ] && echo yes)" "0 yes"
t_eq "role check+diff: shows the file diff" "$(grep -c '^+wireguard drop' "$T/check.out")" 2
t_eq "role check+diff: shows the policy diff" "$(grep -c '"+wireguard drop' "$T/check.out")" 2
t_eq "role check+diff: file untouched" "$(cmp -s "$T/v1.policy" "$T/etc/vpnxdp/$IF1.policy" && echo same)" same
t_eq "role check+diff: generation untouched" "$(gen "$IF1") $(gen "$IF2")" "1 1"

play apply2 -e @"$T/v2.yml"
t_eq "role changed policy: changed, generation 2 on both" \
	"$([ "$(field apply2 changed)" -gt 0 ] && echo yes) $(gen "$IF1") $(gen "$IF2")" "yes 2 2"
play again2 -e @"$T/v2.yml"
t_eq "role same again: changed=0" "$(field again2 changed) $(gen "$IF1")" "0 2"

vars "$T/bad.yml" "pptp drop" "wirregard count"
cp "$T/etc/vpnxdp/$IF1.policy" "$T/v2.policy"
play bad -e @"$T/bad.yml"
t_eq "role bad policy: the play fails" "$([ "$(cat "$T/bad.rc")" != 0 ] && echo failed)" failed
t_eq "role bad policy: the tool's reason is shown" "$(grep -c "unknown class 'wirregard'" "$T/bad.out")" 2
t_eq "role bad policy: policy file untouched" "$(cmp -s "$T/v2.policy" "$T/etc/vpnxdp/$IF1.policy" && echo same)" same
t_eq "role bad policy: the policy in force untouched (generation 2)" \
	"$(gen "$IF1") $(gen "$IF2") $(topo_in_b /usr/sbin/vpnxdp policy show "$IF1" | grep -c '^wireguard drop')" "2 2 1"

# A fresh host in check mode: nothing installed, nothing attached yet.
topo_in_b dpkg -P vpnxdp >/dev/null 2>&1
rm -rf "$T/etc" "$T/cache"
play fresh --check -e @"$T/v1.yml"
t_eq "role check mode on a fresh host: succeeds, predicts changes" \
	"$(cat "$T/fresh.rc") $([ "$(field fresh changed)" -gt 0 ] && echo yes)" "0 yes"
t_eq "role check mode on a fresh host: installs and attaches nothing" \
	"$(pkg_installed && echo installed)$(ls -d /sys/fs/bpf/vpnxdp/"$IF1" "$T/etc" 2>/dev/null)" ""
t_eq "role: ~/.ansible untouched" "$(ls -la ~/.ansible 2>/dev/null | md5sum)" "$home_before"
# ROLE_OUT=DIR keeps the playbook outputs.
if [ -n "${ROLE_OUT:-}" ]; then
	mkdir -p "$ROLE_OUT" && cp "$T"/*.out "$ROLE_OUT"/
fi
