// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp's XDP program: classify every frame as a VPN protocol (or other),
 * count it per class, and pass or drop it by the rules of the live policy
 * slot (bpf/vpnxdp_policy.bpf.h).  The classifier itself is in
 * headers/vpnxdp_classify.h, shared with userspace; this file owns the maps
 * and the verdict.  The common frame is judged inline by the fast path
 * (bpf/vpnxdp_fast.bpf.h); the rest by vx_slow() and vx_verdict(), global
 * functions the verifier checks once each.
 *
 * Fail open: anything that is not a VPN class (other, fragment, malformed,
 * a missing map entry) is passed.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdp/xdp_helpers.h>

#include "vpnxdp_common.h"
#include "vpnxdp_policy.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VX_SIG_ENTRIES);
	__type(key, __u32);
	__type(value, struct vx_sig);
} vx_sigs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VX_PROTO_ENTRIES);
	__type(key, __u32);
	__type(value, __u8);
} vx_protos SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vx_config);
} vx_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VX_MAX_CLASS);
	__type(key, __u32);
	__type(value, struct vx_counters);
} vx_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vx_meta);
} vx_meta SEC(".maps");

/* Flow and fragment caches (vpnxdp_common.h).  vx_flows' size is set at
 * attach (bpf_map__set_max_entries) from --flows. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VX_FLOWS_DEFAULT);
	__type(key, struct vx_flow_key);
	__type(value, struct vx_flow_val);
} vx_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	/* one word more: VX_FLOWBITS_EP (vx_ep_any) */
	__uint(max_entries, VX_FLOWBITS_WORDS + 1);
	__type(key, __u32);
	__type(value, __u64);
} vx_flowbits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VX_FRAGS_MAX);
	__type(key, struct vx_frag_key);
	__type(value, struct vx_flow_val);
} vx_frags SEC(".maps");

/* The BPF side finds its tables through the maps above; the context is
 * for the payload stage, which re-derives the packet from it. */
struct vx_env {
	struct xdp_md *ctx;
	__u8 new_flow; /* vx_fc_update added a flow the cache did not hold */
};

static __always_inline const struct vx_sig *vx_sig_lookup(struct vx_env *env,
							   __u32 index)
{
	return bpf_map_lookup_elem(&vx_sigs, &index);
}

static __always_inline const __u8 *vx_proto_lookup(struct vx_env *env,
						    __u32 index)
{
	return bpf_map_lookup_elem(&vx_protos, &index);
}

/* The flow cache behind its Bloom filter (vx_flowbits): most packets
 * belong to no cached flow and stop at one array load. */
static __always_inline int vx_fc_maybe(struct vx_env *env, __u32 h)
{
	__u32 w = (h >> 6) % VX_FLOWBITS_WORDS;
	__u64 *bits = bpf_map_lookup_elem(&vx_flowbits, &w);

	return bits && (*bits & (1ULL << (h & 63)));
}

/* Past the filter's words, which are indexed modulo VX_FLOWBITS_WORDS: a
 * flag set once an endpoint has been learned (bits are never cleared). */
#define VX_FLOWBITS_EP VX_FLOWBITS_WORDS

static __always_inline int vx_ep_any(struct vx_env *env)
{
	__u32 w = VX_FLOWBITS_EP;
	__u64 *f = bpf_map_lookup_elem(&vx_flowbits, &w);

	return f && *f;
}

static __always_inline void vx_ep_mark(struct vx_env *env)
{
	__u32 w = VX_FLOWBITS_EP;
	__u64 *f = bpf_map_lookup_elem(&vx_flowbits, &w);

	if (f && !*f)
		*f = 1;
}

static __always_inline const struct vx_flow_val *
vx_fc_lookup(struct vx_env *env, const struct vx_flow_key *k)
{
	return bpf_map_lookup_elem(&vx_flows, k);
}

static __always_inline void vx_fc_update(struct vx_env *env,
					 const struct vx_flow_key *k, __u32 h,
					 const struct vx_flow_val *v)
{
	__u32 w = (h >> 6) % VX_FLOWBITS_WORDS;
	__u64 *bits = bpf_map_lookup_elem(&vx_flowbits, &w);

	/* the bit first: a reader that finds the entry must find the bit */
	if (bits)
		__sync_fetch_and_or(bits, 1ULL << (h & 63));
	/* Insert-only first: a flow the cache did not hold is a newly seen
	 * VPN flow, which `vpnxdp events` reports (endpoint entries are not
	 * flows).  Otherwise the class changed: overwrite. */
	if (bpf_map_update_elem(&vx_flows, k, v, BPF_NOEXIST) == 0) {
		if (k->kind == VX_FK_FLOW)
			env->new_flow = 1;
		return;
	}
	bpf_map_update_elem(&vx_flows, k, v, BPF_ANY);
}

/* Fragments share vx_flowbits with the flows: a first fragment sets the
 * bit of its reassembly key, and a later fragment whose bit is clear skips
 * the vx_frags LRU lookup, which could only miss.  A frag bit in the flow
 * filter (or a flow bit here) only costs a lookup that misses, never a
 * different answer. */
/* @a and @b: each address's words xor-ed (an IPv4 address is word 0, so
 * the fast path passes the addresses as they are) */
static __always_inline __u32 vx_frag_hash_words(__u32 a, __u32 b, __u32 id,
					       __u8 proto)
{
	return vx_flow_hash2(a * 0x85ebca6bu, (b ^ id) * 0xc2b2ae35u,
			     proto ^ 0x80);
}

static __always_inline __u32 vx_frag_hash(const struct vx_frag_key *k)
{
	return vx_frag_hash_words(k->saddr[0] ^ k->saddr[1] ^ k->saddr[2] ^ k->saddr[3],
				  k->daddr[0] ^ k->daddr[1] ^ k->daddr[2] ^ k->daddr[3],
				  k->id, k->proto);
}

static __always_inline const struct vx_flow_val *
vx_frag_lookup(struct vx_env *env, const struct vx_frag_key *k)
{
	if (!vx_fc_maybe(env, vx_frag_hash(k)))
		return 0;
	return bpf_map_lookup_elem(&vx_frags, k);
}

/* A global function, verified once on its own: inlined, the hash and the
 * bit would be verified again on every path that reaches the end of
 * vx_classify(), which takes the program past the verifier's limits. */
__noinline int vx_frag_store(const struct vx_frag_key *k, __u32 cls_conf)
{
	struct vx_flow_val v = {};
	__u32 h, w;
	__u64 *bits;

	if (!k)
		return 0;
	h = vx_frag_hash(k);
	w = (h >> 6) % VX_FLOWBITS_WORDS;
	bits = bpf_map_lookup_elem(&vx_flowbits, &w);
	/* the bit first: a reader that finds the entry must find the bit */
	if (bits)
		__sync_fetch_and_or(bits, 1ULL << (h & 63));
	v.cls = cls_conf & 0xff;
	v.conf = cls_conf >> 8;
	return bpf_map_update_elem(&vx_frags, k, &v, BPF_ANY);
}

static __always_inline void vx_frag_update(struct vx_env *env,
					   const struct vx_frag_key *k,
					   const struct vx_flow_val *v)
{
	vx_frag_store(k, v->cls | (__u32)v->conf << 8);
}

#include "vpnxdp_payload.h"

/*
 * The payload stage as a global function: the verifier checks a global
 * function once, on its own, with its arguments unknown, instead of once
 * for every path through the parser that reaches it (VLANs, IP versions,
 * options, extension headers), which is what keeps the program well inside
 * the verifier's limits.  It gets the payload as an offset into the frame
 * and rebuilds the pointer from the context.
 */
__noinline int vx_payload_global(struct xdp_md *ctx, __u32 off, __u32 len,
				 __u32 l4proto, __u32 sig)
{
	const void *data = (void *)(long)ctx->data;
	const void *data_end = (void *)(long)ctx->data_end;
	struct vx_pkt q = {};

	if (off > VX_MAX_PAYLOAD_OFF)
		return VX_C_OTHER;
	q.payload = (const __u8 *)data + vx_clamp(off, VX_MAX_PAYLOAD_OFF);
	q.payload_len = vx_clamp(len, 0xffff);
	q.l4proto = (__u8)l4proto;
	return (int)vx_payload_stage(&q, data_end, sig);
}

static __always_inline __u32 vx_payload_run(struct vx_env *env,
					    const struct vx_pkt *p,
					    const void *data,
					    const void *data_end, __u32 sig)
{
	return (__u32)vx_payload_global(env->ctx,
					(__u32)(p->payload - (const __u8 *)data),
					p->payload_len, p->l4proto, sig);
}

#include "vpnxdp_classify.h"
#include "vpnxdp_rates_bpf.h"

/* Count a packet of class @cls seen with confidence @conf, which action
 * @act (enum vx_action) took for @reason; @judged: a policy slot judged it
 * (a VPN class, not disabled), counted in @slot's verdicts even when the
 * action is `pass`, which leaves the other counters alone. */
static __always_inline void vx_count(__u32 cls, __u32 conf, __u64 len,
				     __u32 slot, __u8 act, __u8 reason,
				     bool judged)
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

/*
 * Judge, count and report a classified packet; returns the XDP action.
 *
 * A global function, verified once with its arguments unknown: the
 * classifier reaches its verdict on hundreds of paths (each parse path
 * times each class and confidence), and inlined, the rules walk, the
 * counters and the events were verified again on every one of them, which
 * took the program to nine tenths of the verifier's limit.  The fast path
 * (vpnxdp_fast.bpf.h) judges the common cases inline and calls this only
 * for rules, drops and new flows.
 * @info: class | confidence << 8 | slot << 16 | new flow << 24.
 */
__noinline int vx_verdict(struct xdp_md *ctx, const struct vx_pkt *p,
			  __u32 info)
{
	struct vx_judgement j = { VX_ACT_COUNT, VX_R_NONE };
	__u32 cls = info & 0xff, conf = (info >> 8) & 0xff;
	__u32 slot = (info >> 16) & 1;

	if (!ctx || !p)
		return XDP_PASS;
	if (VX_CLASS_IS_VPN(cls))
		j = vx_policy_judge(p, slot, &cls);
	vx_count(cls, conf, ctx->data_end - ctx->data, slot, j.action, j.reason,
		 VX_CLASS_IS_VPN(cls));
	if (j.action == VX_ACT_PASS)
		return XDP_PASS;
	if (j.action == VX_ACT_DROP) {
		vx_event_emit(ctx, p, VX_EV_INFO(VX_EV_DROP, cls, conf,
						    j.reason ? j.reason : VX_R_RULE));
		return XDP_DROP;
	}
	if (info >> 24)
		vx_event_emit(ctx, p, VX_EV_INFO(VX_EV_NEW_FLOW, cls, conf,
						    VX_R_NONE));
	return XDP_PASS;
}

/*
 * The general path, for whatever the fast path leaves: every parse path,
 * the caches, the payload stage.  A global function, verified once.
 * Returns class | confidence << 8 | new flow << 24, and what the parser
 * found in @out (its scalars: the packet pointers stay here) for
 * vx_verdict().  vx_verdict() is called by the XDP program, not from here:
 * nested under this function's stack it would pass the BPF stack limit.
 */
__noinline __u32 vx_slow(struct xdp_md *ctx, struct vx_pkt *out, __u32 slot)
{
	struct vx_env env = { ctx };
	struct vx_pkt p = {};
	struct vx_verdict v;

	if (!ctx || !out)
		return VX_C_OTHER | (__u32)VX_CONF_PORT << 8;
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
	__builtin_memcpy(out->saddr, p.saddr, sizeof(p.saddr));
	__builtin_memcpy(out->daddr, p.daddr, sizeof(p.daddr));
	out->frag_id = p.frag_id;
	return v.cls | (__u32)v.conf << 8 | (__u32)env.new_flow << 24;
}

#include "vpnxdp_fast.bpf.h"

/* Under the libxdp dispatcher, XDP_PASS hands the frame to the next program. */
struct {
	__uint(priority, 20);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(vpnxdp_xdp);

SEC("xdp")
int vpnxdp_xdp(struct xdp_md *ctx)
{
	struct vx_fast f = {};
	struct vx_pkt p;
	struct vx_config *cfg;
	__u32 zero = 0, slot, cls, conf, idx;
	__u8 act = VX_ACT_COUNT;
	bool judged = false;
	int r;

	/* Before this packet is counted: close this CPU's rate interval if
	 * it has ended (vpnxdp_rates_bpf.h). */
	vx_rates_tick();

	cfg = bpf_map_lookup_elem(&vx_config, &zero);
	if (!cfg)
		return XDP_PASS;
	/* Read the live slot once (volatile: the compiler may not load it
	 * again later): this packet is judged by that policy. */
	slot = *(volatile __u32 *)&cfg->slot & 1;

	r = vx_fast_classify(ctx, slot, &f, &p);
	if (r == VX_FAST_SLOW) {
		__builtin_memset(&p, 0, sizeof(p));
		return vx_verdict(ctx, &p, vx_slow(ctx, &p, slot) | slot << 16);
	}
	cls = r & 0xff;
	conf = (r >> 8) & 0xff;
	if (VX_CLASS_IS_VPN(cls)) {
		/* vx_policy_judge() where the first rule decides alone (no
		 * class rules, or a first rule with no source and no rate
		 * limit: `wireguard drop`); the rest is vx_verdict()'s */
		const struct vx_class_rules *cr;

		idx = vx_rules_index(slot, cls);
		cr = bpf_map_lookup_elem(&vx_rules, &idx);
		if (cr && (cr->flags & VX_CLS_DISABLED)) {
			cls = VX_C_OTHER;
		} else {
			if (cr && cr->nrules) {
				if (cr->rule[0].flags & (VX_RULE_FROM | VX_RULE_RATE)) {
					vx_fast_fill(&p, &f, (void *)(long)ctx->data_end);
					return vx_verdict(ctx, &p, cls | conf << 8 | slot << 16);
				}
				act = cr->rule[0].action;
			}
			judged = true;
		}
	}
	vx_count(cls, conf, f.len, slot, act, VX_R_RULE, judged);
	if (act == VX_ACT_DROP) {
		if (!vx_ev_shut()) {
			vx_fast_fill(&p, &f, (void *)(long)ctx->data_end);
			vx_event_emit(ctx, &p, VX_EV_INFO(VX_EV_DROP, cls, conf, VX_R_RULE));
		}
		return XDP_DROP;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
