// SPDX-License-Identifier: GPL-2.0
/*
 * Crafted frames for the program-cost benchmark.  Payloads are what the
 * protocol really sends first (a WireGuard data message, a PPTP control
 * message with its magic cookie, TLS application data, ESP with a non-zero
 * SPI) so that payload checks do the work they do on real traffic.
 */
#include <arpa/inet.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/in.h>

#include "packets.h"

#define VLAN_ID 100

struct builder {
	__u8 *b;
	size_t len;
};

static void put(struct builder *w, const void *p, size_t n)
{
	memcpy(w->b + w->len, p, n);
	w->len += n;
}

static void put8(struct builder *w, __u8 v) { put(w, &v, 1); }
static void put16(struct builder *w, __u16 v) { v = htons(v); put(w, &v, 2); }
static void put32(struct builder *w, __u32 v) { v = htonl(v); put(w, &v, 4); }

static void set16(struct builder *w, size_t off, __u16 v)
{
	w->b[off] = (__u8)(v >> 8);
	w->b[off + 1] = (__u8)v;
}

static void eth(struct builder *w, int vlan, __u16 proto)
{
	static const __u8 dst[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const __u8 src[6] = { 0x02, 0, 0, 0, 0, 0x01 };

	put(w, dst, 6);
	put(w, src, 6);
	if (vlan) {
		put16(w, ETH_P_8021Q);
		put16(w, VLAN_ID);
	}
	put16(w, proto);
}

static __u16 csum(const __u8 *p, size_t n)
{
	__u32 s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (__u32)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

/* IPv4 @saddr -> 198.51.100.1; @l4len bytes follow the header. */
static void ipv4_from(struct builder *w, __u32 saddr, __u8 proto, size_t l4len,
		      __u16 frag_off)
{
	size_t start = w->len;

	put8(w, 0x45);
	put8(w, 0);
	put16(w, (__u16)(20 + l4len));
	put16(w, 0x1234);
	put16(w, frag_off);
	put8(w, 64);
	put8(w, proto);
	put16(w, 0);
	put32(w, saddr);
	put32(w, 0xc6336401);
	set16(w, start + 10, csum(w->b + start, 20));
}

/* IPv4 192.0.2.1 -> 198.51.100.1. */
static void ipv4(struct builder *w, __u8 proto, size_t l4len, __u16 frag_off)
{
	ipv4_from(w, 0xc0000201, proto, l4len, frag_off);
}

/* IPv6 2001:db8::1 -> 2001:db8::2. */
static void ipv6(struct builder *w, __u8 nexthdr, size_t plen)
{
	static const __u8 s[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const __u8 d[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

	put32(w, 0x60000000);
	put16(w, (__u16)plen);
	put8(w, nexthdr);
	put8(w, 64);
	put(w, s, 16);
	put(w, d, 16);
}

static void udp(struct builder *w, __u16 sport, __u16 dport, size_t paylen)
{
	put16(w, sport);
	put16(w, dport);
	put16(w, (__u16)(8 + paylen));
	put16(w, 0); /* no checksum: legal for IPv4, and XDP does not check it */
}

/* @flags: 0x18 (PSH ACK) for a data segment, 0x02 for a SYN. */
static void tcp_flags(struct builder *w, __u16 sport, __u16 dport, __u8 flags)
{
	put16(w, sport);
	put16(w, dport);
	put32(w, 1000);
	put32(w, flags == 0x02 ? 0 : 2000);
	put8(w, 5 << 4);
	put8(w, flags);
	put16(w, 502);
	put16(w, 0);
	put16(w, 0);
}

static void tcp(struct builder *w, __u16 sport, __u16 dport)
{
	tcp_flags(w, sport, dport, 0x18);
}

/* WireGuard transport data (type 4): header 16 bytes, then ciphertext. */
static void wg_data(struct builder *w, size_t len)
{
	put32(w, 0x04000000);
	put32(w, 0x11223344); /* receiver index */
	put32(w, 0);
	put32(w, 7);          /* counter */
	for (size_t i = 16; i < len; i++)
		put8(w, (__u8)(i * 37));
}

/* A DNS query for "example.org" A. */
static size_t dns_query(struct builder *w)
{
	static const __u8 q[] = {
		0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0,
		0x00, 0x01, 0x00, 0x01,
	};

	if (w)
		put(w, q, sizeof(q));
	return sizeof(q);
}

/* ESP: SPI, sequence number, then ciphertext. */
static void esp(struct builder *w, size_t len)
{
	put32(w, 0xc0ffee01);
	put32(w, 1);
	for (size_t i = 8; i < len; i++)
		put8(w, (__u8)(i * 13));
}

/* PPTP Start-Control-Connection-Request (RFC 2637): 156 bytes. */
static void pptp_sccrq(struct builder *w)
{
	size_t start = w->len;

	put16(w, 156);
	put16(w, 1);          /* control message */
	put32(w, 0x1a2b3c4d); /* magic cookie */
	put16(w, 1);          /* SCCRQ */
	put16(w, 0);
	put16(w, 0x0100);     /* protocol version 1.0 */
	put16(w, 0);
	while (w->len - start < 156)
		put8(w, 0);
}

/* TLS 1.2 application data record. */
static void tls_appdata(struct builder *w, size_t len)
{
	put8(w, 0x17);
	put16(w, 0x0303);
	put16(w, (__u16)(len - 5));
	for (size_t i = 5; i < len; i++)
		put8(w, (__u8)(i * 29));
}

/* IKEv2 IKE_SA_INIT request (RFC 7296 3.1): the 28-byte header, then an
 * SA payload's generic header and opaque proposal bytes; @len in all. */
static void ike_sa_init(struct builder *w, size_t len)
{
	put32(w, 0x8f3a11c2); /* initiator SPI */
	put32(w, 0x5d0e7b94);
	put32(w, 0);          /* responder SPI: zero in the first message */
	put32(w, 0);
	put8(w, 33);          /* next payload: SA */
	put8(w, 0x20);        /* version 2.0 */
	put8(w, 34);          /* IKE_SA_INIT */
	put8(w, 0x08);        /* initiator */
	put32(w, 0);          /* message id */
	put32(w, (__u32)len);
	put8(w, 0);           /* SA payload: no next payload */
	put8(w, 0);
	put16(w, (__u16)(len - 28));
	for (size_t i = 32; i < len; i++)
		put8(w, (__u8)(i * 41));
}

enum { WG_LEN = 64, ESP_LEN = 64, TLS_LEN = 100, WG_INIT_LEN = 148,
       ZERO_LEN = 30, IKE_LEN = 256 };

/* A WireGuard handshake initiation from @saddr:@sport to @dport; the
 * random-looking body is seeded by @seed. */
static void wg_initiation(struct builder *w, __u32 saddr, __u16 sport,
			  __u16 dport, __u32 seed)
{
	__u32 x = seed * 2654435761u;

	eth(w, 0, ETH_P_IP);
	ipv4_from(w, saddr, IPPROTO_UDP, 8 + WG_INIT_LEN, 0);
	udp(w, sport, dport, WG_INIT_LEN);
	put32(w, 0x01000000);
	for (size_t i = 4; i < WG_INIT_LEN; i++) {
		x = x * 1103515245u + 12345u;
		put8(w, (__u8)(x >> 16));
	}
}

size_t bench_wg_initiation(__u8 *frame, __u32 flow)
{
	struct builder w = { frame, 0 };

	wg_initiation(&w, 0xc0000201 + flow / 64000 % 250,
		      (__u16)(1024 + flow % 64000), 51820, flow);
	return w.len;
}

size_t bench_packets(struct bench_pkt *out, size_t max)
{
	size_t n = 0;
	struct builder w;

#define NEXT(nm, ds, blk, l)                                         \
	do {                                                        \
		if (n == max)                                       \
			return n;                                   \
		memset(&out[n], 0, sizeof(out[n]));                 \
		out[n].name = nm;                                   \
		out[n].desc = ds;                                   \
		out[n].bulk = blk;                                 \
		out[n].l4 = l;                                      \
		w.b = out[n].frame;                                 \
		w.len = 0;                                          \
	} while (0)
#define DONE() (out[n++].len = w.len)

	NEXT("v4_udp_vpn", "IPv4 UDP 51820 WireGuard data", 0, IPPROTO_UDP);
	eth(&w, 0, ETH_P_IP);
	ipv4(&w, IPPROTO_UDP, 8 + WG_LEN, 0);
	udp(&w, 40001, 51820, WG_LEN);
	wg_data(&w, WG_LEN);
	DONE();

	NEXT("v4_udp_other", "IPv4 UDP 53 DNS query", 1, IPPROTO_UDP);
	eth(&w, 0, ETH_P_IP);
	ipv4(&w, IPPROTO_UDP, 8 + dns_query(NULL), 0);
	udp(&w, 50000, 53, dns_query(NULL));
	dns_query(&w);
	DONE();

	NEXT("v6_udp_vpn", "IPv6 UDP 51820 WireGuard data", 0, IPPROTO_UDP);
	eth(&w, 0, ETH_P_IPV6);
	ipv6(&w, IPPROTO_UDP, 8 + WG_LEN);
	udp(&w, 40001, 51820, WG_LEN);
	wg_data(&w, WG_LEN);
	DONE();

	NEXT("v6_udp_other", "IPv6 UDP 53 DNS query", 1, IPPROTO_UDP);
	eth(&w, 0, ETH_P_IPV6);
	ipv6(&w, IPPROTO_UDP, 8 + dns_query(NULL));
	udp(&w, 50000, 53, dns_query(NULL));
	dns_query(&w);
	DONE();

	NEXT("v4_tcp_pptp", "IPv4 TCP 1723 PPTP control", 0, IPPROTO_TCP);
	eth(&w, 0, ETH_P_IP);
	ipv4(&w, IPPROTO_TCP, 20 + 156, 0);
	tcp(&w, 50001, 1723);
	pptp_sccrq(&w);
	DONE();

	NEXT("v4_tcp_443", "IPv4 TCP 443 TLS data", 1, IPPROTO_TCP);
	eth(&w, 0, ETH_P_IP);
	ipv4(&w, IPPROTO_TCP, 20 + TLS_LEN, 0);
	tcp(&w, 50002, 443);
	tls_appdata(&w, TLS_LEN);
	DONE();

	NEXT("v4_esp", "IPv4 ESP (IP proto 50)", 0, IPPROTO_ESP);
	eth(&w, 0, ETH_P_IP);
	ipv4(&w, IPPROTO_ESP, ESP_LEN, 0);
	esp(&w, ESP_LEN);
	DONE();

	NEXT("vlan_udp_4500", "VLAN IPv4 UDP 4500 ESP-in-UDP", 0, IPPROTO_UDP);
	eth(&w, 1, ETH_P_IP);
	ipv4(&w, IPPROTO_UDP, 8 + ESP_LEN, 0);
	udp(&w, 4500, 4500, ESP_LEN);
	esp(&w, ESP_LEN);
	DONE();

	NEXT("v4_wg_nonstd", "IPv4 UDP 40000 WireGuard data", 0, IPPROTO_UDP);
	eth(&w, 0, ETH_P_IP);
	ipv4(&w, IPPROTO_UDP, 8 + WG_LEN, 0);
	udp(&w, 40002, 40000, WG_LEN);
	wg_data(&w, WG_LEN);
	DONE();

	/* The rest of the issue-14 table: the kinds a port filter passes or
	 * drops in a few instructions, where vpnxdp's added cost shows most. */
	NEXT("v4_udp53_zero", "IPv4 UDP 53, 30 zero bytes", 1, IPPROTO_UDP);
	eth(&w, 0, ETH_P_IP);
	ipv4(&w, IPPROTO_UDP, 8 + ZERO_LEN, 0);
	udp(&w, 50003, 53, ZERO_LEN);
	for (int i = 0; i < ZERO_LEN; i++)
		put8(&w, 0);
	DONE();

	NEXT("v4_tcp_syn_1723", "IPv4 TCP SYN to 1723 (PPTP)", 0, IPPROTO_TCP);
	eth(&w, 0, ETH_P_IP);
	ipv4(&w, IPPROTO_TCP, 20, 0);
	tcp_flags(&w, 50004, 1723, 0x02);
	DONE();

	NEXT("v4_wg_init_5060", "IPv4 UDP 5060 WireGuard initiation", 0, IPPROTO_UDP);
	wg_initiation(&w, 0xc0000201, 40003, 5060, 1);
	DONE();

	NEXT("v6_ike_500", "IPv6 UDP 500 IKEv2 SA_INIT", 0, IPPROTO_UDP);
	eth(&w, 0, ETH_P_IPV6);
	ipv6(&w, IPPROTO_UDP, 8 + IKE_LEN);
	udp(&w, 500, 500, IKE_LEN);
	ike_sa_init(&w, IKE_LEN);
	DONE();

	/* Offset 1480 bytes (185 * 8), no L4 header of its own. */
	NEXT("v4_frag", "IPv4 later fragment of UDP", 0, IPPROTO_UDP);
	eth(&w, 0, ETH_P_IP);
	ipv4(&w, IPPROTO_UDP, 64, 185);
	for (int i = 0; i < 64; i++)
		put8(&w, (__u8)i);
	DONE();

#undef NEXT
#undef DONE
	return n;
}
