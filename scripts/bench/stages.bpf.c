// SPDX-License-Identifier: GPL-2.0
/*
 * Bench-only variants of vpnxdp's XDP program, each cut short at one stage,
 * for the ablation table of `make bench` (never shipped, never attached:
 * progbench runs them with BPF_PROG_TEST_RUN through --extra, sharing
 * vpnxdp's maps, so they see its policy).  Built once per stage from the
 * data path's own headers (bpf/, headers/):
 *
 *   -DVX_STAGE=1  parse: Ethernet, VLAN tags, the IP header and, for UDP
 *                 and TCP, the transport header and ports, at the fast
 *                 path's fixed offsets (vx_fast_l3, vx_fast_l4).  No map
 *                 lookup, except the fragment Bloom bit a later fragment
 *                 reads inside vx_fast_l3.
 *   -DVX_STAGE=2  parse + classify: the live slot read from vx_config,
 *                 vx_fast_classify() (signature lookups, payload checks,
 *                 the flow filter).  Where it defers, the frame goes to
 *                 vpnxdp's slow program by its tail call, as in vpnxdp:
 *                 for those kinds the stage costs what vpnxdp does.
 *
 * The full program (+ rate tick, verdict, counters) is vpnxdp itself.
 * What each stage found is stored to a global the program never reads, so
 * that the compiler keeps the work (a single store, about what returning
 * the answer costs).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "vpnxdp_common.h"
#include "vpnxdp_result.h"
#include "maps.bpf.h"
#include "fast.bpf.h"
#include "slow.bpf.h"

#ifndef VX_STAGE
#error "build with -DVX_STAGE=1 (parse) or 2 (parse + classify)"
#endif

/* in .data (initialised), so that the stage's .bss is laid out as
 * vpnxdp's, which progbench then gives it */
volatile __u32 vx_stage_sink = 1;

SEC("xdp")
int vx_stage(struct xdp_md *ctx)
{
	const __u8 *data = (const __u8 *)(long)ctx->data;
	const void *data_end = (void *)(long)ctx->data_end;
	struct vx_fast f = {};
	struct vx_pkt p;
	int r;
#if VX_STAGE == 1
	struct vx_env env = { ctx };
	struct vx_fast_at at;

	__builtin_memset(&p, 0, sizeof(p));
	r = vx_fast_l3(&env, &f, &at, data, data_end);
	if (r == VX_FAST_NEXT &&
	    (f.l4proto == IPPROTO_UDP || f.l4proto == IPPROTO_TCP)) {
		r = vx_fast_l4(&env, &f, &p, &at, data, data_end, 0);
		if (r == VX_FAST_NEXT && (const void *)(at.l4 + 4) <= data_end)
			r = (int)(((__u32)at.l4[0] << 24 | (__u32)at.l4[1] << 16 |
				   (__u32)at.l4[2] << 8 | at.l4[3]) ^ p.payload_len);
	}
#else
	struct vx_config *cfg;
	__u32 zero = 0, slot, heur;

	(void)data;
	(void)data_end;
	cfg = bpf_map_lookup_elem(&vx_config, &zero);
	if (!cfg)
		return XDP_PASS;
	slot = *(volatile __u32 *)&cfg->slot & 1;
	heur = cfg->heur[slot];
	r = vx_fast_classify(ctx, slot, heur, &f, &p);
	if (r == VX_FAST_SLOW) {
		/* as vpnxdp does: its slow program, verdict and all (called
		 * from here, vx_slow()'s frames would pass the stack limit) */
		bpf_tail_call(ctx, &vx_tail, 0);
		return XDP_PASS;
	}
#endif
	vx_stage_sink = (__u32)r ^ f.len;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
