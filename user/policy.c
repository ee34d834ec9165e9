// SPDX-License-Identifier: GPL-2.0
/* The policy model, its defaults, and its compilation into slot contents. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/in.h>

#include "log.h"
#include "policy.h"

/*
 * Built-in signatures, from the protocols' registered ports (DESIGN.md).
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
	/* Beyond the seeds (DESIGN.md): each confirmed by its payload check;
	 * tinc's UDP data has nothing to check and counts by port only */
	{ VX_C_TAILSCALE, VX_SK_UDP, 0, true, 41641, 41641 },
	{ VX_C_ZEROTIER, VX_SK_UDP, 0, true, 9993, 9993 },
	{ VX_C_TINC, VX_SK_TCP, 0, true, 655, 655 },
	{ VX_C_TINC, VX_SK_UDP, 0, true, 655, 655 },
	/* GlobalProtect: ESP in UDP on a port of its own */
	{ VX_C_ESP, VX_SK_UDP, 0, true, 4501, 4501 },
};

void vx_policy_init(struct vx_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	for (size_t i = 0; i < sizeof(vx_default_sigs) / sizeof(vx_default_sigs[0]); i++)
		vx_policy_add_sig(pol, &vx_default_sigs[i]);
}

void vx_policy_free(struct vx_policy *pol)
{
	free(pol->sigs);
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

void vx_policy_compile(const struct vx_policy *pol, struct vx_compiled *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < pol->nsigs; i++) {
		const struct vx_sigdef *sd = &pol->sigs[i];

		if (!sd->enabled)
			continue;
		if (sd->kind == VX_SK_IP) {
			out->protos[sd->lo & 0xff] = sd->cls;
			continue;
		}
		for (unsigned int p = sd->lo; p <= sd->hi; p++) {
			out->sigs[sd->kind][p].cls = sd->cls;
			out->sigs[sd->kind][p].flags = sd->flags;
		}
	}
	memcpy(out->actions, pol->actions, sizeof(out->actions));
	/* Fail open, whatever the model says: non-VPN is never dropped. */
	out->actions[VX_C_OTHER] = VX_ACT_COUNT;
	out->actions[VX_C_FRAGMENT] = VX_ACT_COUNT;
}

int vx_read_file(const char *path, char **buf, size_t *len, char *err,
		 size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 4096, n = 0;
	char *b;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	b = malloc(cap);
	while (b) {
		size_t r = fread(b + n, 1, cap - n, f);

		n += r;
		if (n < cap)
			break;
		cap *= 2;
		char *nb = realloc(b, cap);
		if (!nb) {
			free(b);
			b = NULL;
		} else {
			b = nb;
		}
	}
	if (!b || ferror(f)) {
		snprintf(err, errlen, "%s: %s", path,
			 b ? "read error" : "out of memory");
		free(b);
		if (f != stdin)
			fclose(f);
		return -1;
	}
	if (f != stdin)
		fclose(f);
	*buf = b;
	*len = n;
	return 0;
}

void vx_diag_print(const struct vx_diag *d)
{
	if (d->line > 0)
		fprintf(stderr, "vpnxdp: %s:%d:%d: %s\n", d->file, d->line,
			d->col, d->msg);
	else
		fprintf(stderr, "vpnxdp: %s: %s\n", d->file, d->msg);
}
