/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The obfuscated-OpenVPN heuristic (policy: `heuristic openvpn-obfuscated
 * on`), after the opcode fingerprint of Xue et al., "OpenVPN is Open to VPN
 * Fingerprinting" (USENIX Security 2022).
 *
 * OpenVPN's first byte is its opcode (high 5 bits) and key id (low 3, zero
 * during the first handshake); over TCP it follows a 2-byte length.  The
 * XOR scramblers in circulation (xormask, xorptrpos, and those combined)
 * XOR the first byte with one fixed key byte for the whole flow.  A fixed
 * XOR keeps the XOR of two bytes, so the scrambled first bytes of a flow
 * still differ from each other exactly as OpenVPN's opcodes do:
 *
 *   client   hard reset (X, repeated while unanswered)
 *   server   hard reset Y, with X ^ Y = 0x38 ^ 0x40 (V2) or 0x50 ^ 0x40
 *            (V3, tls-crypt-v2); that fixes the key k
 *   then     every byte ^ k a control (0x20), ack (0x28), data (0x30,
 *            0x48) or, from a V3 client, wrapped-key control (0x58)
 *            opcode; data only after control went both ways
 *
 * A flow is flagged once VX_HEUR_POST packets after the two resets, from
 * both sides and with a control among them, fit; the first that does not
 * fit, or VX_HEUR_WINDOW packets without a decision, ends the test for that
 * flow (not flagged).  Over TCP the length prefix must be consistent too:
 * its XOR with the record's length is the same for the server's first
 * record as for the client's (0 when it is in clear), and a direction whose
 * record boundaries cannot be followed (a record across segments, records
 * coalesced) is judged no further.  DNS, QUIC, DTLS, RTP and STUN fail at
 * the server's first reply (their first bytes differ by another amount);
 * random payloads pass all the steps with odds below 1e-8.
 *
 * Pure functions on a struct vx_heur_val, shared by the XDP program and
 * userspace (vpnxdp_classify.h decides when to call them).
 */
#ifndef VPNXDP_HEUR_H
#define VPNXDP_HEUR_H

#include "vpnxdp_common.h"
#include "vpnxdp_parse.h"
#include "vpnxdp_payload.h"

#define VX_HS_CLO 0x01   /* the client is the flow key's lo endpoint */
#define VX_HS_KEY 0x02   /* the server's reset was seen: k holds */
#define VX_HS_LOSTC 0x04 /* TCP: the client's records are not followed */
#define VX_HS_LOSTS 0x08 /* ... the server's */
#define VX_HS_DEAD 0x10  /* not OpenVPN: judged no further */
#define VX_HS_HIT 0x20   /* flagged */
#define VX_HS_CPOST 0x40 /* the client sent after the server's reset */
#define VX_HS_SPOST 0x80 /* the server sent after its reset */

#define VX_HO_CONTROL 0x01
#define VX_HO_ACK 0x02
#define VX_HO_DATA 0x04

#define VX_HEUR_WINDOW 16 /* packets judged before giving up */
#define VX_HEUR_POST 4    /* fitting packets after the resets that flag */
#define VX_HEUR_MINLEN 14 /* least bytes of an OpenVPN packet: opcode,
			   * session id, ack count, packet id */

/* What vx_heur_step() made of a packet. */
#define VX_HEUR_SKIP 0 /* nothing to store */
#define VX_HEUR_KEEP 1 /* store the state */
#define VX_HEUR_HIT 2  /* store it: the flow is flagged */

static __always_inline int vx_heur_dead(struct vx_heur_val *s)
{
	s->flags |= VX_HS_DEAD;
	return VX_HEUR_KEEP;
}

/* The opcode byte @b ^ k of a packet after the two resets: its VX_HO_*
 * bit, or 0 when OpenVPN would not send it here. */
static __always_inline __u32 vx_heur_op(const struct vx_heur_val *s, __u32 op,
					int client)
{
	switch (op) {
	case 0x20:
		return VX_HO_CONTROL;
	case 0x28:
		return VX_HO_ACK;
	case 0x30:
	case 0x48:
		return VX_HO_DATA;
	case 0x58:
		/* P_CONTROL_WKC_V1: only a V3 client sends it */
		return client && (s->x ^ s->k) == 0x50 ? VX_HO_CONTROL : 0;
	}
	return 0;
}

/* A packet's first three payload bytes as one scalar (b0 << 16 | b1 << 8 |
 * b2), with VX_HEUR_SHORT when the frame holds fewer: what vx_heur_step()
 * reads, so that it can run away from the packet. */
#define VX_HEUR_SHORT (1u << 24)

static __always_inline __u32 vx_heur_bytes(const struct vx_pkt *p,
					   const void *data_end)
{
	const __u8 *b = vx_pl(p, 0, 3, data_end);

	if (!b)
		return VX_HEUR_SHORT;
	return (__u32)b[0] << 16 | (__u32)b[1] << 8 | b[2];
}

/*
 * One packet of a candidate flow: @s its state (@fresh: none yet, @s is
 * zeroed), @bytes vx_heur_bytes() of its payload, @len the payload's
 * length, @tcp its transport, @from_lo whether it comes from the flow
 * key's lo endpoint.  Returns VX_HEUR_*; @s is what to store.
 */
static __always_inline int vx_heur_step(struct vx_heur_val *s, int fresh,
					__u32 bytes, __u32 len, int tcp,
					int from_lo)
{
	__u32 rec = 0, op, bit, prefix = (bytes >> 8) & 0xffff;
	int client, lost = 0;

	if (s->flags & VX_HS_HIT)
		return VX_HEUR_HIT;
	if (s->flags & VX_HS_DEAD)
		return VX_HEUR_SKIP;
	if ((bytes & VX_HEUR_SHORT) || len < VX_HEUR_MINLEN + (tcp ? 2 : 0)) {
		/* too short for OpenVPN: a flow that starts so is not a
		 * candidate (no entry); one under test fails */
		return fresh ? VX_HEUR_SKIP : vx_heur_dead(s);
	}
	if (fresh) {
		s->n = 1;
		s->x = (__u8)(tcp ? bytes : bytes >> 16);
		s->flags = from_lo ? VX_HS_CLO : 0;
		if (tcp)
			s->lenkey = (__u16)(prefix ^ (len - 2));
		return VX_HEUR_KEEP;
	}
	client = !from_lo == !(s->flags & VX_HS_CLO);
	if (tcp) {
		if (s->flags & (client ? VX_HS_LOSTC : VX_HS_LOSTS))
			return VX_HEUR_SKIP;
		rec = (prefix ^ s->lenkey) & 0xffff;
		if (rec < VX_HEUR_MINLEN)
			return vx_heur_dead(s);
		/* a record that does not end with the segment: where the next
		 * one starts is not followed */
		lost = rec + 2 != len;
	}
	op = (tcp ? bytes : bytes >> 16) & 0xff;
	s->n++;
	if (!(s->flags & VX_HS_KEY)) {
		if (client) {
			/* the hard reset again, unanswered */
			if (op != s->x || lost)
				return vx_heur_dead(s);
		} else {
			if (lost)
				return vx_heur_dead(s);
			if ((op ^ s->x) == (0x38 ^ 0x40))
				s->k = s->x ^ 0x38;
			else if ((op ^ s->x) == (0x50 ^ 0x40))
				s->k = s->x ^ 0x50;
			else
				return vx_heur_dead(s);
			s->flags |= VX_HS_KEY;
		}
	} else {
		bit = vx_heur_op(s, op ^ s->k, client);
		if (!bit)
			return vx_heur_dead(s);
		/* data only once the TLS handshake ran over control */
		if (bit == VX_HO_DATA && !(s->seen & VX_HO_CONTROL))
			return vx_heur_dead(s);
		s->seen |= (__u8)bit;
		s->post++;
		s->flags |= client ? VX_HS_CPOST : VX_HS_SPOST;
		if (lost)
			s->flags |= client ? VX_HS_LOSTC : VX_HS_LOSTS;
		if (s->post >= VX_HEUR_POST && (s->seen & VX_HO_CONTROL) &&
		    (s->flags & VX_HS_CPOST) && (s->flags & VX_HS_SPOST)) {
			s->flags |= VX_HS_HIT;
			return VX_HEUR_HIT;
		}
		/* neither side followed any more: nothing left to judge */
		if ((s->flags & (VX_HS_LOSTC | VX_HS_LOSTS)) ==
		    (VX_HS_LOSTC | VX_HS_LOSTS))
			return vx_heur_dead(s);
	}
	if (s->n >= VX_HEUR_WINDOW)
		return vx_heur_dead(s);
	return VX_HEUR_KEEP;
}

#endif /* VPNXDP_HEUR_H */
