#!/usr/bin/env bash
# docs/prometheus/: the recording and alerting rules are valid
# (promtool check rules), every rule's unit tests pass (promtool test rules
# vpnxdp.rules.test.yml), and every vpnxdp_ metric the rules use is one the
# real exporter writes.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
need_root || exit 0
D=docs/prometheus
command -v promtool >/dev/null || { t_fail rules_setup "promtool missing (scripts/deps.sh installs prometheus)"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if out=$(promtool check rules "$D/vpnxdp.rules.yml" "$D/vpnxdp.alerts.yml" 2>&1); then
	t_pass rules_promtool_check
else
	t_fail rules_promtool_check "$out"
fi
if out=$(cd "$D" && promtool test rules vpnxdp.rules.test.yml 2>&1); then
	t_pass rules_promtool_unit_tests
else
	t_fail rules_promtool_unit_tests "$(echo "$out" | grep -v '^ *$' | head -20)"
fi
# Every alert has a test group (alertname: NAME in the test file).
for a in $(sed -n 's/^ *- alert: //p' "$D/vpnxdp.alerts.yml"); do
	t_eq "rules_alert_${a}_is_tested" "$(grep -c "alertname: $a\$" "$D/vpnxdp.rules.test.yml" | sed 's/^[1-9][0-9]*$/yes/')" yes
done
for r in $(sed -n 's/^ *- record: //p' "$D/vpnxdp.rules.yml"); do
	t_eq "rules_record_${r}_is_tested" "$(grep -c "expr: .*$r" "$D/vpnxdp.rules.test.yml" | sed 's/^[1-9][0-9]*$/yes/')" yes
done
# The exporter writes HELP and TYPE of every family, series or not.
build/vpnxdp export --textfile "$T/m.prom" "vxnone$$" 2>/dev/null
have=$(sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' "$T/m.prom" | sort -u)
# (not the recorded names, level:vpnxdp_...:operation)
used=$(grep -ohE '(^|[^:a-z_])vpnxdp_[a-z_]+' "$D/vpnxdp.rules.yml" "$D/vpnxdp.alerts.yml" |
	sed 's/^[^v]//' | sort -u)
missing=$(comm -23 <(echo "$used") <(echo "$have") | tr '\n' ' ')
t_eq rules_use_only_exported_metrics "$missing" ""
