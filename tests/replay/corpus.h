/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A crafted corpus of frames for the replay suites: every class's
 * signature ports with payloads that should and should not confirm them,
 * in both directions, over IPv4 and IPv6, with and without VLAN tags; IP
 * protocols (ESP, AH, GRE variants, unknown); fragments; and, from every
 * one of those, truncated and randomly mutated copies.  Deterministic: the
 * same seed gives the same frames.
 */
#ifndef VX_TEST_CORPUS_H
#define VX_TEST_CORPUS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/in.h>

#define VXC_MAX 1600

struct vxc_frame {
	size_t len;
	unsigned char b[VXC_MAX];
};

struct vxc_corpus {
	struct vxc_frame *f;
	size_t n, cap;
	uint64_t rng;
};

static inline uint32_t vxc_rand(struct vxc_corpus *c)
{
	/* xorshift64* */
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return (uint32_t)((c->rng * 0x2545F4914F6CDD1Dull) >> 32);
}

static inline struct vxc_frame *vxc_push(struct vxc_corpus *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		struct vxc_frame *n = realloc(c->f, cap * sizeof(*n));

		if (!n)
			abort();
		c->f = n;
		c->cap = cap;
	}
	memset(&c->f[c->n], 0, sizeof(c->f[0]));
	return &c->f[c->n++];
}

/* What one crafted frame carries. */
struct vxc_spec {
	int ipver;      /* 4 or 6 */
	int vlans;      /* 0..2 */
	uint8_t proto;  /* IPPROTO_* */
	uint16_t sport, dport;
	int frag;       /* 0 none, 1 first fragment, 2 later fragment */
	int v6ext;      /* IPv6: hop-by-hop + destination options before L4 */
	const unsigned char *pl;
	size_t pllen;
};

static inline void vxc_put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static inline void vxc_build(struct vxc_corpus *c, const struct vxc_spec *s)
{
	struct vxc_frame *f = vxc_push(c);
	unsigned char *b = f->b, *ip, *l4;
	size_t off = 12, l4len, hlen;

	memcpy(b, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	for (int i = 0; i < s->vlans; i++) {
		vxc_put16(b + off, i == 0 && s->vlans == 2 ? 0x88a8 : 0x8100);
		vxc_put16(b + off + 2, (uint16_t)(100 + i));
		off += 4;
	}
	vxc_put16(b + off, s->ipver == 4 ? 0x0800 : 0x86dd);
	off += 2;
	ip = b + off;
	if (s->proto == IPPROTO_UDP)
		l4len = 8 + s->pllen;
	else if (s->proto == IPPROTO_TCP)
		l4len = 20 + s->pllen;
	else
		l4len = s->pllen;

	if (s->ipver == 4) {
		hlen = 20;
		memset(ip, 0, hlen);
		ip[0] = 0x45;
		vxc_put16(ip + 2, (uint16_t)(hlen + l4len));
		vxc_put16(ip + 4, 0x1234);
		if (s->frag == 1)
			vxc_put16(ip + 6, 0x2000);
		else if (s->frag == 2)
			vxc_put16(ip + 6, 0x00b9);
		ip[8] = 64;
		ip[9] = s->proto;
		memcpy(ip + 12, "\xc0\x00\x02\x01\xc6\x33\x64\x02", 8);
	} else {
		unsigned char *e;

		hlen = 40 + (s->v6ext ? 16 : 0) + (s->frag ? 8 : 0);
		memset(ip, 0, hlen);
		ip[0] = 0x60;
		vxc_put16(ip + 4, (uint16_t)(hlen - 40 + l4len));
		ip[7] = 64;
		memcpy(ip + 8, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
		memcpy(ip + 24, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
		e = ip + 40;
		/* the chain, built back to front through "next" */
		if (s->v6ext) {
			ip[6] = IPPROTO_HOPOPTS;
			e[0] = IPPROTO_DSTOPTS;
			e[1] = 0;
			e[8] = s->frag ? IPPROTO_FRAGMENT : s->proto;
			e[9] = 0;
			e += 16;
		} else {
			ip[6] = s->frag ? IPPROTO_FRAGMENT : s->proto;
		}
		if (s->frag) {
			e[0] = s->proto;
			vxc_put16(e + 2, s->frag == 1 ? 0x0001 : 0x05a8);
			memcpy(e + 4, "\x00\x00\x12\x34", 4);
		}
	}
	l4 = ip + hlen;
	if (s->frag == 2) {
		/* a later fragment is payload only */
		memcpy(l4, s->pl, s->pllen);
		f->len = (size_t)(l4 - b) + s->pllen;
		if (s->ipver == 4)
			vxc_put16(ip + 2, (uint16_t)(hlen + s->pllen));
		else
			vxc_put16(ip + 4, (uint16_t)(hlen - 40 + s->pllen));
		return;
	}
	if (s->proto == IPPROTO_UDP) {
		vxc_put16(l4, s->sport);
		vxc_put16(l4 + 2, s->dport);
		vxc_put16(l4 + 4, (uint16_t)l4len);
		vxc_put16(l4 + 6, 0);
		memcpy(l4 + 8, s->pl, s->pllen);
	} else if (s->proto == IPPROTO_TCP) {
		memset(l4, 0, 20);
		vxc_put16(l4, s->sport);
		vxc_put16(l4 + 2, s->dport);
		l4[12] = 5 << 4;
		l4[13] = s->pllen ? 0x18 : 0x02; /* PSH|ACK, or SYN */
		vxc_put16(l4 + 14, 65535);
		memcpy(l4 + 20, s->pl, s->pllen);
	} else {
		memcpy(l4, s->pl, s->pllen);
	}
	f->len = (size_t)(l4 - b) + l4len;
}

/* Payload templates: what each protocol's first bytes look like, and near
 * misses that must not pass for it. */
enum { VXC_NPL = 24 };
struct vxc_payload {
	unsigned char b[256];
	size_t len;
};

static inline void vxc_payloads(struct vxc_corpus *c, struct vxc_payload *p)
{
	size_t i = 0;

	memset(p, 0, sizeof(*p) * VXC_NPL);
	for (int k = 0; k < VXC_NPL; k++)
		for (size_t j = 0; j < sizeof(p[k].b); j++)
			p[k].b[j] = (unsigned char)vxc_rand(c);
	p[i++].len = 0;                                       /* empty */
	p[i].b[0] = 1; memset(p[i].b + 1, 0, 3); p[i++].len = 148; /* WG init */
	p[i].b[0] = 2; memset(p[i].b + 1, 0, 3); p[i++].len = 92;  /* WG resp */
	p[i].b[0] = 3; memset(p[i].b + 1, 0, 3); p[i++].len = 64;  /* WG cookie */
	p[i].b[0] = 4; memset(p[i].b + 1, 0, 3); p[i++].len = 96;  /* WG data */
	p[i].b[0] = 1; memset(p[i].b + 1, 0, 3); p[i++].len = 147; /* WG, bad len */
	p[i].b[0] = 1; p[i].b[1] = 0; p[i].b[2] = 0; p[i].b[3] = 1; p[i++].len = 148;
	p[i].b[0] = 0x38; p[i++].len = 54;                   /* OpenVPN hard reset */
	p[i].b[0] = 0; p[i].b[1] = 52; p[i].b[2] = 0x38; p[i++].len = 54; /* OpenVPN TCP */
	p[i].b[0] = 0x00; p[i++].len = 54;                   /* opcode 0 */
	/* IKEv2 IKE_SA_INIT: SPI_i, SPI_r 0, next 33, v2.0, exch 34, length */
	p[i].b[0] = 0x11; memset(p[i].b + 8, 0, 8); p[i].b[16] = 33;
	p[i].b[17] = 0x20; p[i].b[18] = 34; p[i].b[19] = 0x08;
	memset(p[i].b + 20, 0, 8); p[i].b[27] = 60; p[i++].len = 60;
	/* NAT-T: non-ESP marker then IKE */
	memset(p[i].b, 0, 4); p[i].b[4] = 0x11; p[i].b[21] = 0x20; p[i++].len = 64;
	p[i].b[0] = 0xff; p[i++].len = 1;                     /* NAT-T keepalive */
	p[i].b[0] = 0xfe; p[i++].len = 1;                     /* one other byte */
	p[i].b[0] = 0; p[i].b[1] = 0; p[i].b[2] = 0; p[i].b[3] = 9; p[i++].len = 80; /* ESP-in-UDP */
	p[i].b[0] = 0xc8; p[i].b[1] = 0x02; p[i++].len = 40;  /* L2TPv2 control */
	p[i].b[0] = 0x00; p[i].b[1] = 0x9c; p[i].b[2] = 0x00; p[i].b[3] = 0x01;
	memcpy(p[i].b + 4, "\x1a\x2b\x3c\x4d", 4); p[i++].len = 156; /* PPTP ctl */
	p[i].b[0] = 'H'; p[i].b[1] = 'e'; p[i++].len = 40;    /* Lightway */
	/* GRE: PPTP's (v1, key, 0x880B), v0 IPv4, v1 without key, short */
	p[i].b[0] = 0x30; p[i].b[1] = 0x81; p[i].b[2] = 0x88; p[i].b[3] = 0x0b; p[i++].len = 60;
	p[i].b[0] = 0x00; p[i].b[1] = 0x00; p[i].b[2] = 0x08; p[i].b[3] = 0x00; p[i++].len = 60;
	p[i].b[0] = 0x00; p[i].b[1] = 0x01; p[i].b[2] = 0x88; p[i].b[3] = 0x0b; p[i++].len = 60;
	p[i].b[0] = 0x30; p[i].b[1] = 0x81; p[i].b[2] = 0x88; p[i].b[3] = 0x0b; p[i++].len = 6;
	p[i++].len = 200;                                     /* random */
	p[i++].len = 3;                                       /* random, short */
}

/* Fill @c: base frames, then truncated and mutated copies of them. */
static inline void vxc_generate(struct vxc_corpus *c, uint64_t seed)
{
	static const uint16_t ports[] = { 51820, 1194, 443, 80, 500, 4500, 1701,
					  1723, 41641, 9993, 5004, 55655, 12345,
					  53, 3478 };
	static const int ipv[][2] = { { 4, 0 }, { 6, 0 }, { 4, 1 }, { 6, 2 } };
	static const uint8_t ipprotos[] = { IPPROTO_ESP, IPPROTO_AH, IPPROTO_GRE,
					    IPPROTO_ICMP, 132 /* SCTP */ };
	struct vxc_payload pl[VXC_NPL];
	size_t nbase;

	c->rng = seed ? seed : 1;
	vxc_payloads(c, pl);
	for (size_t v = 0; v < sizeof(ipv) / sizeof(ipv[0]); v++) {
		struct vxc_spec s = { .ipver = ipv[v][0], .vlans = ipv[v][1] };

		for (size_t pi = 0; pi < sizeof(ports) / sizeof(ports[0]); pi++) {
			for (int k = 0; k < VXC_NPL; k++) {
				s.pl = pl[k].b;
				s.pllen = pl[k].len;
				for (int l4 = 0; l4 < 2; l4++) {
					s.proto = l4 ? IPPROTO_TCP : IPPROTO_UDP;
					/* to the port, and its replies */
					s.sport = 40000 + (uint16_t)k;
					s.dport = ports[pi];
					vxc_build(c, &s);
					s.sport = ports[pi];
					s.dport = 40000 + (uint16_t)k;
					vxc_build(c, &s);
				}
			}
		}
		for (size_t pp = 0; pp < sizeof(ipprotos); pp++) {
			for (int k = 0; k < VXC_NPL; k++) {
				s.proto = ipprotos[pp];
				s.sport = s.dport = 0;
				s.pl = pl[k].b;
				s.pllen = pl[k].len;
				vxc_build(c, &s);
			}
		}
		/* fragments: first (UDP to a VPN port) and later, IPv6 also
		 * behind extension headers */
		for (int fr = 1; fr <= 2; fr++) {
			for (int ext = 0; ext <= (s.ipver == 6); ext++) {
				s.proto = IPPROTO_UDP;
				s.sport = 40000;
				s.dport = 51820;
				s.frag = fr;
				s.v6ext = ext;
				s.pl = pl[1].b;
				s.pllen = pl[1].len;
				vxc_build(c, &s);
				s.proto = IPPROTO_ESP;
				vxc_build(c, &s);
			}
			s.frag = 0;
			s.v6ext = 0;
		}
		/* IPv6 extension headers before an ordinary port match */
		if (s.ipver == 6) {
			s.v6ext = 1;
			s.proto = IPPROTO_UDP;
			s.sport = 40000;
			s.dport = 500;
			s.pl = pl[10].b;
			s.pllen = pl[10].len;
			vxc_build(c, &s);
			s.v6ext = 0;
		}
	}
	/* A non-IP frame (ARP). */
	{
		struct vxc_frame *f = vxc_push(c);

		memset(f->b, 0xff, 6);
		memcpy(f->b + 6, "\x02\x00\x00\x00\x00\x01\x08\x06", 8);
		f->len = 60;
	}

	/* Truncations of every 20th base frame at every length from the
	 * Ethernet header through the first 100 bytes (all the headers) and
	 * one byte short, and random byte flips of every base frame. */
	nbase = c->n;
	for (size_t i = 0; i < nbase; i += 20) {
		size_t len = c->f[i].len;

		for (size_t l = 14; l < len; l = (l < 100 || l + 1 == len) ? l + 1 : len - 1) {
			struct vxc_frame *f = vxc_push(c);

			memcpy(f->b, c->f[i].b, l);
			f->len = l;
		}
	}
	for (size_t i = 0; i < nbase; i++) {
		for (int m = 0; m < 2; m++) {
			struct vxc_frame *f = vxc_push(c);
			int flips = 1 + (int)(vxc_rand(c) % 4);

			*f = c->f[i];
			for (int k = 0; k < flips; k++)
				f->b[vxc_rand(c) % f->len] = (unsigned char)vxc_rand(c);
		}
	}
}

static inline void vxc_free(struct vxc_corpus *c)
{
	free(c->f);
	c->f = NULL;
	c->n = c->cap = 0;
}

#endif
