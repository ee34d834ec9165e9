/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy model: what an operator says (signatures and per-class
 * actions), the built-in defaults, and its compiled form, the exact contents
 * of one policy slot in the XDP program's maps.
 */
#ifndef VX_POLICY_H
#define VX_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "vpnxdp_common.h"

/* Transport of a signature: a UDP or TCP port range, or an IP protocol. */
enum vx_sig_kind {
	VX_SK_UDP = VX_L4_UDP,
	VX_SK_TCP = VX_L4_TCP,
	VX_SK_IP,
};

struct vx_sigdef {
	__u8 cls;       /* enum vx_class */
	__u8 kind;      /* enum vx_sig_kind */
	__u8 flags;     /* VX_SIG_* */
	bool enabled;   /* a disabled signature is known but matches nothing */
	__u16 lo, hi;   /* port range, or lo = IP protocol */
};

struct vx_policy {
	struct vx_sigdef *sigs;
	size_t nsigs, cap;
	__u8 actions[VX_MAX_CLASS]; /* enum vx_action per class */
};

/* Exactly what one slot of the maps holds. */
struct vx_compiled {
	struct vx_sig sigs[VX_NL4][VX_SIG_PORTS];
	__u8 protos[256];
	__u8 actions[VX_MAX_CLASS];
};

/* A parse error: where and why. */
struct vx_diag {
	char file[128];
	int line, col;
	char msg[256];
};

void vx_policy_init(struct vx_policy *pol);           /* defaults */
void vx_policy_free(struct vx_policy *pol);
int vx_policy_add_sig(struct vx_policy *pol, const struct vx_sigdef *sd);
void vx_policy_compile(const struct vx_policy *pol, struct vx_compiled *out);

/* Parse the text form in @buf (not NUL-terminated, @len bytes) on top of
 * @pol.  Returns 0, or -1 with @diag filled. */
int vx_policy_parse_text(struct vx_policy *pol, const char *buf, size_t len,
			 const char *fname, struct vx_diag *diag);

/* Read a whole file ("-" = standard input) into a malloc'd buffer. */
int vx_read_file(const char *path, char **buf, size_t *len, char *err,
		 size_t errlen);

void vx_diag_print(const struct vx_diag *d);

#endif
