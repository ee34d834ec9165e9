/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The classifier of headers/vpnxdp_classify.h built for userspace: its
 * signature tables are one compiled policy (struct vx_compiled) instead of
 * BPF maps.  Unit tests, the fuzzer and differential tests use this to check
 * the BPF program's verdicts against the same code run on the host.
 */
#ifndef VX_CLASSIFY_USER_H
#define VX_CLASSIFY_USER_H

#include "policy.h"

struct vx_env {
	const struct vx_compiled *pol;
};

/* The userspace tables hold one slot: the slot part of an index is dropped. */
static inline const struct vx_sig *vx_sig_lookup(struct vx_env *env, __u32 index)
{
	__u32 i = index % (VX_NL4 * VX_SIG_PORTS);

	return &env->pol->sigs[i / VX_SIG_PORTS][i % VX_SIG_PORTS];
}

static inline const __u8 *vx_proto_lookup(struct vx_env *env, __u32 index)
{
	return &env->pol->protos[index % 256];
}

#include "vpnxdp_classify.h"

#endif
