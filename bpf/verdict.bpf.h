/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verdict: what the policy in force does with a classified packet, and
 * the counters that record it.  Per class an ordered rule list (first match
 * wins), source allow-lists in LPM tries, per-source rate limits.  Only VPN
 * classes are judged: traffic that is not VPN never pays for any of this.
 *
 * Cost is bounded: at most VX_MAX_RULES rules, each at most one LPM lookup
 * (depth bounded by the key length, not by the number of prefixes) and one
 * LRU hash lookup.
 */
#ifndef VPNXDP_VERDICT_BPF_H
#define VPNXDP_VERDICT_BPF_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "vpnxdp_common.h"
#include "vpnxdp_parse.h"
#include "vpnxdp_result.h"
#include "maps.bpf.h"
#include "hooks.bpf.h"
#include "telemetry.bpf.h"

struct vx_judgement {
	__u8 action; /* enum vx_action */
	__u8 reason; /* enum vx_reason */
};

/* Is the packet's source in the prefixes of rule @i of @cls in @slot? */
static __always_inline bool vx_from_match(const struct vx_pkt *p, __u32 slot,
					  __u32 cls, __u32 i, __u8 flags)
{
	void *trie;

	if (p->ipver == 4 && (flags & VX_RULE_FROM4)) {
		struct vx_pfx4_key k = {
			.prefixlen = VX_PFX_HDR_BITS + 32,
			.cls = (__u8)cls,
			.rule = (__u8)i,
		};

		trie = bpf_map_lookup_elem(&vx_pfx4, &slot);
		if (!trie)
			return false;
		__builtin_memcpy(k.addr, &p->saddr[0], 4);
		return bpf_map_lookup_elem(trie, &k) != NULL;
	}
	if (p->ipver == 6 && (flags & VX_RULE_FROM6)) {
		struct vx_pfx6_key k = {
			.prefixlen = VX_PFX_HDR_BITS + 128,
			.cls = (__u8)cls,
			.rule = (__u8)i,
		};

		trie = bpf_map_lookup_elem(&vx_pfx6, &slot);
		if (!trie)
			return false;
		__builtin_memcpy(k.addr, p->saddr, 16);
		return bpf_map_lookup_elem(trie, &k) != NULL;
	}
	return false;
}

/*
 * Token bucket per source in GCRA form: one u64 per source, the time at
 * which the source's bucket would be full again.  Updates from two CPUs may
 * race and admit a packet or two beyond the burst; that is the price of no
 * lock on the fast path.
 *
 * The clock is the coarse one (jiffies resolution, a few ms): reading it is a
 * load, where bpf_ktime_get_ns() costs ~30 ns under kvm-clock.  The bucket
 * then refills in steps of a tick, which changes nothing over a second and
 * leaves a burst exactly `burst` packets.
 */
static __always_inline bool vx_ratelimit_ok(const struct vx_pkt *p, __u32 cls,
					    const struct vx_rule *r)
{
	struct vx_ratelimit_key k = {};
	__u64 now = bpf_ktime_get_coarse_ns(), t, *tat;

	__builtin_memcpy(k.addr, p->saddr, 16);
	k.ipver = p->ipver;
	k.cls = (__u8)cls;
	k.bucket = r->bucket;
	tat = bpf_map_lookup_elem(&vx_ratelimit, &k);
	if (!tat) {
		t = now + r->interval;
		bpf_map_update_elem(&vx_ratelimit, &k, &t, BPF_ANY);
		return true;
	}
	t = *tat;
	if (t < now)
		t = now;
	/* Admit while the bucket, this packet included, holds at most
	 * `burst` packets' worth of time. */
	if (t + r->interval - now > r->tolerance)
		return false;
	*tat = t + r->interval;
	return true;
}

static __always_inline struct vx_judgement
vx_rules_walk(const struct vx_pkt *p, __u32 slot, __u32 cls,
	      const struct vx_class_rules *cr)
{
	struct vx_judgement j = { VX_ACT_COUNT, VX_R_NONE };
	bool missed = false;
	__u32 n = cr->nrules;

	for (__u32 i = 0; i < VX_MAX_RULES; i++) {
		const struct vx_rule *r;

		if (i >= n)
			break;
		r = &cr->rule[i];
		if ((r->flags & VX_RULE_FROM) &&
		    !vx_from_match(p, slot, cls, i, r->flags)) {
			missed = true;
			continue;
		}
		if ((r->flags & VX_RULE_RATE) && !vx_ratelimit_ok(p, cls, r)) {
			j.action = VX_ACT_DROP;
			j.reason = VX_R_RATE;
			return j;
		}
		j.action = r->action;
		/* A catch-all drop reached after allow-lists that did not
		 * match is the allow-list denying the source. */
		if (j.action == VX_ACT_DROP)
			j.reason = missed && !(r->flags & VX_RULE_FROM) ? VX_R_DENY
									: VX_R_RULE;
		return j;
	}
	/* No rule matched: counted and passed. */
	return j;
}

/* What vx_judge_first() found. */
enum vx_first {
	VX_FIRST_OTHER,   /* the class is disabled: its packets are "other" */
	VX_FIRST_DECIDED, /* no rules, or a first rule that matches every
			   * source without a rate limit: *act is the action */
	VX_FIRST_WALK,    /* the rules must be walked (vx_rules_walk()) */
};

/*
 * The policy's word on VPN class @cls in @slot as far as it can be had
 * without looking at the packet: the whole of it for most policies (`esp
 * drop`, or none), so that the XDP program's fast path judges inline.
 */
static __always_inline enum vx_first
vx_judge_first(__u32 slot, __u32 cls, __u8 *act,
	       const struct vx_class_rules **crp)
{
	__u32 idx = vx_rules_index(slot, cls);
	const struct vx_class_rules *cr = bpf_map_lookup_elem(&vx_rules, &idx);

	*crp = cr;
	*act = VX_ACT_COUNT;
	if (!cr)
		return VX_FIRST_DECIDED;
	if (cr->flags & VX_CLS_DISABLED)
		return VX_FIRST_OTHER;
	if (!cr->nrules)
		return VX_FIRST_DECIDED;
	if (cr->rule[0].flags & (VX_RULE_FROM | VX_RULE_RATE))
		return VX_FIRST_WALK;
	*act = cr->rule[0].action;
	return VX_FIRST_DECIDED;
}

/*
 * Judge a packet of VPN class *@cls by the policy in @slot.  A disabled class
 * turns the packet into "other" (*@cls is rewritten); a class still VPN
 * afterwards was judged, which the caller counts in its slot's
 * vx_counters.slot_verdict.
 */
static __always_inline struct vx_judgement
vx_policy_judge(const struct vx_pkt *p, __u32 slot, __u32 *cls)
{
	struct vx_judgement j = { VX_ACT_COUNT, VX_R_NONE };
	const struct vx_class_rules *cr;

	switch (vx_judge_first(slot, *cls, &j.action, &cr)) {
	case VX_FIRST_OTHER:
		*cls = VX_C_OTHER;
		break;
	case VX_FIRST_DECIDED:
		if (j.action == VX_ACT_DROP)
			j.reason = VX_R_RULE;
		break;
	default:
		if (cr)
			j = vx_rules_walk(p, slot, *cls, cr);
		break;
	}
	return j;
}

/* Count a packet of class @cls seen with confidence @conf, which action
 * @act (enum vx_action) took for @reason; @judged: a policy slot judged it
 * (a VPN class, not disabled), counted in @slot's verdicts even when the
 * action is `pass`, which leaves the other counters alone.  @encap: the
 * outermost enum vx_encap (VX_ENC_NONE, a constant on the fast path, costs
 * nothing). */
static __always_inline void vx_count(__u32 cls, __u32 conf, __u64 len,
				     __u32 slot, __u8 act, __u8 reason,
				     bool judged, __u32 encap)
{
	struct vx_counters *c = bpf_map_lookup_elem(&vx_counters, &cls);

	if (!c)
		return;
	if (judged)
		c->slot_verdict[slot & 1][act == VX_ACT_DROP]++;
	if (act == VX_ACT_PASS)
		return;
	c->packets++;
	c->bytes += len;
	if (conf < VX_NCONF)
		c->conf[conf]++;
	if (encap && encap < VX_NENC)
		c->encap[encap]++;
	if (act == VX_ACT_DROP) {
		c->dropped++;
		if (reason == VX_R_RATE)
			c->drop_rate++;
		else if (reason == VX_R_DENY)
			c->drop_deny++;
		else
			c->drop_rule++;
	}
}

/* vx_count() of a frame the fast path found not VPN (other, or a later
 * fragment: class rules never see them), by the constants that holds: the
 * action is count, no slot judged it, it came through no tunnel, and its
 * confidence is port (the fast path reports nothing else for them). */
static __always_inline void vx_count_other(__u32 cls, __u64 len)
{
	struct vx_counters *c = bpf_map_lookup_elem(&vx_counters, &cls);

	if (!c)
		return;
	c->packets++;
	c->bytes += len;
	c->conf[VX_CONF_PORT]++;
}

/*
 * Judge, count and report a classified packet; returns the XDP action.
 * @res: the classifier's result (VX_RES_NEW_FLOW: a flow seen for the
 * first time, reported as an event).
 *
 * A global function, verified once with its arguments unknown: the
 * classifier reaches its verdict on hundreds of paths (each parse path
 * times each class and confidence), and inlined, the rules walk, the
 * counters and the events were verified again on every one of them, which
 * took the program to nine tenths of the verifier's limit.  The fast path
 * (fast.bpf.h) judges the common cases inline and calls this only for
 * rules, drops and new flows.
 */
__noinline int vx_verdict(struct xdp_md *ctx, const struct vx_pkt *p,
			  vx_res_t res, __u32 slot)
{
	struct vx_judgement j = { VX_ACT_COUNT, VX_R_NONE };
	__u32 cls = vx_res_cls(res), conf = vx_res_conf(res);

	if (!ctx || !p)
		return XDP_PASS;
	slot &= 1;
	/* the classifier's result, before policy renames the class */
	vx_frag_store(p, res);
	if (VX_CLASS_IS_VPN(cls))
		j = vx_policy_judge(p, slot, &cls);
	vx_count(cls, conf, ctx->data_end - ctx->data, slot, j.action, j.reason,
		 VX_CLASS_IS_VPN(cls), p->encap);
	if (j.action == VX_ACT_PASS)
		return XDP_PASS;
	if (j.action == VX_ACT_DROP) {
		vx_event_emit(ctx, p, VX_EV_DROP, vx_res(cls, conf),
			      j.reason ? j.reason : VX_R_RULE);
		return XDP_DROP;
	}
	if (res & VX_RES_NEW_FLOW)
		vx_event_emit(ctx, p, VX_EV_NEW_FLOW, vx_res(cls, conf), VX_R_NONE);
	return XDP_PASS;
}

#endif /* VPNXDP_VERDICT_BPF_H */
