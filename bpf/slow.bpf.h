/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The general path: the whole classifier (headers/vpnxdp_classify.h) on
 * whatever the fast path leaves: every parse path, the caches, the payload
 * stage.
 */
#ifndef VPNXDP_SLOW_BPF_H
#define VPNXDP_SLOW_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "vpnxdp_result.h"
#include "hooks.bpf.h"

/*
 * Classify @ctx with the policy in @slot (@heur: that slot's VX_HEUR_*).  Returns the result
 * (VX_RES_NEW_FLOW when the flow cache took a flow it did not hold), and
 * what the parser found in @out (its scalars: the packet pointers stay
 * here) for vx_verdict().  A global function, verified once.  vx_verdict()
 * is called by the XDP program, not from here: nested under this
 * function's stack it would pass the BPF stack limit.
 */
__noinline vx_res_t vx_slow(struct xdp_md *ctx, struct vx_pkt *out, __u32 slot,
			   __u32 heur)
{
	struct vx_env env = { ctx };
	struct vx_pkt p = {};
	struct vx_verdict v;

	if (!ctx || !out)
		return vx_res(VX_C_OTHER, VX_CONF_PORT);
	env.heur = (__u8)heur;
	v = vx_classify(&env, &p, (void *)(long)ctx->data,
			(void *)(long)ctx->data_end, slot & 1);
	out->l4 = 0;
	out->payload = 0;
	out->payload_len = p.payload_len;
	out->sport = p.sport;
	out->dport = p.dport;
	out->l4proto = p.l4proto;
	out->ipver = p.ipver;
	out->frag = p.frag;
	out->vlans = p.vlans;
	out->tcp_flags = p.tcp_flags;
	out->encap = p.encap;
	__builtin_memcpy(out->saddr, p.saddr, sizeof(p.saddr));
	__builtin_memcpy(out->daddr, p.daddr, sizeof(p.daddr));
	out->frag_id = p.frag_id;
	out->frag_off = p.frag_off;
	out->frag_len = p.frag_len;
	out->frag_l4 = p.frag_l4;
	out->frag_store = env.frag_store;
	out->frag_total = env.frag_total;
	return vx_res_of(v) | (env.new_flow ? VX_RES_NEW_FLOW : 0);
}

#endif /* VPNXDP_SLOW_BPF_H */
