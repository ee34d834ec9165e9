// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp's XDP program: classify every frame as a VPN protocol (or other),
 * count it per class, and pass or drop it by the rules of the live policy
 * slot.  This file is the entry point alone; the parts, each in a file of
 * its own:
 *
 *   maps.bpf.h       every map, pinned by name, and the load-time constants
 *   fast.bpf.h       the common frame, parsed and classified inline
 *   slow.bpf.h       everything else: the shared classifier
 *                    (headers/vpnxdp_classify.h) as a global function
 *   hooks.bpf.h      the classifier bound to the maps
 *   verdict.bpf.h    policy rules, counters, vx_verdict()
 *   telemetry.bpf.h  rate records and events (ring buffers)
 *
 * Fail open: anything that is not a VPN class (other, fragment, malformed,
 * a missing map entry) is passed.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdp/xdp_helpers.h>

#include "vpnxdp_common.h"
#include "vpnxdp_result.h"
#include "maps.bpf.h"
#include "fast.bpf.h"
#include "slow.bpf.h"
#include "telemetry.bpf.h"
#include "verdict.bpf.h"

/* Under the libxdp dispatcher, XDP_PASS hands the frame to the next program. */
struct {
	__uint(priority, 20);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(vpnxdp_xdp);

SEC("xdp")
int vpnxdp_xdp(struct xdp_md *ctx)
{
	const struct vx_class_rules *cr;
	struct vx_fast f = {};
	struct vx_pkt p;
	struct vx_config *cfg;
	__u32 zero = 0, slot, heur, norules, cls, conf;
	__u8 act = VX_ACT_COUNT;
	int r;

	/* Before this packet is counted: close this CPU's rate interval if
	 * it has ended (telemetry.bpf.h). */
	vx_rates_tick();

	cfg = bpf_map_lookup_elem(&vx_config, &zero);
	if (!cfg)
		return XDP_PASS;
	/* Read the live slot once (volatile: the compiler may not load it
	 * again later): this packet is judged by that policy. */
	slot = *(volatile __u32 *)&cfg->slot & 1;
	/* the live slot's heuristics (policy never writes a live slot's) */
	heur = cfg->heur[slot];
	norules = cfg->norules[slot];

	r = vx_fast_classify(ctx, slot, heur, &f, &p);
	if (r == VX_FAST_SLOW) {
		bpf_tail_call(ctx, &vx_tail, 0);
		return XDP_PASS; /* fail open: the loader fills the table */
	}
	cls = vx_res_cls((vx_res_t)r);
	conf = vx_res_conf((vx_res_t)r);
	if (!VX_CLASS_IS_VPN(cls)) {
		/* most frames: no policy to ask, nothing to drop */
		vx_count_other(cls, f.len);
		return XDP_PASS;
	}
	/* a flow its evidence identified just now: vx_verdict() reports it */
	if (r & VX_RES_NEW_FLOW) {
		vx_fast_fill(&p, &f, (void *)(long)ctx->data_end);
		return vx_verdict(ctx, &p, (vx_res_t)r, slot);
	}
	/* vx_policy_judge() inline where the first rule decides alone (no
	 * rules, or `wireguard drop`); the rest is vx_verdict()'s.  A slot
	 * without rules (the default policy) counts, vx_rules unread. */
	switch (norules ? VX_FIRST_DECIDED : vx_judge_first(slot, cls, &act, &cr)) {
	case VX_FIRST_OTHER: /* a disabled class: its packets are other */
		vx_count(VX_C_OTHER, conf, f.len, slot, VX_ACT_COUNT, VX_R_NONE,
			 false, VX_ENC_NONE);
		return XDP_PASS;
	case VX_FIRST_WALK:
		vx_fast_fill(&p, &f, (void *)(long)ctx->data_end);
		return vx_verdict(ctx, &p, (vx_res_t)r, slot);
	default:
		break;
	}
	/* one vx_count() per action: each inlined on its constants */
	if (act == VX_ACT_DROP) {
		vx_count(cls, conf, f.len, slot, VX_ACT_DROP, VX_R_RULE, true,
			 VX_ENC_NONE);
		if (!vx_ev_shut()) {
			vx_fast_fill(&p, &f, (void *)(long)ctx->data_end);
			vx_event_emit(ctx, &p, VX_EV_DROP, vx_res(cls, conf), VX_R_RULE);
		}
		return XDP_DROP;
	}
	vx_count(cls, conf, f.len, slot, act, VX_R_NONE, true, VX_ENC_NONE);
	return XDP_PASS;
}

/*
 * The general path, reached from vpnxdp_xdp() by a tail call (vx_tail) for
 * the frames the fast path leaves: on a stack of its own.  The live slot is
 * read again: the fast path judged nothing, so the frame is still judged by
 * one policy, the one live now.  Defined after vpnxdp_xdp(): libxdp takes
 * the object's first XDP program where it is given no name.
 */
SEC("xdp")
int vpnxdp_slow(struct xdp_md *ctx)
{
	struct vx_config *cfg;
	struct vx_pkt p = {};
	__u32 zero = 0, slot;
	vx_res_t r;

	cfg = bpf_map_lookup_elem(&vx_config, &zero);
	if (!cfg)
		return XDP_PASS;
	slot = *(volatile __u32 *)&cfg->slot & 1;
	r = vx_slow(ctx, &p, slot, cfg->heur[slot]);
	return vx_verdict(ctx, &p, r, slot);
}

char LICENSE[] SEC("license") = "GPL";
