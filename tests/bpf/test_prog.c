// SPDX-License-Identifier: GPL-2.0
/*
 * The real compiled XDP program (from the skeleton) under BPF_PROG_TEST_RUN:
 * crafted frames in, XDP verdict and per-CPU counters out.  Maps are filled
 * the way `vpnxdp attach` and `vpnxdp policy apply` fill them (compile,
 * write the idle slot, switch).
 *
 * Every frame run through the program is also classified in userspace with
 * the same headers (classify_user.h) and the two verdicts are compared
 * (differential test).
 *
 * Needs root (or CAP_BPF + CAP_NET_ADMIN): prints "SKIP bpf: ..." without.
 * One line per check: "PASS name" or "FAIL name: reason".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "vpnxdp.skel.h"
#include "classify_user.h"
#include "policy/maps.h"
#include "slotread.h"
#include "forget.h"
#include "core/loader.h"
#include "core/names.h"
#include "pkt.h"

/* ---------------------------------------------------------------- harness */

#include "check.h"

/* ------------------------------------------------------------ program */

static struct vpnxdp_bpf *skel;
static int prog_fd, ncpus;
static __u32 live_slot, generation;
static struct vx_compiled slot_comp[VX_NSLOTS]; /* what each slot holds */

/* Differential bookkeeping */
static unsigned long diff_n, diff_bad, runs_rejected;
static char diff_first[512];

static const char *cname(unsigned int c)
{
	return vx_class_name(c);
}

/* Write @c into the idle slot and make it live, as `policy apply` does. */
static int apply_compiled(const struct vx_compiled *c)
{
	__u32 slot = !(live_slot & 1);
	int err = vx_slot_write(skel, slot, c);

	if (!err)
		err = vx_slot_switch(skel, slot, ++generation);
	if (!err) {
		slot_comp[slot] = *c;
		live_slot = slot;
	}
	return err;
}

static struct vx_compiled tmp_comp;

static int apply_text(const char *text)
{
	struct vx_policy pol;
	struct vx_diag d;
	int err;

	vx_policy_init(&pol);
	err = vx_policy_parse_text(&pol, text, strlen(text), "test", &d);
	if (err) {
		fprintf(stderr, "policy text: %d:%d: %s\n", d.line, d.col, d.msg);
		vx_policy_free(&pol);
		return -EINVAL;
	}
	vx_policy_compile(&pol, &tmp_comp);
	vx_policy_free(&pol);
	return apply_compiled(&tmp_comp);
}

static const char all_drop_text[] =
	"wireguard drop\nopenvpn drop\nike drop\nesp drop\nah drop\n"
	"l2tp drop\npptp drop\nsstp drop\nlightway drop\n";

static int apply_defaults(void)
{
	return apply_text("");
}

struct ctr {
	__u64 packets, bytes, dropped, drop_rule, drop_rate, drop_deny;
	__u64 conf[VX_NCONF];
};

static int read_counters(struct ctr out[VX_MAX_CLASS])
{
	struct vx_counters *v = calloc((size_t)ncpus, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (__u32 k = 0; k < VX_MAX_CLASS; k++) {
		memset(&out[k], 0, sizeof(out[k]));
		if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.vx_counters), &k, v)) {
			free(v);
			return -errno;
		}
		for (int c = 0; c < ncpus; c++) {
			out[k].packets += v[c].packets;
			out[k].bytes += v[c].bytes;
			out[k].dropped += v[c].dropped;
			out[k].drop_rule += v[c].drop_rule;
			out[k].drop_rate += v[c].drop_rate;
			out[k].drop_deny += v[c].drop_deny;
			for (int f = 0; f < VX_NCONF; f++)
				out[k].conf[f] += v[c].conf[f];
		}
	}
	free(v);
	return 0;
}

/* What one run did. */
struct obs {
	int err;         /* test run error (negative errno) */
	__u32 ret;       /* XDP action */
	int nchanged;    /* counter rows that changed */
	unsigned int cls;/* the (first) row that changed */
	__u64 dpk, dby, ddr;
	struct ctr delta;  /* of that row */
};

static struct obs run_bpf(const uint8_t *frame, size_t len)
{
	struct ctr before[VX_MAX_CLASS], after[VX_MAX_CLASS];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = (__u32)len, .repeat = 1);
	struct obs o = { 0 };

	/* This suite judges packets one by one, like the cache-less
	 * userspace classifier it compares with: forget the flows and first
	 * fragments earlier frames left (tests/classify covers the caches). */
	if (vx_prog_forget(skel)) {
		o.err = -EIO;
		return o;
	}

	if (read_counters(before)) {
		o.err = -EIO;
		return o;
	}
	if (bpf_prog_test_run_opts(prog_fd, &opts)) {
		o.err = -errno;
		return o;
	}
	o.ret = opts.retval;
	if (read_counters(after)) {
		o.err = -EIO;
		return o;
	}
	for (unsigned int k = 0; k < VX_MAX_CLASS; k++) {
		if (memcmp(&before[k], &after[k], sizeof(before[k])) == 0)
			continue;
		if (!o.nchanged++) {
			o.cls = k;
			o.dpk = after[k].packets - before[k].packets;
			o.dby = after[k].bytes - before[k].bytes;
			o.ddr = after[k].dropped - before[k].dropped;
			o.delta.packets = o.dpk;
			o.delta.bytes = o.dby;
			o.delta.dropped = o.ddr;
			o.delta.drop_rule = after[k].drop_rule - before[k].drop_rule;
			o.delta.drop_rate = after[k].drop_rate - before[k].drop_rate;
			o.delta.drop_deny = after[k].drop_deny - before[k].drop_deny;
			for (int f = 0; f < VX_NCONF; f++)
				o.delta.conf[f] = after[k].conf[f] - before[k].conf[f];
		}
	}
	return o;
}

/* The userspace classifier on an exact-size copy of the frame (data at
 * 2 mod 4, as the kernel lays it out). */
static struct vx_verdict run_user(const struct vx_compiled *c,
				  const uint8_t *frame, size_t len)
{
	struct vx_env env = { .pol = c };
	uint8_t *m = malloc(len + 2);
	struct vx_pkt p = { 0 };
	struct vx_verdict v;

	if (!m)
		abort();
	memcpy(m + 2, frame, len);
	v = vx_classify(&env, &p, m + 2, m + 2 + len, 0);
	free(m);
	return v;
}

static int action_of(const struct vx_compiled *c, unsigned int cls)
{
	const struct vx_class_rules *r = &c->rules[cls % VX_MAX_CLASS];

	/* The policies of this suite are "CLASS ACTION" lines: one rule. */
	return VX_CLASS_IS_VPN(cls) && r->nrules ? r->rule[0].action : VX_ACT_COUNT;
}

/* Does the observation match "class @cls under action @act"?  Fills @buf
 * with the difference. */
static bool obs_matches_conf(const struct obs *o, size_t len, unsigned int cls,
			     int act, int conf, char *buf, size_t bl)
{
	__u32 want_ret = act == VX_ACT_DROP ? XDP_DROP : XDP_PASS;

	if (o->err) {
		snprintf(buf, bl, "test run failed: %s", strerror(-o->err));
		return false;
	}
	if (o->ret != want_ret) {
		snprintf(buf, bl, "XDP %u, want %u (%s %s)", o->ret, want_ret,
			 cname(cls), vx_action_names[act]);
		return false;
	}
	if (act == VX_ACT_PASS) {
		if (o->nchanged) {
			snprintf(buf, bl, "counted as %s though %s is pass",
				 cname(o->cls), cname(cls));
			return false;
		}
		return true;
	}
	if (o->nchanged != 1 || o->cls != cls) {
		snprintf(buf, bl, "%d counter rows changed, first %s; want %s",
			 o->nchanged, o->nchanged ? cname(o->cls) : "-", cname(cls));
		return false;
	}
	if (o->dpk != 1 || o->dby != len || o->ddr != (act == VX_ACT_DROP)) {
		snprintf(buf, bl, "%s: +%llu packets +%llu bytes +%llu dropped, want "
			 "+1 +%zu +%d", cname(cls), (unsigned long long)o->dpk,
			 (unsigned long long)o->dby, (unsigned long long)o->ddr, len,
			 act == VX_ACT_DROP);
		return false;
	}
	if (o->delta.drop_rule != (act == VX_ACT_DROP) || o->delta.drop_rate ||
	    o->delta.drop_deny) {
		snprintf(buf, bl, "%s: drop reasons +%llu rule +%llu rate +%llu deny, "
			 "want +%d rule only", cname(cls),
			 (unsigned long long)o->delta.drop_rule,
			 (unsigned long long)o->delta.drop_rate,
			 (unsigned long long)o->delta.drop_deny, act == VX_ACT_DROP);
		return false;
	}
	if (conf >= 0) {
		for (int f = 0; f < VX_NCONF; f++) {
			if (o->delta.conf[f] != (f == conf)) {
				snprintf(buf, bl, "%s: confidence %d +%llu, want the "
					 "packet under confidence %d", cname(cls), f,
					 (unsigned long long)o->delta.conf[f], conf);
				return false;
			}
		}
	}
	return true;
}

static bool obs_matches(const struct obs *o, size_t len, unsigned int cls, int act,
			char *buf, size_t bl)
{
	return obs_matches_conf(o, len, cls, act, -1, buf, bl);
}

/*
 * Run @frame through the program and compare with the userspace
 * classifier (differential).  Returns the observation; *@ucls gets the
 * userspace class.  Frames shorter than an Ethernet header cannot be run
 * (the kernel refuses them) and are only classified in userspace.
 */
static struct obs run_both(const char *ctx, const uint8_t *frame, size_t len,
			   unsigned int *ucls)
{
	const struct vx_compiled *c = &slot_comp[live_slot];
	struct vx_verdict uv = run_user(c, frame, len);
	struct obs o;
	char buf[256];

	*ucls = uv.cls;
	o = run_bpf(frame, len);
	if (len < 14 && o.err == -EINVAL) {
		runs_rejected++;
		return o;
	}
	diff_n++;
	if (!obs_matches_conf(&o, len, uv.cls, action_of(c, uv.cls), uv.conf, buf,
			      sizeof(buf))) {
		if (!diff_bad++)
			snprintf(diff_first, sizeof(diff_first),
				 "%s (len %zu): userspace says %s, BPF: %s", ctx, len,
				 cname(uv.cls), buf);
	}
	return o;
}

/* Expect @frame to be class @cls under the live policy, in BPF (and the
 * userspace classifier to agree). */
static void expect_class(const char *ctx, const uint8_t *frame, size_t len,
			 unsigned int cls)
{
	unsigned int ucls;
	struct obs o = run_both(ctx, frame, len, &ucls);
	char buf[256];

	if (len < 14 && o.err == -EINVAL) {
		expect(ucls == cls, "%s: userspace class %s, want %s", ctx,
		       cname(ucls), cname(cls));
		return;
	}
	if (!obs_matches(&o, len, cls, action_of(&slot_comp[live_slot], cls), buf,
			 sizeof(buf)))
		expect(false, "%s: %s", ctx, buf);
	expect(ucls == cls, "%s: userspace class %s, want %s", ctx, cname(ucls),
	       cname(cls));
}

/* ------------------------------------------------------------------ data */

#include "kind_class.h"

static struct pkt_frame fr;

static size_t kframe(enum pkt_kind k, int ipver, int vlans, bool reply)
{
	fr.len = pkt_kind_frame(PKT_DATA(&fr), PKT_MAX, k, ipver, vlans, reply);
	return fr.len;
}

/* ------------------------------------------------------------------ tests */

static void test_default_signatures(void)
{
	char ctx[128];

	for (int k = 0; k < PKT_K_NKIND; k++) {
		for (int reply = 0; reply < 2; reply++) {
			begin();
			for (int ipver = 4; ipver <= 6; ipver += 2) {
				for (int vl = 0; vl <= 2; vl++) {
					snprintf(ctx, sizeof(ctx), "v%d vlans %d", ipver, vl);
					kframe(k, ipver, vl, reply);
					expect_class(ctx, PKT_DATA(&fr), fr.len, kind_class[k]);
				}
			}
			result(ok_now, why, "bpf_default_%s_%s_v4_v6_vlan0_1_2",
			       pkt_kinds[k].name, reply ? "reply_sport" : "request_dport");
		}
	}
}

/* Representative kinds per VPN class for the action tests. */
static const enum pkt_kind action_kinds[] = {
	PKT_K_WG, PKT_K_OVPN_UDP, PKT_K_OVPN_TCP, PKT_K_IKE, PKT_K_NATT_KA,
	PKT_K_NATT_ESP, PKT_K_ESP, PKT_K_AH, PKT_K_L2TP, PKT_K_PPTP_CTRL,
	PKT_K_GRE_PPTP,
};

static void test_actions(void)
{
	char text[64], ctx[160];

	for (size_t i = 0; i < sizeof(action_kinds) / sizeof(action_kinds[0]); i++) {
		enum pkt_kind k = action_kinds[i];
		unsigned int cls = kind_class[k];

		for (int act = 0; act < VX_NACTION; act++) {
			int err;

			snprintf(text, sizeof(text), "%s %s\n", cname(cls),
				 vx_action_names[act]);
			err = apply_text(text);
			begin();
			expect(err == 0, "apply '%s': %s", text, strerror(-err));
			for (int ipver = 4; ipver <= 6; ipver += 2) {
				for (int reply = 0; reply < 2; reply++) {
					const struct vx_compiled *c = &slot_comp[live_slot];
					struct obs o;
					unsigned int uc;
					char buf[256];
					int vl = reply + ipver / 6;

					snprintf(ctx, sizeof(ctx), "v%d vlans %d %s", ipver, vl,
						 reply ? "reply" : "request");
					kframe(k, ipver, vl, reply);
					o = run_both(ctx, PKT_DATA(&fr), fr.len, &uc);
					expect(action_of(c, cls) == act, "compiled action %d",
					       action_of(c, cls));
					if (!obs_matches(&o, fr.len, cls, act, buf, sizeof(buf)))
						expect(false, "%s: %s", ctx, buf);
				}
			}
			/* Other classes and non-VPN keep counting */
			kframe(k == PKT_K_WG ? PKT_K_L2TP : PKT_K_WG, 4, 0, false);
			expect_class("other VPN class", PKT_DATA(&fr), fr.len,
				     k == PKT_K_WG ? VX_C_L2TP : VX_C_WIREGUARD);
			kframe(PKT_K_DNS, 6, 1, false);
			expect_class("dns", PKT_DATA(&fr), fr.len, VX_C_OTHER);
			result(ok_now, why, "bpf_action_%s_%s_via_%s", cname(cls),
			       vx_action_names[act], pkt_kinds[k].name);
		}
	}
	begin();
	expect(apply_defaults() == 0, "apply defaults");
	result(ok_now, why, "bpf_apply_default_policy_again");
}

static void test_fail_open(void)
{
	static struct vx_compiled evil;
	static const uint8_t fr_hdr[] = { PKT_P_FRAGMENT };
	uint8_t l4[1024];
	char ctx[128];

	for (int pass = 0; pass < 2; pass++) {
		int err;

		if (pass == 0) {
			err = apply_text(all_drop_text);
		} else {
			/* maps that say drop for other and fragment (no compile
			 * would write that): the program itself must not drop */
			evil = slot_comp[live_slot];
			evil.rules[VX_C_OTHER].nrules = 1;
			evil.rules[VX_C_OTHER].rule[0].action = VX_ACT_DROP;
			evil.rules[VX_C_FRAGMENT] = evil.rules[VX_C_OTHER];
			for (int c = VX_NCLASS; c < VX_MAX_CLASS; c++)
				evil.rules[c] = evil.rules[VX_C_OTHER];
			err = apply_compiled(&evil);
		}
		begin();
		expect(err == 0, "apply: %s", strerror(-err));
		for (int ipver = 4; ipver <= 6; ipver += 2) {
			for (int vl = 0; vl <= 2; vl++) {
				struct pkt_spec s = { .ipver = ipver, .vlans = vl,
						      .proto = PKT_P_UDP, .l4 = l4,
						      .frag_offset = 100, .frag_id = 5 };

				snprintf(ctx, sizeof(ctx), "v%d vlans %d", ipver, vl);
				kframe(PKT_K_DNS, ipver, vl, false);
				expect_class(ctx, PKT_DATA(&fr), fr.len, VX_C_OTHER);
				kframe(PKT_K_GRE_V0, ipver, vl, false);
				expect_class(ctx, PKT_DATA(&fr), fr.len, VX_C_OTHER);
				kframe(PKT_K_SSTP, ipver, vl, true);
				expect_class(ctx, PKT_DATA(&fr), fr.len, VX_C_OTHER);
				/* later fragment of a WireGuard datagram */
				if (ipver == 6) {
					s.ext = fr_hdr;
					s.n_ext = 1;
				}
				s.l4len = pkt_kind_l4(l4, PKT_K_WG, false);
				fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
				expect_class(ctx, PKT_DATA(&fr), fr.len, VX_C_FRAGMENT);
				/* VPN still dropped */
				kframe(PKT_K_WG, ipver, vl, false);
				expect_class(ctx, PKT_DATA(&fr), fr.len, VX_C_WIREGUARD);
			}
		}
		{
			struct pkt_spec s = { .ethertype = PKT_ETH_ARP, .l4 = l4 };

			s.l4len = pkt_arp(l4);
			fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
			expect_class("arp", PKT_DATA(&fr), fr.len, VX_C_OTHER);
		}
		expect(action_of(&slot_comp[live_slot], VX_C_WIREGUARD) == VX_ACT_DROP,
		       "wireguard not drop in the policy");
		result(ok_now, why, pass ? "bpf_other_fragment_passed_even_if_maps_say_drop"
					 : "bpf_all_vpn_drop_never_drops_other_or_fragment");
	}
	begin();
	expect(apply_defaults() == 0, "apply defaults");
	result(ok_now, why, "bpf_apply_default_policy_after_fail_open");
}

static void test_natt_gre(void)
{
	uint8_t l4[1024], pl[64];
	char ctx[128];
	static const struct {
		const char *name;
		size_t n;
		uint8_t first;
		unsigned int cls;
	} natt[] = {
		/* n 0: the non-ESP marker and a 28-byte ISAKMP header */
		{ "zero_marker_ike", 0, 0x00, VX_C_IKE },
		{ "lone_ff_keepalive_ike", 1, 0xff, VX_C_IKE },
		{ "spi_esp", 8, 0x11, VX_C_ESP },
	};

	for (size_t i = 0; i < sizeof(natt) / sizeof(natt[0]); i++) {
		begin();
		for (int ipver = 4; ipver <= 6; ipver += 2) {
			for (int vl = 0; vl <= 2; vl++) {
				for (int reply = 0; reply < 2; reply++) {
					struct pkt_spec s = { .ipver = ipver, .vlans = vl,
							      .proto = PKT_P_UDP,
							      .l4 = l4, .pad_to = 60,
							      .pad_byte = 0x33 };

					size_t n = natt[i].n;

					memset(pl, natt[i].first, sizeof(pl));
					if (!n)
						n = pkt_natt_ike(pl, 28);
					s.l4len = pkt_udp(l4, reply ? 4500 : 40000,
							  reply ? 40000 : 4500, pl, n);
					fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
					snprintf(ctx, sizeof(ctx), "v%d vlans %d %s", ipver,
						 vl, reply ? "reply" : "request");
					expect_class(ctx, PKT_DATA(&fr), fr.len, natt[i].cls);
				}
			}
		}
		result(ok_now, why, "bpf_udp4500_%s_padded_frames", natt[i].name);
	}

	begin();
	for (int ipver = 4; ipver <= 6; ipver += 2) {
		for (int vl = 0; vl <= 2; vl++) {
			snprintf(ctx, sizeof(ctx), "v%d vlans %d", ipver, vl);
			kframe(PKT_K_GRE_PPTP, ipver, vl, vl & 1);
			expect_class(ctx, PKT_DATA(&fr), fr.len, VX_C_PPTP);
		}
	}
	result(ok_now, why, "bpf_gre_v1_key_880b_is_pptp");
	begin();
	for (int ipver = 4; ipver <= 6; ipver += 2) {
		for (int vl = 0; vl <= 2; vl++) {
			struct pkt_spec s = { .ipver = ipver, .vlans = vl,
					      .proto = PKT_P_GRE, .l4 = l4 };

			snprintf(ctx, sizeof(ctx), "v%d vlans %d", ipver, vl);
			kframe(PKT_K_GRE_V0, ipver, vl, false);
			expect_class(ctx, PKT_DATA(&fr), fr.len, VX_C_OTHER);
			/* v1 without the key bit, v1 with key but IPv4 inside */
			s.l4len = pkt_gre(l4, 1, false, 0, true, 1, 0x880b, pl, 20);
			fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
			expect_class(ctx, PKT_DATA(&fr), fr.len, VX_C_OTHER);
			s.l4len = pkt_gre(l4, 1, true, 20, false, 0, 0x0800, pl, 20);
			fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
			expect_class(ctx, PKT_DATA(&fr), fr.len, VX_C_OTHER);
		}
	}
	result(ok_now, why, "bpf_gre_not_pptp_is_other");
}

/* Transports vpnxdp does not parse (ICMP, ICMPv6, and a protocol with
 * no header at all): "other" by default, and the class an IP-protocol
 * signature gives them (port-only: nothing to check) when policy adds one.
 * The XDP program judges these on its fast path. */
static void test_other_protocols(void)
{
	static const uint8_t echo[8] = { 8, 0, 0xf7, 0xff, 0, 1, 0, 1 };
	char ctx[128];

	for (int pol = 0; pol < 2; pol++) {
		unsigned int want = pol ? VX_C_L2TP : VX_C_OTHER;

		begin();
		expect((pol ? apply_text("signature l2tp ip 1\n"
					 "signature l2tp ip 58\n"
					 "signature l2tp ip 253\n")
			    : apply_defaults()) == 0, "apply policy");
		for (int ipver = 4; ipver <= 6; ipver += 2) {
			for (int vl = 0; vl <= 2; vl++) {
				struct pkt_spec s = { .ipver = ipver, .vlans = vl,
						      .proto = ipver == 4 ? 1 : PKT_P_ICMPV6,
						      .l4 = echo, .l4len = sizeof(echo) };

				snprintf(ctx, sizeof(ctx), "icmp v%d vlans %d", ipver, vl);
				fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
				expect_class(ctx, PKT_DATA(&fr), fr.len, want);
				/* protocol 253 (RFC 3692), empty over IPv4 (over
				 * IPv6 a payload length of 0 is a jumbogram, which
				 * the parser refuses: one byte there) */
				s.proto = 253;
				s.l4len = ipver == 4 ? 0 : 1;
				snprintf(ctx, sizeof(ctx), "proto 253 %zu bytes v%d vlans %d",
					 s.l4len, ipver, vl);
				fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
				expect_class(ctx, PKT_DATA(&fr), fr.len, want);
			}
		}
		result(ok_now, why, pol ? "bpf_icmp_and_unparsed_protocols_take_an_ip_signature"
					: "bpf_icmp_and_unparsed_protocols_are_other");
	}
	expect(apply_defaults() == 0, "apply defaults");
}

static void test_fragments(void)
{
	static const uint8_t frh[] = { PKT_P_FRAGMENT };
	uint8_t l4[1024];
	char ctx[128];

	for (int drop = 0; drop < 2; drop++) {
		int err = drop ? apply_text(all_drop_text) : apply_defaults();

		for (int ipver = 4; ipver <= 6; ipver += 2) {
			struct pkt_spec s = { .ipver = ipver, .proto = PKT_P_UDP,
					      .l4 = l4, .frag_id = 0x77 };

			if (ipver == 6) {
				s.ext = frh;
				s.n_ext = 1;
			}
			/* first fragment: MF, offset 0, UDP header present */
			begin();
			expect(err == 0, "apply: %s", strerror(-err));
			for (int vl = 0; vl <= 2; vl++) {
				s.vlans = vl;
				s.frag_mf = true;
				s.frag_offset = 0;
				pkt_kind_l4(l4, PKT_K_WG, false);
				s.l4len = 8 + 40;
				fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
				snprintf(ctx, sizeof(ctx), "wireguard vlans %d", vl);
				expect_class(ctx, PKT_DATA(&fr), fr.len, VX_C_WIREGUARD);
				pkt_kind_l4(l4, PKT_K_NATT_ESP, true);
				s.l4len = 8 + 16;
				fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
				snprintf(ctx, sizeof(ctx), "esp-in-udp reply vlans %d", vl);
				expect_class(ctx, PKT_DATA(&fr), fr.len, VX_C_ESP);
			}
			result(ok_now, why, "bpf_v%d_first_fragment_by_port%s", ipver,
			       drop ? "_dropped_under_drop_policy" : "");

			/* later fragments: offset > 0, MF set or not */
			begin();
			for (int vl = 0; vl <= 2; vl++) {
				for (int mf = 0; mf < 2; mf++) {
					s.vlans = vl;
					s.frag_mf = mf;
					s.frag_offset = 6;
					pkt_kind_l4(l4, PKT_K_WG, false);
					s.l4len = 100;
					fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
					snprintf(ctx, sizeof(ctx), "vlans %d mf %d", vl, mf);
					expect_class(ctx, PKT_DATA(&fr), fr.len, VX_C_FRAGMENT);
				}
			}
			s.frag_mf = false;
			s.frag_offset = 0;
			result(ok_now, why, "bpf_v%d_later_fragment_is_fragment_passed%s",
			       ipver, drop ? "_under_drop_policy" : "");
		}
	}
	begin();
	expect(apply_defaults() == 0, "apply defaults");
	result(ok_now, why, "bpf_apply_default_policy_after_fragments");
}

static void test_ipv6_ext(void)
{
	static const uint8_t chain3[] = { PKT_P_HOPOPTS, PKT_P_ROUTING, PKT_P_DSTOPTS };
	uint8_t longc[PKT_MAX_EXT], l4[1024];
	char ctx[128];
	int err = apply_defaults();

	begin();
	expect(err == 0, "apply");
	for (int vl = 0; vl <= 2; vl++) {
		for (int el = 0; el <= 1; el++) {
			struct pkt_spec s = { .ipver = 6, .vlans = vl, .proto = PKT_P_UDP,
					      .l4 = l4, .ext = chain3, .n_ext = 3,
					      .ext_len8 = (uint8_t)el };

			s.l4len = pkt_kind_l4(l4, PKT_K_WG, el);
			fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
			snprintf(ctx, sizeof(ctx), "vlans %d exthdr len %d", vl, (el + 1) * 8);
			expect_class(ctx, PKT_DATA(&fr), fr.len, VX_C_WIREGUARD);
		}
	}
	result(ok_now, why, "bpf_v6_hbh_routing_dstopts_udp51820_wireguard");

	for (int pol = 0; pol < 2; pol++) {
		err = pol ? apply_text(all_drop_text) : apply_defaults();
		for (int n = VX_MAX_EXTHDRS - 1; n <= VX_MAX_EXTHDRS + 3; n++) {
			struct pkt_spec s = { .ipver = 6, .proto = PKT_P_UDP, .l4 = l4,
					      .ext = longc, .n_ext = n, .vlans = n % 3 };
			unsigned int want = n <= VX_MAX_EXTHDRS ? VX_C_WIREGUARD
								: VX_C_OTHER;

			for (int i = 0; i < n; i++)
				longc[i] = i == 0 ? PKT_P_HOPOPTS : PKT_P_DSTOPTS;
			s.l4len = pkt_kind_l4(l4, PKT_K_WG, false);
			fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
			begin();
			expect(err == 0, "apply");
			snprintf(ctx, sizeof(ctx), "%d extension headers, VX_MAX_EXTHDRS %d",
				 n, VX_MAX_EXTHDRS);
			expect_class(ctx, PKT_DATA(&fr), fr.len, want);
			result(ok_now, why, "bpf_v6_chain_of_%d_exthdrs_%s%s", n,
			       want == VX_C_OTHER ? "beyond_limit_other_passed"
						  : "within_limit_wireguard",
			       pol ? "_drop_policy" : "");
		}
	}
	begin();
	expect(apply_defaults() == 0, "apply defaults");
	result(ok_now, why, "bpf_apply_default_policy_after_exthdrs");
}

/* Truncate valid frames at every length: never VPN, never dropped. */
static void test_truncation(void)
{
	int err = apply_text(all_drop_text);

	for (int k = 0; k < PKT_K_NKIND; k++) {
		for (int ipver = 4; ipver <= 6; ipver += 2) {
			int vl = (k + ipver / 2) % 3;
			size_t full = kframe(k, ipver, vl, k & 1);
			unsigned long bad = 0, ran = 0;
			char first[400] = "";

			for (size_t len = 0; len < full; len++) {
				unsigned int uc;
				struct obs o = run_both("truncation", PKT_DATA(&fr), len, &uc);
				char buf[256];

				if (len < 14 && o.err == -EINVAL) {
					if (uc != VX_C_OTHER && !bad++)
						snprintf(first, sizeof(first),
							 "len %zu: userspace %s", len,
							 cname(uc));
					continue;
				}
				ran++;
				if (uc != VX_C_OTHER ||
				    !obs_matches(&o, len, VX_C_OTHER, VX_ACT_COUNT, buf,
						 sizeof(buf))) {
					if (!bad++)
						snprintf(first, sizeof(first),
							 "len %zu: userspace %s, BPF %s", len,
							 cname(uc), buf);
				}
			}
			/* and the whole frame is still the VPN it was, dropped */
			{
				unsigned int uc;
				struct obs o = run_both("full", PKT_DATA(&fr), full, &uc);
				char buf[256];
				int act = action_of(&slot_comp[live_slot], kind_class[k]);

				if (!obs_matches(&o, full, kind_class[k], act, buf, sizeof(buf)) &&
				    !bad++)
					snprintf(first, sizeof(first), "full length: %s", buf);
			}
			begin();
			expect(err == 0, "apply");
			expect(ran > 0 && bad == 0, "%lu of %zu lengths wrong, first %s", bad,
			       full, first);
			result(ok_now, why,
			       "bpf_truncate_%s_v%d_vlan%d_every_length_0_to_%zu_never_vpn",
			       pkt_kinds[k].name, ipver, vl, full - 1);
		}
	}
}

static void mal_wg(struct pkt_spec *s, uint8_t *l4)
{
	s->proto = PKT_P_UDP;
	s->l4len = pkt_kind_l4(l4, PKT_K_WG, false);
}

static void test_malformed(void)
{
	uint8_t l4[1024], pl[256];
	char ctx[160];
	int err = apply_text(all_drop_text);

	struct mcase {
		const char *name;
		int ipver;
		int what;
	};
	enum {
		M_IHL4, M_IHL0, M_TOT_GT_FRAME, M_TOT_LT_IHL, M_UDP_LEN7, M_UDP_LEN0,
		M_UDP_LEN_GT, M_TCP_DOFF4, M_TCP_DOFF0, M_PLEN0, M_PLEN_GT, M_ARP,
		M_3VLAN, M_TINY_FRAG,
	};
	static const struct mcase mc[] = {
		{ "ip4_ihl_4", 4, M_IHL4 },
		{ "ip4_ihl_0", 4, M_IHL0 },
		{ "ip4_tot_len_past_frame", 4, M_TOT_GT_FRAME },
		{ "ip4_tot_len_lt_ihl_times_4", 4, M_TOT_LT_IHL },
		{ "ip4_udp_len_7", 4, M_UDP_LEN7 },
		{ "ip4_udp_len_0", 4, M_UDP_LEN0 },
		{ "ip4_udp_len_past_ip_payload", 4, M_UDP_LEN_GT },
		{ "ip4_tcp_doff_4", 4, M_TCP_DOFF4 },
		{ "ip4_tcp_doff_0", 4, M_TCP_DOFF0 },
		{ "ip6_udp_len_7", 6, M_UDP_LEN7 },
		{ "ip6_udp_len_past_ip_payload", 6, M_UDP_LEN_GT },
		{ "ip6_tcp_doff_4", 6, M_TCP_DOFF4 },
		{ "ip6_payload_len_0", 6, M_PLEN0 },
		{ "ip6_payload_len_past_frame", 6, M_PLEN_GT },
		{ "arp_not_ip", 0, M_ARP },
		{ "three_vlan_tags_ip4", 4, M_3VLAN },
		{ "three_vlan_tags_ip6", 6, M_3VLAN },
		{ "ip4_tiny_first_fragment_padding", 4, M_TINY_FRAG },
		{ "ip6_tiny_first_fragment_padding", 6, M_TINY_FRAG },
	};

	for (size_t i = 0; i < sizeof(mc) / sizeof(mc[0]); i++) {
		begin();
		expect(err == 0, "apply");
		for (int vl = 0; vl <= 2; vl++) {
			static const uint8_t frh[] = { PKT_P_FRAGMENT };
			struct pkt_spec s = { .ipver = mc[i].ipver, .vlans = vl, .l4 = l4 };
			size_t n;

			switch (mc[i].what) {
			case M_IHL4:
			case M_IHL0:
				mal_wg(&s, l4);
				s.set_ihl = true;
				s.ihl = mc[i].what == M_IHL4 ? 4 : 0;
				break;
			case M_TOT_GT_FRAME:
				mal_wg(&s, l4);
				s.set_tot_len = true;
				s.tot_len = (uint16_t)(20 + s.l4len + 1);
				break;
			case M_TOT_LT_IHL:
				mal_wg(&s, l4);
				s.set_tot_len = true;
				s.tot_len = 16;
				break;
			case M_UDP_LEN7:
			case M_UDP_LEN0:
			case M_UDP_LEN_GT:
				mal_wg(&s, l4);
				pkt_put16(l4 + 4, mc[i].what == M_UDP_LEN7 ? 7
						  : mc[i].what == M_UDP_LEN0 ? 0
						  : (uint16_t)(s.l4len + 1));
				break;
			case M_TCP_DOFF4:
			case M_TCP_DOFF0:
				n = pkt_pptp_ctrl(pl);
				s.proto = PKT_P_TCP;
				s.l4len = pkt_tcp(l4, 40000, 1723, PKT_TCP_ACK | PKT_TCP_PSH, 0,
						  pl, n);
				l4[12] = mc[i].what == M_TCP_DOFF4 ? 4 << 4 : 0;
				break;
			case M_PLEN0:
			case M_PLEN_GT:
				mal_wg(&s, l4);
				s.set_plen = true;
				s.plen = mc[i].what == M_PLEN0 ? 0 : (uint16_t)(s.l4len + 1);
				break;
			case M_ARP:
				s.ethertype = PKT_ETH_ARP;
				s.l4len = pkt_arp(l4);
				break;
			case M_3VLAN:
				mal_wg(&s, l4);
				s.vlans = 3 + vl; /* 3, 4, 5 tags */
				break;
			case M_TINY_FRAG:
				/* 4 bytes of UDP header (ports to 4500) in a first
				 * fragment, the frame padded behind it */
				s.proto = PKT_P_UDP;
				pkt_put16(l4, 40000);
				pkt_put16(l4 + 2, 4500);
				s.l4len = 4;
				s.frag_mf = true;
				s.pad_to = 96;
				s.pad_byte = 0x5a;
				if (s.ipver == 6) {
					s.ext = frh;
					s.n_ext = 1;
				}
				break;
			}
			fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
			snprintf(ctx, sizeof(ctx), "vlans %d", s.vlans);
			expect_class(ctx, PKT_DATA(&fr), fr.len, VX_C_OTHER);
		}
		result(ok_now, why, "bpf_malformed_%s_other_passed_under_drop_policy",
		       mc[i].name);
	}
	begin();
	expect(apply_defaults() == 0, "apply defaults");
	result(ok_now, why, "bpf_apply_default_policy_after_malformed");
}

/* The atomic slot switch: verdicts follow the live slot, the idle slot is
 * untouched by the switch. */
static void test_slot_switch(void)
{
	static struct vx_compiled c1, rd;
	struct vx_policy pol;
	struct vx_diag d;
	struct vx_config cfg;
	__u32 zero = 0;
	int err;

	/* slot 0: defaults, live (first make slot 1 live so that slot 0 is
	 * idle while it is written) */
	if (live_slot == 0 && apply_defaults() != 0)
		diff_bad++;
	vx_policy_init(&pol);
	vx_policy_compile(&pol, &slot_comp[0]);
	err = vx_slot_write(skel, 0, &slot_comp[0]);
	if (!err)
		err = vx_slot_switch(skel, 0, ++generation);
	live_slot = 0;
	begin();
	expect(err == 0, "slot 0 write/switch: %s", strerror(-err));
	kframe(PKT_K_WG, 4, 0, false);
	expect_class("slot 0 wireguard", PKT_DATA(&fr), fr.len, VX_C_WIREGUARD);
	kframe(PKT_K_PPTP_CTRL, 6, 1, false);
	expect_class("slot 0 pptp", PKT_DATA(&fr), fr.len, VX_C_PPTP);
	result(ok_now, why, "bpf_slot0_defaults_live");

	/* slot 1: wireguard drop, pptp pass; written while slot 0 is live */
	err = vx_policy_parse_text(&pol, "wireguard drop\npptp pass\n",
				   strlen("wireguard drop\npptp pass\n"), "s1", &d);
	vx_policy_compile(&pol, &c1);
	vx_policy_free(&pol);
	begin();
	expect(err == 0, "parse: %s", d.msg);
	err = vx_slot_write(skel, 1, &c1);
	expect(err == 0, "slot 1 write: %s", strerror(-err));
	slot_comp[1] = c1;
	/* still slot 0 until the switch */
	kframe(PKT_K_WG, 4, 0, false);
	expect_class("before switch", PKT_DATA(&fr), fr.len, VX_C_WIREGUARD);
	{
		unsigned int uc;
		struct obs o = run_both("before switch", PKT_DATA(&fr), fr.len, &uc);

		expect(o.ret == XDP_PASS, "wireguard dropped before the switch");
	}
	result(ok_now, why, "bpf_slot1_written_not_live_before_switch");

	err = vx_slot_switch(skel, 1, ++generation);
	live_slot = 1;
	begin();
	expect(err == 0, "switch: %s", strerror(-err));
	expect(bpf_map_lookup_elem(bpf_map__fd(skel->maps.vx_config), &zero, &cfg) == 0 &&
	       cfg.slot == 1 && cfg.generation == generation,
	       "config slot %u generation %u", cfg.slot, cfg.generation);
	for (int ipver = 4; ipver <= 6; ipver += 2) {
		for (int reply = 0; reply < 2; reply++) {
			struct obs o;
			unsigned int uc;
			char buf[256];

			kframe(PKT_K_WG, ipver, reply, reply);
			o = run_both("slot 1 wireguard", PKT_DATA(&fr), fr.len, &uc);
			if (!obs_matches(&o, fr.len, VX_C_WIREGUARD, VX_ACT_DROP, buf,
					 sizeof(buf)))
				expect(false, "slot 1 wireguard v%d: %s", ipver, buf);
			kframe(PKT_K_PPTP_CTRL, ipver, reply, reply);
			o = run_both("slot 1 pptp", PKT_DATA(&fr), fr.len, &uc);
			if (!obs_matches(&o, fr.len, VX_C_PPTP, VX_ACT_PASS, buf, sizeof(buf)))
				expect(false, "slot 1 pptp v%d: %s", ipver, buf);
			kframe(PKT_K_IKE, ipver, reply, reply);
			expect_class("slot 1 ike", PKT_DATA(&fr), fr.len, VX_C_IKE);
		}
	}
	/* the idle slot 0 still holds the defaults */
	err = vx_slot_read(skel, 0, &rd);
	expect(err == 0, "slot 0 read: %s", strerror(-err));
	expect(memcmp(&rd, &slot_comp[0], sizeof(rd)) == 0, "slot 0 changed");
	err = vx_slot_read(skel, 1, &rd);
	expect(err == 0 && memcmp(&rd, &c1, sizeof(rd)) == 0, "slot 1 reads back wrong");
	result(ok_now, why, "bpf_slot_switch_to_1_verdicts_follow_slot1");

	err = vx_slot_switch(skel, 0, ++generation);
	live_slot = 0;
	begin();
	expect(err == 0, "switch back: %s", strerror(-err));
	for (int ipver = 4; ipver <= 6; ipver += 2) {
		kframe(PKT_K_WG, ipver, 2, false);
		expect_class("back on slot 0 wireguard", PKT_DATA(&fr), fr.len,
			     VX_C_WIREGUARD);
		kframe(PKT_K_PPTP_CTRL, ipver, 2, true);
		expect_class("back on slot 0 pptp", PKT_DATA(&fr), fr.len, VX_C_PPTP);
	}
	result(ok_now, why, "bpf_slot_switch_back_to_0_verdicts_follow_slot0");
}

/* Random mutations of valid frames, under the drop-all and default
 * policies: the differential check is the assertion. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void test_mutations(void)
{
	enum { ITER = 3000 };
	unsigned long before_bad = diff_bad, before_n = diff_n, vpn_seen = 0;

	for (int pol = 0; pol < 2; pol++) {
		int err = pol ? apply_text(all_drop_text) : apply_defaults();

		if (err)
			diff_bad++;
		for (int it = 0; it < ITER / 2; it++) {
			enum pkt_kind k = (enum pkt_kind)(rnd() % PKT_K_NKIND);
			int ipver = rnd() & 1 ? 6 : 4;
			size_t len = kframe(k, ipver, (int)(rnd() % 3), rnd() & 1);
			uint8_t *d = PKT_DATA(&fr);
			int flips = (int)(rnd() % 4);
			unsigned int uc;

			for (int i = 0; i < flips; i++) {
				size_t pos = rnd() % len;

				if (pos < 12)
					pos += 12; /* MACs don't matter */
				d[pos % len] = (uint8_t)rnd();
			}
			if (rnd() % 4 == 0)
				len = 14 + rnd() % (len - 13);
			run_both("mutation", d, len, &uc);
			if (VX_CLASS_IS_VPN(uc))
				vpn_seen++;
		}
	}
	begin();
	expect(diff_bad == before_bad, "%lu mismatches", diff_bad - before_bad);
	expect(vpn_seen > ITER / 10, "only %lu of %lu mutated frames still VPN: "
	       "mutations too destructive to test much", vpn_seen, diff_n - before_n);
	result(ok_now, why, "bpf_mutations_%d_frames_match_userspace", ITER);
	begin();
	expect(apply_defaults() == 0, "apply defaults");
	result(ok_now, why, "bpf_apply_default_policy_after_mutations");
}

/*
 * The heuristic switch is per slot (vx_config.heur): written into the idle
 * slot it changes nothing until the switch, the switch keeps it, and the
 * next policy's slot has its own.  An XOR-scrambled OpenVPN handshake
 * (key 0x5a) on a port no signature names is other with the switch off,
 * and openvpn/heuristic from its sixth packet on with it on; the userspace
 * classifier, given the same switch, says the same for every packet.
 */
static int heur_flow(const struct vx_compiled *c, __u16 sport, char *msg,
		     size_t msglen)
{
	static const struct { int reply; __u8 op; } seq[] = {
		{ 0, 0x38 }, { 1, 0x40 }, { 0, 0x28 }, { 0, 0x20 }, { 1, 0x20 },
		{ 0, 0x28 }, { 1, 0x48 }, { 0, 0x48 },
	};
	struct vx_fcache heur;
	struct vx_env env = { .pol = c, .heur = &heur };
	int first = -1;

	if (vx_fcache_init_val(&heur, sizeof(struct vx_flow_key),
			       sizeof(struct vx_heur_val), 64))
		return -2;
	msg[0] = 0;
	for (size_t k = 0; k < sizeof(seq) / sizeof(seq[0]); k++) {
		struct pkt_spec sp = { .ipver = 4, .proto = IPPROTO_UDP };
		uint8_t pl[80], l4[96], *m;
		struct vx_pkt p = {};
		struct vx_verdict uv;
		struct obs o;
		int bconf = -1;

		memset(pl, 0x33 + (int)k, sizeof(pl));
		pl[0] = seq[k].op ^ 0x5a;
		sp.l4len = pkt_udp(l4, seq[k].reply ? 30011 : sport,
				   seq[k].reply ? sport : 30011, pl, 50 + k);
		sp.l4 = l4;
		sp.swap_addrs = seq[k].reply;
		fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &sp);
		o = run_bpf(PKT_DATA(&fr), fr.len);
		for (int f = 0; f < VX_NCONF; f++)
			if (o.delta.conf[f])
				bconf = f;
		m = malloc(fr.len + 2);
		if (!m)
			abort();
		memcpy(m + 2, PKT_DATA(&fr), fr.len);
		uv = vx_classify(&env, &p, m + 2, m + 2 + fr.len, 0);
		free(m);
		if (o.err || o.nchanged != 1 || o.cls != uv.cls ||
		    (VX_CLASS_IS_VPN(uv.cls) && bconf != (int)uv.conf)) {
			snprintf(msg, msglen, "packet %zu: bpf %s/%d (err %d), user %s/%d", k,
				 cname(o.cls), bconf, o.err, cname(uv.cls), uv.conf);
			first = -2;
			break;
		}
		if (uv.cls == VX_C_OPENVPN && uv.conf == VX_CONF_HEURISTIC) {
			if (first < 0)
				first = (int)k;
		} else if (first >= 0) {
			snprintf(msg, msglen, "packet %zu: %s after the flow was flagged", k,
				 cname(uv.cls));
			first = -2;
			break;
		}
	}
	vx_fcache_free(&heur);
	return first;
}

static void test_heur_slots(void)
{
	static struct vx_compiled on, off;
	static const char text[] = "heuristic openvpn-obfuscated on\n";
	struct vx_policy pol;
	struct vx_config cfg;
	struct vx_diag d;
	char msg[256];
	__u32 zero = 0, idle;
	int cfd = bpf_map__fd(skel->maps.vx_config), err, r;

	vx_policy_init(&pol);
	vx_policy_compile(&pol, &off);
	err = vx_policy_parse_text(&pol, text, strlen(text), "t", &d);
	vx_policy_compile(&pol, &on);
	vx_policy_free(&pol);

	begin();
	expect(err == 0 && apply_defaults() == 0, "setup");
	idle = !(live_slot & 1);
	err = vx_slot_write(skel, idle, &on);
	expect(err == 0, "idle slot write: %s", strerror(-err));
	expect(bpf_map_lookup_elem(cfd, &zero, &cfg) == 0 && cfg.slot == live_slot &&
	       cfg.heur[idle] == VX_HEUR_OVPN_OBFS && cfg.heur[live_slot] == 0,
	       "config slot %u heur %u/%u", cfg.slot, cfg.heur[0], cfg.heur[1]);
	r = heur_flow(&off, 40001, msg, sizeof(msg));
	expect(r == -1, "live slot off: %s (flagged at %d)", msg, r);
	result(ok_now, why, "bpf_heuristic_idle_slot_on_live_off_stays_other");

	begin();
	err = vx_slot_switch(skel, idle, ++generation);
	expect(err == 0, "switch: %s", strerror(-err));
	slot_comp[idle] = on;
	live_slot = idle;
	expect(bpf_map_lookup_elem(cfd, &zero, &cfg) == 0 && cfg.slot == idle &&
	       cfg.heur[idle] == VX_HEUR_OVPN_OBFS, "after switch: slot %u heur %u/%u",
	       cfg.slot, cfg.heur[0], cfg.heur[1]);
	r = heur_flow(&on, 40003, msg, sizeof(msg));
	expect(r == 5, "switch on: flagged at %d (want 5): %s", r, msg);
	result(ok_now, why, "bpf_heuristic_on_flags_from_sixth_packet");

	begin();
	expect(apply_defaults() == 0, "defaults");
	expect(bpf_map_lookup_elem(cfd, &zero, &cfg) == 0 && cfg.heur[live_slot] == 0 &&
	       cfg.heur[!live_slot] == VX_HEUR_OVPN_OBFS, "config heur %u/%u",
	       cfg.heur[0], cfg.heur[1]);
	r = heur_flow(&off, 40005, msg, sizeof(msg));
	expect(r == -1, "back off: %s (flagged at %d)", msg, r);
	result(ok_now, why, "bpf_heuristic_next_policy_off_stays_other");
	vx_map_clear(bpf_map__fd(skel->maps.vx_heur), sizeof(struct vx_flow_key));
}

int main(void)
{
	struct vx_policy pol;
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("SKIP bpf: needs root for BPF_PROG_TEST_RUN\n");
		return 0;
	}
	libbpf_set_print(NULL);
	skel = vx_load(&(struct vx_load_opts){ 0 });
	if (!skel) {
		printf("FAIL bpf_load: cannot load the program: %s\n", strerror(errno));
		return 1;
	}
	prog_fd = bpf_program__fd(skel->progs.vpnxdp_xdp);
	ncpus = libbpf_num_possible_cpus();

	/* As the loader does: defaults into slot 0, switch to it. */
	vx_policy_init(&pol);
	vx_policy_compile(&pol, &slot_comp[0]);
	vx_policy_free(&pol);
	err = vx_slot_write(skel, 0, &slot_comp[0]);
	if (!err)
		err = vx_slot_switch(skel, 0, 1);
	generation = 1;
	live_slot = 0;
	begin();
	expect(ncpus > 0, "libbpf_num_possible_cpus %d", ncpus);
	expect(err == 0, "slot write/switch: %s", strerror(-err));
	result(ok_now, why, "bpf_load_and_fill_slot0_with_defaults");
	if (!ok_now) {
		vpnxdp_bpf__destroy(skel);
		return 1;
	}

	test_default_signatures();
	test_actions();
	test_fail_open();
	test_natt_gre();
	test_other_protocols();
	test_fragments();
	test_ipv6_ext();
	test_truncation();
	test_malformed();
	test_slot_switch();
	test_mutations();
	test_heur_slots();

	begin();
	expect(diff_bad == 0, "%lu of %lu differ; first: %s", diff_bad, diff_n,
	       diff_first);
	expect(diff_n > 1000, "only %lu packets compared", diff_n);
	result(ok_now, why, "bpf_differential_vs_userspace_%lu_packets_compared", diff_n);
	fprintf(stderr, "test_prog: %lu frames under 14 bytes classified in userspace "
		"only (the kernel refuses to run them)\n", runs_rejected);

	vpnxdp_bpf__destroy(skel);
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	return n_fail ? 1 : 0;
}
