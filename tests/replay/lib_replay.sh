# Result lines for the replay suites, in the convention of tests/lib.sh
# (PASS name / FAIL name: reason / SKIP suite: reason); tests/lib.sh's own
# helpers are used when it is there.
if [ -f tests/lib.sh ]; then
	. tests/lib.sh
fi
command -v t_pass >/dev/null || t_pass() { echo "PASS $1"; }
command -v t_fail >/dev/null || t_fail() { echo "FAIL $1: $2"; }
command -v t_skip >/dev/null || t_skip() { echo "SKIP $1: $2"; }
