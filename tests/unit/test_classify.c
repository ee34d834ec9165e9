// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit tests of the shared parser and classifier
 * (headers/vpnxdp_parse.h, vpnxdp_classify.h through classify_user.h):
 * crafted frames, their vx_parse results and vx_classify verdicts, and a
 * deterministic random-mutation loop.  No root needed.
 *
 * Every frame is copied into a heap block of exactly its length (data at
 * 2 mod 4, as the kernel lays frames out), so that ASan sees any read past
 * data_end.
 *
 * One line per check: "PASS name" or "FAIL name: reason".
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/wait.h>

#include "classify_user.h"
#include "core/names.h"
#include "pkt.h"

/* ---------------------------------------------------------------- harness */

#include "check.h"

/* ------------------------------------------------------------ classifier */

static struct vx_compiled comp_default;

struct res {
	int r;                 /* vx_parse() */
	struct vx_pkt p;       /* pointers cleared, see offsets */
	long l4_off, pl_off;   /* offsets into the frame, -1 when unset */
	struct vx_verdict v;   /* vx_classify() */
	struct vx_pkt pc;      /* what vx_classify filled */
};

/* Run parser and classifier over a private exact-size copy of the frame. */
static struct res run_on(const struct vx_compiled *c, const uint8_t *frame,
			 size_t len)
{
	struct vx_env env = { .pol = c };
	uint8_t *m = malloc(len + 2);
	const uint8_t *d = m + 2;
	struct res out;

	if (!m)
		abort();
	memcpy(m + 2, frame, len);
	memset(&out, 0, sizeof(out));
	out.r = vx_parse(&out.p, d, d + len);
	out.l4_off = out.p.l4 ? out.p.l4 - d : -1;
	out.pl_off = out.p.payload ? out.p.payload - d : -1;
	out.p.l4 = out.p.payload = NULL;
	out.v = vx_classify(&env, &out.pc, d, d + len, 0);
	out.pc.l4 = out.pc.payload = NULL;
	free(m);
	return out;
}

static struct res run(const uint8_t *frame, size_t len)
{
	return run_on(&comp_default, frame, len);
}

static const char *cname(unsigned int c)
{
	return vx_class_name(c);
}

static const char *rname(int r)
{
	static const char *const n[] = { "OK", "NOT_IP", "L4_UNKNOWN",
					 "LATER_FRAG", "MALFORMED" };
	return r >= 0 && r <= VX_PARSE_MALFORMED ? n[r] : "?";
}

#include "kind_class.h"

/* Length of the Ethernet + VLAN + IP header part of a plain frame. */
static size_t l3_off(int vlans)
{
	return 14 + 4 * (size_t)vlans;
}

static size_t iphl(int ipver)
{
	return ipver == 4 ? 20 : 40;
}

/* ------------------------------------------------------------------ tests */

static void test_default_signatures(void)
{
	struct pkt_frame f;

	for (int k = 0; k < PKT_K_NKIND; k++) {
		for (int reply = 0; reply < 2; reply++) {
			begin();
			for (int ipver = 4; ipver <= 6; ipver += 2) {
				for (int vl = 0; vl <= 2; vl++) {
					struct res r;

					f.len = pkt_kind_frame(PKT_DATA(&f), PKT_MAX, k,
							       ipver, vl, reply);
					r = run(PKT_DATA(&f), f.len);
					expect(f.len > 0, "frame not built");
					expect(r.r == VX_PARSE_OK ||
					       (r.r == VX_PARSE_L4_UNKNOWN &&
						pkt_kinds[k].proto != PKT_P_UDP &&
						pkt_kinds[k].proto != PKT_P_TCP),
					       "v%d vlans %d: parse %s", ipver, vl,
					       rname(r.r));
					expect(r.v.cls == kind_class[k],
					       "v%d vlans %d: class %s, want %s", ipver,
					       vl, cname(r.v.cls), cname(kind_class[k]));
					expect(r.p.vlans == vl, "v%d: vlans %u, want %d",
					       ipver, r.p.vlans, vl);
					expect(r.p.ipver == ipver, "ipver %u, want %d",
					       r.p.ipver, ipver);
					expect(r.p.l4proto == pkt_kinds[k].proto,
					       "v%d vlans %d: l4proto %u, want %u", ipver,
					       vl, r.p.l4proto, pkt_kinds[k].proto);
				}
			}
			result(ok_now, why, "classify_default_%s_%s_v4_v6_vlan0_1_2",
			       pkt_kinds[k].name, reply ? "reply_sport" : "request_dport");
		}
	}
}

/* Every field vx_parse fills, on a WireGuard initiation. */
static void test_parse_fields_udp(void)
{
	struct pkt_frame f;

	for (int ipver = 4; ipver <= 6; ipver += 2) {
		for (int vl = 0; vl <= 2; vl++) {
			struct res r;
			size_t l4o = l3_off(vl) + iphl(ipver);
			__u32 sa, da;

			f.len = pkt_kind_frame(PKT_DATA(&f), PKT_MAX, PKT_K_WG, ipver,
					       vl, false);
			r = run(PKT_DATA(&f), f.len);
			begin();
			expect(r.r == VX_PARSE_OK, "parse %s", rname(r.r));
			expect(r.p.sport == PKT_CLIENT_PORT, "sport %u", r.p.sport);
			expect(r.p.dport == 51820, "dport %u", r.p.dport);
			expect(r.p.l4proto == IPPROTO_UDP, "l4proto %u", r.p.l4proto);
			expect(r.p.ipver == ipver, "ipver %u", r.p.ipver);
			expect(r.p.vlans == vl, "vlans %u", r.p.vlans);
			expect(r.p.frag == VX_FRAG_NONE, "frag %u", r.p.frag);
			expect(r.l4_off == (long)l4o, "l4 at %ld, want %zu", r.l4_off, l4o);
			expect(r.pl_off == (long)l4o + 8, "payload at %ld, want %zu",
			       r.pl_off, l4o + 8);
			expect(r.p.payload_len == PKT_WG_INIT_LEN, "payload_len %u",
			       r.p.payload_len);
			expect(PKT_DATA(&f)[l4o + 8] == 1, "builder: WG type byte");
			if (ipver == 4) {
				memcpy(&sa, pkt_ip4_a, 4);
				memcpy(&da, pkt_ip4_b, 4);
				expect(r.p.saddr[0] == sa && r.p.daddr[0] == da,
				       "v4 addresses %08x %08x", ntohl(r.p.saddr[0]),
				       ntohl(r.p.daddr[0]));
			} else {
				expect(memcmp(r.p.saddr, pkt_ip6_a, 16) == 0 &&
				       memcmp(r.p.daddr, pkt_ip6_b, 16) == 0,
				       "v6 addresses differ");
			}
			expect(r.v.cls == VX_C_WIREGUARD, "class %s", cname(r.v.cls));
			result(ok_now, why, "parse_fields_udp_wireguard_v%d_vlan%d",
			       ipver, vl);
		}
	}
}

static void test_parse_tcp(void)
{
	struct pkt_frame f;
	uint8_t l4[512], pl[64];

	for (int ipver = 4; ipver <= 6; ipver += 2) {
		for (unsigned int doff = 5; doff <= 15; doff += 5) {
			struct pkt_spec s = { .ipver = ipver, .vlans = 1,
					      .proto = PKT_P_TCP, .l4 = l4 };
			size_t n = pkt_openvpn_reset(pl, true);
			size_t l4o = l3_off(1) + iphl(ipver);
			struct res r;

			s.l4len = pkt_tcp(l4, 40000, 1194, PKT_TCP_PSH | PKT_TCP_ACK,
					  doff, pl, n);
			f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
			r = run(PKT_DATA(&f), f.len);
			begin();
			expect(r.r == VX_PARSE_OK, "parse %s", rname(r.r));
			expect(r.p.sport == 40000 && r.p.dport == 1194, "ports %u %u",
			       r.p.sport, r.p.dport);
			expect(r.p.tcp_flags == (PKT_TCP_PSH | PKT_TCP_ACK),
			       "tcp_flags %#x", r.p.tcp_flags);
			expect(r.pl_off == (long)(l4o + doff * 4), "payload at %ld, want %zu",
			       r.pl_off, l4o + doff * 4);
			expect(r.p.payload_len == n, "payload_len %u, want %zu",
			       r.p.payload_len, n);
			expect(r.v.cls == VX_C_OPENVPN, "class %s", cname(r.v.cls));
			result(ok_now, why, "parse_tcp_doff%u_v%d_payload_offset_and_flags",
			       doff, ipver);
		}
	}
}

/* The IP header's lengths bound the payload: Ethernet padding is not. */
static void test_padding(void)
{
	struct pkt_frame f;
	uint8_t l4[512], pl[64];

	for (int pb = 0; pb < 2; pb++) {
		uint8_t pad = pb ? 0xff : 0x00;

		for (int ipver = 4; ipver <= 6; ipver += 2) {
			struct pkt_spec s = { .ipver = ipver, .proto = PKT_P_UDP,
					      .l4 = l4, .pad_to = 90,
					      .pad_byte = pad };
			struct res r;

			s.l4len = pkt_udp(l4, 40000, 4500, pl, pkt_natt_keepalive(pl));
			f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
			r = run(PKT_DATA(&f), f.len);
			begin();
			expect(f.len == 90, "frame %zu", f.len);
			expect(r.r == VX_PARSE_OK, "parse %s", rname(r.r));
			expect(r.p.payload_len == 1, "payload_len %u, want 1",
			       r.p.payload_len);
			expect(r.v.cls == VX_C_IKE && r.v.conf == VX_CONF_VERIFIED,
			       "class %s conf %u, want ike verified", cname(r.v.cls),
			       r.v.conf);
			result(ok_now, why, "padding_%02x_natt_keepalive_v%d_payload_len_1",
			       pad, ipver);

			/* TCP payload = IP payload - header, not the padding */
			s.proto = PKT_P_TCP;
			s.l4len = pkt_tcp(l4, 40000, 1723, PKT_TCP_PSH | PKT_TCP_ACK, 0,
					  "\x00\x9c\x00\x01", 4);
			s.pad_to = 120;
			f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
			r = run(PKT_DATA(&f), f.len);
			begin();
			expect(r.r == VX_PARSE_OK, "parse %s", rname(r.r));
			expect(r.p.payload_len == 4, "payload_len %u, want 4",
			       r.p.payload_len);
			result(ok_now, why, "padding_%02x_tcp_v%d_payload_len_excludes_pad",
			       pad, ipver);

			/* ESP: payload_len = IP payload */
			s.proto = PKT_P_ESP;
			s.l4len = pkt_esp(l4, 0x1234, 1, pl, 4);
			f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
			r = run(PKT_DATA(&f), f.len);
			begin();
			expect(r.r == VX_PARSE_L4_UNKNOWN || r.r == VX_PARSE_OK,
			       "parse %s", rname(r.r));
			expect(r.p.payload_len == 12, "payload_len %u, want 12",
			       r.p.payload_len);
			expect(r.v.cls == VX_C_ESP, "class %s", cname(r.v.cls));
			result(ok_now, why, "padding_%02x_esp_v%d_payload_len_excludes_pad",
			       pad, ipver);

			/* An empty UDP datagram stays empty however much padding */
			s.proto = PKT_P_UDP;
			s.l4len = pkt_udp(l4, 40000, 51820, NULL, 0);
			s.pad_to = 200;
			f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
			r = run(PKT_DATA(&f), f.len);
			begin();
			expect(r.r == VX_PARSE_OK, "parse %s", rname(r.r));
			expect(r.p.payload_len == 0, "payload_len %u", r.p.payload_len);
			expect(r.v.cls == VX_C_OTHER, "class %s, want other (empty)",
			       cname(r.v.cls));
			result(ok_now, why, "padding_%02x_empty_udp51820_v%d_is_other",
			       pad, ipver);
		}
	}
}

static void test_ip4_options(void)
{
	struct pkt_frame f;
	uint8_t l4[512], opts[40];

	for (size_t ol = 4; ol <= 40; ol += 12) {
		struct pkt_spec s = { .ipver = 4, .proto = PKT_P_UDP, .l4 = l4,
				      .ip4_opts = opts, .ip4_optlen = ol };
		struct res r;

		memset(opts, 1, sizeof(opts)); /* NOPs */
		opts[ol - 1] = 0;              /* EOL */
		s.l4len = pkt_kind_l4(l4, PKT_K_WG, false);
		f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
		r = run(PKT_DATA(&f), f.len);
		begin();
		expect(r.r == VX_PARSE_OK, "parse %s", rname(r.r));
		expect(r.l4_off == (long)(14 + 20 + ol), "l4 at %ld", r.l4_off);
		expect(r.p.dport == 51820, "dport %u", r.p.dport);
		expect(r.p.payload_len == PKT_WG_INIT_LEN, "payload_len %u",
		       r.p.payload_len);
		expect(r.v.cls == VX_C_WIREGUARD, "class %s", cname(r.v.cls));
		result(ok_now, why, "ip4_options_%zu_bytes_ihl%zu_wireguard", ol,
		       (20 + ol) / 4);
	}
}

static void test_fragments(void)
{
	struct pkt_frame f;
	uint8_t l4[512];
	struct res r;

	for (int ipver = 4; ipver <= 6; ipver += 2) {
		static const uint8_t fr[] = { PKT_P_FRAGMENT };
		struct pkt_spec s = { .ipver = ipver, .proto = PKT_P_UDP, .l4 = l4,
				      .frag_id = 0x4242, .vlans = 1 };
		size_t full;

		if (ipver == 6) {
			s.ext = fr;
			s.n_ext = 1;
		}
		/* First fragment: UDP header says 156, only 8 + 64 are here */
		full = pkt_kind_l4(l4, PKT_K_WG, false);
		s.l4len = 8 + 64;
		s.frag_mf = true;
		f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
		r = run(PKT_DATA(&f), f.len);
		begin();
		expect(full == 156 && pkt_get16(l4 + 4) == 156, "builder: udp len");
		expect(r.r == VX_PARSE_OK, "parse %s", rname(r.r));
		expect(r.p.frag == VX_FRAG_FIRST, "frag %u", r.p.frag);
		expect(r.p.frag_id == 0x4242, "frag_id %#x", r.p.frag_id);
		expect(r.p.dport == 51820, "dport %u", r.p.dport);
		expect(r.p.payload_len == 64, "payload_len %u, want 64", r.p.payload_len);
		expect(r.v.cls == VX_C_WIREGUARD, "class %s", cname(r.v.cls));
		result(ok_now, why, "frag_v%d_first_fragment_classified_by_port", ipver);

		/* Later fragments: offset > 0, with and without MF */
		for (int mf = 0; mf < 2; mf++) {
			s.frag_offset = 9; /* 72 bytes */
			s.frag_mf = mf;
			s.l4len = 84;
			memset(l4, 0, 84); /* would look like an empty UDP header */
			l4[2] = 0xca; l4[3] = 0x6c; /* "dport 51820" */
			f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
			r = run(PKT_DATA(&f), f.len);
			begin();
			expect(r.r == VX_PARSE_LATER_FRAG, "parse %s", rname(r.r));
			expect(r.p.frag == VX_FRAG_LATER, "frag %u", r.p.frag);
			expect(r.p.frag_id == 0x4242, "frag_id %#x", r.p.frag_id);
			expect(r.p.l4proto == IPPROTO_UDP, "l4proto %u", r.p.l4proto);
			expect(r.v.cls == VX_C_FRAGMENT, "class %s", cname(r.v.cls));
			result(ok_now, why, "frag_v%d_later_fragment_mf%d_is_fragment",
			       ipver, mf);
		}
		s.frag_offset = 0;
		s.frag_mf = false;

		/* Unfragmented: IPv4 DF only; IPv6 atomic fragment (RFC 6946) */
		s.ip4_flags = PKT_IP4_DF;
		s.l4len = pkt_kind_l4(l4, PKT_K_WG, false);
		f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
		r = run(PKT_DATA(&f), f.len);
		begin();
		expect(r.r == VX_PARSE_OK, "parse %s", rname(r.r));
		expect(r.p.frag == VX_FRAG_NONE, "frag %u", r.p.frag);
		expect(r.p.payload_len == PKT_WG_INIT_LEN, "payload_len %u",
		       r.p.payload_len);
		expect(r.v.cls == VX_C_WIREGUARD, "class %s", cname(r.v.cls));
		result(ok_now, why, "frag_v%d_%s_is_whole", ipver,
		       ipver == 4 ? "df_only" : "atomic_fragment");
	}

	/* IPv4 offset field only (no MF) with large offset */
	{
		struct pkt_spec s = { .ipver = 4, .proto = PKT_P_ESP, .l4 = l4,
				      .frag_offset = 0x1fff };

		s.l4len = pkt_kind_l4(l4, PKT_K_ESP, false);
		f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
		r = run(PKT_DATA(&f), f.len);
		begin();
		expect(r.r == VX_PARSE_LATER_FRAG, "parse %s", rname(r.r));
		expect(r.v.cls == VX_C_FRAGMENT, "class %s", cname(r.v.cls));
		result(ok_now, why, "frag_v4_last_fragment_max_offset_esp_is_fragment");
	}
}

/*
 * A first fragment too short to hold the whole UDP header, with Ethernet
 * padding behind it (a 38-byte frame is padded to 60 on the wire).  The UDP
 * length and the "payload" would come from the padding, outside the IP
 * packet: the parser must not read them as the packet's own.
 */
static void test_tiny_first_fragment(void)
{
	struct pkt_frame f;
	uint8_t l4[16];

	for (int ipver = 4; ipver <= 6; ipver += 2) {
		static const uint8_t fr[] = { PKT_P_FRAGMENT };
		struct pkt_spec s = { .ipver = ipver, .proto = PKT_P_UDP, .l4 = l4,
				      .l4len = 4, .frag_mf = true, .frag_id = 7,
				      .pad_to = ipver == 4 ? 60 : 90,
				      .pad_byte = 0x55 };
		size_t ip_end = 14 + (ipver == 4 ? 20 : 48) + 4;
		struct res r;

		if (ipver == 6) {
			s.ext = fr;
			s.n_ext = 1;
		}
		pkt_put16(l4, 40000);
		pkt_put16(l4 + 2, 4500);
		f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
		r = run(PKT_DATA(&f), f.len);
		begin();
		expect(r.r != VX_PARSE_OK ||
		       (r.pl_off >= 0 && (size_t)r.pl_off <= ip_end &&
			r.p.payload_len <= ip_end - (size_t)r.pl_off),
		       "parse OK with payload at %ld, payload_len %u: the IP packet "
		       "ends at %zu (frame %zu, the rest is padding)", r.pl_off,
		       r.p.payload_len, ip_end, f.len);
		result(ok_now, why,
		       "frag_v%d_tiny_first_fragment_payload_within_ip_packet", ipver);
		begin();
		expect(r.v.cls == VX_C_OTHER,
		       "class %s (%s), want other: 4 bytes of UDP header, the rest "
		       "of the verdict came from Ethernet padding", cname(r.v.cls),
		       r.v.conf ? "verified" : "port");
		result(ok_now, why, "frag_v%d_tiny_first_fragment_padding_not_vpn",
		       ipver);
	}
}

static void test_ipv6_ext(void)
{
	struct pkt_frame f;
	uint8_t l4[512];
	static const uint8_t chain3[] = { PKT_P_HOPOPTS, PKT_P_ROUTING, PKT_P_DSTOPTS };
	uint8_t longc[PKT_MAX_EXT];
	struct res r;

	for (int el = 0; el <= 2; el++) {
		for (int vl = 0; vl <= 2; vl++) {
			struct pkt_spec s = { .ipver = 6, .proto = PKT_P_UDP, .l4 = l4,
					      .ext = chain3, .n_ext = 3,
					      .ext_len8 = (uint8_t)el, .vlans = vl };
			size_t l4o = l3_off(vl) + 40 + 3 * (size_t)(el + 1) * 8;

			s.l4len = pkt_kind_l4(l4, PKT_K_WG, false);
			f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
			r = run(PKT_DATA(&f), f.len);
			begin();
			expect(r.r == VX_PARSE_OK, "parse %s", rname(r.r));
			expect(r.l4_off == (long)l4o, "l4 at %ld, want %zu", r.l4_off, l4o);
			expect(r.p.dport == 51820, "dport %u", r.p.dport);
			expect(r.p.payload_len == PKT_WG_INIT_LEN, "payload_len %u",
			       r.p.payload_len);
			expect(r.v.cls == VX_C_WIREGUARD, "class %s", cname(r.v.cls));
			result(ok_now, why,
			       "ipv6_hbh_routing_dstopts_len%d_vlan%d_udp51820_wireguard",
			       (el + 1) * 8, vl);
		}
	}

	/* Chains of n destination-options headers (plus a fragment header
	 * somewhere in the middle for n >= 3) */
	for (int n = 1; n <= VX_MAX_EXTHDRS + 2; n++) {
		struct pkt_spec s = { .ipver = 6, .proto = PKT_P_UDP, .l4 = l4,
				      .ext = longc, .n_ext = n };
		bool within = n <= VX_MAX_EXTHDRS;

		for (int i = 0; i < n; i++)
			longc[i] = PKT_P_DSTOPTS;
		if (n >= 3)
			longc[1] = PKT_P_FRAGMENT; /* atomic fragment */
		longc[0] = PKT_P_HOPOPTS;
		s.l4len = pkt_kind_l4(l4, PKT_K_WG, false);
		f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
		r = run(PKT_DATA(&f), f.len);
		begin();
		if (within) {
			expect(r.r == VX_PARSE_OK, "parse %s with %d extension headers "
			       "(VX_MAX_EXTHDRS %d)", rname(r.r), n, VX_MAX_EXTHDRS);
			expect(r.v.cls == VX_C_WIREGUARD, "class %s with %d extension "
			       "headers (VX_MAX_EXTHDRS %d), want wireguard",
			       cname(r.v.cls), n, VX_MAX_EXTHDRS);
		} else {
			expect(r.r != VX_PARSE_OK, "parse OK beyond the walk limit");
			expect(r.v.cls == VX_C_OTHER, "class %s, want other",
			       cname(r.v.cls));
		}
		result(ok_now, why, "ipv6_chain_of_%d_exthdrs_%s", n,
		       within ? "within_limit_wireguard" : "beyond_limit_other");
	}

	/* No next header; ICMPv6 */
	{
		struct pkt_spec s = { .ipver = 6, .proto = PKT_P_NONE, .l4 = l4,
				      .l4len = 16, .ext = chain3, .n_ext = 1 };

		memset(l4, 0, 16);
		f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
		r = run(PKT_DATA(&f), f.len);
		begin();
		expect(r.r == VX_PARSE_L4_UNKNOWN, "parse %s", rname(r.r));
		expect(r.p.l4proto == PKT_P_NONE, "l4proto %u", r.p.l4proto);
		expect(r.v.cls == VX_C_OTHER, "class %s", cname(r.v.cls));
		result(ok_now, why, "ipv6_hbh_then_no_next_header_is_other");

		s.proto = PKT_P_ICMPV6;
		s.n_ext = 0;
		l4[0] = 128; /* echo request */
		f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
		r = run(PKT_DATA(&f), f.len);
		begin();
		expect(r.r == VX_PARSE_L4_UNKNOWN, "parse %s", rname(r.r));
		expect(r.p.l4proto == PKT_P_ICMPV6, "l4proto %u", r.p.l4proto);
		expect(r.v.cls == VX_C_OTHER, "class %s", cname(r.v.cls));
		result(ok_now, why, "ipv6_icmpv6_is_l4_unknown_other");
	}
}

static void test_not_ip(void)
{
	struct pkt_frame f;
	uint8_t l4[512];
	struct res r;

	for (int vl = 0; vl <= 2; vl++) {
		struct pkt_spec s = { .ethertype = PKT_ETH_ARP, .vlans = vl, .l4 = l4 };

		s.l4len = pkt_arp(l4);
		f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
		r = run(PKT_DATA(&f), f.len);
		begin();
		expect(r.r == VX_PARSE_NOT_IP, "parse %s", rname(r.r));
		expect(r.p.vlans == vl, "vlans %u", r.p.vlans);
		expect(r.v.cls == VX_C_OTHER, "class %s", cname(r.v.cls));
		result(ok_now, why, "arp_vlan%d_not_ip_other", vl);
	}
	/* Three tags: the parser stops after two; the third TPID is not IP */
	for (int ipver = 4; ipver <= 6; ipver += 2) {
		struct pkt_spec s = { .ipver = ipver, .vlans = 3, .proto = PKT_P_UDP,
				      .l4 = l4 };

		s.l4len = pkt_kind_l4(l4, PKT_K_WG, false);
		f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
		r = run(PKT_DATA(&f), f.len);
		begin();
		expect(r.r == VX_PARSE_NOT_IP, "parse %s", rname(r.r));
		expect(r.p.vlans == 2, "vlans %u", r.p.vlans);
		expect(r.v.cls == VX_C_OTHER, "class %s", cname(r.v.cls));
		result(ok_now, why, "three_vlan_tags_v%d_wireguard_is_other", ipver);
	}
}

/* Each malformed variant of a VPN frame: MALFORMED and other. */
struct malformed {
	const char *name;
	int ipver;
	void (*mk)(struct pkt_spec *s, uint8_t *l4);
	size_t cut;            /* > 0: truncate the frame to this many bytes */
	int patch_off;         /* >= 0: set byte at this frame offset */
	uint8_t patch_val;
};

static void mk_wg(struct pkt_spec *s, uint8_t *l4)
{
	s->proto = PKT_P_UDP;
	s->l4len = pkt_kind_l4(l4, PKT_K_WG, false);
}

static void mk_ihl4(struct pkt_spec *s, uint8_t *l4)
{
	mk_wg(s, l4);
	s->set_ihl = true;
	s->ihl = 4;
}

static void mk_ihl0(struct pkt_spec *s, uint8_t *l4)
{
	mk_wg(s, l4);
	s->set_ihl = true;
	s->ihl = 0;
}

static void mk_ihl_past_tot(struct pkt_spec *s, uint8_t *l4)
{
	/* IHL 15 (60 bytes) but tot_len 40 */
	mk_wg(s, l4);
	s->set_ihl = true;
	s->ihl = 15;
	s->set_tot_len = true;
	s->tot_len = 40;
}

static void mk_tot_gt_frame(struct pkt_spec *s, uint8_t *l4)
{
	mk_wg(s, l4);
	s->set_tot_len = true;
	s->tot_len = (uint16_t)(20 + s->l4len + 1);
}

static void mk_tot_lt_ihl(struct pkt_spec *s, uint8_t *l4)
{
	mk_wg(s, l4);
	s->set_tot_len = true;
	s->tot_len = 19;
}

static void mk_tot_zero(struct pkt_spec *s, uint8_t *l4)
{
	mk_wg(s, l4);
	s->set_tot_len = true;
	s->tot_len = 0;
}

static void mk_tot_eq_ihl(struct pkt_spec *s, uint8_t *l4)
{
	/* IP header only: the UDP header is outside the IP packet */
	mk_wg(s, l4);
	s->set_tot_len = true;
	s->tot_len = 20;
}

static void mk_udp_len(struct pkt_spec *s, uint8_t *l4, uint16_t ulen)
{
	mk_wg(s, l4);
	pkt_put16(l4 + 4, ulen);
}

static void mk_udp_len0(struct pkt_spec *s, uint8_t *l4) { mk_udp_len(s, l4, 0); }
static void mk_udp_len7(struct pkt_spec *s, uint8_t *l4) { mk_udp_len(s, l4, 7); }
static void mk_udp_len_big(struct pkt_spec *s, uint8_t *l4)
{
	mk_udp_len(s, l4, 8 + PKT_WG_INIT_LEN + 1);
}
static void mk_udp_len_ffff(struct pkt_spec *s, uint8_t *l4) { mk_udp_len(s, l4, 0xffff); }

static void mk_tcp_doff(struct pkt_spec *s, uint8_t *l4, unsigned int doff)
{
	uint8_t pl[256];
	size_t n = pkt_pptp_ctrl(pl);

	s->proto = PKT_P_TCP;
	s->l4len = pkt_tcp(l4, 40000, 1723, PKT_TCP_PSH | PKT_TCP_ACK, 0, pl, n);
	l4[12] = (uint8_t)(doff << 4);
}

static void mk_tcp_doff4(struct pkt_spec *s, uint8_t *l4) { mk_tcp_doff(s, l4, 4); }
static void mk_tcp_doff0(struct pkt_spec *s, uint8_t *l4) { mk_tcp_doff(s, l4, 0); }

static void mk_tcp_doff_past(struct pkt_spec *s, uint8_t *l4)
{
	/* doff 15 (60 bytes) on a 24-byte segment */
	s->proto = PKT_P_TCP;
	s->l4len = pkt_tcp(l4, 40000, 1723, PKT_TCP_PSH | PKT_TCP_ACK, 0,
			   "\x00\x9c\x00\x01", 4);
	l4[12] = 15 << 4;
}

static void mk_tcp_short(struct pkt_spec *s, uint8_t *l4)
{
	/* 19 bytes of TCP header */
	s->proto = PKT_P_TCP;
	pkt_tcp(l4, 40000, 1723, PKT_TCP_SYN, 0, NULL, 0);
	s->l4len = 19;
}

static void mk_udp_short(struct pkt_spec *s, uint8_t *l4)
{
	s->proto = PKT_P_UDP;
	pkt_udp(l4, 40000, 51820, NULL, 0);
	s->l4len = 7;
}

static void mk_esp_short(struct pkt_spec *s, uint8_t *l4)
{
	s->proto = PKT_P_ESP;
	pkt_esp(l4, 0x1234, 1, NULL, 0);
	s->l4len = 7;
}

static void mk_ah_short(struct pkt_spec *s, uint8_t *l4)
{
	s->proto = PKT_P_AH;
	pkt_ah(l4, PKT_P_UDP, 0x1234, 1, NULL, 0);
	s->l4len = 11;
}

static void mk_gre_short(struct pkt_spec *s, uint8_t *l4)
{
	s->proto = PKT_P_GRE;
	pkt_gre_pptp(l4, 1, 0);
	s->l4len = 3;
}

static void mk_v6_plen0(struct pkt_spec *s, uint8_t *l4)
{
	mk_wg(s, l4);
	s->set_plen = true;
	s->plen = 0;
}

static void mk_v6_plen_big(struct pkt_spec *s, uint8_t *l4)
{
	mk_wg(s, l4);
	s->set_plen = true;
	s->plen = (uint16_t)(s->l4len + 1);
}

static void mk_v6_ext_past_plen(struct pkt_spec *s, uint8_t *l4)
{
	/* a 16-byte hop-by-hop header in a 12-byte payload, frame padded */
	static const uint8_t hbh[] = { PKT_P_HOPOPTS };

	mk_udp_short(s, l4);
	s->ext = hbh;
	s->n_ext = 1;
	s->ext_len8 = 1;
	s->set_plen = true;
	s->plen = 12;
}

static void mk_v6_frag_past_plen(struct pkt_spec *s, uint8_t *l4)
{
	static const uint8_t fr[] = { PKT_P_FRAGMENT };

	mk_wg(s, l4);
	s->ext = fr;
	s->n_ext = 1;
	s->set_plen = true;
	s->plen = 6; /* fragment header is 8 */
}

static void test_malformed(void)
{
	static const struct malformed m[] = {
		{ "ip4_ihl_4", 4, mk_ihl4, 0, -1, 0 },
		{ "ip4_ihl_0", 4, mk_ihl0, 0, -1, 0 },
		{ "ip4_ihl_60_past_tot_len_40", 4, mk_ihl_past_tot, 0, -1, 0 },
		{ "ip4_tot_len_past_frame", 4, mk_tot_gt_frame, 0, -1, 0 },
		{ "ip4_tot_len_19_lt_ihl", 4, mk_tot_lt_ihl, 0, -1, 0 },
		{ "ip4_tot_len_0", 4, mk_tot_zero, 0, -1, 0 },
		{ "ip4_tot_len_20_no_room_for_udp", 4, mk_tot_eq_ihl, 0, -1, 0 },
		{ "ip4_version_5", 4, mk_wg, 0, 14, 0x55 },
		{ "ip4_header_cut_at_19", 4, mk_wg, 14 + 19, -1, 0 },
		{ "ip4_udp_len_0", 4, mk_udp_len0, 0, -1, 0 },
		{ "ip4_udp_len_7", 4, mk_udp_len7, 0, -1, 0 },
		{ "ip4_udp_len_past_ip_payload", 4, mk_udp_len_big, 0, -1, 0 },
		{ "ip4_udp_len_ffff", 4, mk_udp_len_ffff, 0, -1, 0 },
		{ "ip4_udp_header_7_bytes", 4, mk_udp_short, 0, -1, 0 },
		{ "ip4_tcp_doff_4", 4, mk_tcp_doff4, 0, -1, 0 },
		{ "ip4_tcp_doff_0", 4, mk_tcp_doff0, 0, -1, 0 },
		{ "ip4_tcp_doff_15_past_segment", 4, mk_tcp_doff_past, 0, -1, 0 },
		{ "ip4_tcp_header_19_bytes", 4, mk_tcp_short, 0, -1, 0 },
		{ "ip4_esp_7_bytes", 4, mk_esp_short, 0, -1, 0 },
		{ "ip4_ah_11_bytes", 4, mk_ah_short, 0, -1, 0 },
		{ "ip4_gre_3_bytes", 4, mk_gre_short, 0, -1, 0 },
		{ "ip6_payload_len_0", 6, mk_v6_plen0, 0, -1, 0 },
		{ "ip6_payload_len_past_frame", 6, mk_v6_plen_big, 0, -1, 0 },
		{ "ip6_version_4", 6, mk_wg, 0, 14, 0x40 },
		{ "ip6_header_cut_at_39", 6, mk_wg, 14 + 39, -1, 0 },
		{ "ip6_udp_len_7", 6, mk_udp_len7, 0, -1, 0 },
		{ "ip6_udp_len_past_ip_payload", 6, mk_udp_len_big, 0, -1, 0 },
		{ "ip6_udp_header_7_bytes", 6, mk_udp_short, 0, -1, 0 },
		{ "ip6_tcp_doff_4", 6, mk_tcp_doff4, 0, -1, 0 },
		{ "ip6_tcp_doff_15_past_segment", 6, mk_tcp_doff_past, 0, -1, 0 },
		{ "ip6_esp_7_bytes", 6, mk_esp_short, 0, -1, 0 },
		{ "ip6_ah_11_bytes", 6, mk_ah_short, 0, -1, 0 },
		{ "ip6_gre_3_bytes", 6, mk_gre_short, 0, -1, 0 },
		{ "ip6_exthdr_past_payload_len", 6, mk_v6_ext_past_plen, 0, -1, 0 },
		{ "ip6_frag_header_past_payload_len", 6, mk_v6_frag_past_plen, 0, -1, 0 },
		{ "eth_header_cut_at_13", 4, mk_wg, 13, -1, 0 },
		{ "vlan_tag_cut", 4, mk_wg, 14 + 2, 12, 0x81 },
	};
	struct pkt_frame f;
	uint8_t l4[1024];

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		for (int vl = 0; vl <= 2; vl++) {
			struct pkt_spec s = { .ipver = m[i].ipver, .vlans = vl,
					      .l4 = l4, .pad_to = 100,
					      .pad_byte = 0 };
			size_t len;
			struct res r;

			if (m[i].cut && vl)
				continue; /* cut offsets are for untagged frames */
			m[i].mk(&s, l4);
			len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
			if (m[i].patch_off >= 0) {
				size_t off = (size_t)m[i].patch_off;

				if (off >= 14)
					off += 4 * (size_t)vl;
				if (m[i].patch_val == 0x81) { /* VLAN TPID */
					PKT_DATA(&f)[12] = 0x81;
					PKT_DATA(&f)[13] = 0x00;
				} else {
					PKT_DATA(&f)[off] = m[i].patch_val;
				}
			}
			if (m[i].cut)
				len = m[i].cut;
			/* no padding where the test is about the frame's end */
			if (m[i].mk == mk_tot_gt_frame || m[i].mk == mk_v6_plen_big ||
			    m[i].mk == mk_udp_len_big || m[i].mk == mk_tcp_doff_past ||
			    m[i].mk == mk_udp_short || m[i].mk == mk_tcp_short ||
			    m[i].mk == mk_esp_short || m[i].mk == mk_ah_short ||
			    m[i].mk == mk_gre_short || m[i].mk == mk_udp_len_ffff) {
				s.pad_to = 0;
				len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
			}
			r = run(PKT_DATA(&f), len);
			begin();
			expect(r.r == VX_PARSE_MALFORMED, "parse %s, want MALFORMED",
			       rname(r.r));
			expect(r.v.cls == VX_C_OTHER, "class %s, want other",
			       cname(r.v.cls));
			result(ok_now, why, "malformed_%s_vlan%d", m[i].name, vl);

			/* the same, padded where it was not (not where the
			 * padding would make the claimed length true) */
			if (s.pad_to == 0 && !m[i].cut && m[i].mk != mk_tot_gt_frame &&
			    m[i].mk != mk_v6_plen_big) {
				s.pad_to = len + 40;
				s.pad_byte = 0xff;
				len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
				r = run(PKT_DATA(&f), len);
				begin();
				expect(r.r == VX_PARSE_MALFORMED, "parse %s, want MALFORMED",
				       rname(r.r));
				expect(r.v.cls == VX_C_OTHER, "class %s, want other",
				       cname(r.v.cls));
				result(ok_now, why, "malformed_%s_padded_vlan%d", m[i].name,
				       vl);
			}
		}
	}
}

/* Truncating a valid frame anywhere inside its IP packet never leaves a VPN
 * verdict. */
static void test_truncation(void)
{
	struct pkt_frame f;

	for (int k = 0; k < PKT_K_NKIND; k++) {
		for (int ipver = 4; ipver <= 6; ipver += 2) {
			int vl = (k + ipver) % 3;
			size_t bad = 0, first_bad = 0;
			unsigned int bad_cls = 0;

			f.len = pkt_kind_frame(PKT_DATA(&f), PKT_MAX, k, ipver, vl, false);
			for (size_t len = 0; len < f.len; len++) {
				struct res r = run(PKT_DATA(&f), len);

				if (r.v.cls != VX_C_OTHER || r.r != VX_PARSE_MALFORMED) {
					if (!bad++) {
						first_bad = len;
						bad_cls = r.v.cls;
					}
				}
			}
			begin();
			expect(bad == 0, "%zu of %zu lengths not malformed/other, first at "
			       "%zu: %s", bad, f.len, first_bad, cname(bad_cls));
			result(ok_now, why, "truncate_every_length_%s_v%d_vlan%d_other",
			       pkt_kinds[k].name, ipver, vl);
		}
	}
}

static void test_natt_and_gre(void)
{
	struct pkt_frame f;
	uint8_t l4[1024], pl[256];
	struct res r;
	struct {
		const char *name;
		size_t n;
		uint8_t first;
		unsigned int cls, conf;
	} natt[] = {
		{ "keepalive_ff", 1, 0xff, VX_C_IKE, VX_CONF_VERIFIED },
		{ "lone_00", 1, 0x00, VX_C_IKE, VX_CONF_PORT },
		{ "seven_bytes", 7, 0x11, VX_C_IKE, VX_CONF_PORT },
		/* the marker must be followed by an ISAKMP header */
		{ "zero_marker_8_bytes", 8, 0x00, VX_C_OTHER, VX_CONF_PORT },
		{ "spi_8_bytes", 8, 0x11, VX_C_ESP, VX_CONF_VERIFIED },
	};

	for (size_t i = 0; i < sizeof(natt) / sizeof(natt[0]); i++) {
		for (int reply = 0; reply < 2; reply++) {
			struct pkt_spec s = { .ipver = 4, .proto = PKT_P_UDP, .l4 = l4 };

			memset(pl, natt[i].first, sizeof(pl));
			if (natt[i].first == 0x11)
				pl[3] = 0x22;
			s.l4len = pkt_udp(l4, reply ? 4500 : 40000, reply ? 40000 : 4500,
					  pl, natt[i].n);
			f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
			r = run(PKT_DATA(&f), f.len);
			begin();
			expect(r.v.cls == natt[i].cls, "class %s, want %s", cname(r.v.cls),
			       cname(natt[i].cls));
			expect(r.v.conf == natt[i].conf, "conf %u, want %u", r.v.conf,
			       natt[i].conf);
			result(ok_now, why, "natt_udp4500_%s_%s", natt[i].name,
			       reply ? "reply" : "request");
		}
	}
	/* Full-size NAT-T flows in both directions, v6 */
	for (int k = PKT_K_NATT_IKE; k <= PKT_K_NATT_ESP; k++) {
		f.len = pkt_kind_frame(PKT_DATA(&f), PKT_MAX, k, 6, 0, true);
		r = run(PKT_DATA(&f), f.len);
		begin();
		expect(r.v.cls == kind_class[k], "class %s", cname(r.v.cls));
		expect(r.v.conf == VX_CONF_VERIFIED, "conf %u", r.v.conf);
		result(ok_now, why, "natt_%s_v6_reply_verified", pkt_kinds[k].name);
	}

	struct {
		const char *name;
		uint8_t b0, b1;
		uint16_t proto;
		size_t len;
		unsigned int cls;
	} gre[] = {
		{ "v1_key_880b", 0x20, 0x01, 0x880b, 8, VX_C_PPTP },
		{ "v1_key_seq_ack_880b", 0x30, 0x81, 0x880b, 16, VX_C_PPTP },
		{ "v1_no_key_880b", 0x00, 0x01, 0x880b, 8, VX_C_OTHER },
		{ "v0_key_880b", 0x20, 0x00, 0x880b, 8, VX_C_OTHER },
		{ "v1_key_0800", 0x20, 0x01, 0x0800, 8, VX_C_OTHER },
		{ "v0_0800", 0x00, 0x00, 0x0800, 8, VX_C_OTHER },
		{ "v1_key_880b_only_7_bytes", 0x20, 0x01, 0x880b, 7, VX_C_OTHER },
		{ "v1_key_880b_only_4_bytes", 0x20, 0x01, 0x880b, 4, VX_C_OTHER },
	};
	for (size_t i = 0; i < sizeof(gre) / sizeof(gre[0]); i++) {
		for (int ipver = 4; ipver <= 6; ipver += 2) {
			struct pkt_spec s = { .ipver = ipver, .proto = PKT_P_GRE,
					      .l4 = l4, .l4len = gre[i].len };

			memset(l4, 0x5a, 64);
			l4[0] = gre[i].b0;
			l4[1] = gre[i].b1;
			pkt_put16(l4 + 2, gre[i].proto);
			f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
			r = run(PKT_DATA(&f), f.len);
			begin();
			expect(r.v.cls == gre[i].cls, "class %s, want %s", cname(r.v.cls),
			       cname(gre[i].cls));
			if (gre[i].cls == VX_C_PPTP)
				expect(r.v.conf == VX_CONF_VERIFIED, "conf %u", r.v.conf);
			result(ok_now, why, "gre_%s_v%d_%s", gre[i].name, ipver,
			       cname(gre[i].cls));
		}
	}
	/* ESP and AH by IP protocol are verified */
	for (int k = PKT_K_ESP; k <= PKT_K_AH; k++) {
		f.len = pkt_kind_frame(PKT_DATA(&f), PKT_MAX, k, 4, 1, false);
		r = run(PKT_DATA(&f), f.len);
		begin();
		expect(r.v.cls == kind_class[k], "class %s", cname(r.v.cls));
		expect(r.v.conf == VX_CONF_VERIFIED, "conf %u", r.v.conf);
		result(ok_now, why, "%s_verified_by_ip_protocol", pkt_kinds[k].name);
	}
}

/* Policy-dependent behaviour of the signature tables. */
static void test_policy_tables(void)
{
	static struct vx_compiled c;
	struct vx_policy pol;
	struct pkt_frame f;
	uint8_t l4[1024];
	struct res r;
	bool found = false;

	/* Empty payloads are never VPN by port (SYN scan) */
	for (int ipver = 4; ipver <= 6; ipver += 2) {
		static const uint16_t ports[] = { 1723, 1194, 500 };

		begin();
		for (size_t i = 0; i < 3; i++) {
			struct pkt_spec s = { .ipver = ipver, .proto = PKT_P_TCP, .l4 = l4 };

			s.l4len = pkt_tcp(l4, 40000, ports[i], PKT_TCP_SYN, 6, NULL, 0);
			f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
			r = run(PKT_DATA(&f), f.len);
			expect(r.r == VX_PARSE_OK && r.p.tcp_flags == PKT_TCP_SYN,
			       "parse %s flags %#x", rname(r.r), r.p.tcp_flags);
			expect(r.v.cls == VX_C_OTHER, "SYN to %u: class %s", ports[i],
			       cname(r.v.cls));
		}
		result(ok_now, why, "tcp_syn_scan_v%d_to_vpn_ports_is_other", ipver);
	}

	/* SSTP enabled by policy: TCP 443 becomes sstp, both directions */
	vx_policy_init(&pol);
	for (size_t i = 0; i < pol.nsigs; i++) {
		if (pol.sigs[i].cls == VX_C_SSTP) {
			pol.sigs[i].enabled = true;
			found = true;
		}
	}
	vx_policy_compile(&pol, &c);
	begin();
	expect(found, "no sstp signature in the defaults");
	for (int reply = 0; reply < 2; reply++) {
		f.len = pkt_kind_frame(PKT_DATA(&f), PKT_MAX, PKT_K_SSTP, 4, 0, reply);
		r = run_on(&c, PKT_DATA(&f), f.len);
		expect(r.v.cls == VX_C_SSTP, "reply %d: class %s", reply,
		       cname(r.v.cls));
	}
	result(ok_now, why, "sstp_enabled_tcp443_both_directions_is_sstp");
	vx_policy_free(&pol);

	/* A signature the operator adds on another port, with a range */
	vx_policy_init(&pol);
	{
		struct vx_sigdef sd = { VX_C_WIREGUARD, VX_SK_UDP, 0, true, 41641, 41643 };

		vx_policy_add_sig(&pol, &sd);
	}
	vx_policy_compile(&pol, &c);
	begin();
	for (uint16_t port = 41640; port <= 41644; port++) {
		struct pkt_spec s = { .ipver = 6, .proto = PKT_P_UDP, .l4 = l4 };
		uint8_t pl[PKT_WG_INIT_LEN];
		/* in the range: signature, verified; outside: WireGuard is
		 * still found by its payload alone */
		unsigned int want = VX_C_WIREGUARD;
		unsigned int want_conf = port >= 41641 && port <= 41643 ?
					 VX_CONF_VERIFIED : VX_CONF_PAYLOAD;

		s.l4len = pkt_udp(l4, 50000, port, pl, pkt_wg_init(pl));
		f.len = pkt_build(PKT_DATA(&f), PKT_MAX, &s);
		r = run_on(&c, PKT_DATA(&f), f.len);
		expect(r.v.cls == want && r.v.conf == want_conf,
		       "port %u: class %s conf %u, want %s conf %u", port,
		       cname(r.v.cls), r.v.conf, cname(want), want_conf);
	}
	result(ok_now, why, "added_udp_range_41641_41643_matches_exactly_its_ports");
	vx_policy_free(&pol);

	/*
	 * GRE mapped by the operator to a class other than PPTP: the explicit
	 * mapping is taken as given, for PPTP's GRE and for any other GRE.
	 */
	vx_policy_init(&pol);
	for (size_t i = 0; i < pol.nsigs; i++)
		if (pol.sigs[i].kind == VX_SK_IP && pol.sigs[i].lo == IPPROTO_GRE)
			pol.sigs[i].cls = VX_C_L2TP;
	vx_policy_compile(&pol, &c);
	begin();
	expect(c.protos[IPPROTO_GRE] == VX_C_L2TP, "table not set");
	for (int k = PKT_K_GRE_PPTP; k <= PKT_K_GRE_V0; k++) {
		f.len = pkt_kind_frame(PKT_DATA(&f), PKT_MAX, k, 4, 0, false);
		r = run_on(&c, PKT_DATA(&f), f.len);
		expect(r.v.cls == VX_C_L2TP, "%s with GRE -> l2tp in the table: "
		       "class %s, want l2tp", pkt_kinds[k].name, cname(r.v.cls));
	}
	result(ok_now, why, "gre_table_class_set_by_operator_is_taken");
	vx_policy_free(&pol);
}

/* ------------------------------------------------------ random mutations */

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void test_mutations(void)
{
	enum { ITER = 5000 };
	static struct pkt_frame base[PKT_K_NKIND * 6 + 8];
	size_t nbase = 0, bad_cls = 0, bad_inv = 0, bad_det = 0;
	char first_inv[256] = "", first_cls[128] = "", first_det[128] = "";

	for (int k = 0; k < PKT_K_NKIND; k++)
		for (int ipver = 4; ipver <= 6; ipver += 2)
			for (int vl = 0; vl <= 2; vl++) {
				base[nbase].len = pkt_kind_frame(PKT_DATA(&base[nbase]),
								 PKT_MAX, k, ipver, vl,
								 (k + vl) & 1);
				nbase++;
			}
	/* fragments and extension chains too */
	for (int i = 0; i < 4; i++) {
		static const uint8_t ch[] = { PKT_P_HOPOPTS, PKT_P_ROUTING,
					      PKT_P_FRAGMENT, PKT_P_DSTOPTS };
		uint8_t l4[1024];
		struct pkt_spec s = { .ipver = i < 2 ? 4 : 6, .proto = PKT_P_UDP,
				      .l4 = l4, .frag_mf = i & 1, .frag_id = 99,
				      .ext = ch, .n_ext = i < 2 ? 0 : 4,
				      .vlans = i % 3, .pad_to = 300, .pad_byte = 0xff };

		s.l4len = pkt_kind_l4(l4, PKT_K_NATT_ESP, false);
		base[nbase].len = pkt_build(PKT_DATA(&base[nbase]), PKT_MAX, &s);
		nbase++;
	}

	for (int it = 0; it < ITER; it++) {
		const struct pkt_frame *b = &base[rnd() % nbase];
		uint8_t buf[PKT_MAX];
		size_t len = b->len;
		int flips = (int)(rnd() % 5);
		struct res r1, r2;

		memcpy(buf, PKT_DATA(b), len);
		for (int i = 0; i < flips; i++) {
			size_t pos = rnd() % len;

			if (rnd() & 1)
				buf[pos] ^= (uint8_t)(1u << (rnd() % 8));
			else
				buf[pos] = (uint8_t)rnd();
		}
		/* bias flips towards the headers */
		if (rnd() % 3 == 0) {
			size_t pos = 12 + rnd() % 70;

			if (pos < len)
				buf[pos] = (uint8_t)rnd();
		}
		if (rnd() % 3 == 0)
			len = rnd() % (len + 1);

		r1 = run(buf, len);
		r2 = run(buf, len);
		if (r1.v.cls >= VX_NCLASS || r1.v.conf >= VX_NCONF ||
		    r1.r < 0 || r1.r > VX_PARSE_MALFORMED) {
			if (!bad_cls++)
				snprintf(first_cls, sizeof(first_cls),
					 "iteration %d: class %u conf %u parse %d", it,
					 r1.v.cls, r1.v.conf, r1.r);
		}
		if (r1.v.cls != r2.v.cls || r1.r != r2.r) {
			if (!bad_det++)
				snprintf(first_det, sizeof(first_det), "iteration %d", it);
		}
		/* A parsed L4 header and payload lie inside the frame. */
		if (r1.r == VX_PARSE_OK &&
		    (r1.l4_off < 0 || r1.pl_off < r1.l4_off ||
		     (size_t)r1.pl_off > len ||
		     r1.p.payload_len > len - (size_t)r1.pl_off)) {
			if (!bad_inv++)
				snprintf(first_inv, sizeof(first_inv),
					 "iteration %d (len %zu): l4 at %ld, payload at "
					 "%ld + %u", it, len, r1.l4_off, r1.pl_off,
					 r1.p.payload_len);
		}
		/* Non-VPN verdicts for non-parsed frames */
		if (r1.r == VX_PARSE_MALFORMED || r1.r == VX_PARSE_NOT_IP) {
			if (r1.v.cls != VX_C_OTHER && !bad_cls++)
				snprintf(first_cls, sizeof(first_cls),
					 "iteration %d: parse %s but class %s", it,
					 rname(r1.r), cname(r1.v.cls));
		}
	}
	begin();
	expect(bad_cls == 0, "%zu bad verdicts, first %s", bad_cls, first_cls);
	result(ok_now, why, "mutation_%d_frames_verdict_class_valid", ITER);
	begin();
	expect(bad_det == 0, "%zu nondeterministic, first %s", bad_det, first_det);
	result(ok_now, why, "mutation_%d_frames_verdict_deterministic", ITER);
	begin();
	expect(bad_inv == 0, "%zu parses with payload outside the frame, first %s",
	       bad_inv, first_inv);
	result(ok_now, why, "mutation_%d_frames_payload_within_frame", ITER);
}


/*
 * Userspace callers (replay of captures, a fuzzer, these tests) hand the
 * classifier frames wherever their buffers are: malloc'd (16-aligned, so
 * the IP header is at 2 mod 4), inside a pcap record, at odd addresses.
 * The classifier must be defined behaviour at any alignment: under
 * UBSan (-fno-sanitize-recover) a misaligned struct access aborts.  Each
 * alignment runs in a child so that an abort is a FAIL, not a lost run.
 */
static void test_alignment(void)
{
	char bad[256] = "";
	size_t bl = 0;

	for (int ipver = 4; ipver <= 6; ipver += 2) {
		for (int off = 0; off < 4; off++) {
			pid_t pid;
			int st = 0;

			fflush(stdout);
			pid = fork();
			if (pid == 0) {
				struct vx_env env = { .pol = &comp_default };
				uint8_t *m = malloc(PKT_MAX + 8);
				size_t n;
				struct vx_pkt p = { 0 };
				struct vx_verdict v;

				if (!m)
					_exit(4);
				n = pkt_kind_frame(m + off, PKT_MAX, PKT_K_NATT_IKE, ipver,
						   0, false);
				v = vx_classify(&env, &p, m + off, m + off + n, 0);
				_exit(v.cls == VX_C_IKE ? 0 : 3);
			}
			if (pid < 0 || waitpid(pid, &st, 0) != pid ||
			    !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				bl += (size_t)snprintf(bad + bl, sizeof(bad) - bl,
						       "%sv%d frame at 4n+%d: %s",
						       bl ? "; " : "", ipver, off,
						       WIFSIGNALED(st) ? "killed by signal"
								       : "bad exit");
				if (bl >= sizeof(bad))
					bl = sizeof(bad) - 1;
			}
		}
	}
	begin();
	expect(bad[0] == 0, "%s (UBSan misaligned access in the classifier?)", bad);
	result(ok_now, why, "classify_frame_at_any_buffer_alignment_no_ub");
}

/* vx_random8() reads its eight bytes as one word: it must say what the
 * byte-by-byte rule says (no three zero bytes in a row) for every pattern
 * of zero bytes, with the non-zero ones at the values where a carry or a
 * sign could leak (0x01, 0x7f, 0x80, 0xff), at every alignment. */
static int random8_bytes(const uint8_t *b)
{
	for (int i = 0; i < 6; i++)
		if ((b[i] | b[i + 1] | b[i + 2]) == 0)
			return 0;
	return 1;
}

static void test_random8(void)
{
	static const uint8_t fill[] = { 0x01, 0x7f, 0x80, 0xff, 0x5a };
	uint8_t buf[16];
	int bad = 0, hits = 0, n = 0;

	for (unsigned zmask = 0; zmask < 256; zmask++)
		for (size_t f = 0; f < sizeof(fill); f++)
			for (int at = 0; at < 8; at++) {
				memset(buf, 0xee, sizeof(buf));
				for (int i = 0; i < 8; i++)
					buf[at + i] = zmask >> i & 1 ? 0 :
						      fill[(f + i) % sizeof(fill)];
				n++;
				hits += random8_bytes(buf + at);
				bad += vx_random8(buf + at) != random8_bytes(buf + at);
			}
	begin();
	expect(bad == 0, "%d of %d patterns disagree", bad, n);
	/* both answers occur: the patterns reach both sides of the rule */
	expect(hits > 0 && hits < n, "%d of %d random", hits, n);
	result(ok_now, why, "random8_word_is_bytewise");
}

int main(void)
{
	struct vx_policy pol;

	setvbuf(stdout, NULL, _IOLBF, 0);
	vx_policy_init(&pol);
	vx_policy_compile(&pol, &comp_default);
	vx_policy_free(&pol);

	test_default_signatures();
	test_parse_fields_udp();
	test_parse_tcp();
	test_padding();
	test_ip4_options();
	test_fragments();
	test_tiny_first_fragment();
	test_ipv6_ext();
	test_not_ip();
	test_malformed();
	test_truncation();
	test_natt_and_gre();
	test_policy_tables();
	test_mutations();
	test_alignment();
	test_random8();

	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	return n_fail ? 1 : 0;
}
