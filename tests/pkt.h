/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small packet builder for tests: Ethernet (0, 1 or 2 VLAN tags, or more
 * for malformed cases), IPv4 (options, overridable IHL / total length /
 * fragment field / protocol, correct header checksum) or IPv6 (extension
 * header chain: hop-by-hop, routing, destination options, fragment), then
 * the L4 bytes the caller built with the helpers below (UDP, TCP, ESP, AH,
 * GRE), and optional Ethernet padding.  Plus realistic VPN payloads.
 *
 * Documentation addresses only: 192.0.2.x, 198.51.100.x, 2001:db8::x.
 *
 * No dependencies, everything static inline.  Frames should be built at an
 * address that is 2 mod 4 (as the kernel does, NET_IP_ALIGN) so that the IP
 * header is 4-byte aligned: use struct pkt_frame and PKT_DATA().
 */
#ifndef VX_TESTS_PKT_H
#define VX_TESTS_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PKT_MAX 2048

/* Frame storage whose data starts at 2 mod 4 (IP header 4-byte aligned). */
struct pkt_frame {
	_Alignas(8) uint8_t raw[PKT_MAX + 8];
	size_t len;
};
#define PKT_DATA(f) ((f)->raw + 2)

/* Ethertypes, protocols */
#define PKT_ETH_IP 0x0800
#define PKT_ETH_IPV6 0x86DD
#define PKT_ETH_ARP 0x0806
#define PKT_ETH_8021Q 0x8100
#define PKT_ETH_8021AD 0x88A8

#define PKT_P_HOPOPTS 0
#define PKT_P_TCP 6
#define PKT_P_UDP 17
#define PKT_P_ROUTING 43
#define PKT_P_FRAGMENT 44
#define PKT_P_GRE 47
#define PKT_P_ESP 50
#define PKT_P_AH 51
#define PKT_P_ICMPV6 58
#define PKT_P_NONE 59
#define PKT_P_DSTOPTS 60

/* IPv4 flags in the host-order frag_off field */
#define PKT_IP4_DF 0x4000
#define PKT_IP4_MF 0x2000

/* TCP flags */
#define PKT_TCP_FIN 0x01
#define PKT_TCP_SYN 0x02
#define PKT_TCP_RST 0x04
#define PKT_TCP_PSH 0x08
#define PKT_TCP_ACK 0x10

#define PKT_MAX_EXT 16

struct pkt_spec {
	int vlans;          /* VLAN tags: 1 = 802.1Q; 2 = 802.1ad outer + 802.1Q
			     * inner; more = 802.1ad then 802.1Q repeated */
	uint16_t ethertype; /* 0: from ipver; else used as is (e.g. ARP) */
	int ipver;          /* 4 or 6; anything else: no IP header, the l4
			     * bytes follow the Ethernet header directly */
	uint8_t proto;      /* IPv4 protocol / IPv6 transport next header */
	bool swap_addrs;    /* reply direction: 198.51.100.2 -> 192.0.2.1 */

	/* IPv4 */
	const uint8_t *ip4_opts; /* options, ip4_optlen a multiple of 4 */
	size_t ip4_optlen;
	bool set_ihl;       /* IHL field override (header still ip4_optlen+20 bytes) */
	uint8_t ihl;
	bool set_tot_len;   /* total length override */
	uint16_t tot_len;
	uint16_t ip4_flags; /* PKT_IP4_DF; MF comes from frag_mf */

	/* Fragment fields: IPv4 header; IPv6 fragment header in the chain */
	uint16_t frag_offset; /* in 8-byte units */
	bool frag_mf;
	uint32_t frag_id;

	/* IPv6 */
	const uint8_t *ext;  /* extension header types in order (0, 43, 60, 44) */
	int n_ext;
	uint8_t ext_len8;    /* Hdr Ext Len of the non-fragment ones (0 = 8 bytes) */
	bool set_plen;       /* payload length override */
	uint16_t plen;

	/* L4 header and payload, built with the helpers below */
	const uint8_t *l4;
	size_t l4len;
	bool l4_csum;        /* fill the UDP/TCP checksum (needs a whole datagram) */

	/* Ethernet padding after the IP packet up to this frame length */
	size_t pad_to;
	uint8_t pad_byte;
};

static inline void pkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void pkt_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint16_t pkt_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t pkt_csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static inline uint16_t pkt_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static const uint8_t pkt_ip4_a[4] = { 192, 0, 2, 1 };
static const uint8_t pkt_ip4_b[4] = { 198, 51, 100, 2 };
static const uint8_t pkt_ip6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				       0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t pkt_ip6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				       0, 0, 0, 0, 0, 0, 0, 2 };

/*
 * Build the frame described by @s into @out (room @cap).  Returns the frame
 * length, or 0 if it does not fit.
 */
static inline size_t pkt_build(uint8_t *out, size_t cap, const struct pkt_spec *s)
{
	uint8_t *p = out;
	uint16_t et = s->ethertype ? s->ethertype
		    : s->ipver == 6 ? PKT_ETH_IPV6 : PKT_ETH_IP;
	size_t len;

	if (cap < 64)
		return 0;
	memset(out, 0, cap < PKT_MAX ? cap : PKT_MAX);
	/* dst 02:00:00:00:00:02, src 02:00:00:00:00:01 (locally administered) */
	p[0] = 0x02; p[5] = 0x02;
	p[6] = 0x02; p[11] = 0x01;
	p += 12;
	for (int i = 0; i < s->vlans; i++) {
		pkt_put16(p, i == 0 && s->vlans >= 2 ? PKT_ETH_8021AD : PKT_ETH_8021Q);
		pkt_put16(p + 2, (uint16_t)(100 + i)); /* PCP 0, VID 100+i */
		p += 4;
	}
	pkt_put16(p, et);
	p += 2;

	if (s->ipver == 4) {
		uint8_t *ip = p;
		size_t hlen = 20 + s->ip4_optlen;
		size_t tot = hlen + s->l4len;
		const uint8_t *sa = s->swap_addrs ? pkt_ip4_b : pkt_ip4_a;
		const uint8_t *da = s->swap_addrs ? pkt_ip4_a : pkt_ip4_b;

		if ((size_t)(p - out) + tot > cap)
			return 0;
		ip[0] = (uint8_t)(0x40 | ((s->set_ihl ? s->ihl : hlen / 4) & 0x0f));
		ip[1] = 0;
		pkt_put16(ip + 2, s->set_tot_len ? s->tot_len : (uint16_t)tot);
		pkt_put16(ip + 4, (uint16_t)s->frag_id);
		pkt_put16(ip + 6, (uint16_t)(s->ip4_flags | (s->frag_mf ? PKT_IP4_MF : 0) |
					     (s->frag_offset & 0x1fff)));
		ip[8] = 64;
		ip[9] = s->proto;
		memcpy(ip + 12, sa, 4);
		memcpy(ip + 16, da, 4);
		if (s->ip4_optlen)
			memcpy(ip + 20, s->ip4_opts, s->ip4_optlen);
		pkt_put16(ip + 10, pkt_csum_fold(pkt_csum_add(0, ip, hlen)));
		p += hlen;
		memcpy(p, s->l4, s->l4len);
		if (s->l4_csum && (s->proto == PKT_P_UDP || s->proto == PKT_P_TCP)) {
			size_t ck = s->proto == PKT_P_UDP ? 6 : 16;
			uint8_t ph[12];
			uint32_t sum;
			uint16_t c;

			memcpy(ph, sa, 4);
			memcpy(ph + 4, da, 4);
			ph[8] = 0;
			ph[9] = s->proto;
			pkt_put16(ph + 10, (uint16_t)s->l4len);
			if (s->l4len >= ck + 2) {
				p[ck] = p[ck + 1] = 0;
				sum = pkt_csum_add(pkt_csum_add(0, ph, 12), p, s->l4len);
				c = pkt_csum_fold(sum);
				if (c == 0 && s->proto == PKT_P_UDP)
					c = 0xffff;
				pkt_put16(p + ck, c);
			}
		}
		p += s->l4len;
	} else if (s->ipver == 6) {
		uint8_t *ip = p;
		uint8_t *q = p + 40;
		uint8_t *nextp = ip + 6;
		const uint8_t *sa = s->swap_addrs ? pkt_ip6_b : pkt_ip6_a;
		const uint8_t *da = s->swap_addrs ? pkt_ip6_a : pkt_ip6_b;
		size_t extlen = 0;

		for (int i = 0; i < s->n_ext && i < PKT_MAX_EXT; i++)
			extlen += s->ext[i] == PKT_P_FRAGMENT ? 8 : ((size_t)s->ext_len8 + 1) * 8;
		if ((size_t)(p - out) + 40 + extlen + s->l4len > cap)
			return 0;
		ip[0] = 0x60;
		pkt_put16(ip + 4, s->set_plen ? s->plen : (uint16_t)(extlen + s->l4len));
		ip[7] = 64;
		memcpy(ip + 8, sa, 16);
		memcpy(ip + 24, da, 16);
		for (int i = 0; i < s->n_ext && i < PKT_MAX_EXT; i++) {
			*nextp = s->ext[i];
			nextp = q; /* next header is the first byte of each */
			if (s->ext[i] == PKT_P_FRAGMENT) {
				pkt_put16(q + 2, (uint16_t)((s->frag_offset << 3) |
							    (s->frag_mf ? 1 : 0)));
				pkt_put32(q + 4, s->frag_id);
				q += 8;
			} else {
				size_t el = ((size_t)s->ext_len8 + 1) * 8;

				q[1] = s->ext_len8;
				/* PadN option filling the rest of the header */
				q[2] = 1;
				q[3] = (uint8_t)(el - 4);
				if (s->ext[i] == PKT_P_ROUTING) {
					/* routing type 4 (SRH-like), segments left 0 */
					q[2] = 4;
					q[3] = 0;
				}
				q += el;
			}
		}
		*nextp = s->proto;
		memcpy(q, s->l4, s->l4len);
		if (s->l4_csum && (s->proto == PKT_P_UDP || s->proto == PKT_P_TCP)) {
			size_t ck = s->proto == PKT_P_UDP ? 6 : 16;
			uint8_t ph[40];
			uint16_t c;

			memset(ph, 0, sizeof(ph));
			memcpy(ph, sa, 16);
			memcpy(ph + 16, da, 16);
			pkt_put32(ph + 32, (uint32_t)s->l4len);
			ph[39] = s->proto;
			if (s->l4len >= ck + 2) {
				q[ck] = q[ck + 1] = 0;
				c = pkt_csum_fold(pkt_csum_add(pkt_csum_add(0, ph, 40),
							       q, s->l4len));
				if (c == 0 && s->proto == PKT_P_UDP)
					c = 0xffff;
				pkt_put16(q + ck, c);
			}
		}
		p = q + s->l4len;
	} else {
		if ((size_t)(p - out) + s->l4len > cap)
			return 0;
		memcpy(p, s->l4, s->l4len);
		p += s->l4len;
	}

	len = (size_t)(p - out);
	if (s->pad_to > len && s->pad_to <= cap) {
		memset(p, s->pad_byte, s->pad_to - len);
		len = s->pad_to;
	}
	return len;
}

/* ---- L4 headers: each writes header + payload into @o, returns length ---- */

/* UDP with its length field = 8 + plen. */
static inline size_t pkt_udp(uint8_t *o, uint16_t sport, uint16_t dport,
			     const void *pl, size_t plen)
{
	pkt_put16(o, sport);
	pkt_put16(o + 2, dport);
	pkt_put16(o + 4, (uint16_t)(8 + plen));
	o[6] = o[7] = 0;
	if (plen)
		memcpy(o + 8, pl, plen);
	return 8 + plen;
}

/* UDP with an explicit (possibly wrong) length field. */
static inline size_t pkt_udp_len(uint8_t *o, uint16_t sport, uint16_t dport,
				 uint16_t ulen, const void *pl, size_t plen)
{
	size_t n = pkt_udp(o, sport, dport, pl, plen);

	pkt_put16(o + 4, ulen);
	return n;
}

/* TCP; doff in 32-bit words (0 = 5), options (doff > 5) are NOPs. */
static inline size_t pkt_tcp(uint8_t *o, uint16_t sport, uint16_t dport,
			     uint8_t flags, unsigned int doff, const void *pl,
			     size_t plen)
{
	size_t hl;

	if (doff == 0)
		doff = 5;
	hl = doff >= 5 ? doff * 4 : 20; /* header bytes written */
	memset(o, 0, hl);
	pkt_put16(o, sport);
	pkt_put16(o + 2, dport);
	pkt_put32(o + 4, 0x01020304);       /* seq */
	pkt_put32(o + 8, flags & PKT_TCP_ACK ? 0x0a0b0c0d : 0);
	o[12] = (uint8_t)((doff & 0x0f) << 4);
	o[13] = flags;
	pkt_put16(o + 14, 64240);
	for (size_t i = 20; i < hl; i++)
		o[i] = 1; /* NOP */
	if (plen)
		memcpy(o + hl, pl, plen);
	return hl + plen;
}

/* ESP: SPI, sequence, then payload (opaque). */
static inline size_t pkt_esp(uint8_t *o, uint32_t spi, uint32_t seq,
			     const void *pl, size_t plen)
{
	pkt_put32(o, spi);
	pkt_put32(o + 4, seq);
	if (plen)
		memcpy(o + 8, pl, plen);
	return 8 + plen;
}

/* AH (RFC 4302) with a 12-byte ICV: 24 bytes, payload length field 4. */
static inline size_t pkt_ah(uint8_t *o, uint8_t nexthdr, uint32_t spi,
			    uint32_t seq, const void *pl, size_t plen)
{
	memset(o, 0, 24);
	o[0] = nexthdr;
	o[1] = 4; /* (24 / 4) - 2 */
	pkt_put32(o + 4, spi);
	pkt_put32(o + 8, seq);
	for (int i = 12; i < 24; i++)
		o[i] = (uint8_t)(0xa0 + i);
	if (plen)
		memcpy(o + 24, pl, plen);
	return 24 + plen;
}

/*
 * GRE (RFC 2784 / 2890 / PPTP's RFC 2637).  @ver: version 0 or 1; @key:
 * key present (for version 1: payload length << 16 | call id); @seq_present
 * adds a sequence number.
 */
static inline size_t pkt_gre(uint8_t *o, uint8_t ver, bool key, uint32_t key_val,
			     bool seq_present, uint32_t seq, uint16_t proto,
			     const void *pl, size_t plen)
{
	size_t n = 4;

	o[0] = (uint8_t)((key ? 0x20 : 0) | (seq_present ? 0x10 : 0));
	o[1] = ver & 0x07;
	pkt_put16(o + 2, proto);
	if (key) {
		pkt_put32(o + n, key_val);
		n += 4;
	}
	if (seq_present) {
		pkt_put32(o + n, seq);
		n += 4;
	}
	if (plen)
		memcpy(o + n, pl, plen);
	return n + plen;
}

/* ---- VPN payloads (what follows the UDP/TCP header, or the L4 itself) ---- */

static inline void pkt_fill(uint8_t *o, size_t n, uint8_t seed)
{
	uint32_t x = 0x9e3779b9u ^ seed;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		o[i] = (uint8_t)x;
	}
}

/* WireGuard handshake initiation: type 1, 3 reserved zero bytes, sender
 * index, ephemeral, static, timestamp, mac1, mac2: 148 bytes. */
#define PKT_WG_INIT_LEN 148
static inline size_t pkt_wg_init(uint8_t *o)
{
	pkt_fill(o, PKT_WG_INIT_LEN, 1);
	o[0] = 1;
	o[1] = o[2] = o[3] = 0;
	memset(o + 116 + 16, 0, 16); /* mac2 zero (no cookie) */
	return PKT_WG_INIT_LEN;
}

/* OpenVPN P_CONTROL_HARD_RESET_CLIENT_V2 (opcode 7, key id 0): opcode byte,
 * session id (8), packet-id array length 0, message packet-id (4).  Over
 * TCP a 2-byte length prefix comes first. */
static inline size_t pkt_openvpn_reset(uint8_t *o, bool tcp)
{
	uint8_t *b = tcp ? o + 2 : o;
	size_t n = 14;

	b[0] = 7 << 3;
	pkt_fill(b + 1, 8, 2);
	b[9] = 0;
	pkt_put32(b + 10, 0);
	if (tcp) {
		pkt_put16(o, (uint16_t)n);
		return n + 2;
	}
	return n;
}

/* IKEv2 IKE_SA_INIT request: 28-byte header (initiator SPI non-zero,
 * responder SPI zero, next payload SA 33, version 0x20, exchange 34, flags
 * initiator 0x08, message id 0, length = @total), then @total - 28 bytes of
 * payloads. */
static inline size_t pkt_ike_sa_init(uint8_t *o, size_t total)
{
	if (total < 28)
		total = 28;
	pkt_fill(o, 8, 3);
	o[0] |= 0x80; /* non-zero SPI */
	memset(o + 8, 0, 8);
	o[16] = 33;
	o[17] = 0x20;
	o[18] = 34;
	o[19] = 0x08;
	pkt_put32(o + 20, 0);
	pkt_put32(o + 24, (uint32_t)total);
	pkt_fill(o + 28, total - 28, 4);
	return total;
}

/* NAT-T (RFC 3948) IKE: 4-byte zero non-ESP marker, then IKE. */
static inline size_t pkt_natt_ike(uint8_t *o, size_t ike_total)
{
	memset(o, 0, 4);
	return 4 + pkt_ike_sa_init(o + 4, ike_total);
}

/* NAT-keepalive: one 0xFF byte. */
static inline size_t pkt_natt_keepalive(uint8_t *o)
{
	o[0] = 0xff;
	return 1;
}

/* ESP in UDP: SPI (non-zero), sequence, then @plen opaque bytes. */
static inline size_t pkt_esp_in_udp(uint8_t *o, uint32_t spi, uint32_t seq,
				    size_t plen)
{
	pkt_put32(o, spi);
	pkt_put32(o + 4, seq);
	pkt_fill(o + 8, plen, 5);
	return 8 + plen;
}

/* L2TPv2 control message SCCRQ: flags T|L|S, version 2 (0xC802), length,
 * tunnel id 0, session id 0, Ns 0, Nr 0, then the Message Type AVP
 * (mandatory, length 8, vendor 0, type 0, value 1 = SCCRQ). */
static inline size_t pkt_l2tp_ctrl(uint8_t *o)
{
	size_t n = 12 + 8;

	o[0] = 0xc8;
	o[1] = 0x02;
	pkt_put16(o + 2, (uint16_t)n);
	pkt_put16(o + 4, 0);
	pkt_put16(o + 6, 0);
	pkt_put16(o + 8, 0);
	pkt_put16(o + 10, 0);
	pkt_put16(o + 12, 0x8008);
	pkt_put16(o + 14, 0);
	pkt_put16(o + 16, 0);
	pkt_put16(o + 18, 1);
	return n;
}

/* PPTP Start-Control-Connection-Request: length 156, message type 1
 * (control), magic cookie 0x1A2B3C4D at offset 4, control type 1. */
#define PKT_PPTP_SCCRQ_LEN 156
static inline size_t pkt_pptp_ctrl(uint8_t *o)
{
	memset(o, 0, PKT_PPTP_SCCRQ_LEN);
	pkt_put16(o, PKT_PPTP_SCCRQ_LEN);
	pkt_put16(o + 2, 1);
	pkt_put32(o + 4, 0x1A2B3C4D);
	pkt_put16(o + 8, 1);
	pkt_put16(o + 12, 0x0100);  /* protocol version 1.0 */
	pkt_put32(o + 16, 3);       /* framing capabilities */
	pkt_put32(o + 20, 3);       /* bearer capabilities */
	pkt_put16(o + 24, 1);       /* max channels */
	pkt_put16(o + 26, 1);       /* firmware revision */
	memcpy(o + 28, "test.example", 12);
	return PKT_PPTP_SCCRQ_LEN;
}

/* PPTP's enhanced GRE: version 1, key (payload length << 16 | call id),
 * sequence, protocol 0x880B, then @plen bytes of PPP. */
static inline size_t pkt_gre_pptp(uint8_t *o, uint16_t call_id, size_t plen)
{
	uint8_t ppp[256];

	if (plen > sizeof(ppp))
		plen = sizeof(ppp);
	pkt_fill(ppp, plen, 6);
	if (plen >= 2) {
		ppp[0] = 0xff; /* PPP address/control */
		ppp[1] = 0x03;
	}
	return pkt_gre(o, 1, true, (uint32_t)plen << 16 | call_id, true, 1,
		       0x880B, ppp, plen);
}

/* Plain GRE version 0 carrying IPv4 (0x0800), no key: a 20-byte inner IPv4
 * header and @plen more bytes. */
static inline size_t pkt_gre_v0_ip(uint8_t *o, size_t plen)
{
	uint8_t in[256];
	size_t n = 20 + (plen > 236 ? 236 : plen);

	memset(in, 0, sizeof(in));
	in[0] = 0x45;
	pkt_put16(in + 2, (uint16_t)n);
	in[8] = 64;
	in[9] = PKT_P_UDP;
	memcpy(in + 12, pkt_ip4_a, 4);
	memcpy(in + 16, pkt_ip4_b, 4);
	in[15] = 10;
	pkt_put16(in + 10, pkt_csum_fold(pkt_csum_add(0, in, 20)));
	pkt_fill(in + 20, n - 20, 7);
	return pkt_gre(o, 0, false, 0, false, 0, 0x0800, in, n);
}

/* ARP request who-has 198.51.100.2 tell 192.0.2.1 (28 bytes). */
static inline size_t pkt_arp(uint8_t *o)
{
	pkt_put16(o, 1);
	pkt_put16(o + 2, PKT_ETH_IP);
	o[4] = 6;
	o[5] = 4;
	pkt_put16(o + 6, 1);
	o[8] = 0x02; o[13] = 0x01;
	memcpy(o + 14, pkt_ip4_a, 4);
	memset(o + 18, 0, 6);
	memcpy(o + 24, pkt_ip4_b, 4);
	return 28;
}


/* ---- Ready-made VPN (and non-VPN) flows on their default ports ---- */

enum pkt_kind {
	PKT_K_WG,          /* UDP 51820, WireGuard handshake initiation */
	PKT_K_OVPN_UDP,    /* UDP 1194, OpenVPN hard reset */
	PKT_K_OVPN_TCP,    /* TCP 1194, OpenVPN hard reset with length prefix */
	PKT_K_IKE,         /* UDP 500, IKEv2 SA_INIT */
	PKT_K_NATT_IKE,    /* UDP 4500, non-ESP marker + IKEv2 */
	PKT_K_NATT_KA,     /* UDP 4500, NAT-keepalive 0xFF */
	PKT_K_NATT_ESP,    /* UDP 4500, ESP in UDP */
	PKT_K_L2TP,        /* UDP 1701, L2TPv2 SCCRQ */
	PKT_K_PPTP_CTRL,   /* TCP 1723, PPTP SCCRQ */
	PKT_K_ESP,         /* IP proto 50 */
	PKT_K_AH,          /* IP proto 51 (carrying UDP) */
	PKT_K_GRE_PPTP,    /* IP proto 47, enhanced GRE v1 key 0x880B */
	PKT_K_GRE_V0,      /* IP proto 47, GRE v0 0x0800: not PPTP */
	PKT_K_SSTP,        /* TCP 443, TLS ClientHello-like bytes */
	PKT_K_DNS,         /* UDP 53 query: not VPN */
	PKT_K_WARP,        /* UDP 2408, WARP handshake initiation (type 0xC1) */
	PKT_K_NKIND,
};

static const struct {
	const char *name;
	uint8_t proto; /* IP protocol */
	uint16_t port; /* server port (0: none) */
} pkt_kinds[PKT_K_NKIND] = {
	[PKT_K_WG] = { "wireguard_udp51820", PKT_P_UDP, 51820 },
	[PKT_K_OVPN_UDP] = { "openvpn_udp1194", PKT_P_UDP, 1194 },
	[PKT_K_OVPN_TCP] = { "openvpn_tcp1194", PKT_P_TCP, 1194 },
	[PKT_K_IKE] = { "ike_udp500", PKT_P_UDP, 500 },
	[PKT_K_NATT_IKE] = { "natt_ike_udp4500", PKT_P_UDP, 4500 },
	[PKT_K_NATT_KA] = { "natt_keepalive_udp4500", PKT_P_UDP, 4500 },
	[PKT_K_NATT_ESP] = { "natt_esp_udp4500", PKT_P_UDP, 4500 },
	[PKT_K_L2TP] = { "l2tp_udp1701", PKT_P_UDP, 1701 },
	[PKT_K_PPTP_CTRL] = { "pptp_tcp1723", PKT_P_TCP, 1723 },
	[PKT_K_ESP] = { "esp_proto50", PKT_P_ESP, 0 },
	[PKT_K_AH] = { "ah_proto51", PKT_P_AH, 0 },
	[PKT_K_GRE_PPTP] = { "gre_v1_pptp_proto47", PKT_P_GRE, 0 },
	[PKT_K_GRE_V0] = { "gre_v0_ip_proto47", PKT_P_GRE, 0 },
	[PKT_K_SSTP] = { "sstp_tcp443", PKT_P_TCP, 443 },
	[PKT_K_DNS] = { "dns_udp53", PKT_P_UDP, 53 },
	[PKT_K_WARP] = { "warp_udp2408", PKT_P_UDP, 2408 },
};

#define PKT_CLIENT_PORT 40123

/*
 * The L4 bytes (header + payload) of one packet of @k into @o; @reply: the
 * server's answer (source port = server port).  Returns the length.
 */
static inline size_t pkt_kind_l4(uint8_t *o, enum pkt_kind k, bool reply)
{
	uint8_t pl[512];
	size_t n = 0;
	uint16_t sp = reply ? pkt_kinds[k].port : PKT_CLIENT_PORT;
	uint16_t dp = reply ? PKT_CLIENT_PORT : pkt_kinds[k].port;

	switch (k) {
	case PKT_K_WG:
		n = pkt_wg_init(pl);
		if (reply) { /* handshake response: type 2, 92 bytes */
			pl[0] = 2;
			n = 92;
		}
		return pkt_udp(o, sp, dp, pl, n);
	case PKT_K_OVPN_UDP:
		n = pkt_openvpn_reset(pl, false);
		if (reply)
			pl[0] = 8 << 3; /* P_CONTROL_HARD_RESET_SERVER_V2 */
		return pkt_udp(o, sp, dp, pl, n);
	case PKT_K_OVPN_TCP:
		n = pkt_openvpn_reset(pl, true);
		if (reply)
			pl[2] = 8 << 3;
		return pkt_tcp(o, sp, dp, PKT_TCP_PSH | PKT_TCP_ACK, 0, pl, n);
	case PKT_K_IKE:
		n = pkt_ike_sa_init(pl, 28 + 200);
		if (reply)
			pl[19] = 0x20; /* response flag */
		return pkt_udp(o, sp, dp, pl, n);
	case PKT_K_NATT_IKE:
		n = pkt_natt_ike(pl, 28 + 80);
		return pkt_udp(o, sp, dp, pl, n);
	case PKT_K_NATT_KA:
		n = pkt_natt_keepalive(pl);
		return pkt_udp(o, sp, dp, pl, n);
	case PKT_K_NATT_ESP:
		n = pkt_esp_in_udp(pl, reply ? 0xc0ffee01u : 0x0badf00du, 7, 64);
		return pkt_udp(o, sp, dp, pl, n);
	case PKT_K_L2TP:
		n = pkt_l2tp_ctrl(pl);
		return pkt_udp(o, sp, dp, pl, n);
	case PKT_K_PPTP_CTRL:
		n = pkt_pptp_ctrl(pl);
		if (reply)
			pkt_put16(pl + 8, 2); /* Start-Control-Connection-Reply */
		return pkt_tcp(o, sp, dp, PKT_TCP_PSH | PKT_TCP_ACK, 0, pl, n);
	case PKT_K_ESP:
		pkt_fill(pl, 96, 8);
		return pkt_esp(o, reply ? 0xc0ffee01u : 0x0badf00du, 3, pl, 96);
	case PKT_K_AH:
		n = pkt_udp(pl, 40000, 53, "\x12\x34\x01\x00\x00\x01", 6);
		return pkt_ah(o, PKT_P_UDP, 0x01020304u, 9, pl, n);
	case PKT_K_GRE_PPTP:
		return pkt_gre_pptp(o, reply ? 0x4001 : 0x8002, 60);
	case PKT_K_GRE_V0:
		return pkt_gre_v0_ip(o, 40);
	case PKT_K_SSTP:
		/* TLS record header of a ClientHello and some bytes */
		pl[0] = 0x16; pl[1] = 0x03; pl[2] = 0x01;
		pkt_put16(pl + 3, 100);
		pkt_fill(pl + 5, 100, 9);
		pl[5] = 0x01;
		return pkt_tcp(o, sp, dp, PKT_TCP_PSH | PKT_TCP_ACK, 0, pl, 105);
	case PKT_K_DNS:
		memcpy(pl, "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
			   "\x07" "example" "\x03" "com" "\x00\x00\x01\x00\x01", 29);
		return pkt_udp(o, sp, dp, pl, 29);
	case PKT_K_WARP:
		/* WireGuard's initiation with WARP's type byte and a client id
		 * (reply: the response, 0xC2 at 92 bytes) */
		n = pkt_wg_init(pl);
		pl[0] = reply ? 0xc2 : 0xc1;
		pl[1] = 0x5a; pl[2] = 0x17; pl[3] = 0x9e;
		if (reply)
			n = 92;
		return pkt_udp(o, sp, dp, pl, n);
	default:
		return 0;
	}
}

/* A whole frame of @k: IPv4 or IPv6, @vlans tags, request or reply. */
static inline size_t pkt_kind_frame(uint8_t *out, size_t cap, enum pkt_kind k,
				    int ipver, int vlans, bool reply)
{
	uint8_t l4[1024];
	struct pkt_spec s = {
		.vlans = vlans,
		.ipver = ipver,
		.proto = pkt_kinds[k].proto,
		.swap_addrs = reply,
		.l4 = l4,
		.l4_csum = true,
	};

	s.l4len = pkt_kind_l4(l4, k, reply);
	return pkt_build(out, cap, &s);
}

#endif /* VX_TESTS_PKT_H */
