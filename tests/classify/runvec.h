/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs the shared vectors and the flow/fragment sequences against one
 * classifier (userspace or BPF), given as a callback.  Prints one
 * PASS/FAIL line per check; returns the number of failures.
 */
#ifndef VX_TEST_RUNVEC_H
#define VX_TEST_RUNVEC_H

#include "core/names.h"
#include "classify/vectors.h"

/* Classify one frame: 0 and *cls, *conf filled, or -1. */
typedef int (*vx_classify_fn)(void *ctx, const uint8_t *f, size_t len,
			      int *cls, int *conf);

#include "classify/tunnels.h"

static inline int rv_check(vx_classify_fn fn, void *ctx, const char *suite,
			   const char *name, const struct cr_spec *s,
			   const char *pl, int want_cls, int want_conf)
{
	uint8_t payload[CR_MAX], frame[CR_MAX];
	int plen = vec_payload(pl, payload, sizeof(payload)), cls = -1, conf = -1;
	size_t flen;

	if (plen < 0 || !(flen = cr_build(frame, s, payload, (size_t)plen))) {
		printf("FAIL %s_%s: bad test vector\n", suite, name);
		return 1;
	}
	if (fn(ctx, frame, flen, &cls, &conf) != 0) {
		printf("FAIL %s_%s: classifier did not run\n", suite, name);
		return 1;
	}
	/* confidence is only meaningful for a VPN class */
	if (cls != want_cls || (VX_CLASS_IS_VPN(want_cls) && conf != want_conf)) {
		printf("FAIL %s_%s: got %s/%s, want %s/%s\n", suite, name,
		       vx_class_name((unsigned)cls), conf >= 0 && conf < VX_NCONF ? vx_conf_names[conf] : "?",
		       vx_class_name((unsigned)want_cls), vx_conf_names[want_conf]);
		return 1;
	}
	printf("PASS %s_%s\n", suite, name);
	return 0;
}

/* A step of a sequence: the packets of one flow, in order. */
struct rv_step {
	struct cr_spec s;
	const char *pl;
	int cls, conf;
};

static inline int rv_seq(vx_classify_fn fn, void *ctx, const char *suite,
			 const char *name, uint8_t host, const struct rv_step *st,
			 int n)
{
	char sub[96];
	int fails = 0;

	for (int i = 0; i < n; i++) {
		struct cr_spec s = st[i].s;

		s.host = host;
		snprintf(sub, sizeof(sub), "%s_%d", name, i + 1);
		fails += rv_check(fn, ctx, suite, sub, &s, st[i].pl, st[i].cls, st[i].conf);
	}
	return fails;
}

#define RV_SEQ(fn, ctx, suite, name, host, ...)                                 \
	({                                                                      \
		static const struct rv_step _st[] = { __VA_ARGS__ };            \
		rv_seq(fn, ctx, suite, name, host, _st,                         \
		       (int)(sizeof(_st) / sizeof(_st[0])));                    \
	})

#define UDPS(sp, dp) { .proto = IPPROTO_UDP, .sport = sp, .dport = dp }
#define TCPS(sp, dp, fl) { .proto = IPPROTO_TCP, .sport = sp, .dport = dp, .tcp_flags = fl }

/* Everything: per-packet vectors (each on a host of its own, so that the
 * flow cache cannot carry one into the next), then sequences. */
static inline int rv_all(vx_classify_fn fn, void *ctx, const char *suite)
{
	int fails = 0;

	for (size_t i = 0; i < VX_NVECTORS; i++) {
		struct cr_spec s = vx_vectors[i].s;

		s.host = (uint8_t)(10 + i);
		fails += rv_check(fn, ctx, suite, vx_vectors[i].name, &s,
				  vx_vectors[i].pl, vx_vectors[i].cls, vx_vectors[i].conf);
	}

	/* OpenVPN over TCP on 443: identified by its hard reset, its bare
	 * ACKs and later records (no signature on 443) keep the class */
	fails += RV_SEQ(fn, ctx, suite, "flow_openvpn_tcp", 1,
		{ TCPS(40000, 443, 0x02), "0 00", OTH },
		{ TCPS(40000, 443, 0x10), "16 aa 0:000e38 11:0000000000", VX_C_OPENVPN, PAY },
		{ { .proto = IPPROTO_TCP, .sport = 40000, .dport = 443, .tcp_flags = 0x10, .swap = 1 }, "0 00", VX_C_OPENVPN, PAY },
		{ TCPS(40000, 443, 0x18), "300 aa 0:012a20", VX_C_OPENVPN, PAY });
	/* WARP off its port: data and cookie replies are known only through
	 * the flow's handshake, in both directions */
	fails += RV_SEQ(fn, ctx, suite, "flow_warp_anyport", 2,
		{ UDPS(40001, 33408), "128 aa 0:c4112233", OTH },
		{ UDPS(40001, 33408), "148 aa 0:c1112233 132:00000000000000000000000000000000", VX_C_WARP, PAY },
		{ { .proto = IPPROTO_UDP, .sport = 40001, .dport = 33408, .swap = 1 }, "64 aa 0:c3445566", VX_C_WARP, PAY },
		{ UDPS(40001, 33408), "128 aa 0:c4112233", VX_C_WARP, PAY },
		{ { .proto = IPPROTO_UDP, .sport = 40001, .dport = 33408, .swap = 1 }, "96 aa 0:04445566", VX_C_WARP, PAY });
	/* WARP on NAT-T's port: after its handshake, its data (which passes
	 * for ESP-in-UDP) stays warp; an IPsec flow beside it stays esp */
	fails += RV_SEQ(fn, ctx, suite, "flow_warp_4500", 240,
		{ UDPS(40002, 4500), "128 aa 0:c4112233", VX_C_ESP, VER },
		{ UDPS(40002, 4500), "148 aa 0:c1112233 132:00000000000000000000000000000000", VX_C_WARP, PAY },
		{ UDPS(40002, 4500), "128 aa 0:c4112233", VX_C_WARP, VER },
		{ { .proto = IPPROTO_UDP, .sport = 40002, .dport = 4500, .swap = 1 }, "96 aa 0:c4445566", VX_C_WARP, VER },
		{ UDPS(40003, 4500), "128 aa 0:c0ffee0100000001", VX_C_ESP, VER },
		{ UDPS(40003, 4500), "68 00 0:00000000" IKE2, VX_C_IKE, VER });
	/* on L2TP's port: data that passes for L2TPv3 and data that does not */
	fails += RV_SEQ(fn, ctx, suite, "flow_warp_1701", 241,
		{ UDPS(40004, 1701), "148 aa 0:c1132233 132:00000000000000000000000000000000", VX_C_WARP, PAY },
		{ UDPS(40004, 1701), "128 aa 0:c4132233", VX_C_WARP, VER },
		{ UDPS(40004, 1701), "128 aa 0:c4102233", VX_C_WARP, PAY },
		{ UDPS(40005, 1701), "60 00 0:c8020060", VX_C_L2TP, VER });
	/* on IKE's port: data contradicts IKE, the flow makes it warp */
	fails += RV_SEQ(fn, ctx, suite, "flow_warp_500", 242,
		{ UDPS(40006, 500), "92 aa 0:c2112233 76:00000000000000000000000000000000", VX_C_WARP, PAY },
		{ UDPS(40006, 500), "128 aa 0:c4112233", VX_C_WARP, PAY },
		{ UDPS(40007, 500), "64 00 0:" IKE2, VX_C_IKE, VER });
	/* Tailscale: disco, then WireGuard on the same socket stays tailscale */
	fails += RV_SEQ(fn, ctx, suite, "flow_tailscale", 3,
		{ UDPS(40100, 40101), "128 aa 0:04000000 8:0100000000000000", OTH },
		{ UDPS(40100, 40101), "92 aa 0:5453f09f92ac", VX_C_TAILSCALE, PAY },
		{ UDPS(40100, 40101), "128 aa 0:04000000 8:0100000000000000", VX_C_TAILSCALE, FLO });
	/* WireGuard data on any port: other alone; after a handshake of its
	 * flow, or once three packets of one direction agree (receiver index,
	 * a counter going up), WireGuard on the flow's evidence */
	fails += RV_SEQ(fn, ctx, suite, "flow_wg_handshake_then_data", 9,
		{ UDPS(40200, 40201), "128 aa 0:04000000 8:0100000000000000", OTH },
		{ UDPS(40200, 40201), "148 aa 0:01000000", VX_C_WIREGUARD, PAY },
		{ { .proto = IPPROTO_UDP, .sport = 40200, .dport = 40201, .swap = 1 }, "92 aa 0:02000000", VX_C_WIREGUARD, PAY },
		{ UDPS(40200, 40201), "128 aa 0:04000000 8:0100000000000000", VX_C_WIREGUARD, FLO },
		{ { .proto = IPPROTO_UDP, .sport = 40200, .dport = 40201, .swap = 1 }, "32 aa 0:04000000 8:0200000000000000", VX_C_WIREGUARD, FLO });
	fails += RV_SEQ(fn, ctx, suite, "flow_wg_data_agree", 11,
		{ UDPS(40300, 40301), "128 aa 0:0400000011223344 8:0700000000000000", OTH },
		{ { .proto = IPPROTO_UDP, .sport = 40300, .dport = 40301, .swap = 1 }, "128 aa 0:0400000055667788 8:0100000000000000", OTH },
		{ UDPS(40300, 40301), "128 aa 0:0400000011223344 8:0800000000000000", OTH },
		{ UDPS(40300, 40301), "128 aa 0:0400000011223344 8:0a00000000000000", VX_C_WIREGUARD, FLO },
		{ { .proto = IPPROTO_UDP, .sport = 40300, .dport = 40301, .swap = 1 }, "128 aa 0:0400000055667788 8:0200000000000000", VX_C_WIREGUARD, FLO });
	/* packets that repeat themselves (a DNS-like header) or change their
	 * index never agree */
	fails += RV_SEQ(fn, ctx, suite, "flow_wg_data_repeat", 12,
		{ UDPS(40400, 40401), "128 aa 0:0400000011223344 8:0700000000000000", OTH },
		{ UDPS(40400, 40401), "128 aa 0:0400000011223344 8:0700000000000000", OTH },
		{ UDPS(40400, 40401), "128 aa 0:0400000011223344 8:0700000000000000", OTH },
		{ UDPS(40400, 40401), "128 aa 0:0400000011223344 8:0700000000000000", OTH },
		{ UDPS(40400, 40401), "128 aa 0:0400000011223345 8:0800000000000000", OTH },
		{ UDPS(40400, 40401), "128 aa 0:0400000011223346 8:0900000000000000", OTH },
		{ UDPS(40400, 40401), "128 aa 0:0400000011223347 8:0a00000000000000", OTH });
	/* the counter must go up in a row: a step back starts over */
	fails += RV_SEQ(fn, ctx, suite, "flow_wg_data_backwards", 13,
		{ UDPS(40500, 40501), "128 aa 0:0400000011223344 8:0700000000000000", OTH },
		{ UDPS(40500, 40501), "128 aa 0:0400000011223344 8:0800000000000000", OTH },
		{ UDPS(40500, 40501), "128 aa 0:0400000011223344 8:0600000000000000", OTH },
		{ UDPS(40500, 40501), "128 aa 0:0400000011223344 8:0900000000000000", OTH },
		{ UDPS(40500, 40501), "128 aa 0:0400000011223344 8:0a00000000000000", VX_C_WIREGUARD, FLO });
	/* OpenConnect: its resuming ClientHello labels the flow; later DTLS
	 * records (any version) follow it, generic DTLS stays other */
	fails += RV_SEQ(fn, ctx, suite, "flow_openconnect", 14,
		{ UDPS(40600, 443), "99 aa 0:16fefd00000000000000000056 13:0100004a0000000000 22:00004a 25:fefd 59:20 92:00 93:0002c030 97:0100", VX_C_OPENCONNECT, PAY },
		{ UDPS(40600, 443), "100 aa 0:17fefd00010000000000050057", VX_C_OPENCONNECT, PAY },
		{ UDPS(40601, 443), "100 aa 0:17fefd00010000000000050057", OTH });
	/* a flow never identified stays other */
	fails += RV_SEQ(fn, ctx, suite, "flow_unknown", 4,
		{ TCPS(40002, 8443, 0x18), "100 aa", OTH },
		{ TCPS(40002, 8443, 0x10), "0 00", OTH });
	/* PPTP control: the continuation segments of a known flow */
	fails += RV_SEQ(fn, ctx, suite, "flow_pptp", 5,
		{ TCPS(40003, 1723, 0x18), "156 00 0:009c00011a2b3c4d0001", VX_C_PPTP, VER },
		{ TCPS(40003, 1723, 0x18), "100 aa", VX_C_PPTP, VER },
		{ TCPS(40003, 1723, 0x10), "0 00", VX_C_PPTP, VER });

	/* tinc: its meta connection's ID line teaches its endpoints; its
	 * encrypted UDP to and from the daemon's port is tinc, other UDP of
	 * the same hosts is not */
	fails += RV_SEQ(fn, ctx, suite, "endpoint_tinc", 8,
		{ UDPS(50655, 50655), "300 c3", OTH },
		{ TCPS(41000, 50655, 0x18), "11 00 0:30207468696e6b2031370a", VX_C_TINC, PAY },
		{ UDPS(50655, 50655), "300 c3", VX_C_TINC, PAY },
		{ { .proto = IPPROTO_UDP, .sport = 50655, .dport = 50655, .swap = 1 }, "200 c3", VX_C_TINC, PAY },
		{ UDPS(50656, 50656), "300 c3", OTH },
		{ TCPS(41001, 50656, 0x18), "300 c3", OTH });

	/* fragments: later fragments take the class of their first; the
	 * first is judged by the length its UDP header declares (the
	 * builder says 800 bytes more than it carries) */
	fails += RV_SEQ(fn, ctx, suite, "frag_v4", 6,
		{ { .proto = IPPROTO_UDP, .frag_off = 100, .frag_id = 77 }, "200 aa", VX_C_FRAGMENT, PRT },
		{ { .proto = IPPROTO_UDP, .sport = 40004, .dport = 40404, .frag_first = 1, .frag_id = 77 }, "64 00 0:" IKE2 " 24:00000360", VX_C_IKE, PAY },
		{ { .proto = IPPROTO_UDP, .frag_off = 17, .frag_id = 77 }, "200 aa", VX_C_IKE, PAY },
		{ { .proto = IPPROTO_UDP, .frag_off = 17, .frag_id = 78 }, "200 aa", VX_C_FRAGMENT, PRT },
		{ { .proto = IPPROTO_UDP, .sport = 40004, .dport = 53, .frag_first = 1, .frag_id = 79 }, "128 aa", OTH },
		{ { .proto = IPPROTO_UDP, .frag_off = 17, .frag_id = 79 }, "200 aa", OTH });
	fails += RV_SEQ(fn, ctx, suite, "frag_v6", 7,
		{ { .v6 = 1, .proto = IPPROTO_UDP, .frag_off = 100, .frag_id = 0x10001 }, "200 aa", VX_C_FRAGMENT, PRT },
		{ { .v6 = 1, .proto = IPPROTO_UDP, .sport = 500, .dport = 500, .frag_first = 1, .frag_id = 0x10001 }, "64 00 0:" IKE2 " 24:00000360", VX_C_IKE, VER },
		{ { .v6 = 1, .proto = IPPROTO_UDP, .frag_off = 8, .frag_id = 0x10001 }, "200 aa", VX_C_IKE, VER },
		{ { .v6 = 1, .proto = IPPROTO_UDP, .frag_off = 8, .frag_id = 0x10002 }, "200 aa", VX_C_FRAGMENT, PRT });
	fails += rv_tunnels(fn, ctx, suite);
	return fails;
}

#endif
