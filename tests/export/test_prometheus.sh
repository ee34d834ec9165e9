#!/usr/bin/env bash
# `vpnxdp export` scraped by a real Prometheus (Debian's), everything in a
# test namespace on its loopback: vpnxdp attached to four veths, a known
# traffic mix sent through one; PromQL through Prometheus' HTTP API gives
# per-class counts equal to `vpnxdp stats --json`; promtool check metrics
# is clean; the HTTP surface (404, 405, HEAD, keep-alive, IPv6); a live
# alert on the PPTP in the mix; 1,000 bad and concurrent requests and slow
# clients while scrapes go on; interfaces detached and deleted mid-scrape;
# no descriptor leak; the textfile mode read by a real node_exporter; the
# fleet layouts of docs/FLEET.md (federation and remote write) live.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
for c in prometheus promtool prometheus-node-exporter curl; do
	command -v "$c" >/dev/null || { t_fail prom_setup "$c missing (scripts/deps.sh)"; exit 1; }
done

VPNXDP=$PWD/build/vpnxdp
PFX="vxm$$"
T=$(mktemp -d)
PIDS=()
cleanup() {
	local i
	# Last started first, each waited for: the site Prometheus flushes its
	# remote write on the way out, which takes a minute if the receiver
	# (started before it) is already gone.
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		kill "${PIDS[i]}" 2>/dev/null && wait "${PIDS[i]}" 2>/dev/null
	done
	if [ -n "$TOPO_NS_B" ]; then
		for i in "$TOPO_IF_B" "${PFX}c" "${PFX}e" "${PFX}g" "${PFX}i"; do
			topo_in_b "$VPNXDP" detach "$i" >/dev/null 2>&1
			[ -d "/sys/fs/bpf/vpnxdp/$i" ] && rm -rf -- "/sys/fs/bpf/vpnxdp/$i"
		done
	fi
	topo_down
	rm -rf "$T"
}
trap cleanup EXIT
topo_up "$PFX" || { t_fail topo_up "cannot create the test topology"; exit 1; }
B=$TOPO_IF_B
inb() { topo_in_b "$@"; }
vx() { inb "$VPNXDP" "$@"; }
bg() { # LOG CMD...: start CMD in namespace b in the background
	local log=$1
	shift
	nsenter --net="/var/run/netns/$TOPO_NS_B" -- "$@" >"$log" 2>&1 &
	PIDS+=($!)
}
wait_for() { # SECONDS CMD...
	local n=$(($1 * 5))
	shift
	while [ "$n" -gt 0 ]; do "$@" && return 0; sleep 0.2; n=$((n - 1)); done
	return 1
}
# PromQL through Prometheus' HTTP API on PORT: the first result's value.
q() { # PORT QUERY
	inb curl -s -G "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" |
		/usr/bin/python3 -c '
import json, sys
try:
    r = json.load(sys.stdin)["data"]["result"]
except Exception:
    r = []
print(r[0]["value"][1] if r else "none")'
}

# --- four attachments, a traffic mix ------------------------------------------
for p in c e g i; do
	q2=$(printf '%s' "$p" | tr 'cegi' 'dfhj')
	inb ip link add "${PFX}$p" type veth peer name "${PFX}$q2" && inb ip link set "${PFX}$p" up &&
		inb ip link set "${PFX}$q2" up || t_fail prom_setup "cannot create ${PFX}$p"
done
for i in "$B" "${PFX}c" "${PFX}e" "${PFX}g"; do
	out=$(vx attach "$i" --mode auto 2>&1) || t_fail "prom_attach_$i" "$out"
done
/usr/bin/python3 scripts/vpnmix.py --out "$T/mix.pcap" --src-mac "$TOPO_MAC_A" --dst-mac "$TOPO_MAC_B" \
	--count-per-class 20 --manifest "$T/want.json" >/dev/null || t_fail prom_setup "vpnmix failed"

EP=18760 PP=9090
bg "$T/exporter.log" "$VPNXDP" export
EXPORTER=${PIDS[-1]}
U=http://127.0.0.1:$EP
wait_for 10 inb curl -sf -o /dev/null "$U/" || { t_fail prom_exporter_starts "$(cat "$T/exporter.log")"; exit 1; }
t_pass prom_exporter_starts_on_the_default_port

# --- Prometheus: site config of docs/prometheus/fleet (box.yml + remote write)
RP=9091 FP=9092
sed -e "s|/etc/prometheus/rules|$PWD/docs/prometheus|" -e 's/scrape_interval: 15s/scrape_interval: 1s/' \
	-e 's/evaluation_interval: 15s/evaluation_interval: 1s/' docs/prometheus/fleet/box.yml >"$T/site.yml"
sed "s|CENTRAL:9090|127.0.0.1:$RP|" docs/prometheus/fleet/site-remote-write.yml >>"$T/site.yml"
sed -e "s|SITE-PROMETHEUS:9090|127.0.0.1:$PP|" -e 's/scrape_interval: 30s/scrape_interval: 1s/' \
	docs/prometheus/fleet/central-federate.yml >"$T/fed.yml"
for f in site fed; do
	if out=$(promtool check config "$T/$f.yml" 2>&1); then t_pass "prom_fleet_config_${f}_valid"; else t_fail "prom_fleet_config_${f}_valid" "$out"; fi
done
bg "$T/rw.log" prometheus --config.file=/dev/null --storage.tsdb.path="$T/rw" \
	--web.listen-address="127.0.0.1:$RP" --web.enable-remote-write-receiver --log.level=warn
bg "$T/prometheus.log" prometheus --config.file="$T/site.yml" --storage.tsdb.path="$T/tsdb" \
	--web.listen-address="127.0.0.1:$PP" --log.level=warn
bg "$T/fed.log" prometheus --config.file="$T/fed.yml" --storage.tsdb.path="$T/fed" \
	--web.listen-address="127.0.0.1:$FP" --log.level=warn
up1() { [ "$(q $PP 'up{job="vpnxdp"}')" = 1 ]; }
if wait_for 60 up1; then t_pass prom_prometheus_scrapes_the_exporter; else t_fail prom_prometheus_scrapes_the_exporter "$(tail -3 "$T/prometheus.log")"; fi

# --- known traffic, then PromQL against stats --json ----------------------------
scripts/send.sh "$TOPO_NS_A" "$TOPO_IF_A" "$T/mix.pcap" >/dev/null 2>&1 || t_fail prom_send "send.sh failed"
sleep 0.5
vx stats "$B" --json >"$T/stats.json"
compare() { # every class: Prometheus' packets and bytes == stats --json
	local c bad=0
	for c in $(/usr/bin/python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["protocols"]))' "$T/stats.json"); do
		[ "$(q $PP "vpnxdp_packets_total{interface=\"$B\",class=\"$c\"}")" = "$(json_get "$T/stats.json" "protocols.$c.packets")" ] &&
			[ "$(q $PP "vpnxdp_bytes_total{interface=\"$B\",class=\"$c\"}")" = "$(json_get "$T/stats.json" "protocols.$c.bytes")" ] ||
			bad=1
	done
	[ $bad = 0 ]
}
if wait_for 20 compare; then
	t_pass prom_promql_per_class_equals_stats_json
else
	t_fail prom_promql_per_class_equals_stats_json "wireguard: prometheus $(q $PP "vpnxdp_packets_total{interface=\"$B\",class=\"wireguard\"}") stats $(json_get "$T/stats.json" protocols.wireguard.packets)"
fi
t_eq prom_traffic_was_seen "$([ "$(json_get "$T/stats.json" protocols.wireguard.packets)" -gt 0 ] && echo yes)" yes
t_eq prom_promql_sum_over_reasons_equals_dropped \
	"$(q $PP "sum(vpnxdp_dropped_packets_total{interface=\"$B\"})")" \
	"$(/usr/bin/python3 -c 'import json,sys; print(sum(v["dropped"] for v in json.load(open(sys.argv[1]))["protocols"].values()))' "$T/stats.json")"
t_eq prom_promql_generation "$(q $PP "vpnxdp_policy_generation{interface=\"$B\"}")" 1
inb curl -s "$U/metrics" >"$T/m.txt"
if out=$(promtool check metrics <"$T/m.txt" 2>&1) && [ -z "$out" ]; then t_pass prom_promtool_check_metrics_clean; else t_fail prom_promtool_check_metrics_clean "$out"; fi
t_eq prom_four_interfaces_attached "$(grep -c '^vpnxdp_attached{.*} 1$' "$T/m.txt")" 4
fired() { inb curl -s "http://127.0.0.1:$PP/api/v1/alerts" | /usr/bin/python3 -c '
import json, sys
a = json.load(sys.stdin)["data"]["alerts"]
sys.exit(0 if any(x["labels"]["alertname"] == "VpnxdpWeakProtocolSeen" and x["state"] == "firing"
                  and x["labels"].get("interface") == sys.argv[1] and x["labels"].get("class") == "pptp"
                  for x in a) else 1)' "$B"; }
if wait_for 30 fired; then t_pass prom_live_alert_fires_on_pptp; else t_fail prom_live_alert_fires_on_pptp "no firing VpnxdpWeakProtocolSeen for $B"; fi

# --- scrape time with 4 interfaces ----------------------------------------------
echo "  Prometheus scrape_duration_seconds (4 interfaces): $(q $PP 'scrape_duration_seconds{job="vpnxdp"}')," \
	"samples $(q $PP 'scrape_samples_scraped{job="vpnxdp"}'), $(wc -c <"$T/m.txt") bytes"
times=$(for _ in $(seq 50); do inb curl -s -o /dev/null -w '%{time_total}\n' "$U/metrics"; done | sort -n)
echo "  curl GET /metrics x50: median $(echo "$times" | sed -n 25p)s, max $(echo "$times" | tail -1)s;" \
	"vpnxdp_scrape_duration_seconds $(sed -n 's/^vpnxdp_scrape_duration_seconds //p' "$T/m.txt")"

# --- the HTTP surface ---------------------------------------------------------------
code() { inb curl -s -o /dev/null -w '%{http_code}' "$@"; }
t_eq prom_http_index "$(code "$U/")" 200
t_eq prom_http_404 "$(code "$U/nope") $(code "$U/metrics/")" "404 404"
t_eq prom_http_405 "$(code -X POST -d x "$U/metrics") $(code -X DELETE "$U/")" "405 405"
t_eq prom_http_405_allow "$(inb curl -s -D- -o /dev/null -X PUT -d x "$U/metrics" | tr -d '\r' | grep -i '^allow:')" "Allow: GET, HEAD"
t_eq prom_http_head "$(inb curl -s -I -o /dev/null -w '%{http_code} %{size_download}' "$U/metrics")" "200 0"
t_eq prom_http_content_type "$(inb curl -s -o /dev/null -w '%{content_type}' "$U/metrics")" "text/plain; version=0.0.4; charset=utf-8"
t_eq prom_http_keep_alive "$(inb curl -sv "$U/metrics" "$U/metrics" -o /dev/null -o /dev/null 2>&1 | grep -c 'Re-using existing connection')" 1

# --- hostile clients while scraping ---------------------------------------------------
fds0=$(ls /proc/"$EXPORTER"/fd | wc -l)
bg "$T/slow.json" /usr/bin/python3 tests/export/abuse.py 127.0.0.1 $EP --slow 24 --seconds 10 --src 127.0.0.2
SLOW=${PIDS[-1]}
bg "$T/bad.json" /usr/bin/python3 tests/export/abuse.py 127.0.0.1 $EP --bad 1000 --seconds 30 --src 127.0.0.3
BAD=${PIDS[-1]}
t0=$(date +%s) ok=0 failed=0
while kill -0 "$SLOW" 2>/dev/null || kill -0 "$BAD" 2>/dev/null; do
	if [ "$(inb curl -s -m 3 -o /dev/null -w '%{http_code}' "$U/metrics")" = 200 ]; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
	sleep 0.2
done
span=$(($(date +%s) - t0 + 2))
echo "  slow clients: $(cat "$T/slow.json"); bad requests: $(cat "$T/bad.json"); our scrapes: $ok ok, $failed failed"
t_eq prom_1000_bad_requests_sent "$(json_get "$T/bad.json" sent)" 1000
t_eq prom_scrapes_under_attack_all_ok "$failed $([ "$ok" -gt 10 ] && echo many)" "0 many"
t_eq prom_prometheus_never_missed_under_attack "$(q $PP "min_over_time(up{job=\"vpnxdp\"}[${span}s])")" 1
t_eq prom_exporter_alive_after_attack "$(kill -0 "$EXPORTER" 2>/dev/null && echo alive)" alive
echo "  exporter after the attack: RSS $(ps -o rss= -p "$EXPORTER") KiB, $(ps -o nlwp= -p "$EXPORTER") threads"

# --- interfaces vanishing mid-scrape ----------------------------------------------------
# four attach/detach rounds (a load verifies the program: seconds on a
# busy machine), bounded at 60 s
( end=$((SECONDS + 60)) i=0
  while [ $i -lt 4 ] && [ $SECONDS -lt $end ]; do
	vx attach "${PFX}i" --mode auto
	vx detach "${PFX}i"
	i=$((i + 1))
  done ) >"$T/flap.log" 2>&1 </dev/null &
FLAP=$!
bad=0 n=0
while kill -0 "$FLAP" 2>/dev/null; do
	n=$((n + 1))
	inb curl -s -o "$T/flap.txt" -w '%{http_code}' "$U/metrics" | grep -qx 200 || bad=$((bad + 1))
	promtool check metrics <"$T/flap.txt" >/dev/null 2>&1 || bad=$((bad + 1))
done
wait "$FLAP"
t_eq "prom_attach_detach_mid_scrape_${n}_scrapes_all_good" "$bad $([ "$n" -gt 10 ] && echo many)" "0 many"
t_eq prom_attach_detach_loop_ran "$([ "$(grep -c ': detached' "$T/flap.log")" -gt 2 ] && echo yes)" yes
inb ip link del "${PFX}g"
inb curl -s "$U/metrics" >"$T/gone.txt"
t_eq prom_deleted_interface_reads_not_attached "$(grep -c "^vpnxdp_attached{interface=\"${PFX}g\"} 0\$" "$T/gone.txt")" 1
vx detach "${PFX}g" >/dev/null 2>&1
inb curl -s "$U/metrics" >"$T/gone.txt"
t_eq prom_detached_interface_disappears "$(grep -c "${PFX}g" "$T/gone.txt")" 0
for _ in $(seq 100); do inb curl -s -o /dev/null "$U/metrics"; done
echo "  exporter descriptors: $fds0 before the attack, $(ls /proc/"$EXPORTER"/fd | wc -l) after it and 100 more scrapes"
t_eq prom_no_descriptor_leak_over_scrapes "$(ls /proc/"$EXPORTER"/fd | wc -l)" "$fds0"

# --- federation and remote write (docs/FLEET.md) --------------------------------------
agg() { [ "$(q "$1" 'instance_class:vpnxdp_packets:rate5m{class="wireguard"}')" != none ]; }
if wait_for 30 agg $RP; then t_pass prom_remote_write_aggregate_arrives; else t_fail prom_remote_write_aggregate_arrives "$(tail -2 "$T/rw.log")"; fi
if wait_for 30 agg $FP; then t_pass prom_federation_aggregate_arrives; else t_fail prom_federation_aggregate_arrives "$(tail -2 "$T/fed.log")"; fi
t_eq prom_federation_keeps_the_site_label "$(q $FP 'count(instance_class:vpnxdp_packets:rate5m{site="SITE"}) > 0' | sed 's/^[1-9][0-9]*$/yes/')" yes
t_eq prom_raw_counters_stay_at_the_site "$(q $RP 'count(vpnxdp_packets_total)') $(q $FP 'count(vpnxdp_packets_total)')" "none none"

# --- textfile mode, read by node_exporter -------------------------------------------------
mkdir -p "$T/tf"
vx export --textfile "$T/tf/vpnxdp.prom" "$B"
t_eq prom_textfile_written "$?" 0
NP=9100
bg "$T/node.log" prometheus-node-exporter --web.listen-address="127.0.0.1:$NP" \
	--collector.disable-defaults --collector.textfile --collector.textfile.directory="$T/tf"
ne() { inb curl -sf "http://127.0.0.1:$NP/metrics" >"$T/ne.txt"; }
wait_for 10 ne
want=$(json_get "$T/stats.json" protocols.pptp.packets)
t_eq prom_node_exporter_serves_the_textfile \
	"$(grep -c "^vpnxdp_packets_total{class=\"pptp\",interface=\"$B\"} $want\$" "$T/ne.txt") $(grep -c '^node_textfile_scrape_error 0$' "$T/ne.txt")" "1 1"
lines=$(wc -l <"$T/tf/vpnxdp.prom")
( for _ in $(seq 100); do vx export --textfile "$T/tf/vpnxdp.prom" "$B" 2>/dev/null; done ) &
W=$!
torn=0 reads=0
while kill -0 "$W" 2>/dev/null; do
	reads=$((reads + 1))
	[ "$(wc -l <"$T/tf/vpnxdp.prom")" = "$lines" ] || torn=$((torn + 1))
done
wait "$W"
t_eq "prom_textfile_rewrites_atomic_${reads}_reads" "$torn" 0
t_eq prom_textfile_no_temporary_left "$(ls -A "$T/tf")" vpnxdp.prom

# --- named interfaces, IPv6, stop ----------------------------------------------------------
bg "$T/named.log" "$VPNXDP" export --listen "[::1]:18761" "$B" "${PFX}zz"
up6() { inb curl -sf -o "$T/named.txt" "http://[::1]:18761/metrics"; }
if wait_for 10 up6; then t_pass prom_listen_ipv6; else t_fail prom_listen_ipv6 "$(cat "$T/named.log")"; fi
t_eq prom_named_missing_interface_reads_0 "$(grep -c "^vpnxdp_attached{interface=\"${PFX}zz\"} 0\$" "$T/named.txt")" 1
t_eq prom_only_named_interfaces "$(grep -c "${PFX}c" "$T/named.txt")" 0
t_eq prom_busy_port_refused "$(vx export >/dev/null 2>&1; echo $?)" 2
t_eq prom_bad_listen_refused "$(vx export --listen localhost:80 >/dev/null 2>&1; echo $?) $(vx export --listen '[::1]' >/dev/null 2>&1; echo $?)" "1 1"
kill -TERM "$EXPORTER"
wait "$EXPORTER"
t_eq prom_sigterm_exits_0 "$?" 0
