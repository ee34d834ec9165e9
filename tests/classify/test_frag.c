// SPDX-License-Identifier: GPL-2.0
/*
 * Fragment sequences through both classifiers, each with its own caches:
 * the userspace build (classify_user.h, its clock set by the test) and the
 * compiled XDP program (BPF_PROG_TEST_RUN, its clock bpf_ktime_get_ns(),
 * which a test run cannot move: expiry is tested in userspace only).  The
 * policy is `wireguard drop`, so a fragment that wrongly inherits a
 * WireGuard datagram's class is dropped, not just counted.
 *
 * Every step says which class the fragment must get and whether the
 * program must drop it; both classifiers must agree with that.  IPv4 and
 * IPv6 (with and without a header after the fragment header).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "classify_user.h"
#include "classify/bpfrun.h"
#include "forget.h"
#include "core/names.h"
#include "check.h"
#include "pkt.h"

#define WG_PORT 51820
#define SEC_NS 1000000000ull

/* One datagram's L4 bytes (UDP header on), to be cut into fragments. */
struct dgram {
	uint8_t l4[1200];
	size_t len;
	uint32_t id;
	int ipver;
	bool dstopts; /* IPv6: a destination options header after the
		       * fragment header (in the fragmentable part) */
};

/* WireGuard transport data to its port: 16-byte header, 1024 bytes. */
static void mk_wg(struct dgram *d, int ipver, uint32_t id)
{
	uint8_t pl[16 + 1024];

	memset(d->l4, 0, sizeof(d->l4));
	memset(pl, 0, sizeof(pl));
	pl[0] = 4;
	pkt_put32(pl + 4, 0x11223344);
	pkt_fill(pl + 16, 1024, 7);
	d->len = pkt_udp(d->l4, 40000, WG_PORT, pl, sizeof(pl));
	d->id = id;
	d->ipver = ipver;
	d->dstopts = false;
}

/* Text to a port no signature has: other. */
static void mk_other(struct dgram *d, int ipver, uint32_t id)
{
	uint8_t pl[16 + 1024];

	memset(d->l4, 0, sizeof(d->l4));
	memset(pl, 'a', sizeof(pl));
	d->len = pkt_udp(d->l4, 40000, 40404, pl, sizeof(pl));
	d->id = id;
	d->ipver = ipver;
	d->dstopts = false;
}

/* The fragment holding bytes [off, off + len) of @d's L4 bytes (clipped
 * to them), MF as given.  IPv6 with dstopts: the first fragment carries
 * the 8-byte header too, and later offsets count it. */
static size_t frag(struct pkt_frame *fr, const struct dgram *d, size_t off,
		   size_t len, bool mf)
{
	static const uint8_t e1[] = { PKT_P_FRAGMENT };
	static const uint8_t e2[] = { PKT_P_FRAGMENT, PKT_P_DSTOPTS };
	struct pkt_spec s = { .ipver = d->ipver, .proto = PKT_P_UDP,
			      .frag_id = d->id, .frag_mf = mf };
	size_t shift = d->dstopts ? 8 : 0;

	if (off > d->len)
		off = d->len;
	if (off + len > d->len)
		len = d->len - off;
	s.l4 = d->l4 + off;
	s.l4len = len;
	s.frag_offset = (uint16_t)(off ? (off + shift) / 8 : 0);
	if (d->ipver == 6) {
		s.ext = off == 0 && d->dstopts ? e2 : e1;
		s.n_ext = off == 0 && d->dstopts ? 2 : 1;
	}
	fr->len = pkt_build(PKT_DATA(fr), PKT_MAX, &s);
	return fr->len;
}

/* The two classifiers and what they did. */
struct rig {
	struct br b;
	bool bpf;
	struct vx_compiled *comp;
	struct vx_fcache flows, frags;
	struct vx_env env;
	unsigned long vpn_dropped, vpn_sent, other_dropped, other_sent;
};

/* Both classifiers forget every flow and fragment. */
static int rig_reset(struct rig *r)
{
	vx_fcache_clear(&r->flows);
	vx_fcache_clear(&r->frags);
	r->env.now_ns = 0;
	if (!r->bpf)
		return 0;
	return vx_prog_forget(r->b.skel);
}

/* One fragment: both classifiers must say @want, and the program must
 * drop it exactly when @want is WireGuard.  @vpn: the fragment really is
 * part of a WireGuard datagram (for the counts). */
static void step(struct rig *r, const char *what, const struct pkt_frame *fr,
		 int want, bool vpn, bool bpf_too)
{
	const uint8_t *f = PKT_DATA(fr);
	struct vx_pkt p = {};
	struct vx_verdict v = vx_classify(&r->env, &p, f, f + fr->len, 0);
	bool drop = want == VX_C_WIREGUARD;

	expect(fr->len > 0, "%s: frame not built", what);
	expect(v.cls == want, "%s: userspace says %s, want %s", what,
	       vx_class_name(v.cls), vx_class_name((unsigned)want));
	if (r->bpf && bpf_too) {
		int cls = -1, conf = -1;
		__u32 ret = 0;

		if (br_classify(&r->b, f, fr->len, &cls, &conf, &ret) != 0) {
			expect(false, "%s: test run failed", what);
			return;
		}
		expect(cls == want, "%s: BPF says %s, want %s", what,
		       vx_class_name((unsigned)cls), vx_class_name((unsigned)want));
		expect(ret == (drop ? XDP_DROP : XDP_PASS), "%s: XDP action %u, want %s",
		       what, ret, drop ? "drop" : "pass");
		if (vpn) {
			r->vpn_sent++;
			r->vpn_dropped += ret == XDP_DROP;
		} else {
			r->other_sent++;
			r->other_dropped += ret == XDP_DROP;
		}
	}
}

/* One fragment of @d (frag()) through step(), short enough for a table. */
#define MF true
#define LAST false
#define WG VX_C_WIREGUARD
#define FRAG VX_C_FRAGMENT
#define OTHER VX_C_OTHER
#define VPN true
#define NOTVPN false
#define USER_ONLY +1 /* the program's clock cannot be moved */

static void fs_(struct rig *r, const char *what, const struct dgram *d,
		size_t off, size_t len, bool mf, int want, bool vpn, int user_only)
{
	struct pkt_frame fr;

	frag(&fr, d, off, len, mf);
	step(r, what, &fr, want, vpn, !user_only);
}
#define fs(r, what, d, off, len, mf, want, vpn, ...) \
	fs_(r, what, d, off, len, mf, want, vpn, 0 __VA_ARGS__)

/* A datagram of 1048 L4 bytes in two fragments: [0, 520) and [520, 1048). */
#define CUT 520

static void scenarios(struct rig *r, int ipver, bool dstopts)
{
	const char *v = ipver == 4 ? "v4" : dstopts ? "v6_dstopts" : "v6";
	struct dgram wg, ot;
	int err;

#define BEGIN() do { begin(); err = rig_reset(r); \
		     expect(err == 0, "reload: %s", strerror(-err)); } while (0)
#define SET(d) ((d).dstopts = dstopts && ipver == 6)

	mk_wg(&wg, ipver, 0x77);
	mk_other(&ot, ipver, 0x77);
	SET(wg);
	SET(ot);

	/* in order: the later fragment inherits the first's class */
	BEGIN();
	fs(r, "wg first", &wg, 0, CUT, MF, WG, VPN);
	fs(r, "wg later", &wg, CUT, 2048, LAST, WG, VPN);
	result(ok_now, why, "frag_%s_in_order_vpn_later_inherits_and_drops", v);

	/* reordered: a later fragment before its first stays fragment */
	BEGIN();
	fs(r, "other later first", &ot, CUT, 2048, LAST, FRAG, NOTVPN);
	fs(r, "other first", &ot, 0, CUT, MF, OTHER, NOTVPN);
	result(ok_now, why, "frag_%s_reordered_later_first_is_fragment", v);

	/* reordered, reusing the id of a whole WireGuard datagram seen just
	 * before: the old entry is whole, the fragment is not its */
	BEGIN();
	fs(r, "wg first", &wg, 0, CUT, MF, WG, VPN);
	fs(r, "wg later", &wg, CUT, 2048, LAST, WG, VPN);
	fs(r, "other later", &ot, CUT, 2048, LAST, FRAG, NOTVPN);
	fs(r, "other first", &ot, 0, CUT, MF, OTHER, NOTVPN);
	fs(r, "other later again", &ot, CUT, 2048, LAST, FRAG, NOTVPN);
	result(ok_now, why, "frag_%s_reordered_reused_id_after_whole_vpn_is_fragment", v);

	/* reused id in order: the second first fragment, of another class,
	 * conflicts; its fragments are fragment */
	BEGIN();
	fs(r, "wg first", &wg, 0, CUT, MF, WG, VPN);
	fs(r, "wg later", &wg, CUT, 2048, LAST, WG, VPN);
	fs(r, "other first", &ot, 0, CUT, MF, OTHER, NOTVPN);
	fs(r, "other later", &ot, CUT, 2048, LAST, FRAG, NOTVPN);
	result(ok_now, why, "frag_%s_reused_id_other_class_conflicts", v);

	/* the same while the WireGuard datagram is not whole: its own later
	 * fragment is fragment too (passed: fail open) */
	BEGIN();
	fs(r, "wg first", &wg, 0, CUT, MF, WG, VPN);
	fs(r, "other first", &ot, 0, CUT, MF, OTHER, NOTVPN);
	fs(r, "wg later", &wg, CUT, 2048, LAST, FRAG, VPN);
	fs(r, "other later", &ot, CUT, 2048, LAST, FRAG, NOTVPN);
	result(ok_now, why, "frag_%s_interleaved_reused_id_conflicts_fail_open", v);

	/* a forged offset-0 fragment of another class after the victim's
	 * first fragment, and before it */
	BEGIN();
	fs(r, "victim first", &ot, 0, CUT, MF, OTHER, NOTVPN);
	fs(r, "forged wg first", &wg, 0, CUT, MF, WG, VPN);
	fs(r, "victim later", &ot, CUT, 2048, LAST, FRAG, NOTVPN);
	result(ok_now, why, "frag_%s_duplicate_first_other_class_after_conflicts", v);
	BEGIN();
	fs(r, "forged wg first", &wg, 0, CUT, MF, WG, VPN);
	fs(r, "victim first", &ot, 0, CUT, MF, OTHER, NOTVPN);
	fs(r, "victim later", &ot, CUT, 2048, LAST, FRAG, NOTVPN);
	fs(r, "forged wg first again", &wg, 0, CUT, MF, WG, VPN);
	fs(r, "victim later again", &ot, CUT, 2048, LAST, FRAG, NOTVPN);
	result(ok_now, why, "frag_%s_duplicate_first_other_class_before_conflicts", v);

	/* the same class again refreshes: the datagram keeps its class */
	BEGIN();
	fs(r, "wg first", &wg, 0, CUT, MF, WG, VPN);
	fs(r, "wg first again", &wg, 0, CUT, MF, WG, VPN);
	fs(r, "wg later", &wg, CUT, 2048, LAST, WG, VPN);
	result(ok_now, why, "frag_%s_duplicate_first_same_class_refreshes", v);

	/* past the datagram's length (UDP length 1048): fragment; inside it
	 * (several later fragments) still the class */
	BEGIN();
	fs(r, "wg first", &wg, 0, CUT, MF, WG, VPN);
	fs(r, "wg middle", &wg, CUT, 256, MF, WG, VPN);
	wg.len = 1048 + 64; /* bytes past the UDP length */
	fs(r, "past the end", &wg, 1000, 112, LAST, FRAG, NOTVPN);
	fs(r, "at the end", &wg, 1048, 64, LAST, FRAG, NOTVPN);
	wg.len = 1048;
	fs(r, "wg last", &wg, CUT + 256, 2048, LAST, WG, VPN);
	result(ok_now, why, "frag_%s_beyond_total_length_is_fragment", v);

	/* the datagram whole: a duplicate of its last fragment is another
	 * datagram's (or a copy): fragment */
	BEGIN();
	fs(r, "wg first", &wg, 0, CUT, MF, WG, VPN);
	fs(r, "wg later", &wg, CUT, 2048, LAST, WG, VPN);
	fs(r, "wg later copy", &wg, CUT, 2048, LAST, FRAG, VPN);
	result(ok_now, why, "frag_%s_after_whole_datagram_is_fragment", v);

	/* a different id, or the datagram another way round: no inheritance */
	BEGIN();
	fs(r, "wg first", &wg, 0, CUT, MF, WG, VPN);
	ot.id = 0x78;
	fs(r, "other id later", &ot, CUT, 2048, LAST, FRAG, NOTVPN);
	ot.id = 0x77;
	result(ok_now, why, "frag_%s_other_id_is_fragment", v);

	/* expiry (userspace clock; the program's cannot be moved here) */
	BEGIN();
	fs(r, "wg first t=0", &wg, 0, CUT, MF, WG, VPN, USER_ONLY);
	r->env.now_ns = 30 * SEC_NS - 1;
	fs(r, "wg middle t=30s-1ns", &wg, CUT, 256, MF, WG, VPN, USER_ONLY);
	r->env.now_ns = 30 * SEC_NS;
	fs(r, "wg last t=30s", &wg, CUT + 256, 2048, LAST, FRAG, VPN, USER_ONLY);
	result(ok_now, why, "frag_%s_userspace_expires_after_30s", v);
	BEGIN();
	fs(r, "wg first t=0", &wg, 0, CUT, MF, WG, VPN, USER_ONLY);
	r->env.now_ns = 31 * SEC_NS;
	fs(r, "other first t=31s", &ot, 0, CUT, MF, OTHER, NOTVPN, USER_ONLY);
	fs(r, "other later", &ot, CUT, 2048, LAST, OTHER, NOTVPN, USER_ONLY);
	r->env.now_ns = 40 * SEC_NS;
	fs(r, "wg first t=40s", &wg, 0, CUT, MF, WG, VPN, USER_ONLY);
	fs(r, "wg later", &wg, CUT, 2048, LAST, FRAG, VPN, USER_ONLY);
	result(ok_now, why, "frag_%s_userspace_id_reused_after_expiry_is_new", v);
#undef BEGIN
#undef SET
}

/* Not UDP: the length is unknown, so any fragment up to what IP allows
 * fits; the other rules hold alike. */
static void scenarios_esp(struct rig *r, int ipver)
{
	static const uint8_t e1[] = { PKT_P_FRAGMENT };
	struct pkt_spec s = { .ipver = ipver, .proto = PKT_P_ESP, .frag_id = 9 };
	uint8_t l4[600], pl[592];
	struct pkt_frame fr;
	int err;

	if (ipver == 6) {
		s.ext = e1;
		s.n_ext = 1;
	}
	pkt_fill(pl, sizeof(pl), 3);
	pkt_esp(l4, 0x1234, 1, pl, sizeof(pl));
	s.l4 = l4;
	begin();
	err = rig_reset(r);
	expect(err == 0, "reload: %s", strerror(-err));
	s.frag_mf = true;
	s.l4len = 512;
	fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
	step(r, "esp first", &fr, VX_C_ESP, false, true);
	s.frag_mf = false;
	s.frag_offset = 64;
	s.l4len = 88;
	fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
	step(r, "esp later", &fr, VX_C_ESP, false, true);
	s.frag_offset = 8189; /* 65512 + 88 bytes: past what IP allows */
	fr.len = pkt_build(PKT_DATA(&fr), PKT_MAX, &s);
	step(r, "esp past 64K", &fr, VX_C_FRAGMENT, false, true);
	result(ok_now, why, "frag_v%d_esp_later_inherits_within_ip_limit", ipver);
}

int main(void)
{
	struct vx_policy pol;
	struct vx_diag d;
	struct rig r = {};
	static const char text[] = "wireguard drop\n";
	int err;

	r.comp = calloc(1, sizeof(*r.comp));
	if (!r.comp)
		return 1;
	vx_policy_init(&pol);
	begin();
	err = vx_policy_parse_text(&pol, text, strlen(text), "test", &d);
	expect(err == 0, "policy: %s", d.msg);
	vx_policy_compile(&pol, r.comp);
	vx_policy_free(&pol);
	err = vx_fcache_init(&r.flows, sizeof(struct vx_flow_key), 1024) ||
	      vx_fcache_init_frags(&r.frags, 1024);
	expect(err == 0, "caches");
	r.env = (struct vx_env){ .pol = r.comp, .flows = &r.flows, .frags = &r.frags };
	r.bpf = geteuid() == 0;
	if (r.bpf) {
		err = br_open(&r.b, r.comp, 4096);
		expect(err == 0, "load: %s", strerror(-err));
	} else {
		printf("SKIP frag_bpf: needs root for BPF_PROG_TEST_RUN (userspace only)\n");
	}
	result(ok_now, why, "frag_setup");
	if (!ok_now)
		return 1;

	scenarios(&r, 4, false);
	scenarios(&r, 6, false);
	scenarios(&r, 6, true);
	scenarios_esp(&r, 4);
	scenarios_esp(&r, 6);

	if (r.bpf) {
		printf("# BPF: %lu of %lu non-VPN fragments dropped, %lu of %lu WireGuard fragments dropped\n",
		       r.other_dropped, r.other_sent, r.vpn_dropped, r.vpn_sent);
		begin();
		expect(r.other_dropped == 0 && r.other_sent > 0,
		       "%lu non-VPN fragments dropped", r.other_dropped);
		result(ok_now, why, "frag_bpf_no_non_vpn_fragment_dropped");
		br_close(&r.b);
	}
	vx_fcache_free(&r.flows);
	vx_fcache_free(&r.frags);
	free(r.comp);
	return n_fail ? 1 : 0;
}
