// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/flows.h"

/* Both directions map to one key: the lower endpoint first. */
struct vx_fkey {
	__u32 a[4], b[4];
	__u16 pa, pb;
	__u8 l4proto, ipver;
	__u8 pad[2];
};

/* A datagram's fragments: addresses, protocol and IP id, as sent. */
struct vx_fragkey {
	__u32 s[4], d[4];
	__u32 id;
	__u8 l4proto, ipver;
	__u8 pad[2];
};

int vx_flows_init(struct vx_flows *f)
{
	memset(f, 0, sizeof(*f));
	if (vx_htab_init(&f->byendpoints, sizeof(struct vx_fkey), sizeof(size_t)))
		return -ENOMEM;
	if (vx_htab_init(&f->frags, sizeof(struct vx_fragkey), sizeof(size_t))) {
		vx_htab_free(&f->byendpoints);
		return -ENOMEM;
	}
	return 0;
}

void vx_flows_free(struct vx_flows *f)
{
	vx_htab_free(&f->byendpoints);
	vx_htab_free(&f->frags);
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

static int vx_endpoint_cmp(const __u32 *a, __u16 pa, const __u32 *b, __u16 pb)
{
	int r = memcmp(a, b, 16);

	if (r)
		return r;
	return (int)pa - (int)pb;
}

static void vx_fkey_make(struct vx_fkey *k, const struct vx_pkt *p,
			 __u16 sport, __u16 dport)
{
	memset(k, 0, sizeof(*k));
	k->l4proto = p->l4proto;
	k->ipver = p->ipver;
	if (vx_endpoint_cmp(p->saddr, sport, p->daddr, dport) <= 0) {
		memcpy(k->a, p->saddr, 16);
		memcpy(k->b, p->daddr, 16);
		k->pa = sport;
		k->pb = dport;
	} else {
		memcpy(k->a, p->daddr, 16);
		memcpy(k->b, p->saddr, 16);
		k->pa = dport;
		k->pb = sport;
	}
}

static void vx_fragkey_make(struct vx_fragkey *k, const struct vx_pkt *p)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->s, p->saddr, 16);
	memcpy(k->d, p->daddr, 16);
	k->id = p->frag_id;
	k->l4proto = p->l4proto;
	k->ipver = p->ipver;
}

/* Find or make the flow of @p; -1 on no memory. */
static long vx_flow_get(struct vx_flows *f, const struct vx_pkt *p,
			bool ports)
{
	__u16 sport = ports ? p->sport : 0, dport = ports ? p->dport : 0;
	struct vx_fkey k;
	struct vx_flow *fl;
	const size_t *idx;

	vx_fkey_make(&k, p, sport, dport);
	idx = vx_htab_get(&f->byendpoints, &k);
	if (idx)
		return (long)*idx;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		struct vx_flow *nv = realloc(f->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		f->v = nv;
		f->cap = cap;
	}
	fl = &f->v[f->n];
	memset(fl, 0, sizeof(*fl));
	fl->l4proto = p->l4proto;
	fl->ipver = p->ipver;
	memcpy(fl->caddr, p->saddr, 16);
	memcpy(fl->saddr, p->daddr, 16);
	fl->cport = sport;
	fl->sport = dport;
	if (vx_htab_put(&f->byendpoints, &k, &f->n))
		return -1;
	return (long)f->n++;
}

static void vx_count(struct vx_flow *fl, const struct vx_replay_verdict *v)
{
	if (v->cls < 0 || v->cls >= VX_MAX_CLASS) {
		fl->uncounted++;
		return;
	}
	fl->cls[v->cls]++;
	if (v->encap >= 0 && v->encap < VX_NENC)
		fl->encap[v->encap]++;
	if (v->conf >= 0 && v->conf < 8)
		fl->conf_seen[v->cls] |= (__u8)(1u << v->conf);
}

int vx_flows_add(struct vx_flows *f, const struct vx_pkt *p, int parse_ret,
		 __u64 wirelen, bool truncated, const struct vx_replay_verdict *v)
{
	struct vx_fragkey fk;
	struct vx_flow *fl;
	const size_t *idx;
	size_t at;
	long i;

	f->frames++;
	f->bytes += wirelen;
	f->truncated += truncated;
	if (!v) {
		/* In its flow when it has one, under no class; never in the
		 * not-IP or malformed counts, which are of frames run. */
		f->not_run++;
		if (parse_ret == VX_PARSE_NOT_IP || p->ipver == 0)
			return 0;
	} else {
		f->dropped += v->dropped;
		if (v->cls >= 0 && v->cls < VX_MAX_CLASS && v->encap >= 0 &&
		    v->encap < VX_NENC)
			f->cls_encap[v->cls][v->encap]++;
	}
	if (parse_ret == VX_PARSE_NOT_IP || p->ipver == 0) {
		if (parse_ret == VX_PARSE_NOT_IP)
			f->not_ip++;
		else
			f->no_ip_addr++;
		return 0;
	}

	if (parse_ret == VX_PARSE_LATER_FRAG) {
		vx_fragkey_make(&fk, p);
		idx = vx_htab_get(&f->frags, &fk);
		i = idx ? (long)*idx : vx_flow_get(f, p, false);
	} else {
		i = vx_flow_get(f, p, parse_ret == VX_PARSE_OK);
		if (i >= 0 && p->frag == VX_FRAG_FIRST) {
			vx_fragkey_make(&fk, p);
			at = (size_t)i;
			if (vx_htab_put(&f->frags, &fk, &at))
				return -ENOMEM;
		}
	}
	if (i < 0)
		return -ENOMEM;
	fl = &f->v[i];
	fl->packets++;
	fl->bytes += wirelen;
	fl->truncated += truncated;
	if (!v) {
		fl->not_run++;
		return 0;
	}
	fl->dropped += v->dropped;
	vx_count(fl, v);
	return 0;
}

void vx_flows_skip(struct vx_flows *f, __u64 wirelen, bool truncated,
		   const char *why)
{
	size_t i;

	f->frames++;
	f->bytes += wirelen;
	f->truncated += truncated;
	f->skipped++;
	for (i = 0; i < f->nskip_why; i++)
		if (!strcmp(f->skip_why[i].why, why))
			break;
	if (i == f->nskip_why) {
		if (i >= VX_SKIP_WHYS - 1) {
			/* The last slot counts every reason beyond. */
			i = VX_SKIP_WHYS - 1;
			snprintf(f->skip_why[i].why, sizeof(f->skip_why[i].why),
				 "other link protocols");
			f->nskip_why = VX_SKIP_WHYS;
		} else {
			snprintf(f->skip_why[i].why, sizeof(f->skip_why[i].why),
				 "%s", why);
			f->nskip_why++;
		}
	}
	f->skip_why[i].n++;
}

int vx_flow_class(const struct vx_flow *fl)
{
	int best = -1, any = -1;

	for (int c = 0; c < VX_MAX_CLASS; c++) {
		if (!fl->cls[c])
			continue;
		if (VX_CLASS_IS_VPN(c) && (best < 0 || fl->cls[c] > fl->cls[best]))
			best = c;
		if (any < 0 || fl->cls[c] > fl->cls[any])
			any = c;
	}
	return best >= 0 ? best : any;
}

int vx_flow_conf(const struct vx_flow *fl, int cls)
{
	static const int order[] = { VX_CONF_VERIFIED, VX_CONF_PAYLOAD,
				     VX_CONF_FLOW, VX_CONF_HEURISTIC,
				     VX_CONF_PORT };

	if (cls < 0 || cls >= VX_MAX_CLASS)
		return -1;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (fl->conf_seen[cls] & (1u << order[i]))
			return order[i];
	return -1;
}

int vx_flow_nclasses(const struct vx_flow *fl)
{
	int n = 0;

	for (int c = 0; c < VX_MAX_CLASS; c++)
		n += fl->cls[c] != 0;
	return n;
}
