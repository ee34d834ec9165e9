// SPDX-License-Identifier: GPL-2.0
/*
 * The policy half of the real XDP program under BPF_PROG_TEST_RUN: rule
 * lists (first match wins), v4 and v6 allow-lists, the deny / rule / rate
 * drop reasons in the counters, per-source rate limits, disabled classes,
 * the per-slot verdict counters, and that traffic which is not VPN is
 * untouched.  Policies are written the way `vpnxdp policy apply` writes them
 * (vx_policy_install into the idle slot, then the switch).
 *
 * `test_policy_bpf --bench` also prints the "Done when" numbers of issue 4:
 * time to install a policy of 10,000 signatures and 100,000 prefixes, and
 * ns/packet under it against the default policy (one run each).
 *
 * Needs root: prints "SKIP bpf_policy: ..." without.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "vpnxdp.skel.h"
#include "core/names.h"
#include "core/counters.h"
#include "core/loader.h"
#include "pkt.h"
#include "policy/policy.h"
#include "policy/maps.h"

static struct vpnxdp_bpf *skel;
static int prog_fd, n_fail;
static __u32 live_slot, generation = 1;
static char why[1024];
static bool ok_now;

static void begin(void)
{
	why[0] = 0;
	ok_now = true;
}

static void expect(bool cond, const char *fmt, ...)
{
	va_list ap;

	if (cond || !ok_now)
		return;
	ok_now = false;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
}

static void result(const char *name)
{
	if (ok_now) {
		printf("PASS %s\n", name);
	} else {
		printf("FAIL %s: %s\n", name, why);
		n_fail++;
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Apply @text as `policy apply` does.  Returns 0 or an error. */
static int apply(const char *text)
{
	struct vx_policy pol;
	struct vx_diag d;
	char *json;
	__u32 idle = !live_slot;
	int err;

	vx_policy_init(&pol);
	if (vx_policy_parse_text(&pol, text, strlen(text), "test", &d)) {
		fprintf(stderr, "policy: %d:%d: %s\n", d.line, d.col, d.msg);
		vx_policy_free(&pol);
		return -EINVAL;
	}
	json = vx_policy_to_json(&pol, 0, false);
	err = json ? vx_policy_install(skel, idle, &pol, json) : -ENOMEM;
	if (!err)
		err = vx_slot_switch(skel, idle, ++generation);
	if (!err)
		live_slot = idle;
	free(json);
	vx_policy_free(&pol);
	return err;
}

static struct pkt_frame fr;

static void frame(enum pkt_kind k, int ipver, bool reply)
{
	fr.len = pkt_kind_frame(PKT_DATA(&fr), PKT_MAX, k, ipver, 0, reply);
}

/* Run the current frame @n times; returns how many were XDP_PASS (-1 on a
 * test-run error). */
static int run(int n)
{
	int passed = 0;

	for (int i = 0; i < n; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = PKT_DATA(&fr),
			    .data_size_in = (__u32)fr.len, .repeat = 1);

		if (bpf_prog_test_run_opts(prog_fd, &o))
			return -1;
		passed += o.retval == XDP_PASS;
	}
	return passed;
}

static struct vx_counters cnt0[VX_NCLASS], cnt1[VX_NCLASS];

static void snap(void)
{
	vx_counters_read(bpf_map__fd(skel->maps.vx_counters), cnt0);
}

/* Counter deltas of @cls since snap(). */
static struct vx_counters delta(int cls)
{
	struct vx_counters d;

	vx_counters_read(bpf_map__fd(skel->maps.vx_counters), cnt1);
	d.packets = cnt1[cls].packets - cnt0[cls].packets;
	d.dropped = cnt1[cls].dropped - cnt0[cls].dropped;
	d.drop_rule = cnt1[cls].drop_rule - cnt0[cls].drop_rule;
	d.drop_rate = cnt1[cls].drop_rate - cnt0[cls].drop_rate;
	d.drop_deny = cnt1[cls].drop_deny - cnt0[cls].drop_deny;
	return d;
}

/* One frame of @k from source a (request) or b (reply): passed or not,
 * and the counter deltas of @cls it must produce. */
static void check(const char *name, const char *policy, enum pkt_kind k,
		  int ipver, bool from_b, int cls, bool pass, __u64 pk,
		  __u64 rule, __u64 rate, __u64 deny)
{
	struct vx_counters d;
	int err = apply(policy), p;

	begin();
	expect(err == 0, "apply: %s", strerror(-err));
	frame(k, ipver, from_b);
	snap();
	p = run(1);
	d = delta(cls);
	expect(p == (pass ? 1 : 0), "verdict %s, want %s", p ? "pass" : "drop",
	       pass ? "pass" : "drop");
	expect(d.packets == pk && d.drop_rule == rule && d.drop_rate == rate &&
	       d.drop_deny == deny && d.dropped == rule + rate + deny,
	       "%s: packets %llu rule %llu rate %llu deny %llu dropped %llu, want %llu %llu %llu %llu",
	       vx_class_name((unsigned int)cls), (unsigned long long)d.packets,
	       (unsigned long long)d.drop_rule, (unsigned long long)d.drop_rate,
	       (unsigned long long)d.drop_deny, (unsigned long long)d.dropped,
	       (unsigned long long)pk, (unsigned long long)rule,
	       (unsigned long long)rate, (unsigned long long)deny);
	result(name);
}

static void test_rules(void)
{
	static const char allow4[] = "ike pass from 192.0.2.0/24\nike drop\n";
	static const char allow6[] = "ike count from 2001:db8::1/128\nike drop\n";

	/* source a = 192.0.2.1 / 2001:db8::1, source b = 198.51.100.2 / 2001:db8::2 */
	check("bpf_policy_allowlist_v4_allowed_source_passes", allow4, PKT_K_IKE, 4, false,
	      VX_C_IKE, true, 0, 0, 0, 0);
	check("bpf_policy_allowlist_v4_other_source_denied", allow4, PKT_K_IKE, 4, true,
	      VX_C_IKE, false, 1, 0, 0, 1);
	check("bpf_policy_allowlist_v6_allowed_source_counted", allow6, PKT_K_IKE, 6, false,
	      VX_C_IKE, true, 1, 0, 0, 0);
	check("bpf_policy_allowlist_v6_other_source_denied", allow6, PKT_K_IKE, 6, true,
	      VX_C_IKE, false, 1, 0, 0, 1);
	check("bpf_policy_v4_list_does_not_match_v6", allow4, PKT_K_IKE, 6, false,
	      VX_C_IKE, false, 1, 0, 0, 1);
	check("bpf_policy_drop_rule", "pptp drop\n", PKT_K_PPTP_CTRL, 4, false,
	      VX_C_PPTP, false, 1, 1, 0, 0);
	check("bpf_policy_drop_from_prefix_is_rule_not_deny",
	      "ike count from 198.51.100.0/24\nike drop from 192.0.2.0/24\n", PKT_K_IKE, 4,
	      false, VX_C_IKE, false, 1, 1, 0, 0);
	check("bpf_policy_first_match_wins",
	      "ike drop from 192.0.2.0/24\nike pass from 192.0.2.1\n", PKT_K_IKE, 4, false,
	      VX_C_IKE, false, 1, 1, 0, 0);
	check("bpf_policy_first_match_wins_longer_prefix_later",
	      "ike count from 192.0.2.0/24\nike drop from 192.0.2.1\n", PKT_K_IKE, 4, false,
	      VX_C_IKE, true, 1, 0, 0, 0);
	check("bpf_policy_no_matching_rule_counted_and_passed",
	      "ike drop from 203.0.113.0/24, 2001:db8:99::/48\n", PKT_K_IKE, 4, false,
	      VX_C_IKE, true, 1, 0, 0, 0);
	check("bpf_policy_pass_not_counted", "l2tp pass\n", PKT_K_L2TP, 4, false,
	      VX_C_L2TP, true, 0, 0, 0, 0);
	check("bpf_policy_class_disable_makes_other",
	      "wireguard disable\n", PKT_K_WG, 4, false, VX_C_OTHER, true, 1, 0, 0, 0);
	check("bpf_policy_signature_sstp_enabled",
	      "signature sstp tcp 443 enable\nsstp drop\n", PKT_K_SSTP, 4, false, VX_C_SSTP,
	      false, 1, 1, 0, 0);
	/* L2TP has no port-agnostic check: without its signature it is other. */
	check("bpf_policy_signature_removed_is_other",
	      "signature l2tp udp 1701 remove\nl2tp drop\n", PKT_K_L2TP, 6, false,
	      VX_C_L2TP, true, 0, 0, 0, 0);
	/* An OpenVPN hard reset is known by its bytes on any port: removing the
	 * port signature does not hide it (disabling the class would). */
	check("bpf_policy_signature_removed_payload_still_known",
	      "signature openvpn udp 1194 remove\nopenvpn drop\n", PKT_K_OVPN_UDP, 6, false,
	      VX_C_OPENVPN, false, 1, 1, 0, 0);
	check("bpf_policy_not_vpn_untouched_by_rules",
	      "wireguard drop\nike drop\npptp drop\n", PKT_K_DNS, 4, false, VX_C_OTHER, true,
	      1, 0, 0, 0);
	check("bpf_policy_class_action_line_still_works", "ike drop\n", PKT_K_IKE, 6, true,
	      VX_C_IKE, false, 1, 1, 0, 0);
	/* WARP is a class of its own: its rule drops it, WireGuard's does not */
	check("bpf_policy_warp_drop", "warp drop\n", PKT_K_WARP, 4, false, VX_C_WARP, false,
	      1, 1, 0, 0);
	check("bpf_policy_warp_drop_v6_reply", "warp drop\n", PKT_K_WARP, 6, true, VX_C_WARP,
	      false, 1, 1, 0, 0);
	check("bpf_policy_wireguard_drop_leaves_warp", "wireguard drop\n", PKT_K_WARP, 4, false,
	      VX_C_WARP, true, 1, 0, 0, 0);
	check("bpf_policy_warp_drop_leaves_wireguard", "warp drop\n", PKT_K_WG, 4, false,
	      VX_C_WIREGUARD, true, 1, 0, 0, 0);
}

static void test_rate(void)
{
	struct vx_counters d;
	int err = apply("wireguard count rate 1/s burst 3\n"), p;

	begin();
	expect(err == 0, "apply: %s", strerror(-err));
	frame(PKT_K_WG, 4, false);
	snap();
	p = run(10);
	d = delta(VX_C_WIREGUARD);
	/* 1/s: no token comes back within the milliseconds this takes */
	expect(p == 3, "%d of 10 passed, want the burst of 3", p);
	expect(d.packets == 10 && d.drop_rate == 7 && d.dropped == 7 && d.drop_rule == 0,
	       "packets %llu drop_rate %llu dropped %llu", (unsigned long long)d.packets,
	       (unsigned long long)d.drop_rate, (unsigned long long)d.dropped);
	/* another source has a bucket of its own */
	frame(PKT_K_WG, 4, true);
	p = run(3);
	expect(p == 3, "second source: %d of 3 passed", p);
	frame(PKT_K_WG, 6, false);
	p = run(4);
	expect(p == 3, "v6 source: %d of 4 passed, want 3", p);
	result("bpf_policy_rate_limit_per_source_burst");

	/* A rate limit behind an allow-list: only allowed sources are
	 * limited, the others are denied. */
	err = apply("ike count from 192.0.2.0/24 rate 1/s burst 2\nike drop\n");
	begin();
	expect(err == 0, "apply: %s", strerror(-err));
	frame(PKT_K_IKE, 4, false);
	snap();
	p = run(5);
	frame(PKT_K_IKE, 4, true);
	p += run(2) * 100;
	d = delta(VX_C_IKE);
	expect(p == 2, "passed %d, want 2 (burst) + 0*100 (denied)", p);
	expect(d.drop_rate == 3 && d.drop_deny == 2 && d.packets == 7,
	       "drop_rate %llu drop_deny %llu packets %llu", (unsigned long long)d.drop_rate,
	       (unsigned long long)d.drop_deny, (unsigned long long)d.packets);
	result("bpf_policy_rate_limit_behind_allowlist");
}

/* A slot's verdicts of class @cls (vx_counters.slot_verdict), summed over
 * the CPUs; ~0 if the map cannot be read. */
static __u64 slotstat(__u32 slot, __u32 cls, __u32 drop)
{
	int ncpu = libbpf_num_possible_cpus();
	struct vx_counters v[512];
	__u64 sum = 0;

	if (ncpu > 512 || bpf_map_lookup_elem(bpf_map__fd(skel->maps.vx_counters), &cls, v))
		return ~0ull;
	for (int c = 0; c < ncpu; c++)
		sum += v[c].slot_verdict[slot & 1][drop & 1];
	return sum;
}

/* Per-slot verdict counters follow the slot each packet read. */
static void test_slotstats(void)
{
	__u64 before, after;
	int ncpu = libbpf_num_possible_cpus(), err;

	err = apply("pptp drop\n");
	begin();
	expect(err == 0 && ncpu <= 512, "apply: %d", err);
	before = slotstat(live_slot, VX_C_PPTP, 1);
	frame(PKT_K_PPTP_CTRL, 6, true);
	expect(run(4) == 0, "pptp passed");
	after = slotstat(live_slot, VX_C_PPTP, 1);
	expect(before != ~0ull && after - before == 4,
	       "slot %u pptp drops +%llu, want +4", live_slot,
	       (unsigned long long)(after - before));
	result("bpf_policy_slot_verdict_counters");
}

static int compile_text(const char *t, struct vx_compiled *c)
{
	struct vx_policy pol;
	struct vx_diag d;
	int rc;

	vx_policy_init(&pol);
	rc = vx_policy_parse_text(&pol, t, strlen(t), "t", &d);
	vx_policy_compile(&pol, c);
	vx_policy_free(&pol);
	return rc;
}

/*
 * Negative control for the atomic-flip test of test_policy_push.sh: the two
 * policies it flips between judge a mixed slot (one policy's signatures with
 * the other's rules) as "pass", and the per-slot counters show it.  Here a
 * slot is torn on purpose, by writing the live slot in place (what
 * `policy apply` never does).
 */
static void test_torn_slot_visible(void)
{
	static const char a[] = "signature esp ip 99\nesp drop from 198.51.100.0/24\n";
	static const char b[] = "signature ah ip 99\nah drop from 198.51.100.0/24\n";
	static struct vx_compiled ca, cb, mixed;
	uint8_t l4[64];
	struct pkt_spec sp = { .ipver = 4, .proto = 99, .swap_addrs = true, .l4 = l4,
			       .l4len = sizeof(l4) };
	__u64 p0, d0;
	int err = apply(a);

	memset(l4, 0x41, sizeof(l4));
	fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &sp); /* from 198.51.100.2 */
	begin();
	expect(err == 0 && compile_text(a, &ca) == 0 && compile_text(b, &cb) == 0, "policies");
	p0 = slotstat(live_slot, VX_C_ESP, 0);
	d0 = slotstat(live_slot, VX_C_ESP, 1);
	expect(run(1) == 0, "whole policy A did not drop");
	expect(slotstat(live_slot, VX_C_ESP, 1) == d0 + 1, "drop not in slot counters");
	mixed = ca;
	memcpy(mixed.rules, cb.rules, sizeof(mixed.rules));
	err = vx_slot_write(skel, live_slot, &mixed);
	expect(err == 0, "write: %s", strerror(-err));
	expect(run(1) == 1, "torn slot (A signatures, B rules) did not pass");
	expect(slotstat(live_slot, VX_C_ESP, 0) == p0 + 1, "mixed verdict not seen as a pass");
	result("bpf_policy_torn_slot_shows_as_pass_in_slot_counters");
	apply("");
}

/* The stored canonical form reads back as what was applied. */
static void test_store(void)
{
	static const char t[] = "ike pass from 198.51.100.0/24\nike drop\nsignature openvpn udp 1195\n";
	struct vx_policy pol;
	struct vx_diag d;
	char *want, *got = NULL;
	int err = apply(t);

	vx_policy_init(&pol);
	vx_policy_parse_text(&pol, t, strlen(t), "t", &d);
	want = vx_policy_to_json(&pol, 0, false);
	begin();
	expect(err == 0, "apply");
	err = vx_store_read(skel, live_slot, &got);
	expect(err == 0 && got && strcmp(got, want) == 0, "stored '%s', want '%s'",
	       got ? got : "(none)", want);
	result("bpf_policy_stored_canonical_json");
	free(got);
	free(want);
	vx_policy_free(&pol);
}

/* 10,000 signatures and 100,000 prefixes: the "Done when" policy. */
static char *big_policy(void)
{
	size_t cap = 8u << 20, len = 0;
	char *t = malloc(cap);

	for (int i = 0; i < 10000; i++)
		len += (size_t)snprintf(t + len, cap - len, "signature lightway udp %d\n", 20000 + i);
	len += (size_t)snprintf(t + len, cap - len, "wireguard count from ");
	for (int i = 0; i < 89999; i++)
		len += (size_t)snprintf(t + len, cap - len, "10.%d.%d.%d/32, ", (i >> 16) & 255,
					(i >> 8) & 255, i & 255);
	for (int i = 0; i < 10000; i++)
		len += (size_t)snprintf(t + len, cap - len, "2001:db8:%x::/48, ", 0x100 + i);
	len += (size_t)snprintf(t + len, cap - len,
				"192.0.2.0/24 rate 1000000000/s burst 1000000000\nwireguard drop\n");
	return t;
}

/* Average ns/packet of the current frame over @repeat runs in the kernel. */
static double ns_per_packet(__u32 repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = PKT_DATA(&fr),
		    .data_size_in = (__u32)fr.len, .repeat = repeat);

	if (bpf_prog_test_run_opts(prog_fd, &o))
		return -1;
	return o.duration;
}

static void test_big(bool bench)
{
	char *t = big_policy();
	double t0, t1, vdef, vbig, odef, obig;
	struct vx_counters d;
	int err;

	err = apply("");
	frame(PKT_K_WG, 4, false);
	vdef = ns_per_packet(200000);
	frame(PKT_K_DNS, 4, false);
	odef = ns_per_packet(200000);
	t0 = now_s();
	err = err ? err : apply(t);
	t1 = now_s();
	frame(PKT_K_WG, 4, false);
	snap();
	begin();
	expect(err == 0, "apply: %s", strerror(-err));
	expect(run(1) == 1, "wireguard from 192.0.2.1 (last prefix) not passed");
	frame(PKT_K_WG, 4, true);
	expect(run(1) == 0, "wireguard from 198.51.100.2 not dropped");
	d = delta(VX_C_WIREGUARD);
	expect(d.packets == 2 && d.drop_deny == 1, "packets %llu deny %llu",
	       (unsigned long long)d.packets, (unsigned long long)d.drop_deny);
	result("bpf_policy_100000_prefixes_10000_signatures_applied_and_matched");
	frame(PKT_K_WG, 4, false);
	vbig = ns_per_packet(200000);
	frame(PKT_K_DNS, 4, false);
	obig = ns_per_packet(200000);
	if (bench) {
		static const char *const parts[] = {
			"wireguard count from 192.0.2.0/24\n",
			"wireguard count rate 1000000000/s burst 1000000000\n",
			"wireguard count from 192.0.2.0/24 rate 1000000000/s burst 1000000000\n",
		};

		printf("policy of 10000 signatures + 100000 prefixes: install + switch %.3f s\n",
		       t1 - t0);
		frame(PKT_K_WG, 4, false);
		for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
			apply(parts[i]);
			printf("ns/packet, wireguard, policy '%.*s': %.1f\n",
			       (int)strlen(parts[i]) - 1, parts[i], ns_per_packet(200000));
		}
		apply(t);
		printf("ns/packet, wireguard (allow-list hit + rate limit): default policy %.1f, "
		       "big policy %.1f (%.2fx)\n", vdef, vbig, vbig / vdef);
		printf("ns/packet, dns (not VPN): default policy %.1f, big policy %.1f (%.2fx)\n",
		       odef, obig, obig / odef);
	}
	free(t);
	apply("");
}

/* vx_config.norules of the live slot (-1 if unreadable). */
static int live_norules(void)
{
	struct vx_config cfg;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.vx_config), &zero, &cfg))
		return -1;
	return cfg.norules[live_slot & 1];
}

/*
 * vx_config.norules: set with the slot's rules, 1 only where no class has
 * a rule or is disabled; the fast path then counts a VPN packet without
 * reading vx_rules.  The last check is the positive control: a config
 * that says "no rules" over a slot whose rules drop ESP lets ESP pass, so
 * the byte is what the program goes by.
 */
static void test_norules(void)
{
	struct vx_config cfg;
	__u32 zero = 0;
	int cfd = bpf_map__fd(skel->maps.vx_config), p;

	check("bpf_policy_norules_default_counts", "", PKT_K_ESP, 4, false, VX_C_ESP,
	      true, 1, 0, 0, 0);
	begin();
	expect(live_norules() == 1, "default policy: norules %d, want 1", live_norules());
	result("bpf_policy_norules_set_without_rules");

	check("bpf_policy_norules_drop_rule_drops", "esp drop\n", PKT_K_ESP, 4, false,
	      VX_C_ESP, false, 1, 1, 0, 0);
	begin();
	expect(live_norules() == 0, "esp drop: norules %d, want 0", live_norules());
	result("bpf_policy_norules_clear_with_a_rule");

	check("bpf_policy_norules_disabled_class_is_other", "esp disable\n", PKT_K_ESP, 4,
	      false, VX_C_OTHER, true, 1, 0, 0, 0);
	begin();
	expect(live_norules() == 0, "esp disable: norules %d, want 0", live_norules());
	result("bpf_policy_norules_clear_with_a_disabled_class");

	begin();
	expect(apply("esp drop\n") == 0, "apply esp drop");
	expect(bpf_map_lookup_elem(cfd, &zero, &cfg) == 0, "read config");
	cfg.norules[live_slot & 1] = 1;
	expect(bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY) == 0, "write config");
	frame(PKT_K_ESP, 4, false);
	p = run(1);
	expect(p == 1, "ESP under `esp drop` with norules set: %s, want pass (the byte unread?)",
	       p ? "pass" : "drop");
	expect(apply("") == 0, "restore");
	result("bpf_policy_norules_is_what_the_fast_path_reads");
}

int main(int argc, char **argv)
{
	bool bench = argc > 1 && !strcmp(argv[1], "--bench");

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("SKIP bpf_policy: needs root for BPF_PROG_TEST_RUN\n");
		return 0;
	}
	libbpf_set_print(NULL);
	skel = vx_load(&(struct vx_load_opts){ 0 });
	if (!skel) {
		printf("FAIL bpf_policy_load: cannot load the program: %s\n", strerror(errno));
		return 1;
	}
	prog_fd = bpf_program__fd(skel->progs.vpnxdp_xdp);
	live_slot = 1; /* the first apply goes to slot 0 */
	if (!bench) {
		test_rules();
		test_rate();
		test_slotstats();
		test_store();
		test_torn_slot_visible();
		test_norules();
	}
	test_big(bench);
	vpnxdp_bpf__destroy(skel);
	return n_fail ? 1 : 0;
}
