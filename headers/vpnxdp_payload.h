/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Payload checks: the first bytes of a UDP or TCP payload (or of an ESP, AH
 * or GRE header) say which VPN protocol, if any, a packet belongs to.
 *
 * Two uses, one set of checks:
 * - confirm a port or IP-protocol signature (vx_confirm_*): a payload that
 *   fits the signature's protocol makes the match "verified", one that does
 *   not makes it not that class;
 * - identify a VPN on any port (vx_find_*): only checks strict enough to
 *   run on all traffic without false positives (exact lengths, fixed
 *   zero bytes, magic values, self-consistent length fields).
 *
 * Each check is a handful of bounded loads and compares, written from the
 * protocols' specifications (RFC or reference implementation), never from
 * one capture.  Every read is bounds checked against data_end the way the
 * verifier wants it; offsets that depend on packet bytes are clamped to a
 * small constant first.  Multi-byte fields are assembled byte by byte:
 * payloads are not aligned.
 */
#ifndef VPNXDP_PAYLOAD_H
#define VPNXDP_PAYLOAD_H

#include "vpnxdp_common.h"
#include "vpnxdp_parse.h"
#include "vpnxdp_result.h"

/* The larger checks are BPF subprograms rather than inlined: the verifier
 * then explores each once per call site instead of once per path through
 * everything before it, which keeps the program far below its limits. */
#if defined(__bpf__)
#define VX_SUBPROG static __attribute__((noinline))
#else
#define VX_SUBPROG static inline
#endif

/* Payloads starting further into the frame than this (only possible
 * behind kilobytes of IPv6 extension headers) get no payload checks. */
#define VX_MAX_PAYLOAD_OFF 1023

/* The payload bytes [off, off + n), or NULL when the payload is shorter.
 * @off must be bounded by the caller (a constant, or clamped). */
static __always_inline const __u8 *vx_pl(const struct vx_pkt *p, __u32 off,
					 __u32 n, const void *data_end)
{
	const __u8 *b = p->payload + off;

	if (p->payload_len < off + n || (const void *)(b + n) > data_end)
		return 0;
	return b;
}

/* Clamp a packet-derived offset to @mask (2^n - 1) in a way the compiler
 * cannot fold away: it may know the value is small from earlier compares,
 * but the verifier does not, and refuses packet pointers whose variable
 * part may exceed 64 KiB. */
static __always_inline __u32 vx_clamp(__u32 x, __u32 mask)
{
	__asm__ __volatile__("" : "+r"(x));
	return x & mask;
}

/* Big-endian fields at any offset.  The BPF build loads them whole (the
 * JIT's loads need no alignment: see VX_HDR_ALIGN in vpnxdp_parse.h), which
 * is one load and a swap instead of four byte loads, shifts and ors; the
 * host build reads bytes, where a payload can sit at any address. */
#if defined(__bpf__)
static __always_inline __u32 vx_be16(const __u8 *b)
{
	return bpf_ntohs(*(const __u16 *)b);
}

static __always_inline __u32 vx_be32(const __u8 *b)
{
	return bpf_ntohl(*(const __u32 *)b);
}
#else
static __always_inline __u32 vx_be16(const __u8 *b)
{
	return ((__u32)b[0] << 8) | b[1];
}

static __always_inline __u32 vx_be32(const __u8 *b)
{
	return ((__u32)b[0] << 24) | ((__u32)b[1] << 16) | ((__u32)b[2] << 8) | b[3];
}
#endif

/*
 * Eight bytes a protocol fills at random (a session id, an index and the
 * start of a public key): no run of three zero bytes, which random bytes
 * show once in 2.8 million.  The counters and lengths of a structured
 * header (a DNS header's ANCOUNT and NSCOUNT, say) are mostly zero bytes,
 * which is what keeps such headers from passing for a handshake.
 */
static __always_inline int vx_random8(const __u8 *b)
{
	const __u64 lo7 = 0x7f7f7f7f7f7f7f7full;
	__u64 x, z;

	/* the eight bytes as one word: the BPF build loads it whole (see
	 * vx_be32()), the host build copies it (a load too, at any address);
	 * the byte order does not matter, neighbours stay neighbours */
#if defined(__bpf__)
	x = *(const __u64 *)b;
#else
	__builtin_memcpy(&x, b, sizeof(x));
#endif
	/* the top bit of each zero byte and of no other (no carry crosses a
	 * byte: (b & 0x7f) + 0x7f is at most 0xfe), then three in a row */
	z = ~(((x & lo7) + lo7) | x | lo7);
	return (z & (z >> 8) & (z >> 16)) == 0;
}

/* ------------------------------------------------------------ WireGuard */

/*
 * WireGuard (whitepaper 5.4): a message type byte 1..4, three reserved zero
 * bytes, and a fixed length per type: handshake initiation 148, response 92,
 * cookie reply 64, transport data 16 + the encrypted packet + a 16-byte tag
 * (keepalive: 32).  The packet is padded to a multiple of 16, but never
 * beyond the tunnel's MTU (the kernel's calculate_skb_padding: min(MTU,
 * ALIGN(len, 16))): a full-size packet is as long as the MTU, aligned or
 * not.  Tunnel MTUs are at least 576 (in practice 1280..1420).
 */
#define VX_WG_MIN_MTU 576
static __always_inline int vx_wg_std(const __u8 *b, __u32 len)
{
	if ((b[1] | b[2] | b[3]) != 0)
		return 0;
	switch (b[0]) {
	case 1: return len == 148;
	case 2: return len == 92;
	case 3: return len == 64;
	case 4: return len >= 32 && ((len & 15) == 0 || len >= 32 + VX_WG_MIN_MTU);
	}
	return 0;
}

static __always_inline int vx_is_wireguard(const struct vx_pkt *p,
					   const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 4, data_end);

	return b && vx_wg_std(b, p->payload_len);
}

/* ------------------------------------------------------ Cloudflare WARP */

/*
 * WARP is WireGuard with the message type byte 0xC1..0xC4 for 1..4, or the
 * standard type with a client id in the three reserved bytes; either way
 * the reserved bytes are not fixed, so the type byte and the lengths are
 * all its header shows.  The WireGuard message type it stands for, or 0.
 */
static __always_inline __u32 vx_warp_type(const __u8 *b)
{
	if (b[0] >= 0xc1 && b[0] <= 0xc4)
		return b[0] - 0xc0;
	if (b[0] >= 1 && b[0] <= 4 && (b[1] | b[2] | b[3]))
		return b[0];
	return 0;
}

/* On WARP's own port: any WARP message at WireGuard's lengths, or standard
 * WireGuard (clients without a client id). */
static __always_inline int vx_is_warp(const struct vx_pkt *p,
				      const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 4, data_end);
	__u32 len = p->payload_len;

	if (!b)
		return 0;
	switch (vx_warp_type(b)) {
	case 0: return vx_wg_std(b, len);
	case 1: return len == 148;
	case 2: return len == 92;
	case 3: return len == 64;
	}
	return len >= 32 && ((len & 15) == 0 || len >= 32 + VX_WG_MIN_MTU);
}

/*
 * Anywhere else only WARP's handshake initiation and response count: their
 * exact length and all-zero mac2 (the last 16 bytes, zero unless the
 * responder is under load, whitepaper 5.4.4) after a mac1 that is not
 * (a MAC: zero only by a 2^-128 chance, where a zero-padded payload, a DNS
 * message say, has zeros too) leave no room for chance.  A
 * cookie reply (64 bytes, no fixed field) and data carry nothing a random
 * payload could not: they are WARP through the flow their handshake
 * identified.  Checked ahead of IKE, L2TP and ESP-in-UDP on their ports,
 * whose checks a WARP handshake can pass.
 */
static __always_inline int vx_warp_handshake(const struct vx_pkt *p,
					     const void *data_end)
{
	const __u8 *m;
	__u32 off;

	if (p->payload_len == 148)
		off = 132;
	else if (p->payload_len == 92)
		off = 76;
	else
		return 0;
	m = vx_pl(p, 0, 12, data_end);
	if (!m || vx_warp_type(m) != (off == 132 ? 1u : 2u) || !vx_random8(m + 4))
		return 0;
	/* mac1, then mac2 */
	m = vx_pl(p, off - 16, 32, data_end);
	if (!m)
		return 0;
	return (vx_be32(m) | vx_be32(m + 4) | vx_be32(m + 8) | vx_be32(m + 12)) != 0 &&
	       (vx_be32(m + 16) | vx_be32(m + 20) | vx_be32(m + 24) | vx_be32(m + 28)) == 0;
}

/*
 * A standard WireGuard handshake message on any port (strong evidence):
 * type 1..3 of its exact length, and random bytes where the sender and
 * receiver indexes, the ephemeral key or the cookie nonce are.
 */
static __always_inline int vx_wg_handshake(const struct vx_pkt *p,
					   const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 24, data_end);

	/* bytes 4..11: indexes (and a key's start); 16..23: inside the
	 * ephemeral key or the cookie nonce */
	return b && b[0] >= 1 && b[0] <= 3 && vx_wg_std(b, p->payload_len) &&
	       vx_random8(b + 4) && vx_random8(b + 16);
}

/*
 * A WireGuard transport data message (weak: one says little): type 4 of a
 * plausible length, and a counter (64-bit little endian, bytes 8..15) under
 * 2^32, as it always is: the keys, and with them the counter, are renewed
 * every two minutes.  A flow's packets must agree on the receiver index
 * (bytes 4..7) with a counter that goes up (vx_flow_count()).
 */
static __always_inline int vx_wg_data(const struct vx_pkt *p,
				      const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 16, data_end);

	return b && b[0] == 4 && vx_wg_std(b, p->payload_len) &&
	       (b[12] | b[13] | b[14] | b[15]) == 0;
}

/* -------------------------------------------------------------- OpenVPN */

/* OpenVPN packet opcodes (ssl_pkt.h): byte 0 is opcode << 3 | key_id. */
#define VX_OVPN_OP_MIN 1
#define VX_OVPN_OP_MAX 11
#define VX_OVPN_HARD_RESET_CLIENT_V1 1
#define VX_OVPN_HARD_RESET_SERVER_V1 2
#define VX_OVPN_HARD_RESET_CLIENT_V2 7
#define VX_OVPN_HARD_RESET_SERVER_V2 8

/* Does an OpenVPN packet (UDP datagram, or TCP record without its length
 * prefix) of @len bytes at @b start with a valid opcode? */
static __always_inline int vx_ovpn_opcode_ok(__u8 b0)
{
	__u8 op = b0 >> 3;

	return op >= VX_OVPN_OP_MIN && op <= VX_OVPN_OP_MAX;
}

/* Length of the tls-auth block (HMAC + packet id + time) in a control
 * packet of @len bytes whose plain part is @plain bytes: none, or an HMAC
 * of MD5, SHA1, SHA224, SHA256, SHA384 or SHA512 plus 8.  -1 if none fits. */
static __always_inline int vx_ovpn_auth_len(__u32 len, __u32 plain)
{
	if (len < plain)
		return -1;
	switch (len - plain) {
	case 0:
	case 16 + 8:
	case 20 + 8:
	case 28 + 8:
	case 32 + 8:
	case 48 + 8:
	case 64 + 8:
		return (int)(len - plain);
	}
	return -1;
}

/* A time_t of a packet sent after 2012 and before 2038. */
static __always_inline int vx_ovpn_time_ok(__u32 t)
{
	return t >= 0x50000000 && t < 0x80000000;
}

/*
 * The first packet each side sends (protocol.h / ssl.c): a hard reset.
 *   client: op | session id (8) | [tls-auth] | ack count 0 | message id 0
 *   server: op | session id (8) | [tls-auth] | ack count 1 | acked id 0 |
 *           peer session id (8) | message id 0
 * with [tls-auth] = HMAC | replay packet id (counts from 1) | time.  The
 * exact length, the random session ids and the zero fields at its end make
 * it distinctive.  With tls-crypt (OpenVPN 2.4 on: the V2 opcodes only)
 * the fields after the session id are packet id, time, a 32-byte tag and
 * the encrypted plain part: known by the exact length, a small packet id
 * and a plausible time.
 * @off: where the packet starts in the payload (TCP: after the prefix).
 */
static __always_inline int vx_ovpn_hard_reset(const struct vx_pkt *p,
					      __u32 off, __u32 len,
					      const void *data_end)
{
	const __u8 *b = vx_pl(p, off, 9, data_end), *t;
	__u32 plain, op;
	int auth;

	if (!b || (b[0] & 7) != 0) /* key_id 0: no key negotiated yet */
		return 0;
	op = b[0] >> 3;
	if (op == VX_OVPN_HARD_RESET_CLIENT_V1 || op == VX_OVPN_HARD_RESET_CLIENT_V2)
		plain = 14;
	else if (op == VX_OVPN_HARD_RESET_SERVER_V1 || op == VX_OVPN_HARD_RESET_SERVER_V2)
		plain = 26;
	else
		return 0;
	if (!vx_random8(b + 1))
		return 0;
	/* tls-crypt: packet id and time in clear after the session id, a
	 * 32-byte tag, then the encrypted rest (as long as the plain one) */
	if (len == plain + 8 + 32 &&
	    (op == VX_OVPN_HARD_RESET_CLIENT_V2 || op == VX_OVPN_HARD_RESET_SERVER_V2)) {
		const __u8 *c = vx_pl(p, (off & 3) + 9, 8, data_end);
		__u32 pid;

		if (!c)
			return 0;
		pid = vx_be32(c);
		/* a counter from 1 */
		if (pid >= 1 && pid <= 0xffff && vx_ovpn_time_ok(vx_be32(c + 4)))
			return 1;
	}
	auth = vx_ovpn_auth_len(len, plain);
	if (auth < 0)
		return 0;
	/* auth <= 72: the offsets below stay bounded for the verifier */
	t = vx_pl(p, (off & 3) + 9 + vx_clamp((__u32)auth, 127), plain - 9, data_end);
	if (!t)
		return 0;
	if (auth) {
		/* replay packet id and time (the block's last 8 bytes): the id
		 * counts from 1, small in a handshake */
		const __u8 *id = vx_pl(p, (off & 3) + 1 + vx_clamp((__u32)auth, 127), 8,
				       data_end);
		__u32 pid;

		if (!id)
			return 0;
		pid = vx_be32(id);
		if (pid == 0 || pid > 0xffff || !vx_ovpn_time_ok(vx_be32(id + 4)))
			return 0;
	}
	if (plain == 14)
		return (t[0] | t[1] | t[2] | t[3] | t[4]) == 0;
	return t[0] == 1 && (t[1] | t[2] | t[3] | t[4]) == 0 && vx_random8(t + 5) &&
	       (t[13] | t[14] | t[15] | t[16]) == 0;
}

/* OpenVPN over TCP: a 2-byte length prefix, then a packet as over UDP. */
#define VX_OVPN_TCP_MAX 16384 /* larger than any record OpenVPN sends */

/*
 * Does the payload confirm OpenVPN's signature?  1: yes; 0: no (the payload
 * contradicts it); -1: it fits but proves nothing.  Over TCP the length
 * prefix and the opcode confirm it.  Over UDP an opcode is five bits that
 * a third of random first bytes have: only a hard reset (exact length,
 * random session id, zero acks) confirms; any other packet with a valid
 * opcode keeps the signature's port-only word, so another protocol on the
 * port is never counted OpenVPN on its payload.
 */
static __always_inline int vx_confirm_openvpn(const struct vx_pkt *p,
					      const void *data_end)
{
	const __u8 *b;

	if (p->l4proto == IPPROTO_TCP) {
		__u32 rec;

		b = vx_pl(p, 0, 3, data_end);
		if (!b)
			return 0;
		rec = vx_be16(b);
		/* smallest packet: opcode + peer id / a P_DATA_V1 header */
		return rec >= 5 && rec <= VX_OVPN_TCP_MAX && vx_ovpn_opcode_ok(b[2]);
	}
	b = vx_pl(p, 0, 1, data_end);
	if (!b || p->payload_len < 5 || !vx_ovpn_opcode_ok(b[0]))
		return 0;
	return vx_ovpn_hard_reset(p, 0, p->payload_len, data_end) ? 1 : -1;
}

/* --------------------------------------------------------- IKE / ISAKMP */

/*
 * The 28-byte ISAKMP header (RFC 2408 3.1, RFC 7296 3.1) at payload offset
 * @off: initiator SPI (8, never zero), responder SPI (8), next payload,
 * version (major.minor nibbles: 1.0 or 2.0), exchange type known for that
 * version, flags, message id, and a length equal to what the datagram holds.
 */
static __always_inline int vx_is_ike(const struct vx_pkt *p, __u32 off,
				     const void *data_end)
{
	const __u8 *h = vx_pl(p, off, 28, data_end);
	__u8 x;

	if (!h || vx_be32(h + 24) != p->payload_len - off)
		return 0;
	if ((vx_be32(h) | vx_be32(h + 4)) == 0)
		return 0;
	x = h[18];
	/* IKEv1: base, main, auth, aggressive, info, transaction (mode config
	 * and XAUTH, draft-ietf-ipsec-isakmp-mode-cfg: remote-access clients
	 * send it after phase 1), quick, new group */
	if (h[17] == 0x10)
		return (x >= 1 && x <= 6) || x == 32 || x == 33;
	if (h[17] == 0x20) /* IKEv2: SA_INIT .. SESSION_RESUME, INTERMEDIATE, FOLLOWUP_KE */
		return (x >= 34 && x <= 38) || x == 43 || x == 44;
	return 0;
}

/*
 * UDP port shared by IKE and ESP-in-UDP (RFC 3948, usually 4500):
 * - 4 zero bytes first: the non-ESP marker, an ISAKMP header follows;
 * - a single 0xFF byte: NAT-keepalive, part of the IKE/IPsec association;
 * - a WARP handshake (vx_warp_handshake()), which would pass for ESP;
 * - otherwise an ESP header: SPI (1..255 are reserved, RFC 4303 2.1) and
 *   sequence number.
 * Fewer than 8 bytes (other than the keepalive) cannot be judged: they stay
 * on the signature's class, port-only.
 */
static __always_inline struct vx_verdict
vx_check_natt(const struct vx_pkt *p, const void *data_end, __u8 sig_cls)
{
	struct vx_verdict v = { VX_C_OTHER, VX_CONF_VERIFIED };
	const __u8 *b = vx_pl(p, 0, 1, data_end);

	if (b && p->payload_len == 1 && b[0] == 0xff) {
		v.cls = VX_C_IKE;
		return v;
	}
	b = vx_pl(p, 0, 8, data_end);
	if (!b) {
		/* too short to be either: the signature's word stands */
		v.cls = sig_cls;
		v.conf = VX_CONF_PORT;
		return v;
	}
	if (vx_be32(b) == 0) {
		if (vx_is_ike(p, 4, data_end))
			v.cls = VX_C_IKE;
	} else if (vx_warp_handshake(p, data_end)) {
		/* WARP shares the port: not NAT-T's, the any-port check
		 * claims it */
		v.cls = VX_C_WARP;
		v.conf = VX_CONF_PAYLOAD;
	} else if (vx_be32(b) > 255) {
		v.cls = VX_C_ESP;
	}
	return v;
}

/* ------------------------------------------------------- IP protocols */

/* ESP (RFC 4303) and AH (RFC 4302): SPI 0 is never sent, 1..255 reserved. */
static __always_inline int vx_spi_ok(const struct vx_pkt *p, __u32 off,
				     const void *data_end)
{
	const __u8 *b = vx_pl(p, off, 4, data_end);

	return b && vx_be32(b) > 255;
}

/*
 * GRE as PPTP uses it (RFC 2637 4.1, "enhanced GRE"): version 1, key bit
 * set (the key carries payload length and call id), protocol 0x880B (PPP).
 * Any other GRE (version 0 tunnels, NVGRE, ERSPAN, ...) is not PPTP.
 */
static __always_inline int vx_is_gre_pptp(const struct vx_pkt *p,
					  const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 8, data_end);

	return b && (b[0] & 0x20) && (b[1] & 0x07) == 1 && b[2] == 0x88 &&
	       b[3] == 0x0b;
}

/* ----------------------------------------------------------- L2TP, PPTP */

/*
 * L2TP over UDP: version nibble 2 (RFC 2661 3.1) or 3 (RFC 3931 4.1.2.1).
 * v2 also fixes its reserved flag bits to zero, and a control message
 * (T bit) must carry length and sequence (L and S bits).
 */
static __always_inline int vx_is_l2tp(const struct vx_pkt *p,
				      const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 4, data_end);

	if (!b)
		return 0;
	if ((b[1] & 0x0f) == 3)
		return 1;
	if ((b[1] & 0x0f) != 2 || (b[0] & 0x34) || (b[1] & 0xf0))
		return 0;
	return !(b[0] & 0x80) || (b[0] & 0xc8) == 0xc8;
}

/* PPTP control (RFC 2637 2.1): length, message type 1 (control) or 2
 * (management), magic cookie 0x1A2B3C4D. */
static __always_inline int vx_is_pptp_ctrl(const struct vx_pkt *p,
					   const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 8, data_end);

	return b && vx_be16(b) >= 12 && b[2] == 0 && (b[3] == 1 || b[3] == 2) &&
	       vx_be32(b + 4) == 0x1A2B3C4D;
}

/* ------------------------------------------------------------- Lightway */

/*
 * Lightway over UDP (libhelium he_wire_hdr_t): "He", major version 1,
 * minor version, aggressive-mode flag, 3 reserved zero bytes, 64-bit
 * session id: 16 bytes, then a DTLS record.
 */
static __always_inline int vx_is_lightway(const struct vx_pkt *p,
					  const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 16, data_end);

	return b && b[0] == 'H' && b[1] == 'e' && b[2] == 1 && b[4] <= 1 &&
	       (b[5] | b[6] | b[7]) == 0 && p->payload_len > 16;
}

/* ------------------------------------------------------------ SoftEther */

/*
 * SoftEther's UDP control messages (Cedar/NAT traversal): its PACK
 * serialisation, a big-endian element count, then per element a name length
 * (string length + 1), the name, a value type 0..4 and a value count; or
 * the reply to a NAT-T probe, "IP=<address>,PORT=<port>" in ASCII.
 */
static __always_inline int vx_softether_pack(const struct vx_pkt *p,
					     const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 12, data_end), *t;
	__u32 n, nlen;

	if (!b)
		return 0;
	n = vx_be32(b);
	nlen = vx_be32(b + 4);
	if (n == 0 || n > 255 || nlen < 2 || nlen > 64)
		return 0;
	/* element names are C identifiers: check the first ones */
	for (int i = 8; i < 10; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z') || b[i] == '_' ||
		      (b[i] >= 'A' && b[i] <= 'Z')))
			return 0;
	/* type (4) and value count (4) follow the name */
	t = vx_pl(p, 8 + vx_clamp(nlen - 1, 63), 8, data_end);
	if (!t)
		return 0;
	return vx_be32(t) <= 4 && vx_be32(t + 4) >= 1 && vx_be32(t + 4) <= 255;
}

static __always_inline int vx_softether_natt(const struct vx_pkt *p,
					     const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 17, data_end);

	if (!b || p->payload_len > 29 || b[0] != 'I' || b[1] != 'P' || b[2] != '=')
		return 0;
	/* ",PORT=" after an IPv4 address of 7..15 characters */
VX_UNROLL
	for (__u32 i = 10; i <= 18; i++) {
		const __u8 *c = vx_pl(p, vx_clamp(i, 31), 6, data_end);

		if (c && c[0] == ',' && c[1] == 'P' && c[2] == 'O' &&
		    c[3] == 'R' && c[4] == 'T' && c[5] == '=')
			return p->payload_len > i + 6;
	}
	return 0;
}

/* ------------------------------------------------------------ Tailscale */

/* Tailscale disco messages (disco/disco.go): magic "TS" U+1F4AC, the
 * sender's 32-byte disco key, a 24-byte nonce, then a sealed box (16-byte
 * tag, type, version, ...). */
static __always_inline int vx_is_tailscale_disco(const struct vx_pkt *p,
						 const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 6, data_end);

	return b && p->payload_len >= 6 + 32 + 24 + 16 + 2 && b[0] == 'T' &&
	       b[1] == 'S' && b[2] == 0xf0 && b[3] == 0x9f && b[4] == 0x92 &&
	       b[5] == 0xac;
}

/* ----------------------------------------------------------------- tinc */

/*
 * tinc's meta protocol over TCP (protocol.c) is line based; each side opens
 * with an ID request: "0 <name> <major>[.<minor>]\n", major 17 since tinc
 * 1.0.  Its UDP data is encrypted from the first byte and has nothing to
 * check: only a signature on its port finds it.
 */
#define VX_TINC_LINE_MAX 128

static __always_inline int vx_is_tinc_id(const struct vx_pkt *p,
					 const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 2, data_end), *t;
	__u32 len = p->payload_len;

	if (!b || b[0] != '0' || b[1] != ' ' || len < 7 || len > VX_TINC_LINE_MAX)
		return 0;
	t = vx_pl(p, vx_clamp(len - 6, VX_TINC_LINE_MAX - 1), 6, data_end);
	if (!t || t[5] != '\n')
		return 0;
	/* "... 17\n" or "... 17.N\n" */
	if (t[2] == ' ' && t[3] == '1' && t[4] == '7')
		return 1;
	return t[0] == ' ' && t[1] == '1' && t[2] == '7' && t[3] == '.' &&
	       t[4] >= '0' && t[4] <= '9';
}

/* --------------------------------------------------- OpenConnect DTLS */

/*
 * A DTLS record header (RFC 6347 4.1): content type 20..23, version, epoch,
 * 48-bit sequence number, length; the record must fit the datagram.
 * Standard DTLS versions (0xfeff, 0xfefd) are what WebRTC and every other
 * DTLS user send, so a record alone only confirms a signature the operator
 * set for OpenConnect's port.
 */
static __always_inline int vx_dtls_record(const struct vx_pkt *p,
					  const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 13, data_end);
	__u32 ver;

	if (!b || b[0] < 20 || b[0] > 23)
		return 0;
	ver = vx_be16(b + 1);
	if (ver != 0x0100 && ver != 0xfeff && ver != 0xfefd)
		return 0;
	return vx_be16(b + 11) + 13 <= p->payload_len;
}

/*
 * What sets OpenConnect / Cisco AnyConnect apart on any port (strong
 * evidence), one of:
 * - the pre-standard DTLS 0.9 of OpenSSL (version 0x0100, DTLS1_BAD_VER),
 *   which nothing else on the wire uses, in a consistent record: a known
 *   content type, an epoch and a sequence number a session reaches (under
 *   256, under 2^32), and records (at most two) that fill the datagram
 *   exactly;
 * - a DTLS 1.0/1.2 ClientHello resuming the session the TLS channel set up
 *   (X-DTLS-Session-ID): epoch 0, one unfragmented handshake message whose
 *   lengths agree with the record's, and a 32-byte session id.  Ordinary
 *   DTLS clients (WebRTC) start new sessions: session id length 0.
 */
static __always_inline int vx_dtls_hdr_ok(const __u8 *h, __u32 ver)
{
	return h[0] >= 20 && h[0] <= 23 && vx_be16(h + 1) == ver && h[3] == 0 &&
	       (h[5] | h[6]) == 0;
}

static __always_inline int vx_is_openconnect(const struct vx_pkt *p,
					     const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 13, data_end), *h;
	__u32 n, ver;

	if (!b)
		return 0;
	ver = vx_be16(b + 1);
	if (ver == 0x0100) {
		if (!vx_dtls_hdr_ok(b, ver))
			return 0;
		n = 13 + vx_be16(b + 11);
		if (n == p->payload_len)
			return 1;
		if (n + 13 >= p->payload_len || n > 0x3fff)
			return 0;
		h = vx_pl(p, vx_clamp(n, 0x3fff), 13, data_end);
		return h && vx_dtls_hdr_ok(h, ver) &&
		       n + 13 + vx_be16(h + 11) == p->payload_len;
	}
	if (b[0] != 22 || (ver != 0xfeff && ver != 0xfefd) || (b[3] | b[4]) != 0 ||
	    (b[5] | b[6]) != 0 || vx_be16(b + 11) + 13 != p->payload_len)
		return 0;
	/* handshake: type 1, length (3), message seq (2), fragment offset (3)
	 * 0, fragment length (3) = length; client version, random (32),
	 * session id length */
	h = vx_pl(p, 13, 47, data_end);
	if (!h || h[0] != 1 || h[1] != 0 || vx_be16(h + 2) + 12 != vx_be16(b + 11) ||
	    h[4] != 0 || h[5] > 1 || (h[6] | h[7] | h[8]) != 0 ||
	    h[9] != 0 || vx_be16(h + 10) != vx_be16(h + 2))
		return 0;
	ver = vx_be16(h + 12);
	return (ver == 0xfeff || ver == 0xfefd) && h[46] == 32 &&
	       vx_be16(h + 2) >= 2 + 32 + 1 + 32 + 1 + 2 + 2 + 1;
}

/* ------------------------------------------------------------- ZeroTier */

/*
 * ZeroTier (node/Packet.hpp): packet id (8), destination (5), source (5),
 * flags (cipher suite in bits 3..5, hops in 0..2), MAC (8), verb, payload;
 * or a fragment: packet id, destination, 0xFF, fragment number, hops.
 * Addresses never start with 0xFF (reserved).  A HELLO is sent unencrypted
 * (cipher suite 0) and carries the sender's identity, whose address is the
 * packet's source address: that is distinctive on any port.
 */
#define VX_ZT_MIN 28
#define VX_ZT_VERB_HELLO 1

static __always_inline int vx_confirm_zerotier(const struct vx_pkt *p,
					       const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 19, data_end);
	__u8 suite;

	if (!b || b[8] == 0xff)
		return 0;
	if (b[13] == 0xff) /* fragment: number and count in b[14] */
		return p->payload_len >= 16 && (b[14] >> 4) <= 15 && (b[14] & 15) > 0;
	suite = (b[18] >> 3) & 7;
	return p->payload_len >= VX_ZT_MIN && (suite <= 1 || suite == 3);
}

static __always_inline int vx_is_zerotier_hello(const struct vx_pkt *p,
						const void *data_end)
{
	/* header 27, verb, proto version, major, minor, revision (2),
	 * timestamp (8), identity: address (5), type, public key (64) */
	const __u8 *b = vx_pl(p, 0, 55, data_end);

	if (!b || p->payload_len < 47 + 64 + 1 || b[13] == 0xff || b[8] == 0xff)
		return 0;
	/* the address (a hash) and the public key are random: no run of
	 * three zero bytes (vx_random8()) */
	if (!vx_random8(b + 47) || !(b[13] | b[14] | b[15]) ||
	    !(b[14] | b[15] | b[16]) || !(b[15] | b[16] | b[17]))
		return 0;
	if ((b[18] & 0x38) != 0 || (b[27] & 0x1f) != VX_ZT_VERB_HELLO)
		return 0;
	if (b[28] < 4 || b[28] > 31 || b[46] > 1)
		return 0;
	return b[41] == b[13] && b[42] == b[14] && b[43] == b[15] &&
	       b[44] == b[16] && b[45] == b[17];
}

/* ------------------------------------------- well-known services */

/*
 * Ports where a well-known protocol that is not VPN lives, each with that
 * protocol's own header check.  A payload on such a port that passes it is
 * that protocol, whatever a VPN check would make of its bytes (a DNS query
 * with ID 0x0400 looks like WireGuard data; one with EDNS like an OpenVPN
 * hard reset).  Only the any-port checks defer to this: a signature an
 * operator puts on one of these ports is judged before it.
 */
#define VX_STUN_COOKIE 0x2112a442

/* DNS (RFC 1035 4.1.1), also mDNS, LLMNR and NetBIOS name service: a
 * 12-byte header, a known opcode, and record counts (each under 256) that
 * fit the datagram. */
static __always_inline int vx_is_dns(const struct vx_pkt *p, const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 12, data_end);
	__u32 op;

	if (!b || (b[4] | b[6] | b[8] | b[10]) != 0)
		return 0;
	op = (b[2] >> 3) & 15;
	if (op == 3 || op > 6)
		return 0;
	return 12 + (__u32)b[5] * 5 + ((__u32)b[7] + b[9] + b[11]) * 11 <= p->payload_len;
}

/* DNS, NetBIOS name service, mDNS, LLMNR: vx_is_dns()'s ports */
static __always_inline int vx_dns_port(__u16 port)
{
	return port == 53 || port == 137 || port == 5353 || port == 5355;
}

static __always_inline int vx_wellknown_port(const struct vx_pkt *p,
					     const void *data_end, __u16 port)
{
	const __u8 *b;

	if (vx_dns_port(port))
		return vx_is_dns(p, data_end);
	switch (port) {
	case 123: /* NTP (RFC 5905 7.3): version 1..4, a mode, 48 bytes */
		b = vx_pl(p, 0, 1, data_end);
		return b && p->payload_len >= 48 && ((b[0] >> 3) & 7) >= 1 &&
		       ((b[0] >> 3) & 7) <= 4 && (b[0] & 7) != 0;
	case 67: case 68: /* BOOTP/DHCP (RFC 2131): op, Ethernet, magic cookie */
		b = vx_pl(p, 0, 1, data_end);
		if (!b || b[0] < 1 || b[0] > 2)
			return 0;
		b = vx_pl(p, 236, 4, data_end);
		return b && vx_be32(b) == 0x63825363;
	case 138: /* NetBIOS datagram service (RFC 1002 4.4): message type */
		b = vx_pl(p, 0, 1, data_end);
		return b && p->payload_len >= 10 && b[0] >= 0x10 && b[0] <= 0x16;
	case 161: case 162: /* SNMP: a BER SEQUENCE whose first element is
			     * the INTEGER version */
		b = vx_pl(p, 0, 5, data_end);
		if (!b || b[0] != 0x30)
			return 0;
		return b[1] < 0x80 ? b[2] == 0x02 :
		       b[1] == 0x81 ? b[3] == 0x02 : b[1] == 0x82 && b[4] == 0x02;
	case 514: /* syslog (RFC 3164, 5424): "<PRI>" */
		b = vx_pl(p, 0, 3, data_end);
		return b && b[0] == '<' && b[1] >= '0' && b[1] <= '9' &&
		       (b[2] == '>' || (b[2] >= '0' && b[2] <= '9'));
	case 1900: /* SSDP: HTTP over UDP */
		b = vx_pl(p, 0, 4, data_end);
		return b && ((b[0] == 'M' && b[1] == '-' && b[2] == 'S') ||
			     (b[0] == 'N' && b[1] == 'O' && b[2] == 'T') ||
			     (b[0] == 'H' && b[1] == 'T' && b[2] == 'T' && b[3] == 'P'));
	case 3478: /* STUN (RFC 5389 6): zero top bits, magic cookie */
		b = vx_pl(p, 0, 8, data_end);
		return b && (b[0] & 0xc0) == 0 && vx_be32(b + 4) == VX_STUN_COOKIE &&
		       vx_be16(b + 2) + 20 <= p->payload_len;
	}
	return 0;
}

static __always_inline int vx_wellknown_udp(const struct vx_pkt *p,
					    const void *data_end)
{
	return vx_wellknown_port(p, data_end, p->dport) ||
	       vx_wellknown_port(p, data_end, p->sport);
}

/* ------------------------------------------------ confirm a signature */

/*
 * A port signature of class @cls matched: does the payload confirm it?
 * Returns @cls verified, @cls port-only (no check exists: SSTP, a class
 * added by policy; or too little to judge), or OTHER verified (the payload
 * contradicts it).
 */
VX_SUBPROG vx_res_t
vx_confirm_port(const struct vx_pkt *p, const void *data_end, __u32 cls,
		__u32 flags)
{
	int ok;

	if ((flags & VX_SIG_NATT) && p->l4proto == IPPROTO_UDP)
		return vx_res_of(vx_check_natt(p, data_end, (__u8)cls));

	switch (cls) {
	case VX_C_WIREGUARD:
		ok = p->l4proto == IPPROTO_UDP && vx_is_wireguard(p, data_end);
		break;
	case VX_C_TAILSCALE:
		/* WireGuard, plus its own disco messages on the same socket */
		ok = p->l4proto == IPPROTO_UDP &&
		     (vx_is_wireguard(p, data_end) || vx_is_tailscale_disco(p, data_end));
		break;
	case VX_C_OPENVPN:
		ok = vx_confirm_openvpn(p, data_end);
		break;
	case VX_C_IKE:
		ok = p->l4proto == IPPROTO_UDP && vx_is_ike(p, 0, data_end);
		break;
	case VX_C_ESP: /* ESP-in-UDP on a port of its own (RFC 3948) */
		ok = p->l4proto == IPPROTO_UDP && vx_spi_ok(p, 0, data_end) &&
		     p->payload_len >= 8;
		break;
	case VX_C_L2TP:
		/* a WARP handshake can pass for L2TPv3: the any-port check
		 * takes it */
		ok = p->l4proto == IPPROTO_UDP && !vx_warp_handshake(p, data_end) &&
		     vx_is_l2tp(p, data_end);
		break;
	case VX_C_PPTP:
		ok = p->l4proto == IPPROTO_TCP && vx_is_pptp_ctrl(p, data_end);
		break;
	case VX_C_LIGHTWAY:
		ok = p->l4proto == IPPROTO_UDP ? vx_is_lightway(p, data_end) : -1;
		break;
	case VX_C_SOFTETHER:
		ok = p->l4proto == IPPROTO_UDP ?
		     (vx_softether_pack(p, data_end) || vx_softether_natt(p, data_end)) : -1;
		break;
	case VX_C_TINC:
		/* UDP data is encrypted throughout: the port is all there is */
		ok = p->l4proto == IPPROTO_TCP ? vx_is_tinc_id(p, data_end) : -1;
		break;
	case VX_C_OPENCONNECT:
		ok = p->l4proto == IPPROTO_UDP ? vx_dtls_record(p, data_end) : -1;
		break;
	case VX_C_ZEROTIER:
		ok = p->l4proto == IPPROTO_UDP && vx_confirm_zerotier(p, data_end);
		break;
	case VX_C_WARP:
		ok = p->l4proto == IPPROTO_UDP && vx_is_warp(p, data_end);
		break;
	default: /* SSTP (inside TLS), or nothing to check */
		ok = -1;
		break;
	}
	if (ok < 0)
		return vx_res(cls, VX_CONF_PORT);
	return vx_res(ok ? cls : VX_C_OTHER, VX_CONF_VERIFIED);
}


/* ------------------------------------------------- any port, by payload */

/* What the any-port checks found: @cls identified by its payload. */
static __always_inline vx_res_t vx_found(__u32 cls)
{
	return vx_res(cls, VX_CONF_PAYLOAD);
}

#define VX_NOT_FOUND vx_res(VX_C_OTHER, VX_CONF_PORT)

/* A weak shape of @cls: it counts only on its flow's evidence
 * (vx_weak_flow()). */
static __always_inline vx_res_t vx_weak(__u32 cls)
{
	return vx_res(cls, VX_CONF_FLOW) | VX_RES_WEAK;
}

/*
 * UDP payloads that matched no signature.  Dispatch on the first byte so
 * that ordinary traffic costs one load and a jump table; only protocols
 * whose first byte is random (ZeroTier's packet id, IKE's SPI) need a look
 * further in, behind a length test.  Handshakes and magic values are
 * evidence on their own; weak shapes (vx_weak()) wait for their flow's.
 * (A payload a well-known service on its port accounts for never gets
 * here: vx_payload_stage().)
 */
/* A UDP payload whose first byte is one of WireGuard's message types
 * (1-4): a handshake is evidence enough, data only on the flow's (a
 * handshake before it, or agreeing packets).  vx_find_udp()'s, and its
 * prefilter's. */
static __always_inline vx_res_t vx_find_wg(const struct vx_pkt *p,
					   const void *data_end)
{
	if (vx_wg_handshake(p, data_end))
		return vx_found(VX_C_WIREGUARD);
	if (vx_warp_handshake(p, data_end))
		return vx_found(VX_C_WARP);
	if (vx_wg_data(p, data_end))
		return vx_weak(VX_C_WIREGUARD);
	return VX_NOT_FOUND;
}

VX_SUBPROG vx_res_t vx_find_udp(const struct vx_pkt *p, const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 1, data_end);
	vx_res_t f;

	if (!b)
		return VX_NOT_FOUND;
	/* a miss falls through to the checks below: their first byte is
	 * random and may be any of these.  A byte added here must be added
	 * to VX_FIND_UDP_FIRST (vx_find_udp_may(); from 128 on, to its own
	 * test) too; 1-4 are vx_find_wg()'s, which the prefilter runs. */
	switch (b[0]) {
	case 1: case 2: case 3: case 4:
		f = vx_find_wg(p, data_end);
		if (vx_res_cls(f))
			return f;
		break;
	case 0xc1: case 0xc2:
		if (vx_warp_handshake(p, data_end))
			return vx_found(VX_C_WARP);
		break;
	case VX_OVPN_HARD_RESET_CLIENT_V1 << 3:
	case VX_OVPN_HARD_RESET_SERVER_V1 << 3:
	case VX_OVPN_HARD_RESET_CLIENT_V2 << 3:
	case VX_OVPN_HARD_RESET_SERVER_V2 << 3:
		if (vx_ovpn_hard_reset(p, 0, p->payload_len, data_end))
			return vx_found(VX_C_OPENVPN);
		break;
	case 'H':
		if (vx_is_lightway(p, data_end))
			return vx_found(VX_C_LIGHTWAY);
		break;
	case 'T':
		if (vx_is_tailscale_disco(p, data_end))
			return vx_found(VX_C_TAILSCALE);
		break;
	case 'I':
		if (vx_softether_natt(p, data_end))
			return vx_found(VX_C_SOFTETHER);
		break;
	case 0:
		if (vx_softether_pack(p, data_end))
			return vx_found(VX_C_SOFTETHER);
		break;
	case 20: case 21: case 22: case 23:
		if (vx_is_openconnect(p, data_end))
			return vx_found(VX_C_OPENCONNECT);
		break;
	}
	/* first byte random: IKE's initiator SPI, ZeroTier's packet id */
	if (p->payload_len < 28)
		return VX_NOT_FOUND;
	if (vx_is_ike(p, 0, data_end))
		return vx_found(VX_C_IKE);
	return vx_is_zerotier_hello(p, data_end) ? vx_found(VX_C_ZEROTIER) : VX_NOT_FOUND;
}

/* TCP payloads that matched no signature: OpenVPN's first record (its
 * length prefix covers exactly the segment, then a hard reset) and tinc's
 * ID line. */
VX_SUBPROG vx_res_t vx_find_tcp(const struct vx_pkt *p, const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 3, data_end);

	if (!b)
		return VX_NOT_FOUND;
	if (b[0] == '0')
		return vx_is_tinc_id(p, data_end) ? vx_found(VX_C_TINC) : VX_NOT_FOUND;
	if (vx_be16(b) + 2 == p->payload_len && p->payload_len <= 2 + 26 + 72 &&
	    vx_ovpn_hard_reset(p, 2, p->payload_len - 2, data_end))
		return vx_found(VX_C_OPENVPN);
	return VX_NOT_FOUND;
}

/*
 * Could vx_find_udp() / vx_find_tcp() find anything in this payload?  0
 * means surely not, and the XDP program's fast path then skips the payload
 * stage (a function call) for it: that is most traffic.  Each must stay a
 * superset of its function's hits: a first byte vx_find_udp() dispatches on
 * belongs in VX_FIND_UDP_FIRST (or, from 128 on, in vx_find_udp_may()'s
 * own test), and the checks behind its length test are repeated here
 * whole (they are a few loads).  WireGuard's types (1-4) are not in the
 * mask: vx_find_wg() itself runs here (WireGuard-like first words are
 * common enough in other traffic that a test of the byte alone sent them
 * all to the call).  tests/fuzz/fuzz_classify.c checks the superset on
 * every input it makes.
 */
#define VX_FB(b, half) ((((b) >> 6) == (half)) ? 1ull << ((b) & 63) : 0)
#define VX_FIND_UDP_FIRST(half)                                              \
	(VX_FB(0, half) | VX_FB(VX_OVPN_HARD_RESET_CLIENT_V1 << 3, half) |  \
	 VX_FB(VX_OVPN_HARD_RESET_SERVER_V1 << 3, half) |                    \
	 VX_FB(VX_OVPN_HARD_RESET_CLIENT_V2 << 3, half) |                    \
	 VX_FB(VX_OVPN_HARD_RESET_SERVER_V2 << 3, half) | VX_FB('H', half) | \
	 VX_FB('T', half) | VX_FB('I', half) | VX_FB(20, half) |             \
	 VX_FB(21, half) | VX_FB(22, half) | VX_FB(23, half))

static __always_inline int vx_find_udp_may(const struct vx_pkt *p,
					   const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 1, data_end);
	__u32 c;

	if (!b)
		return 0;
	c = b[0];
	if (c >= 1 && c <= 4) {
		if (vx_res_cls(vx_find_wg(p, data_end)))
			return 1;
	} else if (c < 64 ? (VX_FIND_UDP_FIRST(0) >> c) & 1 :
	    c < 128 ? (VX_FIND_UDP_FIRST(1) >> (c - 64)) & 1 :
	    c == 0xc1 || c == 0xc2) /* WARP's handshakes */
		return 1;
	if (p->payload_len < 28)
		return 0;
	return vx_is_ike(p, 0, data_end) || vx_is_zerotier_hello(p, data_end);
}

static __always_inline int vx_find_tcp_may(const struct vx_pkt *p,
					   const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 3, data_end);

	if (!b)
		return 0;
	return b[0] == '0' ||
	       (vx_be16(b) + 2 == p->payload_len && p->payload_len <= 2 + 26 + 72);
}

/* ------------------------------------------------------- the whole stage */

/*
 * Everything the payload says about a UDP or TCP packet: @sig is the port
 * signature that matched (vx_sig_pack()), 0 for none.  A signature the
 * payload confirms is done; otherwise the any-port checks get their turn,
 * and the signature's word (port-only, or contradicted) is what is left.
 * An empty payload says nothing: other.  VX_RES_SELF when the flow needs
 * no memory.
 *
 * Only the payload pointer, its length, the transport and the ports of @p
 * are read, so the XDP program can run this as a global function of its
 * own, which the verifier checks once instead of once per parse path.
 */
static __always_inline vx_res_t vx_payload_stage(const struct vx_pkt *p,
						 const void *data_end, __u32 sig)
{
	vx_res_t r = vx_res(VX_C_OTHER, VX_CONF_PORT), f;

	if (p->payload_len == 0)
		return r;
	if (vx_sig_cls(sig)) {
		r = vx_confirm_port(p, data_end, vx_sig_cls(sig), vx_sig_flags(sig));
		if (vx_res_cls(r) && vx_res_conf(r) == VX_CONF_VERIFIED)
			/* over UDP, every datagram to the port is judged like
			 * this one: nothing for a flow cache to add */
			return r | (p->l4proto == IPPROTO_UDP ? VX_RES_SELF : 0);
	}
	/* a well-known service on its port is itself (vx_wellknown_udp()) */
	if (p->l4proto == IPPROTO_UDP)
		f = vx_wellknown_udp(p, data_end) ? VX_NOT_FOUND : vx_find_udp(p, data_end);
	else
		f = vx_find_tcp(p, data_end);
	/* a signature's port-only word outweighs a weak shape */
	if (vx_res_cls(f) && (!(f & VX_RES_WEAK) || !vx_res_cls(r)))
		return f;
	return r;
}

#endif /* VPNXDP_PAYLOAD_H */
