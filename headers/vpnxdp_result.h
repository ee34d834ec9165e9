/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A classification result in one 32-bit scalar: class, confidence and a few
 * flags.  BPF global functions take and return scalars only, so results
 * cross them packed; these helpers are the only code that knows the layout.
 *
 *   bits  0..7   class (enum vx_class)
 *   bits  8..15  confidence (enum vx_confidence)
 *   bits 16..    VX_RES_* flags
 *
 * struct vx_verdict is the same pair unpacked, for code that passes it
 * around by value.
 */
#ifndef VPNXDP_RESULT_H
#define VPNXDP_RESULT_H

#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

typedef __u32 vx_res_t;

struct vx_verdict {
	__u8 cls;  /* enum vx_class */
	__u8 conf; /* enum vx_confidence */
};

/* Every packet of this flow will be identified the way this one was (UDP
 * confirmed on a signature's port): the flow needs no memory. */
#define VX_RES_SELF (1u << 16)
/* The flow cache had nothing to say: go on as without it. */
#define VX_RES_MISS (1u << 17)
/* The flow must be written to the flow cache with this result. */
#define VX_RES_STORE (1u << 18)
/* The flow cache took a flow it did not hold: a newly seen VPN flow, which
 * the verdict reports as an event. */
#define VX_RES_NEW_FLOW (1u << 19)

/* The payload has a weak shape of the class (WireGuard data): a verdict
 * only on its flow's evidence, other until then (vx_weak_flow()). */
#define VX_RES_WEAK (1u << 20)

static __always_inline vx_res_t vx_res(__u32 cls, __u32 conf)
{
	return (cls & 0xff) | (conf & 0xff) << 8;
}

static __always_inline __u32 vx_res_cls(vx_res_t r)
{
	return r & 0xff;
}

static __always_inline __u32 vx_res_conf(vx_res_t r)
{
	return (r >> 8) & 0xff;
}

/* The class and confidence alone, flags cleared. */
static __always_inline vx_res_t vx_res_plain(vx_res_t r)
{
	return r & 0xffff;
}

static __always_inline vx_res_t vx_res_of(struct vx_verdict v)
{
	return vx_res(v.cls, v.conf);
}

static __always_inline struct vx_verdict vx_res_verdict(vx_res_t r)
{
	struct vx_verdict v = { (__u8)vx_res_cls(r), (__u8)vx_res_conf(r) };

	return v;
}

#endif /* VPNXDP_RESULT_H */
