// SPDX-License-Identifier: GPL-2.0
/*
 * The obfuscated-OpenVPN heuristic (headers/vpnxdp_heur.h), through both
 * classifiers frame by frame: the XDP program (BPF_PROG_TEST_RUN) and the
 * userspace build of the same headers must agree on every frame.
 *
 *   - detection: the real OpenVPN flows of openvpn.pcap,
 *     openvpn_nohmac_tcp.pcap and 443-opvn.pcap, each moved to random
 *     ports no signature names and XOR-scrambled with random keys (xormask
 *     of 1-16 bytes, xorptrpos and xormask combined; over TCP with the
 *     length prefix in clear and scrambled), must be flagged (openvpn,
 *     heuristic) with the heuristic on, and never with it off;
 *   - false positives: random payload flows (UDP and TCP, some TCP with a
 *     well-formed length prefix) and every flow of the non-VPN captures,
 *     moved to random ports, must never be flagged.
 *
 * Prints the counts it measured (detection rate, flows tried).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* first: pcap's netinet/in.h before the kernel's linux/in.h */
#include "replay/capture.h"
#include "check.h"
#include "classify_user.h"
#include "classify/craft.h"
#include "core/names.h"
#include "replay/pcapdir.h"
#include "replay/run.h"

#define MAXF 8192    /* frames per capture */
#define MAXFLOWS 512 /* flows per capture */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 32);
}

/* Both classifiers, each with its own caches, fed the same frames. */
struct side {
	struct vx_replay *r; /* the XDP program, its own maps */
	struct vx_compiled *comp;
	struct vx_env env;
	struct vx_fcache flows, frags, heur;
	unsigned long frames, differ, errors;
	char first[256];
};

static int side_open(struct side *s, const char *policy)
{
	struct vx_policy pol;
	struct vx_diag d;
	int err;

	memset(s, 0, sizeof(*s));
	s->comp = calloc(1, sizeof(*s->comp));
	if (!s->comp)
		return -ENOMEM;
	vx_policy_init(&pol);
	if (policy && vx_policy_parse_text(&pol, policy, strlen(policy), "test", &d)) {
		vx_diag_print(&d);
		vx_policy_free(&pol);
		return -EINVAL;
	}
	vx_policy_compile(&pol, s->comp);
	if (vx_fcache_init(&s->flows, sizeof(struct vx_flow_key), VX_FLOWS_DEFAULT) ||
	    vx_fcache_init_frags(&s->frags, VX_FRAGS_MAX) ||
	    vx_fcache_init_val(&s->heur, sizeof(struct vx_flow_key),
			       sizeof(struct vx_heur_val), VX_HEUR_FLOWS)) {
		vx_policy_free(&pol);
		return -ENOMEM;
	}
	s->env = (struct vx_env){ .pol = s->comp, .flows = &s->flows,
				  .frags = &s->frags, .heur = &s->heur };
	/* replay loads the program the way `vpnxdp replay` does, the
	 * policy's heuristic switch included */
	err = vx_replay_open(&s->r, &pol);
	vx_policy_free(&pol);
	return err;
}

static void side_close(struct side *s)
{
	vx_replay_close(s->r);
	vx_fcache_free(&s->flows);
	vx_fcache_free(&s->frags);
	vx_fcache_free(&s->heur);
	free(s->comp);
}

/* One frame through both; *cls, *conf: the userspace answer.  A frame the
 * two answer differently is counted (and the first one kept). */
static void side_run(struct side *s, const unsigned char *frame, size_t len,
		     int bpf, int *cls, int *conf)
{
	unsigned char *buf = malloc(len + 2);
	struct vx_pkt p = {};
	struct vx_verdict uv;
	int bc = -1, bf = -1;

	if (!buf)
		abort();
	memcpy(buf + 2, frame, len);
	uv = vx_classify(&s->env, &p, buf + 2, buf + 2 + len, 0);
	*cls = uv.cls;
	*conf = uv.conf;
	s->frames++;
	if (bpf) {
		struct vx_replay_verdict v;

		if (vx_replay_run(s->r, frame, len, &v)) {
			s->errors++;
		} else if (v.cls != uv.cls || v.conf != uv.conf) {
			bc = v.cls;
			bf = v.conf;
			if (!s->differ++)
				snprintf(s->first, sizeof(s->first),
					 "frame %lu: bpf %s/%d, user %s/%d", s->frames,
					 vx_class_name((unsigned)bc), bf,
					 vx_class_name(uv.cls), uv.conf);
		}
	}
	free(buf);
}

/* ------------------------------------------------------------ captures */

struct tframe {
	unsigned char *b;
	size_t len;
	size_t l4, pl; /* offsets of the transport header and the payload */
	size_t plen;
	int flow, from_client, tcp;
	uint32_t seq;
};

struct tflow {
	uint32_t ca[4], sa[4];
	uint16_t cp, sp;
	uint8_t proto;
	int handshake; /* starts with a client hard reset (V2/V3) */
	int both;      /* has payload both ways (a capture taken on two
			* sides of a NAT has flows of one direction) */
};

struct tcap {
	struct tframe f[MAXF];
	size_t n;
	struct tflow fl[MAXFLOWS];
	int nfl;
};

static int flow_of(struct tcap *c, const struct vx_pkt *p, int *from_client)
{
	for (int i = 0; i < c->nfl; i++) {
		struct tflow *f = &c->fl[i];

		if (f->proto != p->l4proto)
			continue;
		if (!memcmp(f->ca, p->saddr, 16) && !memcmp(f->sa, p->daddr, 16) &&
		    f->cp == p->sport && f->sp == p->dport) {
			*from_client = 1;
			return i;
		}
		if (!memcmp(f->sa, p->saddr, 16) && !memcmp(f->ca, p->daddr, 16) &&
		    f->sp == p->sport && f->cp == p->dport) {
			*from_client = 0;
			return i;
		}
	}
	if (c->nfl == MAXFLOWS)
		return -1;
	memcpy(c->fl[c->nfl].ca, p->saddr, 16);
	memcpy(c->fl[c->nfl].sa, p->daddr, 16);
	c->fl[c->nfl].cp = p->sport;
	c->fl[c->nfl].sp = p->dport;
	c->fl[c->nfl].proto = p->l4proto;
	c->fl[c->nfl].handshake = -1;
	*from_client = 1;
	return c->nfl++;
}

/* The UDP and TCP frames of @path, by flow.  Returns frames read, -1. */
static long cap_load(struct tcap *c, const char *path)
{
	struct vx_capture cap;
	struct vx_frame fr;
	char err[600];

	memset(c, 0, sizeof(*c));
	if (vx_capture_open(&cap, path, err, sizeof(err)))
		return -1;
	while (c->n < MAXF && vx_capture_next(&cap, &fr, err, sizeof(err)) == 1) {
		struct vx_pkt p = {};
		struct tframe *t = &c->f[c->n];
		int fc, fl;

		if (!fr.data || fr.len < 14)
			continue;
		if (vx_parse(&p, fr.data, fr.data + fr.len) != VX_PARSE_OK ||
		    (p.l4proto != IPPROTO_UDP && p.l4proto != IPPROTO_TCP) ||
		    p.frag != VX_FRAG_NONE)
			continue;
		fl = flow_of(c, &p, &fc);
		if (fl < 0)
			continue;
		t->b = malloc(fr.len);
		if (!t->b)
			abort();
		memcpy(t->b, fr.data, fr.len);
		t->len = fr.len;
		t->l4 = (size_t)(p.l4 - fr.data);
		t->pl = (size_t)(p.payload - fr.data);
		t->plen = p.payload_len;
		t->flow = fl;
		t->from_client = fc;
		t->tcp = p.l4proto == IPPROTO_TCP;
		if (t->tcp)
			t->seq = (uint32_t)p.l4[4] << 24 | (uint32_t)p.l4[5] << 16 |
				 (uint32_t)p.l4[6] << 8 | p.l4[7];
		if (t->plen && !fc)
			c->fl[fl].both = 1;
		if (t->plen && c->fl[fl].handshake < 0) {
			const unsigned char *b = t->b + t->pl;
			unsigned op = t->tcp ? (t->plen > 2 ? b[2] : 0) : b[0];

			c->fl[fl].handshake = fc && (op == 0x38 || op == 0x50);
		}
		c->n++;
	}
	vx_capture_close(&cap);
	return (long)c->n;
}

static void cap_free(struct tcap *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->f[i].b);
	c->n = 0;
}

/* A port no signature of @comp names, over either transport; @odd: odd. */
static uint16_t free_port(const struct vx_compiled *comp, int odd)
{
	for (;;) {
		uint16_t p = (uint16_t)(1024 + rnd() % 64500);

		if (odd)
			p |= 1;
		if (!comp->sigs[VX_L4_UDP][p].cls && !comp->sigs[VX_L4_TCP][p].cls)
			return p;
	}
}

/* How one trial scrambles. */
struct scramble {
	unsigned char key[16];
	unsigned klen;
	int ptrpos;     /* xorptrpos first (byte i ^= i + 1) */
	int tcp_prefix; /* TCP: the length prefix scrambled too */
};

/* TCP stream position of one direction: where records start. */
struct tstream {
	int synced;
	uint32_t next;
	unsigned pfx, len, left, bi;
};

static unsigned char mask_byte(const struct scramble *s, unsigned i)
{
	unsigned char m = s->key[i % s->klen];

	return s->ptrpos ? (unsigned char)(m ^ (i + 1)) : m;
}

/* Scramble one TCP segment's payload in place, following the records of
 * its direction's stream (a segment off the expected sequence number is
 * left as it is: a retransmission the scrambler would have sent again as
 * before, which this replay cannot know). */
static void scramble_tcp(const struct scramble *s, struct tstream *st,
			 unsigned char *b, size_t n, uint32_t seq)
{
	if (st->synced && seq != st->next)
		return;
	st->synced = 1;
	st->next = seq + (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		if (st->pfx < 2) {
			st->len = st->len << 8 | b[i];
			if (s->tcp_prefix)
				b[i] ^= mask_byte(s, st->pfx);
			if (++st->pfx == 2) {
				st->left = st->len & 0xffff;
				st->bi = 0;
				if (!st->left)
					st->pfx = st->len = 0;
			}
			continue;
		}
		b[i] ^= mask_byte(s, st->bi + (s->tcp_prefix ? 2 : 0));
		st->bi++;
		if (--st->left == 0)
			st->pfx = st->len = 0;
	}
}

static void set_ports(unsigned char *f, size_t l4, uint16_t sp, uint16_t dp)
{
	f[l4] = (unsigned char)(sp >> 8);
	f[l4 + 1] = (unsigned char)sp;
	f[l4 + 2] = (unsigned char)(dp >> 8);
	f[l4 + 3] = (unsigned char)dp;
}

/* Per flow of a trial: what the classifiers said. */
struct tres {
	int flagged_user, flagged_bpf, other_vpn;
};

/*
 * Every frame of @c through @s with the flows moved to random free ports,
 * scrambled by @sc (NULL: payloads as captured).  Fills @res per flow.
 */
static void run_capture(struct side *s, const struct tcap *c,
			const struct scramble *sc, struct tres *res, int bpf)
{
	static struct tstream st[MAXFLOWS][2];
	uint16_t cp[MAXFLOWS], sp[MAXFLOWS];
	unsigned char *buf = malloc(65536 + 64);

	if (!buf)
		abort();
	memset(st, 0, sizeof(st));
	memset(res, 0, sizeof(*res) * (size_t)c->nfl);
	for (int i = 0; i < c->nfl; i++) {
		cp[i] = free_port(s->comp, 0);
		sp[i] = free_port(s->comp, 1);
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct tframe *t = &c->f[i];
		int cls, conf;

		if (t->len > 65536)
			continue;
		memcpy(buf, t->b, t->len);
		if (t->from_client)
			set_ports(buf, t->l4, cp[t->flow], sp[t->flow]);
		else
			set_ports(buf, t->l4, sp[t->flow], cp[t->flow]);
		if (sc && t->plen) {
			unsigned char *pl = buf + t->pl;

			if (t->tcp)
				scramble_tcp(sc, &st[t->flow][t->from_client], pl,
					     t->plen, t->seq);
			else
				for (size_t k = 0; k < t->plen; k++)
					pl[k] ^= mask_byte(sc, (unsigned)k);
		}
		side_run(s, buf, t->len, bpf, &cls, &conf);
		if (cls == VX_C_OPENVPN && conf == VX_CONF_HEURISTIC)
			res[t->flow].flagged_user = 1;
		else if (VX_CLASS_IS_VPN(cls))
			res[t->flow].other_vpn = 1;
	}
	free(buf);
}

static void random_scramble(struct scramble *sc)
{
	sc->klen = 1 + rnd() % 16;
	for (unsigned i = 0; i < sc->klen; i++)
		sc->key[i] = (unsigned char)rnd();
	sc->ptrpos = rnd() % 4 == 0;
	sc->tcp_prefix = rnd() % 2;
}

/* Detection over scrambled real OpenVPN flows; @on: the heuristic on. */
static void test_detection(const char *dir, struct side *on, struct side *off)
{
	static const char *const caps[] = { "openvpn.pcap", "openvpn_nohmac_tcp.pcap",
					    "443-opvn.pcap" };
	static struct tcap c;
	struct tres res[MAXFLOWS], resoff[MAXFLOWS];
	unsigned long tried[2] = { 0 }, hit[2] = { 0 }, tried_all = 0, hit_all = 0;
	unsigned long off_flagged = 0, claimed = 0;
	const int trials = 24;
	char path[4200];

	for (size_t ci = 0; ci < sizeof(caps) / sizeof(caps[0]); ci++) {
		snprintf(path, sizeof(path), "%s/%s", dir, caps[ci]);
		begin();
		expect(cap_load(&c, path) > 0, "cannot read %s", path);
		result(ok_now, why, "heur_load_%s", caps[ci]);
		if (!ok_now)
			continue;
		for (int t = 0; t < trials; t++) {
			struct scramble sc;

			random_scramble(&sc);
			run_capture(on, &c, &sc, res, 1);
			run_capture(off, &c, &sc, resoff, 1);
			for (int f = 0; f < c.nfl; f++) {
				int tcp = c.fl[f].proto == IPPROTO_TCP;

				off_flagged += resoff[f].flagged_user;
				tried_all++;
				hit_all += res[f].flagged_user;
				claimed += !res[f].flagged_user && res[f].other_vpn;
				if (c.fl[f].handshake != 1 || !c.fl[f].both)
					continue;
				tried[tcp]++;
				hit[tcp] += res[f].flagged_user;
			}
		}
		cap_free(&c);
	}
	printf("# scrambled OpenVPN flows with a handshake, both ways: UDP %lu of %lu flagged, "
	       "TCP %lu of %lu; all flows %lu of %lu (%lu claimed by another "
	       "check); heuristic off: %lu flagged\n", hit[0], tried[0], hit[1],
	       tried[1], hit_all, tried_all, claimed, off_flagged);
	begin();
	expect(tried[0] > 0 && hit[0] * 100 >= tried[0] * 95,
	       "UDP: %lu of %lu flagged (want 95%%)", hit[0], tried[0]);
	result(ok_now, why, "heur_detect_udp");
	begin();
	expect(tried[1] > 0 && hit[1] * 100 >= tried[1] * 90,
	       "TCP: %lu of %lu flagged (want 90%%)", hit[1], tried[1]);
	result(ok_now, why, "heur_detect_tcp");
	begin();
	expect(off_flagged == 0, "%lu flows flagged with the heuristic off", off_flagged);
	result(ok_now, why, "heur_off_flags_nothing");
}

/* The non-VPN captures, as captured and moved to random free ports. */
static void test_nonvpn(const char *dir, struct side *on)
{
	static const char *const caps[] = { "dtls.pcap", "dtls2.pcap",
					    "stun_dtls_rtp.pcapng", "synscan.pcap",
					    "gre.pcap", "geneve.pcap", "softether.pcap" };
	static struct tcap c;
	struct tres res[MAXFLOWS];
	char path[4200];

	for (size_t ci = 0; ci < sizeof(caps) / sizeof(caps[0]); ci++) {
		unsigned long flagged = 0, flows = 0;
		long n;

		snprintf(path, sizeof(path), "%s/%s", dir, caps[ci]);
		n = cap_load(&c, path);
		begin();
		expect(n >= 0, "cannot read %s", path);
		for (int t = 0; n > 0 && t < 8; t++) {
			run_capture(on, &c, NULL, res, 1);
			for (int f = 0; f < c.nfl; f++) {
				/* softether.pcap: its TLS/HTTP flows; its VPN
				 * flows are another check's */
				flows++;
				flagged += res[f].flagged_user;
			}
		}
		printf("# %s: %lu flows (8 port moves of %d), %lu flagged\n", caps[ci],
		       flows, c.nfl, flagged);
		expect(flagged == 0, "%lu of %lu flows flagged", flagged, flows);
		result(ok_now, why, "heur_nonvpn_%s", caps[ci]);
		cap_free(&c);
	}
}

/* --------------------------------------------------------- random flows */

/* @nflows random flows of 8-16 packets: UDP, TCP, TCP whose segments
 * carry a well-formed length prefix, and UDP that starts with a pair of
 * scrambled hard resets; the first @nbpf through BPF too. */
static void test_random(struct side *on, unsigned long nflows, unsigned long nbpf)
{
	unsigned char pl[1400], frame[CR_MAX];
	unsigned long flagged = 0, frames = 0;

	for (unsigned long i = 0; i < nflows; i++) {
		struct cr_spec sp = { 0 };
		int kind = (int)(i % 4), npk = 8 + (int)(rnd() % 9);
		unsigned char x = (unsigned char)rnd();
		int answered = 0;

		sp.v6 = rnd() % 4 == 0;
		sp.proto = kind == 0 || kind == 3 ? IPPROTO_UDP : IPPROTO_TCP;
		sp.sport = free_port(on->comp, 0);
		sp.dport = free_port(on->comp, 0);
		sp.host = (uint8_t)(1 + i % 250);
		for (int k = 0; k < npk; k++) {
			size_t n = 14 + rnd() % (sizeof(pl) - 14), len;
			int cls, conf;

			for (size_t b = 0; b < n; b++)
				pl[b] = (unsigned char)rnd();
			if (kind == 2)
				cr_put16(pl, (uint16_t)(n - 2));
			/* the client first, then either side */
			sp.swap = k == 0 ? 0 : (int)(rnd() % 2);
			/* UDP whose first two bytes are a scrambled pair of
			 * hard resets, random after them: only the later
			 * packets can tell */
			if (kind == 3 && (k == 0 || (!answered && !sp.swap)))
				pl[0] = x;
			if (kind == 3 && sp.swap && !answered++)
				pl[0] = x ^ 0x78;
			len = cr_build(frame, &sp, pl, n);
			side_run(on, frame, len, i < nbpf, &cls, &conf);
			frames++;
			if (conf == VX_CONF_HEURISTIC)
				flagged++;
		}
	}
	printf("# random flows: %lu flows, %lu frames, %lu frames flagged\n",
	       nflows, frames, flagged);
	begin();
	expect(flagged == 0, "%lu frames of %lu random flows flagged", flagged, nflows);
	result(ok_now, why, "heur_random_flows");
}

/* ------------------------------------------------------ crafted flows */

/* A UDP OpenVPN handshake's opcodes, scrambled with key 0x5a, on a free
 * port: flagged at its sixth packet with the heuristic on, never off. */
static void test_crafted(struct side *on, struct side *off)
{
	static const struct { int from_server; unsigned char op; } seq[] = {
		{ 0, 0x38 }, { 1, 0x40 }, { 0, 0x28 }, { 0, 0x20 }, { 1, 0x20 },
		{ 0, 0x28 }, { 1, 0x48 }, { 0, 0x48 },
	};
	unsigned char pl[100], frame[CR_MAX];
	struct cr_spec sp = { .proto = IPPROTO_UDP, .host = 77 };
	struct vx_replay_verdict bv;
	int cls, conf;

	for (int tcp = 0; tcp < 2; tcp++) {
		sp.proto = tcp ? IPPROTO_TCP : IPPROTO_UDP;
		sp.sport = 40001;
		sp.dport = 30011;
		for (int w = 0; w < 2; w++) {
			struct side *s = w ? off : on;
			int first_hit = -1, stays = 1;

			begin();
			for (size_t k = 0; k < sizeof(seq) / sizeof(seq[0]); k++) {
				size_t n = 60 + k, o = tcp ? 2 : 0, len;

				memset(pl, 0x11 * (int)(k + 1), sizeof(pl));
				if (tcp)
					cr_put16(pl, (uint16_t)(n - 2));
				pl[o] = seq[k].op ^ 0x5a;
				sp.swap = seq[k].from_server;
				len = cr_build(frame, &sp, pl, n);
				side_run(s, frame, len, 0, &cls, &conf);
				expect(vx_replay_run(s->r, frame, len, &bv) == 0,
				       "test run failed");
				expect(bv.cls == cls && bv.conf == conf,
				       "packet %zu: bpf %d/%d, user %d/%d", k, bv.cls, bv.conf,
				       cls, conf);
				if (cls == VX_C_OPENVPN && conf == VX_CONF_HEURISTIC) {
					if (first_hit < 0)
						first_hit = (int)k;
				} else if (first_hit >= 0) {
					stays = 0;
				}
			}
			if (w == 0)
				expect(first_hit == 5 && stays,
				       "flagged from packet %d (want 5 on)", first_hit);
			else
				expect(first_hit < 0, "flagged at packet %d with the "
				       "heuristic off", first_hit);
			result(ok_now, why, "heur_crafted_%s_%s", tcp ? "tcp" : "udp",
			       w ? "off" : "on");
		}
	}
}

int main(void)
{
	struct side on, off;
	char dir[4096];
	int have_pcap;

	begin();
	expect(side_open(&on, "heuristic openvpn-obfuscated on\n") == 0,
	       "cannot load the program with the heuristic on");
	expect(side_open(&off, NULL) == 0, "cannot load the program");
	expect(on.comp->heur == VX_HEUR_OVPN_OBFS && off.comp->heur == 0,
	       "compiled switch: on %u, off %u", on.comp->heur, off.comp->heur);
	result(ok_now, why, "heur_open");
	if (!ok_now)
		return 1;
	test_crafted(&on, &off);
	have_pcap = vx_pcap_dir(dir, sizeof(dir)) == 0 && access(dir, R_OK) == 0;
	if (have_pcap) {
		test_detection(dir, &on, &off);
		test_nonvpn(dir, &on);
	} else {
		printf("# no captures (VX_PCAP_DIR): capture checks not run\n");
	}
	test_random(&on, 35000, 3000);
	begin();
	expect(on.frames > 0 && !on.differ && !on.errors,
	       "heuristic on: %lu of %lu frames differ, %lu errors; first: %s",
	       on.differ, on.frames, on.errors, on.first);
	result(ok_now, why, "heur_bpf_equals_user_on");
	begin();
	expect(off.frames > 0 && !off.differ && !off.errors,
	       "heuristic off: %lu of %lu frames differ, %lu errors; first: %s",
	       off.differ, off.frames, off.errors, off.first);
	result(ok_now, why, "heur_bpf_equals_user_off");
	side_close(&on);
	side_close(&off);
	return n_fail ? 1 : 0;
}
