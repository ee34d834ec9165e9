# shellcheck shell=bash
# For the suites that install and purge the real vpnxdp package (test_deb,
# test_role).  Source it after tests/lib.sh.

# Is a vpnxdp package installed (or half-installed) on this box?
pkg_installed() {
	dpkg-query -W -f='${db:Status-Status}' vpnxdp 2>/dev/null | grep -qv '^not-installed$'
}

# pkg_refuse_if_installed SUITE: a package someone else installed is theirs,
# not this suite's to purge.
pkg_refuse_if_installed() {
	pkg_installed || return 0
	t_fail "$1_setup" "a vpnxdp package is installed on this box; this test installs and purges its own (dpkg -P vpnxdp first)"
	exit 1
}

# Purge it from test namespace b if there is one (its prerm detaches what
# was attached there), else from here.
pkg_purge() {
	pkg_installed || return 0
	if [ -n "${TOPO_NS_B:-}" ] && [ -e "/var/run/netns/$TOPO_NS_B" ]; then
		topo_in_b dpkg -P vpnxdp >/dev/null 2>&1
	else
		dpkg -P vpnxdp >/dev/null 2>&1
	fi
}
