/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tunnelled frames for both classifiers (runvec.h runs them): an inner
 * packet built by cr_build() wrapped in encapsulations written as text,
 * outermost first, e.g. "qinq pppoe" or "vxlan".  Each must get the class
 * the inner packet gets alone (same class and confidence, checked on a
 * host of its own), or other where the inner is not VPN or is beyond the
 * tunnel limit; every strict truncation of a tunnelled frame down to a
 * bare Ethernet header (what XDP can be given) must run and be other (the
 * outer IP length no longer fits).
 */
#ifndef VX_TEST_TUNNELS_H
#define VX_TEST_TUNNELS_H

#include "classify/craft.h"
#include "classify/vectors.h"

struct tun_vec {
	const char *name;
	const char *wrap;  /* encapsulations, outermost first */
	struct cr_spec s;  /* the inner packet */
	const char *pl;
	int cls;           /* want; VX_C_OTHER: other whatever the inner is */
};

static const struct tun_vec tun_vectors[] = {
	{ "wg_in_vxlan", "vxlan", U(40000, 51820), "148 aa 0:01000000", VX_C_WIREGUARD },
	{ "wg_in_vxlan_8472", "vxlan8472", U(40000, 51820), "148 aa 0:01000000", VX_C_WIREGUARD },
	{ "esp_v6_in_pppoe_in_qinq", "qinq pppoe", { .v6 = 1, .proto = IPPROTO_ESP }, "64 aa 0:0000100000000001", VX_C_ESP },
	{ "openvpn_reset_in_gre", "gre", U(40000, 1194), "42 aa 0:38 29:00000001 37:0000000000", VX_C_OPENVPN },
	{ "openvpn_reset_in_gre_key_seq", "grecks", U(40000, 1194), "42 aa 0:38 29:00000001 37:0000000000", VX_C_OPENVPN },
	{ "wg_in_gre_teb", "greteb", U(40000, 51820), "148 aa 0:01000000", VX_C_WIREGUARD },
	{ "ike_in_mpls_2_labels", "mpls2", U(500, 500), "64 00 0:" IKE2, VX_C_IKE },
	{ "ike_in_mpls_5_labels", "mpls5", U(500, 500), "64 00 0:" IKE2, VX_C_OTHER },
	{ "wg_in_geneve", "geneve", U(40000, 51820), "148 aa 0:01000000", VX_C_WIREGUARD },
	{ "wg_in_geneve_ip_opts", "geneveip", U(40000, 51820), "148 aa 0:01000000", VX_C_WIREGUARD },
	{ "wg_in_gtpu", "gtpu", U(40000, 51820), "148 aa 0:01000000", VX_C_WIREGUARD },
	{ "wg_v6_in_gtpu_ext", "gtpuext", U6(40000, 51820), "148 aa 0:01000000", VX_C_WIREGUARD },
	{ "esp_4in6", "ip6", { .proto = IPPROTO_ESP }, "64 aa 0:0000100000000001", VX_C_ESP },
	{ "esp_6in4", "ip4", { .v6 = 1, .proto = IPPROTO_ESP }, "64 aa 0:0000100000000001", VX_C_ESP },
	{ "esp_4in4", "ip4", { .proto = IPPROTO_ESP }, "64 aa 0:0000100000000001", VX_C_ESP },
	{ "wg_in_vxlan_in_gre", "gre vxlan", U(40000, 51820), "148 aa 0:01000000", VX_C_WIREGUARD },
	{ "dns_in_vxlan", "vxlan", U(40000, 53), "33 00 0:abcd01000001000000000000 12:03777777076578616d706c6503636f6d00 e:00010001", VX_C_OTHER },
	/* a third layer is not looked into: the packet inside two tunnels
	 * is a VXLAN datagram, which is other */
	{ "wg_in_3_tunnels", "vxlan gre vxlan", U(40000, 51820), "148 aa 0:01000000", VX_C_OTHER },
	/* not tunnels to look into: PPPoE's LCP, VXLAN without I */
	{ "wg_in_pppoe_lcp", "pppoelcp", U(40000, 51820), "148 aa 0:01000000", VX_C_OTHER },
	{ "wg_in_vxlan_no_i", "vxlannoi", U(40000, 51820), "148 aa 0:01000000", VX_C_OTHER },
};

#define TUN_NVECTORS (sizeof(tun_vectors) / sizeof(tun_vectors[0]))

/* An outer IPv4 (or IPv6) header for @plen bytes of protocol @proto at @o. */
static inline size_t tun_ip(uint8_t *o, int v6, int proto, size_t plen)
{
	if (v6) {
		memset(o, 0, 40);
		o[0] = 0x60;
		cr_put16(o + 4, (uint16_t)plen);
		o[6] = (uint8_t)proto;
		o[7] = 64;
		o[8] = 0x20; o[9] = 0x01; o[10] = 0x0d; o[11] = 0xb8; o[23] = 0x51;
		o[24] = 0x20; o[25] = 0x01; o[26] = 0x0d; o[27] = 0xb8; o[39] = 0x52;
		return 40;
	}
	memset(o, 0, 20);
	o[0] = 0x45;
	cr_put16(o + 2, (uint16_t)(20 + plen));
	o[8] = 64;
	o[9] = (uint8_t)proto;
	o[12] = 203; o[13] = 0; o[14] = 113; o[15] = 1;
	o[16] = 203; o[17] = 0; o[18] = 113; o[19] = 2;
	return 20;
}

static inline size_t tun_udp(uint8_t *o, uint16_t dport, size_t plen)
{
	cr_put16(o, 50123);
	cr_put16(o + 2, dport);
	cr_put16(o + 4, (uint16_t)(8 + plen));
	cr_put16(o + 6, 0);
	return 8;
}

/*
 * Wrap the packet @in (@n bytes: an Ethernet frame when @eth, else an IP
 * packet) in one encapsulation @w into @out; returns the new length and
 * sets *@eth to what the result is, or 0 for an unknown name.
 */
static inline size_t tun_wrap1(uint8_t *out, const char *w, const uint8_t *in,
			       size_t n, int *eth)
{
	const uint8_t *ip = *eth ? in + 14 : in;
	size_t ipn = *eth ? n - 14 : n, h = 0, k;
	int v6 = (ip[0] >> 4) == 6;
	uint8_t *o = out;

	/* Ethernet-level wrappers: over the inner IP packet */
	if (!strcmp(w, "qinq pppoe") || !strcmp(w, "pppoelcp") ||
	    !strncmp(w, "mpls", 4)) {
		int labels = !strncmp(w, "mpls", 4) ? w[4] - '0' : 0;

		memset(o, 0x02, 12);
		h = 12;
		if (!labels && strcmp(w, "pppoelcp")) {
			cr_put16(o + h, 0x88a8); cr_put16(o + h + 2, 100); h += 4;
			cr_put16(o + h, 0x8100); cr_put16(o + h + 2, 200); h += 4;
		}
		if (labels) {
			cr_put16(o + h, 0x8847); h += 2;
			for (int i = 0; i < labels; i++, h += 4)
				cr_put32(o + h, (uint32_t)(1000 + i) << 12 |
						(i == labels - 1 ? 0x100 : 0) | 64);
		} else {
			cr_put16(o + h, 0x8864); h += 2;
			o[h] = 0x11; o[h + 1] = 0; cr_put16(o + h + 2, 0x1234);
			cr_put16(o + h + 4, (uint16_t)(ipn + 2));
			cr_put16(o + h + 6, !strcmp(w, "pppoelcp") ? 0xc021 :
					    v6 ? 0x0057 : 0x0021);
			h += 8;
		}
		memcpy(o + h, ip, ipn);
		*eth = 1;
		return h + ipn;
	}

	/* IP-level wrappers: an outer Ethernet + IPv4 (IPv6 for "ip6") */
	memset(o, 0x02, 12);
	cr_put16(o + 12, !strcmp(w, "ip6") ? 0x86dd : 0x0800);
	o += 14;
	if (!strcmp(w, "ip4") || !strcmp(w, "ip6")) {
		int ov6 = !strcmp(w, "ip6");

		h = tun_ip(o, ov6, v6 ? 41 : 4, ipn);
		memcpy(o + h, ip, ipn);
		*eth = 1;
		return 14 + h + ipn;
	}
	if (!strncmp(w, "gre", 3)) {
		int teb = !strcmp(w, "greteb"), cks = !strcmp(w, "grecks");
		const uint8_t *pl = teb ? in : ip;
		size_t pn = teb ? n : ipn, g = cks ? 16 : 4;
		uint8_t hdr[16] = { 0 };

		if (teb && !*eth)
			return 0;
		hdr[0] = cks ? 0xb0 : 0; /* C, K, S */
		cr_put16(hdr + 2, teb ? 0x6558 : v6 ? 0x86dd : 0x0800);
		h = tun_ip(o, 0, 47, g + pn);
		memcpy(o + h, hdr, g);
		memcpy(o + h + g, pl, pn);
		*eth = 1;
		return 14 + h + g + pn;
	}
	if (!strncmp(w, "vxlan", 5) || !strncmp(w, "geneve", 6)) {
		int gen = !strncmp(w, "geneve", 6), gip = !strcmp(w, "geneveip");
		uint8_t hdr[16] = { 0 };
		const uint8_t *pl = gip ? ip : in;
		size_t pn = gip ? ipn : n, g = gip ? 16 : 8;

		if (!gip && !*eth)
			return 0;
		if (gen) {
			hdr[0] = gip ? 2 : 0; /* two option words */
			cr_put16(hdr + 2, gip ? (v6 ? 0x86dd : 0x0800) : 0x6558);
		} else {
			hdr[0] = strcmp(w, "vxlannoi") ? 0x08 : 0;
		}
		hdr[6] = 0x42;
		h = tun_ip(o, 0, IPPROTO_UDP, 8 + g + pn);
		h += tun_udp(o + h, gen ? 6081 : !strcmp(w, "vxlan8472") ? 8472 : 4789, g + pn);
		memcpy(o + h, hdr, g);
		memcpy(o + h + g, pl, pn);
		*eth = 1;
		return 14 + h + g + pn;
	}
	if (!strncmp(w, "gtpu", 4)) {
		int ext = !strcmp(w, "gtpuext");
		uint8_t hdr[20] = { 0 };
		size_t g = ext ? 20 : 8;

		hdr[0] = ext ? 0x34 : 0x30; /* version 1, PT, E */
		hdr[1] = 255;
		cr_put16(hdr + 2, (uint16_t)(g - 8 + ipn));
		cr_put32(hdr + 4, 0xabcdef01);
		if (ext) {
			hdr[11] = 0x85; /* PDU session container */
			hdr[12] = 1; hdr[13] = 0x10; hdr[14] = 9; hdr[15] = 0x85;
			hdr[16] = 1; hdr[17] = 0x10; hdr[18] = 9; hdr[19] = 0;
		}
		h = tun_ip(o, 0, IPPROTO_UDP, 8 + g + ipn);
		h += tun_udp(o + h, 2152, g + ipn);
		memcpy(o + h, hdr, g);
		memcpy(o + h + g, ip, ipn);
		*eth = 1;
		return 14 + h + g + ipn;
	}
	(void)k;
	return 0;
}

/* The whole frame of @t into @f (CR_MAX); its length or 0. */
static inline size_t tun_build(uint8_t *f, const struct tun_vec *t, uint8_t host)
{
	uint8_t payload[CR_MAX], a[CR_MAX], b[CR_MAX];
	struct cr_spec s = t->s;
	int plen = vec_payload(t->pl, payload, sizeof(payload)), eth = 1;
	char buf[64], *tok, *save = NULL, *words[4];
	int nw = 0;
	size_t n;

	s.host = host;
	if (plen < 0 || !(n = cr_build(a, &s, payload, (size_t)plen)))
		return 0;
	snprintf(buf, sizeof(buf), "%s", t->wrap);
	/* "qinq pppoe" is one wrapper */
	if (!strcmp(buf, "qinq pppoe")) {
		words[nw++] = "qinq pppoe";
	} else {
		for (tok = strtok_r(buf, " ", &save); tok && nw < 4;
		     tok = strtok_r(NULL, " ", &save))
			words[nw++] = tok;
	}
	/* innermost wrapper first */
	for (int i = nw - 1; i >= 0; i--) {
		if (n + 80 > CR_MAX || !(n = tun_wrap1(b, words[i], a, n, &eth)))
			return 0;
		memcpy(a, b, n);
	}
	memcpy(f, a, n);
	return n;
}

static inline int rv_tunnels(vx_classify_fn fn, void *ctx, const char *suite)
{
	uint8_t f[CR_MAX], payload[CR_MAX], bare[CR_MAX];
	int fails = 0;

	for (size_t i = 0; i < TUN_NVECTORS; i++) {
		const struct tun_vec *t = &tun_vectors[i];
		struct cr_spec s = t->s;
		int plen = vec_payload(t->pl, payload, sizeof(payload));
		int cls, conf, bcls = -1, bconf = -1, bad = 0;
		size_t n = tun_build(f, t, (uint8_t)(100 + i)), bn;

		s.host = (uint8_t)(160 + i);
		bn = plen < 0 ? 0 : cr_build(bare, &s, payload, (size_t)plen);
		if (!n || !bn || fn(ctx, bare, bn, &bcls, &bconf)) {
			printf("FAIL %s_tunnel_%s: bad test vector\n", suite, t->name);
			fails++;
			continue;
		}
		if (fn(ctx, f, n, &cls, &conf)) {
			printf("FAIL %s_tunnel_%s: classifier did not run\n", suite, t->name);
			fails++;
			continue;
		}
		if (t->cls != VX_C_OTHER && (cls != t->cls || bcls != t->cls || conf != bconf)) {
			printf("FAIL %s_tunnel_%s: got %s/%d, alone %s/%d, want %s\n",
			       suite, t->name, vx_class_name((unsigned)cls), conf,
			       vx_class_name((unsigned)bcls), bconf,
			       vx_class_name((unsigned)t->cls));
			fails++;
			continue;
		}
		if (t->cls == VX_C_OTHER && cls != VX_C_OTHER) {
			printf("FAIL %s_tunnel_%s: got %s, want other\n", suite,
			       t->name, vx_class_name((unsigned)cls));
			fails++;
			continue;
		}
		printf("PASS %s_tunnel_%s\n", suite, t->name);

		/* every strict truncation: runs, and is not VPN */
		for (size_t cut = 14; cut < n; cut++) {
			if (fn(ctx, f, cut, &cls, &conf) || VX_CLASS_IS_VPN(cls)) {
				if (!bad++)
					printf("FAIL %s_tunnel_%s_truncated: at %zu bytes: %s\n",
					       suite, t->name, cut,
					       vx_class_name((unsigned)cls));
			}
		}
		if (bad)
			fails++;
		else
			printf("PASS %s_tunnel_%s_truncated\n", suite, t->name);
	}
	return fails;
}

#endif
