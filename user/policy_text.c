// SPDX-License-Identifier: GPL-2.0
/*
 * The policy text format, vpnxdp-policy(5):
 *
 *     # comment
 *     CLASS ACTION        e.g. "pptp drop"
 *
 * One statement a line; '#' starts a comment anywhere; blank lines are fine.
 * Errors carry file:line:column.  The whole file is checked before the
 * caller changes anything.
 */
#include <stdio.h>
#include <string.h>

#include "vpnxdp_names.h"
#include "policy.h"

#define VX_MAX_TOKENS 16

struct vx_tok {
	const char *s;
	size_t len;
	int col;
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

static int vx_tokenize(const char *line, size_t len, struct vx_tok *t, int max)
{
	int n = 0;
	size_t i = 0;

	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i >= len || line[i] == '#')
			break;
		if (n == max)
			return -1;
		t[n].s = line + i;
		t[n].col = (int)i + 1;
		while (i < len && line[i] != ' ' && line[i] != '\t' &&
		       line[i] != '\r' && line[i] != '#')
			i++;
		t[n].len = (size_t)(line + i - t[n].s);
		n++;
	}
	return n;
}

static void tok_copy(char *dst, size_t dstlen, const struct vx_tok *t)
{
	size_t n = t->len < dstlen - 1 ? t->len : dstlen - 1;

	memcpy(dst, t->s, n);
	dst[n] = 0;
}

int vx_policy_parse_text(struct vx_policy *pol, const char *buf, size_t len,
			 const char *fname, struct vx_diag *d)
{
	int seen_line[VX_MAX_CLASS] = { 0 };
	__u8 actions[VX_MAX_CLASS];
	const char *p = buf, *end = buf + len;
	int lineno = 0;
	long bad;

	memset(d, 0, sizeof(*d));
	snprintf(d->file, sizeof(d->file), "%s", fname);
	memcpy(actions, pol->actions, sizeof(actions));

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
		size_t llen = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct vx_tok t[VX_MAX_TOKENS];
		char word[64];
		int n, cls, act;

		lineno++;
		n = vx_tokenize(p, llen, t, VX_MAX_TOKENS);
		p += llen + (nl ? 1 : 0);
		if (n == 0)
			continue;
		if (n < 0) {
			diag(d, lineno, 1, "%s", "too many words on one line");
			return -1;
		}
		tok_copy(word, sizeof(word), &t[0]);
		cls = vx_class_parse(word);
		if (cls < 0) {
			diag(d, lineno, t[0].col,
			     "unknown class '%s' (see vpnxdp-policy(5) for the list)",
			     word);
			return -1;
		}
		if (!VX_CLASS_IS_VPN(cls)) {
			diag(d, lineno, t[0].col,
			     "class '%s' takes no action: traffic that is not VPN is always passed",
			     word);
			return -1;
		}
		if (n < 2) {
			diag(d, lineno, t[0].col + (int)t[0].len,
			     "expected an action after '%s' (count, pass or drop)",
			     word);
			return -1;
		}
		tok_copy(word, sizeof(word), &t[1]);
		act = vx_action_parse(word);
		if (act < 0) {
			diag(d, lineno, t[1].col,
			     "unknown action '%s' (count, pass or drop)", word);
			return -1;
		}
		if (n > 2) {
			tok_copy(word, sizeof(word), &t[2]);
			diag(d, lineno, t[2].col, "unexpected '%s' after the action",
			     word);
			return -1;
		}
		if (seen_line[cls]) {
			char msg[64];

			snprintf(msg, sizeof(msg), "%s (first at line %d)",
				 vx_class_name((unsigned int)cls), seen_line[cls]);
			diag(d, lineno, t[0].col, "duplicate action for class %s", msg);
			return -1;
		}
		seen_line[cls] = lineno;
		actions[cls] = (__u8)act;
	}
	memcpy(pol->actions, actions, sizeof(actions));
	return 0;
}
