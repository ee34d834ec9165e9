/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tunnels above L3, shared by the XDP program and userspace: IP-in-IP
 * (protocols 4 and 41), GRE version 0 (RFC 2784, 2890), VXLAN (RFC 7348,
 * UDP 4789 and Linux's 8472), GENEVE (RFC 8926, UDP 6081) and GTP-U (3GPP
 * TS 29.281, UDP 2152).  vx_tunnel() says where the packet inside starts;
 * vx_parse_inner() parses it into the same struct vx_pkt, so that
 * everything after (signatures, payload checks, flow and fragment caches)
 * sees the inner packet: the class of a tunnelled frame is the class of
 * what it carries.
 *
 * Never decapsulated: PPTP's GRE version 1 and L2TP (they are the VPN), a
 * fragment of the outer packet (the inner one is not all here), a header
 * that is truncated or fails its checks.  Those are classified as the
 * outer packet, as without this file.  The ports are destination ports:
 * VXLAN and GENEVE senders pick the source port as flow entropy.
 */
#ifndef VPNXDP_TUNNEL_H
#define VPNXDP_TUNNEL_H

#include "vpnxdp_parse.h"
#include "vpnxdp_payload.h"

/* Tunnel layers looked through; the packet inside the last one is
 * classified as it is (a third tunnel header there is just UDP or GRE). */
#define VX_MAX_TUNNELS 2

#define VX_UDP_GTPU 2152
#define VX_UDP_VXLAN 4789
#define VX_UDP_VXLAN_LINUX 8472
#define VX_UDP_GENEVE 6081

/* Is @dport a UDP tunnel's?  (The fast path defers these: one range
 * compare first, as most ports are outside 2152-8472.) */
static __always_inline int vx_tunnel_port(__u32 dport)
{
	/* (32-bit: below 2152 wraps to far above) */
	if (dport - VX_UDP_GTPU > VX_UDP_VXLAN_LINUX - VX_UDP_GTPU)
		return 0;
	return dport == VX_UDP_VXLAN || dport == VX_UDP_VXLAN_LINUX ||
	       dport == VX_UDP_GENEVE || dport == VX_UDP_GTPU;
}

/* What vx_tunnel() and vx_inner() return: 0 (none), or the inner packet's
 * offset in the frame, what it starts with (VX_AT_*) and the kind of
 * encapsulation (vx_inner(): the outermost). */
#define VX_TUN_ETH VX_AT_ETH
#define VX_TUN_IP VX_AT_IP
#define VX_TUN(off, type, kind) ((off) | (__u32)(type) << 16 | (__u32)(kind) << 24)
#define VX_TUN_OFF(t) ((t) & 0xffff)
#define VX_TUN_TYPE(t) (((t) >> 16) & 0xff)
#define VX_TUN_KIND(t) ((t) >> 24)

/* A GRE, GENEVE or 802 protocol type: inner Ethernet or IP, or 0. */
static __always_inline __u32 vx_tun_ethertype(__u32 proto)
{
	if (proto == 0x6558) /* transparent Ethernet bridging */
		return VX_TUN_ETH;
	if (proto == 0x0800 || proto == 0x86DD)
		return VX_TUN_IP;
	return 0;
}

/* GRE version 0: C, K, S flags (4 bytes each), nothing else set (no
 * RFC 1701 routing, no recursion).  Returns the header's length, or 0. */
static __always_inline __u32 vx_gre0_len(const __u8 *g)
{
	if ((g[0] & 0x4f) || g[1])
		return 0;
	return 4 + ((g[0] >> 7) & 1) * 4 + ((g[0] >> 5) & 1) * 4 +
	       ((g[0] >> 4) & 1) * 4;
}

/* GTP-U: version 1, protocol type GTP, a G-PDU; the optional fields when
 * E, S or PN is set, then extension headers while E says so (at most
 * two: the PDU session container is the one seen).  Returns the
 * header's length within @room, or 0. */
static __always_inline __u32 vx_gtpu_len(const __u8 *h, __u32 room,
					 const void *data_end)
{
	__u32 len = 8, n;
	__u8 next;

	/* version 1, PT 1, a reserved bit; the message's length covers what
	 * follows the first 8 bytes */
	if ((h[0] & 0xf8) != 0x30 || h[1] != 255 || vx_be16(h + 2) + 8 > room)
		return 0;
	if (!(h[0] & 0x07))
		return len;
	len = 12;
	if (room < len || (const void *)(h + 12) > data_end)
		return 0;
	next = (h[0] & 0x04) ? h[11] : 0;
VX_UNROLL
	for (int i = 0; i < 2; i++) {
		const __u8 *e;

		if (!next)
			return len;
		e = h + vx_clamp(len, 255);
		if ((const void *)(e + 1) > data_end)
			return 0;
		/* in 4-byte units; longer than 60 bytes is not a header
		 * anyone sends */
		n = (__u32)e[0] * 4;
		if (!n || n > 60 || len + n > room)
			return 0;
		/* its last byte: the next extension's type */
		e += vx_clamp(n - 1, 63);
		if ((const void *)(e + 1) > data_end)
			return 0;
		len += n;
		next = e[0];
	}
	return next ? 0 : len;
}

/* A UDP tunnel's header at @h, @room bytes of datagram payload: the
 * inner packet's offset from @h, its type and kind, or 0. */
static __always_inline __u32 vx_tunnel_udp(__u16 dport, const __u8 *h,
					   __u32 room, const void *data_end)
{
	__u32 len, type;

	if (room < 8 || (const void *)(h + 8) > data_end)
		return 0;
	switch (dport) {
	case VX_UDP_VXLAN:
	case VX_UDP_VXLAN_LINUX:
		/* I: the VNI is valid */
		if (!(h[0] & 0x08))
			return 0;
		return VX_TUN(8, VX_TUN_ETH, VX_ENC_VXLAN);
	case VX_UDP_GENEVE:
		if (h[0] >> 6) /* version 0 */
			return 0;
		len = 8 + (__u32)(h[0] & 0x3f) * 4;
		type = vx_tun_ethertype(vx_be16(h + 2));
		if (!type || len > room)
			return 0;
		return VX_TUN(len, type, VX_ENC_GENEVE);
	case VX_UDP_GTPU:
		len = vx_gtpu_len(h, room, data_end);
		if (!len)
			return 0;
		return VX_TUN(len, VX_TUN_IP, VX_ENC_GTPU);
	}
	return 0;
}

/*
 * Is the packet vx_parse() (or vx_parse_inner()) left in @p, with result
 * @r, a tunnel to look into?  Returns VX_TUN() with the inner packet's
 * offset in the frame [data, data_end), or 0.
 */
static __always_inline __u32 vx_tunnel(const struct vx_pkt *p, int r,
				       const void *data, const void *data_end)
{
	const __u8 *h = p->payload;
	__u32 t = 0, len, type;

	if (p->frag != VX_FRAG_NONE || !h)
		return 0;
	if (r == VX_PARSE_L4_UNKNOWN &&
	    (p->l4proto == IPPROTO_IPIP || p->l4proto == IPPROTO_IPV6)) {
		t = VX_TUN(0, VX_TUN_IP, VX_ENC_IPIP);
	} else if (r != VX_PARSE_OK) {
		return 0;
	} else if (p->l4proto == IPPROTO_GRE) {
		if (p->payload_len < 4 || (const void *)(h + 4) > data_end)
			return 0;
		len = vx_gre0_len(h);
		type = vx_tun_ethertype(vx_be16(h + 2));
		if (!len || !type || len > p->payload_len)
			return 0;
		t = VX_TUN(len, type, VX_ENC_GRE);
	} else if (p->l4proto == IPPROTO_UDP && vx_tunnel_port(p->dport)) {
		t = vx_tunnel_udp(p->dport, h, p->payload_len, data_end);
	}
	if (!t)
		return 0;
	len = (__u32)(h - (const __u8 *)data) + VX_TUN_OFF(t);
	if (len > VX_MAX_PAYLOAD_OFF)
		return 0;
	return (t & 0xffff0000u) | len;
}

#endif /* VPNXDP_TUNNEL_H */
