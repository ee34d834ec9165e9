// SPDX-License-Identifier: GPL-2.0
/*
 * The policy text format, vpnxdp-policy(5):
 *
 *     # comment
 *     CLASS ACTION [from PREFIX[, PREFIX...]] [rate N/s [burst M]]
 *     CLASS disable
 *     signature CLASS udp|tcp PORT[-PORT] [enable|disable|remove]
 *     signature CLASS ip PROTOCOL [enable|disable|remove]
 *     heuristic NAME on|off
 *
 * One statement a line; '#' starts a comment anywhere; blank lines are fine.
 * Errors carry file:line:column.  The whole file is checked before the
 * caller changes anything.  Lines are scanned word by word rather than split
 * into a fixed array: one allow-list may hold 100,000 prefixes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "policy/policy.h"

struct vx_tok {
	const char *s;
	size_t len;
	int col;
};

struct vx_line {
	const char *s;
	size_t len, pos;
	int lineno;
	struct vx_diag *d;
};

static void diag(struct vx_diag *d, int line, int col, const char *fmt,
		 const char *arg)
{
	d->line = line;
	d->col = col;
	snprintf(d->msg, sizeof(d->msg), fmt, arg);
}

/* Strict UTF-8 (no overlongs, no surrogates): policy files come from ops
 * tooling, and a stray Latin-1 byte usually means a wrong file. Returns the
 * offset of the first bad byte, or -1. */
static long vx_utf8_bad(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		unsigned int cp;

		if (c == 0)
			return (long)i;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return (long)i;
		}
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return (long)i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return (long)i;
		i += n + 1;
	}
	return -1;
}

/* Next word of the line: a run of non-blank characters, or a lone ','.
 * Returns false at the end of the line or at a comment. */
static bool vx_next(struct vx_line *l, struct vx_tok *t)
{
	const char *s = l->s;
	size_t i = l->pos;

	while (i < l->len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	t->s = s + i;
	t->col = (int)i + 1;
	t->len = 0;
	if (i >= l->len || s[i] == '#') {
		l->pos = i;
		return false;
	}
	if (s[i] == ',') {
		t->len = 1;
		l->pos = i + 1;
		return true;
	}
	while (i < l->len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
	       s[i] != '#' && s[i] != ',')
		i++;
	t->len = (size_t)(s + i - t->s);
	l->pos = i;
	return true;
}

static bool tok_is(const struct vx_tok *t, const char *w)
{
	return t->len == strlen(w) && memcmp(t->s, w, t->len) == 0;
}

static void tok_copy(char *dst, size_t dstlen, const struct vx_tok *t)
{
	size_t n = t->len < dstlen - 1 ? t->len : dstlen - 1;

	memcpy(dst, t->s, n);
	dst[n] = 0;
}

static int fail(struct vx_line *l, int col, const char *fmt, const char *arg)
{
	diag(l->d, l->lineno, col, fmt, arg);
	return -1;
}

/* Column just past the token, for "expected X after Y". */
static int after(const struct vx_tok *t)
{
	return t->col + (int)t->len;
}

/* A decimal number with no sign, no leading '+', within @max. */
static int vx_number(const char *s, size_t len, unsigned long max,
		     unsigned long *out)
{
	unsigned long v = 0;

	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static int vx_class_tok(struct vx_line *l, const struct vx_tok *t)
{
	char word[64];
	int cls;

	tok_copy(word, sizeof(word), t);
	cls = t->len < sizeof(word) ? vx_class_parse(word) : -1;
	if (cls < 0)
		return fail(l, t->col,
			    "unknown class '%s' (see vpnxdp-policy(5) for the list)", word);
	if (!VX_CLASS_IS_VPN(cls))
		return fail(l, t->col,
			    "class '%s' takes no action: traffic that is not VPN is always passed",
			    word);
	return cls;
}

/* signature CLASS udp|tcp PORT[-PORT] [STATE] | signature CLASS ip PROTO [STATE] */
static int vx_line_signature(struct vx_policy *pol, struct vx_line *l,
			     const struct vx_tok *kw)
{
	struct vx_sigedit e = { .where = l->lineno };
	struct vx_tok t;
	char word[64], msg[256];
	unsigned long lo, hi;
	int cls, kind;
	const char *dash;

	if (!vx_next(l, &t))
		return fail(l, after(kw), "%s", "expected a class after 'signature'");
	cls = vx_class_tok(l, &t);
	if (cls < 0)
		return -1;
	e.cls = (__u8)cls;
	if (!vx_next(l, &t))
		return fail(l, after(&t), "%s", "expected udp, tcp or ip after the class");
	tok_copy(word, sizeof(word), &t);
	kind = vx_sig_kind_parse(word);
	if (kind < 0)
		return fail(l, t.col, "unknown transport '%s' (udp, tcp or ip)", word);
	e.kind = (__u8)kind;
	if (!vx_next(l, &t))
		return fail(l, after(&t), "%s", kind == VX_SK_IP ?
			    "expected an IP protocol number" : "expected a port or port range");
	tok_copy(word, sizeof(word), &t);
	if (kind == VX_SK_IP) {
		if (vx_number(t.s, t.len, 255, &lo) || lo == 0)
			return fail(l, t.col, "IP protocol must be 1..255, not '%s'", word);
		if (lo == 6 || lo == 17)
			return fail(l, t.col, "IP protocol %s is TCP or UDP: name ports with "
				    "a tcp or udp signature", word);
		hi = lo;
	} else {
		dash = memchr(t.s, '-', t.len);
		if (vx_number(t.s, dash ? (size_t)(dash - t.s) : t.len, 99999, &lo) ||
		    (dash && vx_number(dash + 1, t.len - (size_t)(dash - t.s) - 1, 99999, &hi)))
			return fail(l, t.col, "'%s' is not a port or PORT-PORT range", word);
		if (!dash)
			hi = lo;
		if (lo == 0 || hi == 0 || lo > 65535 || hi > 65535)
			return fail(l, t.col, "port out of range in '%s' (1..65535)", word);
		if (lo > hi)
			return fail(l, t.col, "reversed port range '%s'", word);
	}
	e.lo = (__u16)lo;
	e.hi = (__u16)hi;
	if (vx_next(l, &t)) {
		int st = -1;

		for (int i = 0; i < VX_NSS; i++)
			if (tok_is(&t, vx_sig_state_names[i]))
				st = i;
		tok_copy(word, sizeof(word), &t);
		if (st < 0)
			return fail(l, t.col, "unexpected '%s' (enable, disable or remove)", word);
		e.state = (__u8)st;
		if (vx_next(l, &t)) {
			tok_copy(word, sizeof(word), &t);
			return fail(l, t.col, "unexpected '%s' at the end of the signature", word);
		}
	}
	if (vx_policy_sig_edit(pol, &e, msg, sizeof(msg)))
		return fail(l, kw->col, "%s", msg);
	return 0;
}

/* heuristic NAME on|off */
static int vx_line_heuristic(struct vx_policy *pol, struct vx_line *l,
			     const struct vx_tok *kw)
{
	struct vx_tok t, name;
	char word[64], msg[256];
	int idx;
	bool on;

	if (!vx_next(l, &name))
		return fail(l, after(kw), "%s", "expected a heuristic after 'heuristic' "
			    "(openvpn-obfuscated)");
	tok_copy(word, sizeof(word), &name);
	idx = name.len < sizeof(word) ? vx_heur_parse(word) : -1;
	if (idx < 0)
		return fail(l, name.col, "unknown heuristic '%s' (openvpn-obfuscated)", word);
	if (!vx_next(l, &t))
		return fail(l, after(&name), "expected on or off after '%s'", word);
	tok_copy(word, sizeof(word), &t);
	if (!tok_is(&t, "on") && !tok_is(&t, "off"))
		return fail(l, t.col, "unexpected '%s' (on or off)", word);
	on = tok_is(&t, "on");
	if (vx_next(l, &t)) {
		tok_copy(word, sizeof(word), &t);
		return fail(l, t.col, "unexpected '%s' at the end of the heuristic", word);
	}
	if (vx_policy_heuristic(pol, idx, on, l->lineno, msg, sizeof(msg)))
		return fail(l, kw->col, "%s", msg);
	return 0;
}

/* from PREFIX[, PREFIX...]: a comma between prefixes, none after the last. */
static int vx_clause_from(struct vx_policy *pol, struct vx_line *l,
			  struct vx_ruledef *r, const struct vx_tok *kw,
			  struct vx_tok *t, bool *more)
{
	char word[96], msg[256];
	struct vx_prefix p;
	struct vx_tok prev = *kw;

	*more = false;
	for (;;) {
		if (!vx_next(l, t) || tok_is(t, ","))
			return fail(l, t->len ? t->col : after(&prev), "expected a prefix after '%s'",
				    tok_is(&prev, ",") ? "," : "from");
		tok_copy(word, sizeof(word), t);
		if (t->len >= sizeof(word) || vx_prefix_parse(word, &p, msg, sizeof(msg)))
			return fail(l, t->col, "%s", t->len >= sizeof(word) ?
				    "prefix too long" : msg);
		if (vx_rule_add_prefix(pol, r, &p, msg, sizeof(msg)))
			return fail(l, t->col, "%s", msg);
		prev = *t;
		if (!vx_next(l, t))
			return 0;
		if (!tok_is(t, ",")) {
			*more = true; /* the next clause's keyword is in *t */
			return 0;
		}
		prev = *t;
	}
}

/* rate N/s [burst M] */
static int vx_clause_rate(struct vx_line *l, struct vx_ruledef *r,
			  const struct vx_tok *kw, struct vx_tok *t, bool *more)
{
	char word[64];
	unsigned long v;

	*more = false;
	if (!vx_next(l, t))
		return fail(l, after(kw), "%s", "expected a rate like 200/s after 'rate'");
	tok_copy(word, sizeof(word), t);
	if (t->len < 3 || memcmp(t->s + t->len - 2, "/s", 2) != 0 ||
	    vx_number(t->s, t->len - 2, VX_MAX_RATE, &v))
		return fail(l, t->col, "bad rate '%s' (packets per second, like 200/s, "
			    "at most 1000000000/s)", word);
	if (v == 0)
		return fail(l, t->col, "rate '%s' must be at least 1/s", word);
	r->rate = (__u32)v;
	if (!vx_next(l, t))
		return 0;
	if (!tok_is(t, "burst")) {
		*more = true;
		return 0;
	}
	if (!vx_next(l, t))
		return fail(l, after(t), "%s", "expected a packet count after 'burst'");
	tok_copy(word, sizeof(word), t);
	if (vx_number(t->s, t->len, VX_MAX_RATE, &v) || v == 0)
		return fail(l, t->col, "bad burst '%s' (1..1000000000 packets)", word);
	r->burst = (__u32)v;
	*more = vx_next(l, t);
	return 0;
}

/* CLASS ACTION [from ...] [rate ...] | CLASS disable */
static int vx_line_rule(struct vx_policy *pol, struct vx_line *l,
			const struct vx_tok *first)
{
	struct vx_ruledef r = { .where = l->lineno };
	bool seen_from = false, seen_rate = false, more;
	struct vx_tok t, kw;
	char word[64], msg[256];
	int cls, act;

	cls = vx_class_tok(l, first);
	if (cls < 0)
		return -1;
	tok_copy(word, sizeof(word), first);
	if (!vx_next(l, &t))
		return fail(l, after(first),
			    "expected an action after '%s' (count, pass, drop or disable)", word);
	if (tok_is(&t, "disable")) {
		if (vx_next(l, &t)) {
			tok_copy(word, sizeof(word), &t);
			return fail(l, t.col, "unexpected '%s' after 'disable'", word);
		}
		if (vx_policy_class_disable(pol, cls, l->lineno, msg, sizeof(msg)))
			return fail(l, first->col, "%s", msg);
		return 0;
	}
	tok_copy(word, sizeof(word), &t);
	act = t.len < sizeof(word) ? vx_action_parse(word) : -1;
	if (act < 0)
		return fail(l, t.col, "unknown action '%s' (count, pass, drop or disable)", word);
	r.action = (__u8)act;
	more = vx_next(l, &t);
	while (more) {
		kw = t;
		if (tok_is(&kw, "from") && !seen_from) {
			seen_from = true;
			if (vx_clause_from(pol, l, &r, &kw, &t, &more))
				goto bad;
		} else if (tok_is(&kw, "rate") && !seen_rate) {
			seen_rate = true;
			if (vx_clause_rate(l, &r, &kw, &t, &more))
				goto bad;
		} else {
			tok_copy(word, sizeof(word), &kw);
			fail(l, kw.col, tok_is(&kw, "from") || tok_is(&kw, "rate") ?
			     "'%s' given twice" : "unexpected '%s' after the action (from or rate)", word);
			goto bad;
		}
	}
	if (vx_policy_add_rule(pol, cls, &r, msg, sizeof(msg)))
		return fail(l, first->col, "%s", msg);
	return 0;
bad:
	pol->nprefixes -= r.npfx;
	vx_ruledef_free(&r);
	return -1;
}

int vx_policy_parse_text(struct vx_policy *pol, const char *buf, size_t len,
			 const char *fname, struct vx_diag *d)
{
	const char *p = buf, *end = buf + len;
	int lineno = 0;
	long bad;

	memset(d, 0, sizeof(*d));
	snprintf(d->file, sizeof(d->file), "%s", fname);

	bad = vx_utf8_bad((const unsigned char *)buf, len);
	if (bad >= 0) {
		int line = 1, col = 1;

		for (long i = 0; i < bad; i++) {
			if (buf[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		diag(d, line, col, "%s", buf[bad] ? "not valid UTF-8 text"
						  : "NUL byte in text");
		return -1;
	}

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct vx_line l = { .s = p, .d = d };
		struct vx_tok t;
		int ret;

		l.len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		l.lineno = ++lineno;
		p += l.len + (nl ? 1 : 0);
		/* A text file ends with a newline; one that does not was most
		 * likely cut short in transfer, and its last line may be a
		 * shortened prefix list that would still parse. */
		if (!nl) {
			diag(d, lineno, (int)l.len + 1, "%s",
			     "no newline at the end of the file (truncated?)");
			return -1;
		}
		if (!vx_next(&l, &t))
			continue;
		if (tok_is(&t, "signature"))
			ret = vx_line_signature(pol, &l, &t);
		else if (tok_is(&t, "heuristic"))
			ret = vx_line_heuristic(pol, &l, &t);
		else
			ret = vx_line_rule(pol, &l, &t);
		if (ret)
			return -1;
	}
	return 0;
}

static void vx_print_rule(FILE *f, int cls, const struct vx_ruledef *r)
{
	char buf[64];

	fprintf(f, "%s %s", vx_class_name((unsigned int)cls), vx_action_names[r->action]);
	for (size_t k = 0; k < r->npfx; k++) {
		vx_prefix_format(&r->pfx[k], buf, sizeof(buf));
		fprintf(f, "%s%s", k ? ", " : " from ", buf);
	}
	if (r->rate)
		fprintf(f, " rate %u/s burst %u", r->rate, r->burst);
	fputc('\n', f);
}

int vx_policy_to_text(const struct vx_policy *pol, __u32 generation, FILE *f)
{
	size_t *order = vx_policy_edit_order(pol);

	if (!order && pol->nedits)
		return -ENOMEM;
	if (generation)
		fprintf(f, "# vpnxdp policy, generation %u\n", generation);
	for (int c = 0; c < VX_MAX_CLASS; c++) {
		const struct vx_classdef *cd = &pol->cls[c];

		if (cd->disabled)
			fprintf(f, "%s disable\n", vx_class_name((unsigned int)c));
		for (unsigned int i = 0; i < cd->nrules; i++)
			vx_print_rule(f, c, &cd->rules[i]);
	}
	/* off is the default: only what is on is said */
	for (int i = 0; i < VX_NHEUR; i++)
		if (pol->heur & (1u << i))
			fprintf(f, "heuristic %s on\n", vx_heur_names[i]);
	for (size_t k = 0; k < pol->nedits; k++) {
		const struct vx_sigedit *e = &pol->edits[order[k]];

		fprintf(f, "signature %s %s %u", vx_class_name(e->cls),
			vx_sig_kind_names[e->kind], e->lo);
		if (e->kind != VX_SK_IP && e->hi != e->lo)
			fprintf(f, "-%u", e->hi);
		if (e->state != VX_SS_ENABLE)
			fprintf(f, " %s", vx_sig_state_names[e->state]);
		fputc('\n', f);
	}
	free(order);
	return ferror(f) ? -EIO : 0;
}
