/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crafted packets for every payload check, with near misses that must fail,
 * shared by the userspace (test_payload) and BPF (test_payload_bpf) suites.
 * A payload is written as "LEN FILL OFF:HEX OFF:HEX ...": LEN bytes of FILL,
 * then the hex bytes patched in at each offset (OFF "e" = at the end).
 * Checks are written from the protocols' specifications.
 */
#ifndef VX_TEST_VECTORS_H
#define VX_TEST_VECTORS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpnxdp_common.h"
#include "classify/craft.h"

struct vec {
	const char *name;
	struct cr_spec s;
	const char *pl;
	int cls, conf;
};

#define U(sp, dp) { .proto = IPPROTO_UDP, .sport = sp, .dport = dp }
#define U6(sp, dp) { .v6 = 1, .proto = IPPROTO_UDP, .sport = sp, .dport = dp }
#define T(sp, dp) { .proto = IPPROTO_TCP, .sport = sp, .dport = dp }
#define T6(sp, dp) { .v6 = 1, .proto = IPPROTO_TCP, .sport = sp, .dport = dp }
#define IPP(pr) { .proto = pr }
#define VER VX_CONF_VERIFIED
#define PRT VX_CONF_PORT
#define PAY VX_CONF_PAYLOAD
#define FLO VX_CONF_FLOW
#define OTH VX_C_OTHER, VX_CONF_PORT

/* ISAKMP headers: SPI i, SPI r 0, next payload, version, exchange, flags,
 * message id, length (patched by the test to the payload length) */
#define IKE2 "11223344556677880000000000000000212022080000000000000000"
#define IKE1 "1122334455667788000000000000000001100200000000000000000000"

static const struct vec vx_vectors[] = {
	/* WireGuard: type, 3 zero bytes, exact lengths */
	{ "wg_init_51820", U(40000, 51820), "148 aa 0:01000000", VX_C_WIREGUARD, VER },
	{ "wg_resp_51820_reply", U(51820, 40000), "92 aa 0:02000000", VX_C_WIREGUARD, VER },
	{ "wg_cookie_51820", U(40000, 51820), "64 aa 0:03000000", VX_C_WIREGUARD, VER },
	{ "wg_data_51820", U(40000, 51820), "128 aa 0:04000000", VX_C_WIREGUARD, VER },
	/* data alone is a weak shape: other until its flow has evidence */
	{ "wg_keepalive_anyport", U(40000, 40404), "32 aa 0:04000000 8:0100000000000000", OTH },
	{ "wg_init_anyport", U(40000, 33333), "148 aa 0:01000000", VX_C_WIREGUARD, PAY },
	{ "wg_data_anyport_v6", U6(40000, 40404), "1024 aa 0:04000000 8:0100000000000000", OTH },
	{ "wg_data_unaligned_51820", U(40000, 51820), "130 aa 0:04000000", OTH },
	/* padding stops at the MTU: a full-size packet (MTU 1420) */
	{ "wg_data_mtu1420_51820", U(40000, 51820), "1452 aa 0:04000000", VX_C_WIREGUARD, VER },
	{ "wg_data_mtu1420_anyport", U(40000, 40404), "1452 aa 0:04000000 8:0100000000000000", OTH },
	{ "wg_data_unaligned_below_min_mtu", U(40000, 40404), "600 aa 0:04000000", OTH },
	{ "wg_init_147_anyport", U(40000, 40404), "147 aa 0:01000000", OTH },
	{ "wg_data_reserved_anyport", U(40000, 40404), "128 aa 0:04010000", OTH },
	{ "wg_type5_51820", U(40000, 51820), "128 aa 0:05000000", OTH },
	{ "wg_data_16_anyport", U(40000, 40404), "16 aa 0:04000000", OTH },
	/* Cloudflare WARP on its port 2408: type 0xC1..0xC4 (or 1..4 with a
	 * client id in the reserved bytes) at WireGuard's lengths */
	{ "warp_c1_init_2408", U(40000, 2408), "148 aa 0:c1112233 132:00000000000000000000000000000000", VX_C_WARP, VER },
	{ "warp_c2_resp_2408_reply", U(2408, 40000), "92 aa 0:c2112233", VX_C_WARP, VER },
	{ "warp_c3_cookie_2408", U(2408, 40000), "64 aa 0:c3112233", VX_C_WARP, VER },
	{ "warp_c4_data_2408", U(40000, 2408), "128 aa 0:c4112233", VX_C_WARP, VER },
	{ "warp_c4_keepalive_2408_v6", U6(40000, 2408), "32 aa 0:c4000000", VX_C_WARP, VER },
	{ "warp_clientid_data_2408", U(40000, 2408), "128 aa 0:04112233", VX_C_WARP, VER },
	{ "warp_plain_wg_2408", U(40000, 2408), "148 aa 0:01000000", VX_C_WARP, VER },
	{ "warp_c5_2408", U(40000, 2408), "128 aa 0:c5112233", OTH },
	{ "warp_c0_2408", U(40000, 2408), "128 aa 0:c0112233", OTH },
	{ "warp_c1_147_2408", U(40000, 2408), "147 aa 0:c1112233", OTH },
	{ "warp_c2_93_2408", U(2408, 40000), "93 aa 0:c2112233", OTH },
	{ "warp_c4_unaligned_2408", U(40000, 2408), "130 aa 0:c4112233", OTH },
	{ "warp_c4_16_2408", U(40000, 2408), "16 aa 0:c4112233", OTH },
	/* elsewhere: handshakes at their exact length with a zero mac2 */
	{ "warp_c1_init_anyport", U(40000, 33333), "148 aa 0:c1112233 132:00000000000000000000000000000000", VX_C_WARP, PAY },
	{ "warp_c2_resp_anyport_v6", U6(33333, 40000), "92 aa 0:c2112233 76:00000000000000000000000000000000", VX_C_WARP, PAY },
	{ "warp_clientid_init_anyport", U(40000, 33333), "148 aa 0:01112233 132:00000000000000000000000000000000", VX_C_WARP, PAY },
	{ "warp_clientid_resp_anyport", U(33333, 40000), "92 aa 0:02112233 76:00000000000000000000000000000000", VX_C_WARP, PAY },
	{ "warp_c1_mac2_set_anyport", U(40000, 33333), "148 aa 0:c1112233 132:00000000000000000000000000000001", OTH },
	{ "warp_clientid_mac2_set", U(40000, 33333), "148 aa 0:01112233 132:00000000000000000000000000000001", OTH },
	{ "warp_c1_149_anyport", U(40000, 33333), "149 aa 0:c1112233 133:00000000000000000000000000000000", OTH },
	{ "warp_c1_at_92_anyport", U(40000, 33333), "92 aa 0:c1112233 76:00000000000000000000000000000000", OTH },
	/* zero-filled payloads: mac1 zero too (a padded DNS message with an
	 * ID of 0xC1xx or 0x01xx and flags set) */
	{ "warp_c1_zero_filled_anyport", U(40000, 33333), "148 00 0:c1000000", OTH },
	{ "warp_clientid_zero_filled_anyport", U(40000, 33333), "148 00 0:01230100", OTH },
	{ "warp_c2_zero_filled_4500", U(40000, 4500), "92 00 0:c2120100", VX_C_ESP, VER },
	{ "warp_c1_mac1_only_nonzero_anyport", U(40000, 33333), "148 00 0:c1112233aabbccddeeff0011 116:01", VX_C_WARP, PAY },
	{ "warp_c5_148_anyport", U(40000, 33333), "148 aa 0:c5112233 132:00000000000000000000000000000000", OTH },
	{ "warp_c3_cookie_anyport", U(33333, 40000), "64 aa 0:c3112233", OTH },
	{ "warp_c4_data_anyport", U(40000, 33333), "128 aa 0:c4112233", OTH },
	{ "warp_clientid_data_anyport", U(40000, 33333), "128 aa 0:04112233", OTH },
	/* on IKE's port: ahead of IKE, which stays itself */
	{ "warp_c1_init_500", U(40000, 500), "148 aa 0:c1112233 132:00000000000000000000000000000000", VX_C_WARP, PAY },
	{ "warp_c2_resp_500_reply_v6", U6(500, 40000), "92 aa 0:c2112233 76:00000000000000000000000000000000", VX_C_WARP, PAY },
	{ "warp_c1_mac2_set_500", U(40000, 500), "148 aa 0:c1112233 132:00000000000000000000000000000001", OTH },
	{ "warp_c4_data_500", U(40000, 500), "128 aa 0:c4112233", OTH },
	{ "ike_v2_148_500", U(40000, 500), "148 00 0:" IKE2, VX_C_IKE, VER },
	/* on NAT-T's port: ahead of ESP-in-UDP; data alone stays ESP */
	{ "warp_c1_init_4500", U(40000, 4500), "148 aa 0:c1112233 132:00000000000000000000000000000000", VX_C_WARP, PAY },
	{ "warp_clientid_resp_4500_v6", U6(4500, 40000), "92 aa 0:02112233 76:00000000000000000000000000000000", VX_C_WARP, PAY },
	{ "warp_c1_mac2_set_4500", U(40000, 4500), "148 aa 0:c1112233 132:00000000000000000000000000000001", VX_C_ESP, VER },
	{ "warp_c4_data_4500", U(40000, 4500), "128 aa 0:c4112233", VX_C_ESP, VER },
	{ "warp_c1_147_4500", U(40000, 4500), "147 aa 0:c1112233 131:00000000000000000000000000000000", VX_C_ESP, VER },
	{ "natt_esp_148_4500", U(40000, 4500), "148 aa 0:c0ffee0100000001 132:00000000000000000000000000000000", VX_C_ESP, VER },
	/* on L2TP's port: ahead of L2TPv3, whose version nibble a client id
	 * can carry */
	{ "warp_c1_init_1701", U(40000, 1701), "148 aa 0:c1132233 132:00000000000000000000000000000000", VX_C_WARP, PAY },
	{ "warp_c1_mac2_set_1701", U(40000, 1701), "148 aa 0:c1132233 132:00000000000000000000000000000001", VX_C_L2TP, VER },
	{ "warp_c4_data_1701", U(40000, 1701), "128 aa 0:c4122233", OTH },
	{ "l2tp_v3_148_1701", U(40000, 1701), "148 00 0:00030000", VX_C_L2TP, VER },
	/* handshakes on any port: random indexes and keys (no run of three
	 * zero bytes), which a DNS header's counts are not */
	{ "wg_resp_anyport", U(40000, 40404), "92 aa 0:02000000", VX_C_WIREGUARD, PAY },
	{ "wg_cookie_anyport", U(40000, 40404), "64 aa 0:03000000", VX_C_WIREGUARD, PAY },
	{ "wg_init_anyport_zero_index", U(40000, 40404), "148 aa 0:01000000 5:000000", OTH },
	{ "wg_init_51820_zero_index", U(40000, 51820), "148 aa 0:01000000 5:000000", VX_C_WIREGUARD, VER },
	/* the DNS query (ID 0x0400, RD=0, 32 bytes): not WireGuard
	 * data, on 53 or elsewhere */
	{ "dns_id0400_53", U(33006, 53), "32 00 0:040000000001000000000000 12:06616161616161076578616d706c6500 e:00010001", OTH },
	{ "dns_id0400_highport", U(33006, 40053), "32 00 0:040000000001000000000000 12:06616161616161076578616d706c6500 e:00010001", OTH },
	/* DNS ID 0x0100 at 148 bytes: a WireGuard initiation's type and length */
	{ "dns_id0100_len148_53", U(33006, 53), "148 61 0:010000000001000000000000 12:3f e:0000010001", OTH },
	{ "dns_id0100_len148_highport", U(33006, 40053), "148 61 0:010000000001000000000000 12:3f e:0000010001", OTH },
	/* a WireGuard initiation to 53 is no DNS header: still WireGuard */
	{ "wg_init_port53_not_dns", U(40000, 53), "148 aa 0:01000000", VX_C_WIREGUARD, PAY },
	{ "wg_data_counter_2e32_anyport", U(40000, 40404), "128 aa 0:04000000 8:0100000001000000", OTH },

	/* OpenVPN over UDP: port match needs an opcode 1..11; only a hard
	 * reset confirms it, any other packet (data) stays port-only */
	{ "ovpn_udp_1194_data_v2", U(40000, 1194), "100 aa 0:48", VX_C_OPENVPN, PRT },
	{ "ovpn_udp_1194_reset", U(40000, 1194), "14 aa 0:38 9:0000000000", VX_C_OPENVPN, VER },
	{ "ovpn_udp_1194_reset_server", U(1194, 40000), "26 aa 0:40 9:0100000000 22:00000000", VX_C_OPENVPN, VER },
	/* another protocol on 1194 (a DNS query, ID 0x1234): not counted
	 * OpenVPN on its payload */
	{ "dns_on_1194", U(40000, 1194), "33 00 0:123401000001000000000000 12:03777777076578616d706c6503636f6d00 e:00010001", VX_C_OPENVPN, PRT },
	{ "ovpn_udp_1194_opcode0", U(40000, 1194), "100 aa 0:00", OTH },
	{ "ovpn_udp_1194_opcode12", U(40000, 1194), "100 aa 0:60", OTH },
	/* hard resets on any port: op | sid | [hmac pid time] | acks | msg id */
	{ "ovpn_reset_client_noauth", U(40000, 443), "14 aa 0:38 9:0000000000", VX_C_OPENVPN, PAY },
	{ "ovpn_reset_client_sha1", U(40000, 1234), "42 aa 0:38 29:0000000163cf4ff5 37:0000000000", VX_C_OPENVPN, PAY },
	{ "ovpn_reset_client_sha512_v6", U6(40000, 13680), "86 aa 0:38 73:0000000363cf4ff5 81:0000000000", VX_C_OPENVPN, PAY },
	{ "ovpn_reset_server_noauth", U(443, 40000), "26 aa 0:40 9:0100000000 22:00000000", VX_C_OPENVPN, PAY },
	{ "ovpn_reset_server_sha256", U(13680, 40000), "66 aa 0:40 41:0000000163cf4ff5 49:0100000000 62:00000000", VX_C_OPENVPN, PAY },
	{ "ovpn_reset_client_tlscrypt", U(40000, 443), "54 aa 0:38 9:0000000163cf4ff5", VX_C_OPENVPN, PAY },
	{ "ovpn_reset_server_tlscrypt", T(443, 40000), "68 aa 0:004240 11:0000000163cf4ff5", VX_C_OPENVPN, PAY },
	{ "ovpn_reset_tlscrypt_time0", U(40000, 443), "54 aa 0:38 9:0000000100000000", OTH },
	{ "ovpn_reset_client_pid0", U(40000, 1234), "42 aa 0:38 29:00000000 37:0000000000", OTH },
	{ "ovpn_reset_client_len15", U(40000, 443), "15 aa 0:38 9:0000000000", OTH },
	{ "ovpn_reset_client_keyid1", U(40000, 443), "14 aa 0:39 9:0000000000", OTH },
	{ "ovpn_reset_client_msgid1", U(40000, 443), "14 aa 0:38 9:0000000001", OTH },
	{ "ovpn_reset_server_noack", U(443, 40000), "26 aa 0:40 9:0000000000 22:00000000", OTH },
	{ "dns_id_0x38_len42", U(40000, 53), "42 00 0:38aa01000001000000000000 12:03777777076578616d706c6503636f6d00 e:00010001", OTH },
	/* DNS with EDNS (ID 0x388e, 54 bytes) has a tls-crypt client reset's
	 * length, opcode, packet id and "time": its session id is not random */
	{ "dns_edns_tlscrypt_shape_53", U(40000, 53), "54 00 0:388e01000001000000000001 12:0377777711616161616161616161616161616161616103636f6d00 39:00010001 43:0000291000000000000000", OTH },
	{ "dns_edns_tlscrypt_shape_highport", U(40000, 40053), "54 00 0:388e01000001000000000001 12:0377777711616161616161616161616161616161616103636f6d00 39:00010001 43:0000291000000000000000", OTH },
	{ "ovpn_reset_sid_zero_run", U(40000, 443), "14 aa 0:38 3:000000 9:0000000000", OTH },
	{ "ovpn_reset_server_peer_sid_zero", U(443, 40000), "26 aa 0:40 9:0100000000 14:00000000 22:00000000", OTH },
	{ "ovpn_reset_sha1_time_bad", U(40000, 1234), "42 aa 0:38 29:0000000100000010 37:0000000000", OTH },
	/* tls-crypt came with the V2 opcodes: a V1 reset of its length is not */
	{ "ovpn_reset_tlscrypt_v1", U(40000, 443), "54 aa 0:08 9:0000000163cf4ff5", OTH },
	/* OpenVPN over TCP: length prefix, then the same */
	{ "ovpn_tcp_reset_anyport", T(40000, 443), "16 aa 0:000e38 11:0000000000", VX_C_OPENVPN, PAY },
	{ "ovpn_tcp_reset_sha1_v6", T6(40000, 443), "44 aa 0:002a38 31:0000000163cf4ff5 39:0000000000", VX_C_OPENVPN, PAY },
	{ "ovpn_tcp_reset_badprefix", T(40000, 443), "16 aa 0:000f38 11:0000000000", OTH },
	{ "ovpn_tcp_1194_control", T(40000, 1194), "100 aa 0:006220", VX_C_OPENVPN, VER },
	{ "ovpn_tcp_1194_prefix0", T(40000, 1194), "100 aa 0:000020", OTH },

	/* IKE: 28-byte ISAKMP header, length = payload */
	{ "ike_v2_500", U(500, 500), "64 00 0:" IKE2, VX_C_IKE, VER },
	{ "ike_v1_500_reply", U(500, 10500), "80 00 0:" IKE1, VX_C_IKE, VER },
	{ "ike_v2_anyport", U(40000, 40500), "64 00 0:" IKE2, VX_C_IKE, PAY },
	/* any source port to 500 and to 4500 (behind the non-ESP marker) */
	{ "ike_v2_oddsport_500", U(40000, 500), "64 00 0:" IKE2, VX_C_IKE, VER },
	{ "ike_v2_oddsport_500_v6", U6(40000, 500), "64 00 0:" IKE2, VX_C_IKE, VER },
	{ "ike_v2_4500sport_500", U(4500, 500), "64 00 0:" IKE2, VX_C_IKE, VER },
	{ "ike_v2_500_to_oddport_v6", U6(500, 40000), "64 00 0:" IKE2, VX_C_IKE, VER },
	{ "ike_v2_oddsport_4500", U(40000, 4500), "68 00 0:00000000" IKE2, VX_C_IKE, VER },
	{ "ike_v2_oddsport_4500_v6", U6(40000, 4500), "68 00 0:00000000" IKE2, VX_C_IKE, VER },
	{ "ike_v2_4500_to_oddport_v6", U6(4500, 40000), "68 00 0:00000000" IKE2, VX_C_IKE, VER },
	/* on 4500 without the marker an ISAKMP header is an ESP SPI */
	{ "ike_v2_4500_no_marker_is_esp", U(40000, 4500), "64 00 0:" IKE2, VX_C_ESP, VER },
	/* IKEv1 transaction exchange (6: mode config, XAUTH) */
	{ "ike_v1_transaction_oddsport_500", U(40000, 500), "80 00 0:" IKE1 " 18:06", VX_C_IKE, VER },
	{ "ike_v1_transaction_natt_v6", U6(40000, 4500), "84 00 0:00000000" IKE1 " 22:06", VX_C_IKE, VER },
	{ "ike_v1_exchange7", U(40000, 500), "80 00 0:" IKE1 " 18:07", OTH },
	{ "ike_v2_v6", U6(500, 500), "100 00 0:" IKE2, VX_C_IKE, VER },
	{ "ike_bad_version", U(500, 500), "64 00 0:" IKE2 " 17:30", OTH },
	{ "ike_bad_exchange", U(500, 500), "64 00 0:" IKE2 " 18:02", OTH },
	{ "ike_zero_spi", U(500, 500), "64 00 0:" IKE2 " 0:0000000000000000", OTH },
	{ "ike_bad_length", U(500, 500), "64 00 0:" IKE2 " 24:00000041", OTH },
	/* NAT-T port: marker + IKE, ESP, keepalive */
	{ "natt_ike", U(40000, 4500), "68 00 0:00000000" IKE2, VX_C_IKE, VER },
	{ "natt_esp", U(4500, 40000), "120 aa 0:c0ffee0100000001", VX_C_ESP, VER },
	{ "natt_keepalive", U(40000, 4500), "1 ff", VX_C_IKE, VER },
	{ "natt_esp_reserved_spi", U(40000, 4500), "120 aa 0:0000001000000001", OTH },
	{ "natt_marker_garbage", U(40000, 4500), "68 aa 0:00000000", OTH },
	/* too short to judge: the signature stands, port-only */
	{ "natt_one_byte_not_ff", U(40000, 4500), "1 00", VX_C_IKE, PRT },
	{ "natt_seven_bytes", U(4500, 40000), "7 11", VX_C_IKE, PRT },

	/* IP protocols */
	{ "esp_proto50", IPP(IPPROTO_ESP), "64 aa 0:0000100000000001", VX_C_ESP, VER },
	{ "esp_spi0", IPP(IPPROTO_ESP), "64 aa 0:0000000000000001", OTH },
	{ "ah_proto51", IPP(IPPROTO_AH), "64 aa 0:04040000c0ffee0100000001", VX_C_AH, VER },
	{ "ah_spi0", IPP(IPPROTO_AH), "64 aa 0:0404000000000000", OTH },
	{ "gre_pptp", IPP(IPPROTO_GRE), "64 aa 0:3001880b00400001", VX_C_PPTP, VER },
	{ "gre_v0_ip", IPP(IPPROTO_GRE), "64 aa 0:00000800", OTH },
	{ "gre_v1_not_ppp", IPP(IPPROTO_GRE), "64 aa 0:30010800", OTH },

	/* L2TP: version nibble */
	{ "l2tp_v2_control", U(1701, 1701), "60 00 0:c8020060", VX_C_L2TP, VER },
	{ "l2tp_v2_data", U(40000, 1701), "60 00 0:4002", VX_C_L2TP, VER },
	{ "l2tp_v3", U(40000, 1701), "60 00 0:00030000", VX_C_L2TP, VER },
	{ "l2tp_v1", U(40000, 1701), "60 00 0:c801", OTH },
	{ "l2tp_v2_control_no_len", U(40000, 1701), "60 00 0:8802", OTH },

	/* PPTP control: magic cookie */
	{ "pptp_start_request", T(40000, 1723), "156 00 0:009c00011a2b3c4d0001", VX_C_PPTP, VER },
	{ "pptp_reply", T(1723, 40000), "156 00 0:009c00011a2b3c4d0002", VX_C_PPTP, VER },
	{ "pptp_bad_magic", T(40000, 1723), "156 00 0:009c00011a2b3c4e0001", OTH },
	{ "pptp_bad_type", T(40000, 1723), "156 00 0:009c00031a2b3c4d0001", OTH },

	/* Lightway: "He", version 1, reserved zero */
	{ "lightway_anyport", U(40000, 41234), "80 aa 0:486501000000000011223344556677881716fefd", VX_C_LIGHTWAY, PAY },
	{ "lightway_v6", U6(41234, 40000), "80 aa 0:486501000100000011223344556677881716fefd", VX_C_LIGHTWAY, PAY },
	{ "lightway_version2", U(40000, 41234), "80 aa 0:48650200000000001122334455667788", OTH },
	{ "lightway_reserved_set", U(40000, 41234), "80 aa 0:48650100000100001122334455667788", OTH },

	/* SoftEther */
	{ "softether_natt_reply", U(5004, 51381), "28 00 0:49503d39302e3138362e3133322e3133332c504f52543d3531333831", VX_C_SOFTETHER, PAY },
	{ "softether_natt_short", U(5004, 51381), "17 00 0:49503d312e322e332e342c504f52543d35", VX_C_SOFTETHER, PAY },
	{ "softether_natt_semicolon", U(5004, 51381), "17 00 0:49503d312e322e332e343b504f52543d35", OTH },
	{ "softether_pack", U(51381, 5004), "120 00 0:0000000c0000000a686f73745f6e616d65000000020000000100000003", VX_C_SOFTETHER, PAY },
	{ "softether_pack_bad_type", U(51381, 5004), "120 00 0:0000000c0000000a686f73745f6e616d65000000090000000100000003", OTH },
	{ "softether_pack_binary_name", U(51381, 5004), "120 00 0:0000000c0000000a00016f73745f6e616d65000000020000000100000003", OTH },

	/* Tailscale disco */
	{ "tailscale_disco", U(40000, 40001), "92 aa 0:5453f09f92ac", VX_C_TAILSCALE, PAY },
	/* its default port: WireGuard or disco confirm it */
	{ "tailscale_port_disco", U(41641, 41641), "92 aa 0:5453f09f92ac", VX_C_TAILSCALE, VER },
	{ "tailscale_port_wg_data", U(41641, 41641), "128 aa 0:04000000", VX_C_TAILSCALE, VER },
	{ "tailscale_port_garbage", U(41641, 41641), "128 aa", OTH },
	{ "tailscale_short", U(41641, 41641), "40 aa 0:5453f09f92ac", OTH },
	{ "tailscale_bad_magic", U(41641, 41641), "92 aa 0:5453f09f92ad", OTH },

	/* tinc ID line */
	{ "tinc_id", T(59244, 55655), "11 00 0:30207468696e6b2031370a", VX_C_TINC, PAY },
	{ "tinc_id_minor", T(55655, 59244), "12 00 0:3020696e697a2031372e370a", VX_C_TINC, PAY },
	{ "tinc_id_v6_port655", T6(49290, 655), "7 00 0:3020742031370a", VX_C_TINC, VER },
	{ "tinc_id_v6", T6(49290, 6655), "7 00 0:3020742031370a", VX_C_TINC, PAY },
	{ "tinc_port655_not_id", T(49290, 655), "20 41", OTH },
	/* tinc's UDP data is encrypted throughout: port only */
	{ "tinc_udp_port655", U(655, 655), "200 5a", VX_C_TINC, PRT },
	{ "tinc_id_version18", T(59244, 55655), "11 00 0:30207468696e6b2031380a", OTH },
	{ "tinc_id_no_newline", T(59244, 55655), "11 00 0:30207468696e6b20313720", OTH },

	/* OpenConnect / AnyConnect DTLS 0.9 */
	/* SSTP: inside TLS on 443, nothing to check: off by default, so a
	 * TLS record to 443 is not SSTP (policy turns it on: test_policy_bpf) */
	{ "sstp_tls_443_off_by_default", T(40000, 443), "100 aa 0:1603010050", OTH },
	{ "openconnect_dtls", U(40000, 443), "100 aa 0:17010000010000000000050057", VX_C_OPENCONNECT, PAY },
	{ "openconnect_dtls_hello", U(40000, 4443), "120 aa 0:1601000000000000000000006b", VX_C_OPENCONNECT, PAY },
	{ "dtls12_generic", U(40000, 443), "100 aa 0:17fefd00010000000000050057", OTH },
	{ "dtls10_generic", U(40000, 11111), "100 aa 0:16feff00000000000000000057", OTH },
	{ "openconnect_dtls_len_overflow", U(40000, 443), "100 aa 0:17010000010000000000050058", OTH },
	/* the record must fill the datagram: a five-byte header is not enough */
	{ "openconnect_dtls_len_short", U(40000, 443), "100 aa 0:17010000010000000000050050", OTH },
	{ "openconnect_dtls_two_records", U(40000, 443), "100 aa 0:14010000010000000000000001 13:01 14:16010000010000000000010049", VX_C_OPENCONNECT, PAY },
	{ "openconnect_dtls_two_records_bad", U(40000, 443), "100 aa 0:14010000010000000000000001 13:01 14:16010000010000000000010048", OTH },
	{ "openconnect_dtls_epoch_high", U(40000, 443), "100 aa 0:17010001000000000000050057", OTH },
	{ "openconnect_dtls_seq_high", U(40000, 443), "100 aa 0:17010000010001000000050057", OTH },
	{ "openconnect_dtls_bad_type", U(40000, 443), "100 aa 0:18010000010000000000050057", OTH },
	/* DTLS 1.2 ClientHello resuming a 32-byte session id */
	{ "openconnect_dtls12_resume", U(40000, 443), "99 aa 0:16fefd00000000000000000056 13:0100004a0000000000 22:00004a 25:fefd 59:20 92:00 93:0002c030 97:0100", VX_C_OPENCONNECT, PAY },
	{ "openconnect_dtls10_resume_v6", U6(40000, 4443), "99 aa 0:16feff00000000000000000056 13:0100004a0000000000 22:00004a 25:feff 59:20 92:00 93:0002c030 97:0100", VX_C_OPENCONNECT, PAY },
	{ "dtls12_hello_new_session", U(40000, 443), "99 aa 0:16fefd00000000000000000056 13:0100004a0000000000 22:00004a 25:fefd 59:00", OTH },
	{ "dtls12_hello_fragment", U(40000, 443), "99 aa 0:16fefd00000000000000000056 13:0100004a0000000010 22:00004a 25:fefd 59:20", OTH },
	{ "dtls12_hello_epoch1", U(40000, 443), "99 aa 0:16fefd00010000000000000056 13:0100004a0000000000 22:00004a 25:fefd 59:20", OTH },
	{ "dtls12_hello_len_mismatch", U(40000, 443), "99 aa 0:16fefd00000000000000000056 13:0100004b0000000000 22:00004b 25:fefd 59:20", OTH },

	/* ZeroTier HELLO: identity address = source address */
	{ "zerotier_hello", U(40000, 40009), "160 aa 0:0102030405060708 8:1122334455 13:a1b2c3d4e5 18:00 27:010b010a0004 41:a1b2c3d4e500", VX_C_ZEROTIER, PAY },
	{ "zerotier_hello_v6", U6(40000, 40009), "160 aa 0:0102030405060708 8:1122334455 13:a1b2c3d4e5 18:00 27:010b010a0004 41:a1b2c3d4e500", VX_C_ZEROTIER, PAY },
	{ "zerotier_hello_other_identity", U(40000, 40009), "160 aa 0:0102030405060708 8:1122334455 13:a1b2c3d4e5 18:00 27:010b010a0004 41:a1b2c3d4e600", OTH },
	{ "zerotier_hello_encrypted", U(40000, 40009), "160 aa 0:0102030405060708 8:1122334455 13:a1b2c3d4e5 18:08 27:010b010a0004 41:a1b2c3d4e500", OTH },

	/* ZeroTier's port: any well-formed packet or fragment header */
	{ "zerotier_port_packet", U(9993, 9993), "60 aa 0:0102030405060708 8:1122334455 13:a1b2c3d4e5 18:0a", VX_C_ZEROTIER, VER },
	{ "zerotier_port_fragment", U(40000, 9993), "40 aa 0:0102030405060708 8:1122334455 13:ff 14:21", VX_C_ZEROTIER, VER },
	{ "zerotier_port_reserved_dest", U(9993, 9993), "60 aa 0:0102030405060708 8:ff22334455 13:a1b2c3d4e5 18:0a", OTH },
	{ "zerotier_port_short", U(9993, 9993), "20 aa 0:0102030405060708 8:1122334455 13:a1b2c3d4e5 18:0a", OTH },

	/* GlobalProtect: ESP in UDP on 4501 */
	{ "esp_udp_4501", U(40000, 4501), "100 aa 0:0000200000000001", VX_C_ESP, VER },
	{ "esp_udp_4501_spi0", U(40000, 4501), "100 aa 0:0000000000000001", OTH },

	/* Not VPN: must stay other */
	{ "quic_initial_443", U(40000, 443), "1200 00 0:c300000001088394c8f03e5157080000449e", OTH },
	{ "quic_short_443", U(443, 40000), "100 aa 0:48", OTH },
	{ "stun_binding", U(40000, 3478), "20 00 0:000100002112a442", OTH },
	{ "tls_client_hello", T(40000, 443), "200 00 0:16030100c4010000c00303", OTH },
	{ "http_get", T(40000, 80), "40 20 0:474554202f20485454502f312e310d0a", OTH },
	{ "sip_invite", U(5060, 5060), "60 20 0:494e56495445207369703a", OTH },
	{ "dns_query", U(40000, 53), "33 00 0:abcd01000001000000000000 12:03777777076578616d706c6503636f6d00 e:00010001", OTH },
	/* well-known services on their ports: a payload their header check
	 * passes is theirs, whatever shape a VPN check sees in it */
	/* a DNS query with AN=1, NS=1 (an UPDATE, say) at 148 bytes has every
	 * mark of a WireGuard initiation; on DNS's ports it is DNS */
	{ "dns_wg_init_shape_53", U(40000, 53), "148 00 0:010000000001000100010000 12:3f e:0000010001", OTH },
	{ "mdns_wg_init_shape_5353", U(5353, 5353), "148 00 0:010000000001000100010000 12:3f e:0000010001", OTH },
	{ "dns_reply_wg_init_shape_from_53", U(53, 40000), "148 00 0:010000000001000100010000 12:3f e:0000010001", OTH },
	{ "llmnr_id0300_5355", U(40000, 5355), "64 00 0:030000000001000000000000 12:3361 e:00010001", OTH },
	/* an IKE header that is also an NTP header (version 2, mode 1) */
	{ "ntp_ike_shape_123", U(40000, 123), "64 00 0:" IKE2, OTH },
	{ "ike_port123_not_ntp", U(40000, 123), "64 00 0:" IKE2 " 0:00", VX_C_IKE, PAY },
	/* a STUN header (magic cookie) shaped like a WireGuard initiation */
	{ "stun_wg_init_shape_3478", U(40000, 3478), "148 aa 0:010000002112a442", OTH },
	{ "stun_wg_init_shape_highport", U(40000, 40478), "148 aa 0:010000002112a442", VX_C_WIREGUARD, PAY },
	{ "syslog_514", U(40000, 514), "64 41 0:3c31333e", OTH },
	{ "ssdp_1900", U(40000, 1900), "64 41 0:4d2d534541524348", OTH },
	{ "snmp_161", U(40000, 161), "64 00 0:303e020101", OTH },
	{ "dhcp_67", U(68, 67), "300 00 0:01010600 236:63825363", OTH },
	/* no DNS header (a count over 255): the VPN checks have their say */
	{ "wg_init_port5353_not_dns", U(5353, 5353), "148 aa 0:01000000", VX_C_WIREGUARD, PAY },
	{ "syn_to_500", { .proto = IPPROTO_TCP, .sport = 36050, .dport = 500, .tcp_flags = 0x02 }, "0 00", OTH },
	{ "syn_to_1723", { .proto = IPPROTO_TCP, .sport = 36050, .dport = 1723, .tcp_flags = 0x02 }, "0 00", OTH },
	{ "empty_udp_51820", U(40000, 51820), "0 00", OTH },
	{ "tcp_syn_1194_v6", { .v6 = 1, .proto = IPPROTO_TCP, .sport = 36050, .dport = 1194, .tcp_flags = 0x02 }, "0 00", OTH },
};

#define VX_NVECTORS (sizeof(vx_vectors) / sizeof(vx_vectors[0]))

/* Build a payload from its "LEN FILL OFF:HEX ..." text; returns its length
 * or -1.  IKE vectors get their ISAKMP length field set to fit. */
static inline int vec_payload(const char *spec, uint8_t *out, size_t max)
{
	char buf[1024], *tok, *save = NULL;
	unsigned long len, fill;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", spec);
	tok = strtok_r(buf, " ", &save);
	if (!tok)
		return -1;
	len = strtoul(tok, NULL, 10);
	tok = strtok_r(NULL, " ", &save);
	fill = tok ? strtoul(tok, NULL, 16) : 0;
	if (len > max)
		return -1;
	memset(out, (int)fill, len);
	while ((tok = strtok_r(NULL, " ", &save))) {
		char *colon = strchr(tok, ':');
		uint8_t hex[256];
		size_t off;

		if (!colon)
			return -1;
		n = cr_hex(hex, sizeof(hex), colon + 1);
		if (n < 0)
			return -1;
		off = tok[0] == 'e' ? len - (size_t)n : strtoul(tok, NULL, 10);
		if (off + (size_t)n > len)
			return -1;
		memcpy(out + off, hex, (size_t)n);
	}
	/* ISAKMP length: where the header starts (after a NAT-T marker) */
	if (strstr(spec, IKE2) || strstr(spec, IKE1)) {
		size_t h = strstr(spec, "0:00000000" IKE2) ||
			   strstr(spec, "0:00000000" IKE1) ? 4 : 0;

		if (!strstr(spec, "24:"))
			cr_put32(out + h + 24, (uint32_t)(len - h));
	}
	return (int)len;
}

#endif
