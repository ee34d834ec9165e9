/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet parsing shared by the XDP program and userspace: Ethernet with up to
 * two VLAN tags, then a PPPoE session or an MPLS label stack if present,
 * IPv4 (with options) or IPv6 (with its extension-header chain), then the L4
 * header of UDP, TCP, ESP, AH or GRE.  Tunnels above L3 (IP-in-IP, GRE,
 * VXLAN, GENEVE, GTP-U) are vpnxdp_tunnel.h's.
 *
 * Plain static inline C over a (data, data_end) pair: every read is bounds
 * checked against data_end the way the BPF verifier wants it, so the same
 * code is what the verifier proves safe and what the unit tests and fuzzer
 * exercise in userspace.  Lengths carried in headers (IPv4 total length,
 * IPv6 payload length, UDP length) are checked against the frame: a header
 * that claims more bytes than the frame holds makes the packet malformed.
 */
#ifndef VPNXDP_PARSE_H
#define VPNXDP_PARSE_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>

#include "vpnxdp_common.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* Bounded loops are unrolled for the BPF target; the host compiler (GCC)
 * does not know the pragma and needs nothing. */
#if defined(__clang__)
#define VX_UNROLL _Pragma("unroll")
#else
#define VX_UNROLL
#endif
/* A loop kept a loop for the BPF target: the verifier walks its bounded
 * iterations over one copy of the code. */
#if defined(__clang__)
#define VX_NOUNROLL _Pragma("nounroll")
#else
#define VX_NOUNROLL
#endif

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

#define VX_MAX_VLANS 2
/* MPLS labels walked to the bottom of the stack; a deeper stack is not
 * looked into (fail open). */
#define VX_MAX_MPLS 4

#ifndef ETH_P_PPP_SES
#define ETH_P_PPP_SES 0x8864
#endif
#ifndef ETH_P_MPLS_UC
#define ETH_P_MPLS_UC 0x8847
#endif
#ifndef ETH_P_MPLS_MC
#define ETH_P_MPLS_MC 0x8848
#endif
/* IPv6 extension headers walked before giving up (fail open: the packet is
 * then "other" and passed). Linux itself accepts long chains; real traffic
 * rarely carries more than two. */
#define VX_MAX_EXTHDRS 6

/*
 * Header views.  In XDP the kernel aligns the IP header (NET_IP_ALIGN) and
 * the BPF target loads unaligned anyway; on the host a frame from a pcap
 * buffer or a fuzzer can sit at any address, so there the views are
 * declared 1-byte aligned and the compiler emits safe loads.  The BPF build
 * keeps natural alignment so that its loads stay single instructions.
 */
#if defined(__bpf__)
#define VX_HDR_ALIGN
#else
#define VX_HDR_ALIGN __attribute__((aligned(1)))
#endif
typedef struct ethhdr VX_HDR_ALIGN vx_eth_t;
typedef struct iphdr VX_HDR_ALIGN vx_ip4_t;
typedef struct ipv6hdr VX_HDR_ALIGN vx_ip6_t;
typedef struct udphdr VX_HDR_ALIGN vx_udp_t;
typedef struct tcphdr VX_HDR_ALIGN vx_tcp_t;
typedef __u16 VX_HDR_ALIGN vx_be16_t;

enum vx_parse_result {
	VX_PARSE_OK = 0,        /* L4 header found and within the frame */
	VX_PARSE_NOT_IP,        /* not IPv4/IPv6 (ARP, LLDP, ...) */
	VX_PARSE_L4_UNKNOWN,    /* IP fine, transport not one we classify */
	VX_PARSE_LATER_FRAG,    /* non-first fragment: no L4 header here */
	VX_PARSE_MALFORMED,     /* truncated or inconsistent headers */
};

/* Fragment state of the IP packet. */
enum vx_frag {
	VX_FRAG_NONE = 0,
	VX_FRAG_FIRST = 1,  /* offset 0, more fragments follow */
	VX_FRAG_LATER = 2,  /* offset > 0 */
};

struct vx_pkt {
	const __u8 *l4;       /* start of the L4 header */
	const __u8 *payload;  /* first byte after the L4 header */
	__u32 payload_len;    /* L4 payload length by the headers' own lengths,
			       * clipped to the frame (Ethernet padding is not
			       * payload) */
	__u16 sport;          /* host order; 0 where the transport has none */
	__u16 dport;
	__u8 l4proto;         /* IPPROTO_* */
	__u8 ipver;           /* 4 or 6, 0 before the IP header is parsed */
	__u8 frag;            /* enum vx_frag */
	__u8 vlans;           /* VLAN tags seen */
	__u8 tcp_flags;       /* TCP flags byte (FIN..CWR), TCP only */
	__u8 frag_store;      /* set by the XDP program's vx_frag_first_run():
			       * this first fragment is for its caller to
			       * record (frag_total) */
	__u8 encap;           /* outermost enum vx_encap looked through */
	__u8 pad[1];
	/* Addresses, network order, v4 in addr[0] (for events and flows). */
	__u32 saddr[4];
	__u32 daddr[4];
	__u32 frag_id;        /* IPv4 id or IPv6 fragment identification */
	/* Fragments (frag != VX_FRAG_NONE): where this packet's part lies in
	 * the datagram's fragmentable part (after the IPv4 header, after the
	 * IPv6 fragment header), in bytes. */
	__u16 frag_off;       /* offset of the part (0 for a first fragment) */
	__u16 frag_len;       /* bytes of the part this packet holds */
	__u16 frag_l4;        /* first fragment: bytes of the part before the
			       * L4 header (IPv6 headers after the fragment
			       * header; 0 for IPv4) */
	__u32 frag_total;     /* with frag_store: vx_frag_total() */
};

/* The L4 part common to both IP versions. @l3_end is one past the last byte
 * the IP header says belongs to the packet (never past data_end). */
static __always_inline int vx_parse_l4(struct vx_pkt *p, const __u8 *l4,
				       const __u8 *l3_end, const void *data_end)
{
	__u32 room;

	if ((const void *)l3_end > data_end || l4 > l3_end)
		return VX_PARSE_MALFORMED;
	room = (__u32)(l3_end - l4);
	p->l4 = l4;

	switch (p->l4proto) {
	case IPPROTO_UDP: {
		const vx_udp_t *uh = (const void *)l4;
		__u32 ulen;

		/* The header must fit in the IP packet, not just the frame:
		 * Ethernet padding after a tiny fragment is not a UDP header. */
		if (room < sizeof(*uh) || (const void *)(uh + 1) > data_end)
			return VX_PARSE_MALFORMED;
		ulen = bpf_ntohs(uh->len);
		/* A first fragment carries only part of the datagram: its UDP
		 * length may exceed what is here. */
		if (ulen < sizeof(*uh) || (p->frag == VX_FRAG_NONE && ulen > room))
			return VX_PARSE_MALFORMED;
		if (ulen > room)
			ulen = room;
		p->sport = bpf_ntohs(uh->source);
		p->dport = bpf_ntohs(uh->dest);
		p->payload = l4 + sizeof(*uh);
		p->payload_len = ulen - sizeof(*uh);
		return VX_PARSE_OK;
	}
	case IPPROTO_TCP: {
		const vx_tcp_t *th = (const void *)l4;
		__u32 doff;

		if (room < sizeof(*th) || (const void *)(th + 1) > data_end)
			return VX_PARSE_MALFORMED;
		doff = (__u32)th->doff * 4;
		if (doff < sizeof(*th) || doff > room)
			return VX_PARSE_MALFORMED;
		p->sport = bpf_ntohs(th->source);
		p->dport = bpf_ntohs(th->dest);
		p->tcp_flags = ((const __u8 *)th)[13];
		p->payload = l4 + doff;
		p->payload_len = room - doff;
		return VX_PARSE_OK;
	}
	case IPPROTO_ESP:
		/* SPI (4) + sequence number (4) */
		if (room < 8 || (const void *)(l4 + 8) > data_end)
			return VX_PARSE_MALFORMED;
		p->payload = l4;
		p->payload_len = room;
		return VX_PARSE_OK;
	case IPPROTO_AH:
		/* next header, length, reserved (2), SPI (4), sequence (4) */
		if (room < 12 || (const void *)(l4 + 12) > data_end)
			return VX_PARSE_MALFORMED;
		p->payload = l4;
		p->payload_len = room;
		return VX_PARSE_OK;
	case IPPROTO_GRE:
		/* flags+version (2), protocol (2) */
		if (room < 4 || (const void *)(l4 + 4) > data_end)
			return VX_PARSE_MALFORMED;
		p->payload = l4;
		p->payload_len = room;
		return VX_PARSE_OK;
	default:
		p->payload = l4;
		p->payload_len = room;
		return VX_PARSE_L4_UNKNOWN;
	}
}

static __always_inline int vx_parse_ipv4(struct vx_pkt *p, const __u8 *nh,
					 const void *data_end)
{
	const vx_ip4_t *iph = (const void *)nh;
	__u32 hlen, tot, avail;
	__u16 frag_off;

	if ((const void *)(iph + 1) > data_end)
		return VX_PARSE_MALFORMED;
	if (iph->version != 4 || iph->ihl < 5)
		return VX_PARSE_MALFORMED;
	hlen = (__u32)iph->ihl * 4;
	tot = bpf_ntohs(iph->tot_len);
	avail = (__u32)((const __u8 *)data_end - nh);
	if (tot < hlen || tot > avail)
		return VX_PARSE_MALFORMED;
	if ((const void *)(nh + hlen) > data_end)
		return VX_PARSE_MALFORMED;

	p->ipver = 4;
	p->l4proto = iph->protocol;
	p->saddr[0] = iph->saddr;
	p->daddr[0] = iph->daddr;
	p->frag_id = bpf_ntohs(iph->id);
	frag_off = bpf_ntohs(iph->frag_off);
	if (frag_off & 0x1fff)
		p->frag = VX_FRAG_LATER;
	else if (frag_off & 0x2000)
		p->frag = VX_FRAG_FIRST;
	p->frag_off = (__u16)((frag_off & 0x1fff) * 8);
	p->frag_len = (__u16)(tot - hlen);
	if (p->frag == VX_FRAG_LATER)
		return VX_PARSE_LATER_FRAG;

	return vx_parse_l4(p, nh + hlen, nh + tot, data_end);
}

struct vx_ipv6_exthdr {
	__u8 nexthdr;
	__u8 hdrlen;
};

struct vx_ipv6_frag {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off; /* offset << 3 | M */
	__be32 id;
};
typedef struct vx_ipv6_frag VX_HDR_ALIGN vx_ip6frag_t; /* 4-byte id: see above */

static __always_inline int vx_parse_ipv6(struct vx_pkt *p, const __u8 *nh,
					 const void *data_end)
{
	const vx_ip6_t *ip6 = (const void *)nh;
	const __u8 *cur, *l3_end, *part = 0;
	__u32 plen, avail;
	__u8 next;
	int i;

	if ((const void *)(ip6 + 1) > data_end || ip6->version != 6)
		return VX_PARSE_MALFORMED;
	plen = bpf_ntohs(ip6->payload_len);
	avail = (__u32)((const __u8 *)data_end - nh) - sizeof(*ip6);
	/* payload_len 0 is a jumbogram (RFC 2675): not on links XDP sees. */
	if (plen == 0 || plen > avail)
		return VX_PARSE_MALFORMED;

	p->ipver = 6;
	__builtin_memcpy(p->saddr, &ip6->saddr, 16);
	__builtin_memcpy(p->daddr, &ip6->daddr, 16);
	cur = nh + sizeof(*ip6);
	l3_end = cur + plen;
	next = ip6->nexthdr;

	/* VX_MAX_EXTHDRS extension headers, then one pass for the transport. */
VX_UNROLL
	for (i = 0; i < VX_MAX_EXTHDRS + 1; i++) {
		switch (next) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS: {
			const struct vx_ipv6_exthdr *eh = (const void *)cur;

			if ((const void *)(eh + 1) > data_end)
				return VX_PARSE_MALFORMED;
			next = eh->nexthdr;
			cur += ((__u32)eh->hdrlen + 1) * 8;
			if (cur > l3_end)
				return VX_PARSE_MALFORMED;
			break;
		}
		case IPPROTO_FRAGMENT: {
			const vx_ip6frag_t *fh = (const void *)cur;
			__u16 off;

			if ((const void *)(fh + 1) > data_end ||
			    (const __u8 *)(fh + 1) > l3_end)
				return VX_PARSE_MALFORMED;
			next = fh->nexthdr;
			off = bpf_ntohs(fh->frag_off);
			p->frag_id = bpf_ntohl(fh->id);
			cur += sizeof(*fh);
			part = cur;
			p->frag_off = off & 0xfff8;
			p->frag_len = (__u16)(l3_end - cur);
			if (off & 0xfff8) {
				p->frag = VX_FRAG_LATER;
				p->l4proto = next;
				return VX_PARSE_LATER_FRAG;
			}
			if (off & 1)
				p->frag = VX_FRAG_FIRST;
			/* offset 0 and M clear: an atomic fragment
			 * (RFC 6946), the whole datagram is here. */
			break;
		}
		case IPPROTO_NONE:
			p->l4proto = next;
			return VX_PARSE_L4_UNKNOWN;
		default:
			p->l4proto = next;
			if (part)
				p->frag_l4 = (__u16)(cur - part);
			return vx_parse_l4(p, cur, l3_end, data_end);
		}
	}
	/* Chain longer than we walk: cannot know the transport. */
	return VX_PARSE_MALFORMED;
}

static __always_inline void vx_set_encap(struct vx_pkt *p, __u8 kind)
{
	if (!p->encap)
		p->encap = kind;
}

/*
 * A PPPoE session header (RFC 2516) at @nh: version/type 0x11, code 0
 * (session data), then PPP's protocol field.  Only IPv4 (0x0021) and IPv6
 * (0x0057) are IP; LCP, IPCP and the rest are not.  Returns the IP header
 * or NULL.
 */
static __always_inline const __u8 *vx_pppoe_ip(const __u8 *nh,
					       const void *data_end)
{
	__u16 len, ppp;

	/* ver/type, code, session id (2), length (2), PPP protocol (2),
	 * and the IP version nibble the protocol field promises */
	if ((const void *)(nh + 9) > data_end)
		return 0;
	if (nh[0] != 0x11 || nh[1] != 0)
		return 0;
	len = ((__u16)nh[4] << 8) | nh[5];
	ppp = ((__u16)nh[6] << 8) | nh[7];
	if (len < 2 || !((ppp == 0x0021 && (nh[8] >> 4) == 4) ||
			 (ppp == 0x0057 && (nh[8] >> 4) == 6)))
		return 0;
	return nh + 8;
}

/* An MPLS label stack at @nh: the header after its bottom-of-stack entry
 * within VX_MAX_MPLS labels, or NULL. */
static __always_inline const __u8 *vx_mpls_ip(const __u8 *nh,
					      const void *data_end)
{
VX_UNROLL
	for (int i = 0; i < VX_MAX_MPLS; i++) {
		if ((const void *)(nh + 4) > data_end)
			return 0;
		nh += 4;
		if (nh[-2] & 1) /* S: bottom of stack */
			return nh;
	}
	return 0;
}

/*
 * The link layer from the Ethernet header at @eth: VLAN tags, then a PPPoE
 * session or an MPLS stack if there is one.  Returns 0 with the IP header
 * in *@nh and the IP version it must have in *@ver (0: by its first nibble,
 * MPLS says no more), or why there is no IP packet.
 */
static __always_inline int vx_parse_l2(struct vx_pkt *p, const __u8 *eth,
				       const void *data_end, const __u8 **nh,
				       __u32 *ver)
{
	const __u8 *cur = eth + sizeof(struct ethhdr);
	__u16 proto;
	int i;

	if ((const void *)cur > data_end)
		return VX_PARSE_MALFORMED;
	proto = ((const vx_eth_t *)eth)->h_proto;

VX_UNROLL
	for (i = 0; i < VX_MAX_VLANS; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) &&
		    proto != bpf_htons(ETH_P_8021AD))
			break;
		/* TCI (2), encapsulated protocol (2) */
		if ((const void *)(cur + 4) > data_end)
			return VX_PARSE_MALFORMED;
		proto = *(const vx_be16_t *)(cur + 2);
		cur += 4;
		p->vlans++;
	}

	*nh = cur;
	if (proto == bpf_htons(ETH_P_IP)) {
		*ver = 4;
		return 0;
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		*ver = 6;
		return 0;
	}
	/* Not IP unless the session or label stack is sound: anything
	 * else (PPPoE discovery, LCP, a pseudowire) stays other. */
	if (proto == bpf_htons(ETH_P_PPP_SES)) {
		cur = vx_pppoe_ip(cur, data_end);
		*ver = 0; /* vx_pppoe_ip() matched the nibble to PPP's field */
		vx_set_encap(p, VX_ENC_PPPOE);
	} else if (proto == bpf_htons(ETH_P_MPLS_UC) ||
		   proto == bpf_htons(ETH_P_MPLS_MC)) {
		cur = vx_mpls_ip(cur, data_end);
		*ver = 0;
		vx_set_encap(p, VX_ENC_MPLS);
	} else {
		return VX_PARSE_NOT_IP;
	}
	if (!cur)
		return VX_PARSE_NOT_IP;
	*nh = cur;
	return 0;
}

/* The IP packet at @nh, of version @ver (0: as its first nibble says). */
static __always_inline int vx_parse_ip(struct vx_pkt *p, const __u8 *nh,
				       __u32 ver, const void *data_end)
{
	if ((const void *)(nh + 1) > data_end)
		return VX_PARSE_MALFORMED;
	if (!ver)
		ver = nh[0] >> 4;
	if (ver == 4)
		return vx_parse_ipv4(p, nh, data_end);
	if (ver == 6)
		return vx_parse_ipv6(p, nh, data_end);
	return VX_PARSE_NOT_IP;
}

/* What a packet starts with, for vx_parse_from(). */
#define VX_AT_ETH 1u /* an Ethernet header */
#define VX_AT_IP 2u  /* an IP header, version by its first nibble */

/* Parse a packet starting at @start, an Ethernet frame or (@at VX_AT_IP) an
 * IP packet.  Fills @p as far as the headers go; the return value says how
 * far that was. */
static __always_inline int vx_parse_from(struct vx_pkt *p, const __u8 *start,
					 __u32 at, const void *data_end)
{
	const __u8 *nh = start;
	__u32 ver = 0;
	int r;

	if (at == VX_AT_ETH) {
		r = vx_parse_l2(p, start, data_end, &nh, &ver);
		if (r)
			return r;
	}
	return vx_parse_ip(p, nh, ver, data_end);
}

/* Parse a frame starting at its Ethernet header (the outer packet: the
 * classifier looks into tunnels with vpnxdp_tunnel.h). */
static __always_inline int vx_parse(struct vx_pkt *p, const void *data,
				    const void *data_end)
{
	return vx_parse_from(p, data, VX_AT_ETH, data_end);
}

#endif /* VPNXDP_PARSE_H */
