// SPDX-License-Identifier: GPL-2.0
/* The policy model, its defaults, the checks both file forms share, and its
 * compilation into slot contents. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/in.h>

#include "core/names.h"
#include "policy/policy.h"

/*
 * Built-in signatures, from the protocols' registered or customary ports.
 * They are the starting point every policy file edits; nothing in the data
 * path knows a port number.
 */
static const struct vx_sigdef vx_default_sigs[] = {
	{ VX_C_WIREGUARD, VX_SK_UDP, 0, true, 51820, 51820 },
	{ VX_C_OPENVPN, VX_SK_UDP, 0, true, 1194, 1194 },
	{ VX_C_OPENVPN, VX_SK_TCP, 0, true, 1194, 1194 },
	{ VX_C_IKE, VX_SK_UDP, 0, true, 500, 500 },
	/* RFC 3948: IKE and ESP-in-UDP share 4500, the payload tells them apart */
	{ VX_C_IKE, VX_SK_UDP, VX_SIG_NATT, true, 4500, 4500 },
	{ VX_C_L2TP, VX_SK_UDP, 0, true, 1701, 1701 },
	{ VX_C_PPTP, VX_SK_TCP, 0, true, 1723, 1723 },
	/* SSTP runs inside TLS on 443 and so collides with HTTPS: known, but
	 * off until an operator enables it for a box where 443 is SSTP only. */
	{ VX_C_SSTP, VX_SK_TCP, 0, false, 443, 443 },
	{ VX_C_ESP, VX_SK_IP, 0, true, IPPROTO_ESP, IPPROTO_ESP },
	{ VX_C_AH, VX_SK_IP, 0, true, IPPROTO_AH, IPPROTO_AH },
	/* GRE counts as PPTP only when it is PPTP's enhanced GRE */
	{ VX_C_PPTP, VX_SK_IP, 0, true, IPPROTO_GRE, IPPROTO_GRE },
	/* Beyond the classic VPNs: each confirmed by its payload check;
	 * tinc's UDP data has nothing to check and counts by port only */
	{ VX_C_TAILSCALE, VX_SK_UDP, 0, true, 41641, 41641 },
	{ VX_C_ZEROTIER, VX_SK_UDP, 0, true, 9993, 9993 },
	/* Cloudflare WARP's endpoint port; on 500, 1701 and 4500, which it
	 * also uses, its handshakes tell it from IKE, L2TP and ESP */
	{ VX_C_WARP, VX_SK_UDP, 0, true, 2408, 2408 },
	{ VX_C_TINC, VX_SK_TCP, 0, true, 655, 655 },
	{ VX_C_TINC, VX_SK_UDP, 0, true, 655, 655 },
	/* GlobalProtect: ESP in UDP on a port of its own */
	{ VX_C_ESP, VX_SK_UDP, 0, true, 4501, 4501 },
};

const char *const vx_sig_kind_names[VX_NSK] = {
	[VX_SK_UDP] = "udp",
	[VX_SK_TCP] = "tcp",
	[VX_SK_IP] = "ip",
};

const char *const vx_sig_state_names[VX_NSS] = {
	[VX_SS_ENABLE] = "enable",
	[VX_SS_DISABLE] = "disable",
	[VX_SS_REMOVE] = "remove",
};

int vx_sig_kind_parse(const char *s)
{
	for (int i = 0; i < VX_NSK; i++)
		if (strcmp(s, vx_sig_kind_names[i]) == 0)
			return i;
	return -1;
}

void vx_policy_init(struct vx_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	for (size_t i = 0; i < sizeof(vx_default_sigs) / sizeof(vx_default_sigs[0]); i++)
		vx_policy_add_sig(pol, &vx_default_sigs[i]);
}

void vx_ruledef_free(struct vx_ruledef *r)
{
	free(r->pfx);
	r->pfx = NULL;
	r->npfx = r->cap = 0;
}

void vx_policy_free(struct vx_policy *pol)
{
	free(pol->sigs);
	free(pol->edits);
	free(pol->port_owner);
	for (int c = 0; c < VX_MAX_CLASS; c++)
		for (unsigned int i = 0; i < pol->cls[c].nrules; i++)
			vx_ruledef_free(&pol->cls[c].rules[i]);
	memset(pol, 0, sizeof(*pol));
}

int vx_policy_add_sig(struct vx_policy *pol, const struct vx_sigdef *sd)
{
	if (pol->nsigs == pol->cap) {
		size_t cap = pol->cap ? pol->cap * 2 : 32;
		struct vx_sigdef *n = realloc(pol->sigs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		pol->sigs = n;
		pol->cap = cap;
	}
	pol->sigs[pol->nsigs++] = *sd;
	return 0;
}

const char *const vx_heur_names[VX_NHEUR] = {
	"openvpn-obfuscated", /* VX_HEUR_OVPN_OBFS */
};

int vx_heur_parse(const char *name)
{
	for (int i = 0; i < VX_NHEUR; i++)
		if (!strcmp(name, vx_heur_names[i]))
			return i;
	return -1;
}

int vx_policy_heuristic(struct vx_policy *pol, int idx, bool on, int where,
			char *msg, size_t msglen)
{
	if (idx < 0 || idx >= VX_NHEUR) {
		snprintf(msg, msglen, "unknown heuristic");
		return -1;
	}
	if (pol->heur_where[idx]) {
		snprintf(msg, msglen, "heuristic %s is given twice", vx_heur_names[idx]);
		return -1;
	}
	pol->heur_where[idx] = where ? where : -1;
	if (on)
		pol->heur |= (__u8)(1u << idx);
	else
		pol->heur &= (__u8)~(1u << idx);
	return 0;
}

int vx_policy_class_disable(struct vx_policy *pol, int cls, int where,
			    char *msg, size_t msglen)
{
	struct vx_classdef *cd = &pol->cls[cls];

	if (cd->disabled) {
		snprintf(msg, msglen, "class %s is already disabled", vx_class_name((unsigned int)cls));
		return -1;
	}
	if (cd->nrules) {
		snprintf(msg, msglen, "class %s has rules; a disabled class would never use them",
			 vx_class_name((unsigned int)cls));
		return -1;
	}
	cd->disabled = true;
	cd->disabled_where = where;
	return 0;
}

int vx_policy_add_rule(struct vx_policy *pol, int cls, struct vx_ruledef *r,
		       char *msg, size_t msglen)
{
	struct vx_classdef *cd = &pol->cls[cls];
	const char *name = vx_class_name((unsigned int)cls);

	if (cd->disabled) {
		snprintf(msg, msglen, "class %s is disabled; its rules would never apply", name);
		goto fail;
	}
	/* A rule without sources matches every packet of its class (a rate
	 * limit decides only between its action and a drop): anything after
	 * it could never match, which is always a mistake. */
	for (unsigned int i = 0; i < cd->nrules; i++) {
		if (cd->rules[i].npfx == 0) {
			snprintf(msg, msglen, "rule can never match: an earlier %s rule "
				 "(#%u) already matches every source", name, i + 1);
			goto fail;
		}
	}
	if (cd->nrules == VX_MAX_RULES) {
		snprintf(msg, msglen, "too many rules for %s (limit %d)", name, VX_MAX_RULES);
		goto fail;
	}
	if (r->rate == 0 && r->burst) {
		snprintf(msg, msglen, "burst without a rate");
		goto fail;
	}
	if (r->rate && !r->burst)
		r->burst = r->rate; /* one second's worth */
	cd->rules[cd->nrules++] = *r;
	r->pfx = NULL;
	return 0;
fail:
	pol->nprefixes -= r->npfx;
	vx_ruledef_free(r);
	return -1;
}

int vx_rule_add_prefix(struct vx_policy *pol, struct vx_ruledef *r,
		       const struct vx_prefix *p, char *msg, size_t msglen)
{
	if (pol->nprefixes >= VX_MAX_PREFIXES) {
		snprintf(msg, msglen, "too many source prefixes (limit %u per policy)",
			 VX_MAX_PREFIXES);
		return -1;
	}
	if (r->npfx == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4;
		struct vx_prefix *n = realloc(r->pfx, cap * sizeof(*n));

		if (!n) {
			snprintf(msg, msglen, "out of memory");
			return -1;
		}
		r->pfx = n;
		r->cap = cap;
	}
	r->pfx[r->npfx++] = *p;
	pol->nprefixes++;
	return 0;
}

int vx_prefix_parse(const char *s, struct vx_prefix *out, char *msg,
		    size_t msglen)
{
	char addr[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long len;
	int max;

	memset(out, 0, sizeof(*out));
	if (alen == 0 || alen >= sizeof(addr)) {
		snprintf(msg, msglen, "'%.64s' is not an address or prefix", s);
		return -1;
	}
	memcpy(addr, s, alen);
	addr[alen] = 0;
	if (inet_pton(AF_INET, addr, out->addr) == 1) {
		out->ipver = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
		out->ipver = 6;
		max = 128;
	} else {
		snprintf(msg, msglen, "'%.64s' is not an IPv4 or IPv6 address", addr);
		return -1;
	}
	len = (unsigned long)max;
	if (slash) {
		char *end;

		if (!slash[1] || slash[1] < '0' || slash[1] > '9') {
			snprintf(msg, msglen, "'%.64s': prefix length missing after '/'", s);
			return -1;
		}
		len = strtoul(slash + 1, &end, 10);
		if (*end || len > (unsigned long)max || (end - slash - 1) > 3) {
			snprintf(msg, msglen, "'%.64s': prefix length must be 0..%d", s, max);
			return -1;
		}
	}
	out->len = (__u8)len;
	/* Host bits set usually mean a typo in an allow-list: refuse rather
	 * than guess which network was meant. */
	for (int bit = (int)len; bit < max; bit++) {
		if (out->addr[bit / 8] & (0x80 >> (bit % 8))) {
			struct vx_prefix net = *out;
			char buf[64];

			for (int b = (int)len; b < max; b++)
				net.addr[b / 8] &= (__u8)~(0x80 >> (b % 8));
			vx_prefix_format(&net, buf, sizeof(buf));
			snprintf(msg, msglen, "'%.64s' has host bits set (did you mean %s?)",
				 s, buf);
			return -1;
		}
	}
	return 0;
}

void vx_prefix_format(const struct vx_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(p->ipver == 4 ? AF_INET : AF_INET6, p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
}

static bool vx_sig_same(const struct vx_sigdef *d, const struct vx_sigedit *e)
{
	return d->cls == e->cls && d->kind == e->kind && d->lo == e->lo &&
	       d->hi == e->hi;
}

int vx_policy_sig_edit(struct vx_policy *pol, const struct vx_sigedit *e,
		       char *msg, size_t msglen)
{
	unsigned int lo = e->lo, hi = e->kind == VX_SK_IP ? e->lo : e->hi;
	bool builtin = false;

	if (pol->nedits >= VX_MAX_SIGNATURES) {
		snprintf(msg, msglen, "too many signatures (limit %u per policy)",
			 VX_MAX_SIGNATURES);
		return -1;
	}
	for (size_t i = 0; i < pol->nsigs; i++)
		if (vx_sig_same(&pol->sigs[i], e))
			builtin = true;
	if (e->state == VX_SS_REMOVE && !builtin) {
		snprintf(msg, msglen, "no built-in %s signature %s %u%s to remove",
			 vx_class_name(e->cls), vx_sig_kind_names[e->kind], e->lo,
			 e->kind != VX_SK_IP && e->hi != e->lo ? " (range)" : "");
		return -1;
	}
	if (!pol->port_owner) {
		pol->port_owner = calloc(VX_NSK * 65536u, sizeof(int));
		if (!pol->port_owner) {
			snprintf(msg, msglen, "out of memory");
			return -1;
		}
	}
	/* Each port (or IP protocol) may be named by one signature line: two
	 * would leave its class to the order of the lines. */
	for (unsigned int p = lo; p <= hi; p++) {
		int owner = pol->port_owner[e->kind * 65536u + p];

		if (owner) {
			const struct vx_sigedit *o = &pol->edits[owner - 1];

			if (e->kind == VX_SK_IP)
				snprintf(msg, msglen, "duplicate signature: ip protocol %u is "
					 "already named by signature #%d (%s)", p, owner,
					 vx_class_name(o->cls));
			else
				snprintf(msg, msglen, "duplicate signature: %s port %u is "
					 "already named by signature #%d (%s %u-%u)",
					 vx_sig_kind_names[e->kind], p, owner,
					 vx_class_name(o->cls), o->lo, o->hi);
			return -1;
		}
	}
	if (pol->nedits == pol->ecap) {
		size_t cap = pol->ecap ? pol->ecap * 2 : 32;
		struct vx_sigedit *n = realloc(pol->edits, cap * sizeof(*n));

		if (!n) {
			snprintf(msg, msglen, "out of memory");
			return -1;
		}
		pol->edits = n;
		pol->ecap = cap;
	}
	pol->edits[pol->nedits] = *e;
	if (e->kind == VX_SK_IP)
		pol->edits[pol->nedits].hi = e->lo;
	pol->nedits++;
	for (unsigned int p = lo; p <= hi; p++)
		pol->port_owner[e->kind * 65536u + p] = (int)pol->nedits;
	return 0;
}

static void vx_compile_sig(struct vx_compiled *out, const struct vx_sigdef *sd)
{
	if (!sd->enabled)
		return;
	if (sd->kind == VX_SK_IP) {
		out->protos[sd->lo & 0xff] = sd->cls;
		return;
	}
	for (unsigned int p = sd->lo; p <= sd->hi; p++) {
		out->sigs[sd->kind][p].cls = sd->cls;
		out->sigs[sd->kind][p].flags = sd->flags;
	}
}

/* FNV-1a over what a rule says: the same rule in the next push keeps its
 * rate-limit buckets, a changed one starts with full buckets. */
static __u32 vx_rule_hash(int cls, const struct vx_ruledef *r)
{
	__u32 h = 2166136261u;
	const __u8 *p;

#define VX_FNV(ptr, n) \
	for (p = (const __u8 *)(ptr); p < (const __u8 *)(ptr) + (n); p++) \
		h = (h ^ *p) * 16777619u
	VX_FNV(&cls, sizeof(cls));
	VX_FNV(&r->action, sizeof(r->action));
	VX_FNV(&r->rate, sizeof(r->rate));
	VX_FNV(&r->burst, sizeof(r->burst));
	VX_FNV(r->pfx, r->npfx * sizeof(*r->pfx));
#undef VX_FNV
	return h;
}

void vx_policy_compile(const struct vx_policy *pol, struct vx_compiled *out)
{
	memset(out, 0, sizeof(*out));
	/* Built-in signatures as edited, then the policy's own, which win
	 * where they share a port with a built-in one. */
	for (size_t i = 0; i < pol->nsigs; i++) {
		struct vx_sigdef sd = pol->sigs[i];

		for (size_t k = 0; k < pol->nedits; k++) {
			if (!vx_sig_same(&sd, &pol->edits[k]))
				continue;
			if (pol->edits[k].state == VX_SS_REMOVE)
				sd.enabled = false;
			else
				sd.enabled = pol->edits[k].state == VX_SS_ENABLE;
		}
		vx_compile_sig(out, &sd);
	}
	for (size_t k = 0; k < pol->nedits; k++) {
		const struct vx_sigedit *e = &pol->edits[k];
		struct vx_sigdef sd = { e->cls, e->kind, 0, e->state == VX_SS_ENABLE,
					e->lo, e->hi };
		bool builtin = false;

		for (size_t i = 0; i < pol->nsigs; i++)
			if (vx_sig_same(&pol->sigs[i], e))
				builtin = true;
		if (!builtin)
			vx_compile_sig(out, &sd);
	}
	out->heur = pol->heur;
	for (int c = 0; c < VX_MAX_CLASS; c++) {
		const struct vx_classdef *cd = &pol->cls[c];
		struct vx_class_rules *cr = &out->rules[c];

		/* Fail open, whatever the model says: non-VPN has no rules. */
		if (!VX_CLASS_IS_VPN(c))
			continue;
		cr->flags = cd->disabled ? VX_CLS_DISABLED : 0;
		cr->nrules = (__u8)cd->nrules;
		for (unsigned int i = 0; i < cd->nrules; i++) {
			const struct vx_ruledef *r = &cd->rules[i];
			struct vx_rule *o = &cr->rule[i];

			o->action = r->action;
			for (size_t k = 0; k < r->npfx; k++)
				o->flags |= r->pfx[k].ipver == 4 ? VX_RULE_FROM4
								 : VX_RULE_FROM6;
			if (r->rate) {
				o->flags |= VX_RULE_RATE;
				o->bucket = vx_rule_hash(c, r);
				o->interval = 1000000000ull / r->rate;
				o->tolerance = o->interval * r->burst;
			}
		}
	}
}

static const struct vx_sigedit *vx_sort_base;

static int vx_edit_cmp(const void *a, const void *b)
{
	const struct vx_sigedit *x = &vx_sort_base[*(const size_t *)a];
	const struct vx_sigedit *y = &vx_sort_base[*(const size_t *)b];

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

size_t *vx_policy_edit_order(const struct vx_policy *pol)
{
	size_t *o = malloc((pol->nedits + 1) * sizeof(*o));

	if (!o)
		return NULL;
	for (size_t i = 0; i < pol->nedits; i++)
		o[i] = i;
	/* Signature lines never share a port, so (transport, first port) is
	 * a total order. */
	vx_sort_base = pol->edits;
	qsort(o, pol->nedits, sizeof(*o), vx_edit_cmp);
	return o;
}
