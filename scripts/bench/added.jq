# SPDX-License-Identifier: GPL-2.0
#
# The cost a program adds on top of the XDP hook, from progbench compare's
# JSON (every program's ns_rounds, in round order; round r of every
# program ran on the same packet moments apart).
#
# The floor (the null XDP_PASS program) is the test-run harness, and it
# varies several times between machines, so a ratio to it hides what an
# operator pays.  What is compared instead, round by round:
#
#   added_r(P)  = ns_r(P) - ns_r(null)
#   ratio_r     = added_r(vpnxdp) / max(added_r(xdpfilt_port), $den_floor)
#
# and the median over rounds of each (a per-round ratio cancels most of
# the load a shared machine puts on one round; a ratio of medians keeps
# it).  The denominator floor: xdp-filter's port object adds well under
# 1 ns on some kinds (0.2 ns on ESP), within the noise of a round, where
# the quotient would be noise (or negative); below $den_floor ns it is
# taken as $den_floor, and how many rounds that happened in is reported.
# The same for the sum over kinds, per round (every kind ran in every
# round): the sum's ratio is the total vpnxdp adds over the total
# xdp-filter adds, not a mean of ratios.
#
# usage: include "added"; .cost | added(1.0)

def vx_median:
	sort | if length == 0 then null
	elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;

# Round by round: $num[r] / max($den[r], $f).  Rounds where either is
# missing are left out.
def vx_ratio_rounds($num; $den; $f):
	[range(0; [($num | length), ($den | length)] | min)
	 | select($num[.] != null and $den[.] != null)
	 | $num[.] / ([$den[.], $f] | max)];

def vx_ratio_stats($num; $den; $f):
	vx_ratio_rounds($num; $den; $f) as $q
	| if ($q | length) == 0 then {ratio: null, ratio_min: null, ratio_max: null, floored_rounds: null}
	  else {ratio: ($q | vx_median), ratio_min: ($q | min), ratio_max: ($q | max),
		floored_rounds: ([$den[] | select(. != null and . < $f)] | length)} end;

# One program's added ns per round on one packet kind (null where it or the
# floor has no result).
def vx_added_rounds($res; $prog):
	($res.null.ns_rounds // null) as $f | ($res[$prog].ns_rounds // null) as $p
	| if $f == null or $p == null or ($res[$prog].error // null) != null then null
	  else [range(0; [($f | length), ($p | length)] | min) | $p[.] - $f[.]] end;

def added($den_floor):
	(.programs // [] | map(.name) | map(select(. != "null"))) as $progs
	| [ (.packets // [])[] | .results as $r
	    | { name, bulk,
		rounds: ($progs | map({key: ., value: vx_added_rounds($r; .)}) | from_entries) } ] as $k
	| { denominator_floor_ns: $den_floor,
	    numerator: "vpnxdp", denominator: "xdpfilt_port",
	    kinds: [ $k[] | .rounds as $a
		| { name, bulk,
		    added_ns: ($a | with_entries(.value |= (if . == null then null else vx_median end))) }
		  + (if $a.vpnxdp == null or $a.xdpfilt_port == null then
			{ratio: null, ratio_min: null, ratio_max: null, floored_rounds: null}
		     else vx_ratio_stats($a.vpnxdp; $a.xdpfilt_port; $den_floor) end) ],
	    # Summed over the kinds both programs ran on, round by round.
	    summed: ([ $k[] | select(.rounds.vpnxdp != null and .rounds.xdpfilt_port != null) ] as $both
		| ($both | map(.rounds.vpnxdp)) as $v | ($both | map(.rounds.xdpfilt_port)) as $x
		| if ($both | length) == 0 then
			{kinds: 0, ratio: null, ratio_min: null, ratio_max: null, floored_rounds: null,
			 added_ns: {vpnxdp: null, xdpfilt_port: null}}
		  else
			([range(0; $v[0] | length) as $r | $v | map(.[$r]) | add]) as $vs
			| ([range(0; $x[0] | length) as $r | $x | map(.[$r]) | add]) as $xs
			| {kinds: ($both | length),
			   added_ns: {vpnxdp: ($vs | vx_median), xdpfilt_port: ($xs | vx_median)}}
			  + vx_ratio_stats($vs; $xs; $den_floor)
		  end) };
