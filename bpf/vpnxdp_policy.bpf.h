/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy half of the XDP program: per-class rule lists (first match
 * wins), source allow-lists in LPM tries, per-source rate limits.  Included
 * by vpnxdp.bpf.c, which calls vx_policy_judge() for VPN classes only: traffic
 * that is not VPN never pays for any of this.
 *
 * Cost is bounded: at most VX_MAX_RULES rules, each at most one LPM lookup
 * (depth bounded by the key length, not by the number of prefixes) and one
 * LRU hash lookup.
 */
#ifndef VPNXDP_POLICY_BPF_H
#define VPNXDP_POLICY_BPF_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "vpnxdp_common.h"
#include "vpnxdp_parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VX_RULES_ENTRIES);
	__type(key, __u32);
	__type(value, struct vx_class_rules);
} vx_rules SEC(".maps");

/* The inner map templates: userspace creates tries of exactly this shape.
 * Sizes rather than types: clang emits the key struct of an inner map
 * template as a BTF forward declaration, which libbpf cannot size. */
struct vx_pfx4_trie {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VX_MAX_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct vx_pfx4_key));
	__uint(value_size, 1);
};

struct vx_pfx6_trie {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VX_MAX_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct vx_pfx6_key));
	__uint(value_size, 1);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, VX_NSLOTS);
	__type(key, __u32);
	__array(values, struct vx_pfx4_trie);
} vx_pfx4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, VX_NSLOTS);
	__type(key, __u32);
	__array(values, struct vx_pfx6_trie);
} vx_pfx6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VX_RATE_SOURCES);
	__type(key, struct vx_rate_key);
	__type(value, __u64);
} vx_rate SEC(".maps");


struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VX_NSLOTS * VX_STORE_CHUNKS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__uint(value_size, VX_STORE_CHUNK);
} vx_store SEC(".maps");

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
static __always_inline bool vx_rate_ok(const struct vx_pkt *p, __u32 cls,
				       const struct vx_rule *r)
{
	struct vx_rate_key k = {};
	__u64 now = bpf_ktime_get_coarse_ns(), t, *tat;

	__builtin_memcpy(k.addr, p->saddr, 16);
	k.ipver = p->ipver;
	k.cls = (__u8)cls;
	k.bucket = r->bucket;
	tat = bpf_map_lookup_elem(&vx_rate, &k);
	if (!tat) {
		t = now + r->interval;
		bpf_map_update_elem(&vx_rate, &k, &t, BPF_ANY);
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
		if ((r->flags & VX_RULE_RATE) && !vx_rate_ok(p, cls, r)) {
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
	__u32 idx = vx_rules_index(slot, *cls);
	const struct vx_class_rules *cr = bpf_map_lookup_elem(&vx_rules, &idx);

	if (cr && (cr->flags & VX_CLS_DISABLED)) {
		*cls = VX_C_OTHER;
		return j;
	}
	if (cr)
		j = vx_rules_walk(p, slot, *cls, cr);
	return j;
}

#endif /* VPNXDP_POLICY_BPF_H */
