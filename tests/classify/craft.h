/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crafting test frames: Ethernet + IPv4/IPv6 + UDP/TCP (or a bare IP
 * protocol) around a payload, with optional fragmentation fields.  Header
 * checksums are left zero: neither classifier reads them.
 */
#ifndef VX_TEST_CRAFT_H
#define VX_TEST_CRAFT_H

#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/in.h>

#define CR_MAX 2048

struct cr_spec {
	int v6;            /* 0: IPv4 (192.0.2.1 -> 198.51.100.2), 1: IPv6 */
	int proto;         /* IPPROTO_UDP / TCP / ESP / AH / GRE ... */
	uint16_t sport, dport;
	uint8_t tcp_flags; /* default PSH|ACK when a payload is there */
	int swap;          /* reverse direction: addresses and ports swapped */
	/* fragments: frag_first = offset 0 with more fragments following;
	 * frag_off > 0 = a later fragment (no L4 header, payload is raw) */
	int frag_first;
	uint16_t frag_off;
	uint32_t frag_id;
	uint8_t host;      /* client address 192.0.2.HOST / 2001:db8::HOST (0: 1) */
};

static inline void cr_put16(uint8_t *b, uint16_t v) { b[0] = v >> 8; b[1] = v & 0xff; }
static inline void cr_put32(uint8_t *b, uint32_t v)
{
	b[0] = v >> 24; b[1] = v >> 16; b[2] = v >> 8; b[3] = v;
}

/* Build a frame into @f; returns its length. */
static inline size_t cr_build(uint8_t *f, const struct cr_spec *s,
			      const void *payload, size_t plen)
{
	uint8_t *l3 = f + 14, *l4;
	size_t l3hl = s->v6 ? 40 : 20, l4hl = 0, fraghl = 0, total;
	uint8_t a4[2][4] = { { 192, 0, 2, 1 }, { 198, 51, 100, 2 } };
	uint8_t a6[2][16] = {
		{ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
		{ 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 },
	};
	int si, di;
	uint16_t sp, dp;
	int later = s->frag_off > 0;

	if (s->host) {
		a4[0][3] = s->host;
		a6[0][15] = s->host;
	}
	si = s->swap ? 1 : 0;
	di = s->swap ? 0 : 1;
	sp = s->swap ? s->dport : s->sport;
	dp = s->swap ? s->sport : s->dport;

	memset(f, 0, 14 + 40 + 8 + 20);
	memset(f, 0x02, 12);
	cr_put16(f + 12, s->v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (s->v6 && (s->frag_first || later))
		fraghl = 8;
	if (!later) {
		if (s->proto == IPPROTO_UDP)
			l4hl = 8;
		else if (s->proto == IPPROTO_TCP)
			l4hl = 20;
	}
	l4 = l3 + l3hl + fraghl;
	total = l3hl + fraghl + l4hl + plen;
	if (14 + total > CR_MAX)
		return 0;
	if (s->v6) {
		l3[0] = 0x60;
		cr_put16(l3 + 4, (uint16_t)(total - 40));
		l3[6] = fraghl ? 44 : (uint8_t)s->proto;
		l3[7] = 64;
		memcpy(l3 + 8, a6[si], 16);
		memcpy(l3 + 24, a6[di], 16);
		if (fraghl) {
			uint8_t *fh = l3 + 40;

			memset(fh, 0, 8);
			fh[0] = (uint8_t)s->proto;
			cr_put16(fh + 2, (uint16_t)((s->frag_off << 3) | 1));
			cr_put32(fh + 4, s->frag_id);
		}
	} else {
		uint16_t fo = (uint16_t)s->frag_off;

		l3[0] = 0x45;
		cr_put16(l3 + 2, (uint16_t)total);
		cr_put16(l3 + 4, (uint16_t)s->frag_id);
		if (s->frag_first || later)
			fo |= 0x2000; /* MF */
		cr_put16(l3 + 6, fo);
		l3[8] = 64;
		l3[9] = (uint8_t)s->proto;
		memcpy(l3 + 12, a4[si], 4);
		memcpy(l3 + 16, a4[di], 4);
	}
	if (l4hl == 8) {
		cr_put16(l4, sp);
		cr_put16(l4 + 2, dp);
		/* a first fragment's UDP length covers the whole datagram */
		cr_put16(l4 + 4, (uint16_t)(8 + plen + (s->frag_first ? 800 : 0)));
		cr_put16(l4 + 6, 0);
	} else if (l4hl == 20) {
		memset(l4, 0, 20);
		cr_put16(l4, sp);
		cr_put16(l4 + 2, dp);
		cr_put32(l4 + 4, 1000);
		cr_put32(l4 + 8, 2000);
		l4[12] = 5 << 4;
		l4[13] = s->tcp_flags ? s->tcp_flags : (plen ? 0x18 : 0x10);
		cr_put16(l4 + 14, 65535);
	}
	if (plen)
		memcpy(l4 + l4hl, payload, plen);
	return 14 + total;
}

static inline int cr_hex(uint8_t *out, size_t max, const char *hex)
{
	size_t n = 0;

	while (hex[0] && hex[1] && n < max) {
		unsigned int v;

		if (hex[0] == ' ') {
			hex++;
			continue;
		}
		if (sscanf(hex, "%2x", &v) != 1)
			return -1;
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return (int)n;
}

#endif
