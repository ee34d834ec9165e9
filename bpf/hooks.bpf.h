/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shared classifier (headers/vpnxdp_classify.h) bound to the XDP
 * program's maps: the hooks it asks its includer for (signature tables,
 * the flow and fragment caches behind their Bloom filter, how to run the
 * payload stage), then the classifier itself.  Userspace binds the same
 * classifier to plain memory (tests/lib/classify_user.h).
 */
#ifndef VPNXDP_HOOKS_BPF_H
#define VPNXDP_HOOKS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "vpnxdp_common.h"
#include "vpnxdp_payload.h"
#include "vpnxdp_heur.h"
#include "vpnxdp_tunnel.h"
#include "maps.bpf.h"

/* The BPF side finds its tables through the maps; the context is for the
 * payload stage, which re-derives the packet from it. */
struct vx_env {
	struct xdp_md *ctx;
	__u8 new_flow; /* vx_fc_update added a flow the cache did not hold */
	__u8 heur;     /* the live slot's VX_HEUR_* (vx_config.heur) */
	__u8 frag_store;   /* vx_frag_first_run(): the first fragment is to */
	__u32 frag_total;  /* be stored, of a datagram this long */
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

/* The Bloom filter's word of hash @h (VX_FLOWBITS_WORDS is a power of
 * two: the index is masked, which is the bound the verifier checks). */
static __always_inline __u64 *vx_bloom_word(__u32 h)
{
	return &vx_flowbits[(h >> 6) & (VX_FLOWBITS_WORDS - 1)];
}

/* Set @h's bit: before the entry it stands for is written, so that a
 * reader that finds the entry also finds the bit. */
static __always_inline void vx_bloom_set(__u32 h)
{
	__sync_fetch_and_or(vx_bloom_word(h), 1ULL << (h & 63));
}

/* The flow cache behind its Bloom filter (vx_flowbits): most packets
 * belong to no cached flow and stop at one load. */
static __always_inline int vx_fc_maybe(struct vx_env *env, __u32 h)
{
	return (*vx_bloom_word(h) >> (h & 63)) & 1;
}

/* Set once an endpoint has been learned (never cleared). */
static __always_inline int vx_ep_any(struct vx_env *env)
{
	return vx_ep_learned != 0;
}

static __always_inline void vx_ep_mark(struct vx_env *env)
{
	if (!vx_ep_learned)
		vx_ep_learned = 1;
}

static __always_inline struct vx_flow_front *vx_front_slot(__u32 fold)
{
	return &vx_flowfront[fold & (VX_FRONT_SLOTS - 1)];
}

/* Is the slot's key the one whose words are @w0..@w4?  Word by word, read
 * once each. */
static __always_inline int vx_front_same(const struct vx_flow_front *e,
					 __u64 w0, __u64 w1, __u64 w2, __u64 w3,
					 __u64 w4)
{
	const volatile __u64 *a = (const volatile __u64 *)&e->k;

	return a[0] == w0 && a[1] == w1 && a[2] == w2 && a[3] == w3 && a[4] == w4;
}

/* Write @v for @k through to the front, after vx_flows.  A reader on
 * another CPU may see the slot half written: the check word then does not
 * match what it read, and it asks vx_flows. */
static __always_inline void vx_front_put(const struct vx_flow_key *k,
					 const struct vx_flow_val *v)
{
	__u32 fold = vx_front_fold(k);
	struct vx_flow_front *e = vx_front_slot(fold);

	__builtin_memcpy(&e->k, k, sizeof(*k));
	__builtin_memcpy(&e->v, v, sizeof(*v));
	*(volatile __u32 *)&e->check = vx_front_check(fold, (const __u32 *)v);
}

/* The front slot of the key whose words are @w0..@w4 (inlined with
 * constants where the caller knows some: IPv4's words 1 and 3 are zero, so
 * the key need not be in memory), if it is trusted: its value copied to
 * @out, read from the slot once (so that no later read sees another
 * writer's bytes).  1 on such a hit, else 0. */
static __always_inline int vx_front_probe_w(__u64 w0, __u64 w1, __u64 w2,
					    __u64 w3, __u64 w4,
					    struct vx_flow_val *out)
{
	__u32 fold = vx_front_fold_w(w0, w1, w2, w3, w4);
	const struct vx_flow_front *e = vx_front_slot(fold);
	const volatile __u32 *v = (const volatile __u32 *)&e->v;
	__u32 *c = (__u32 *)out;

	if (!vx_front_same(e, w0, w1, w2, w3, w4))
		return 0;
	c[0] = v[0];
	c[1] = v[1];
	c[2] = v[2];
	return *(const volatile __u32 *)&e->check == vx_front_check(fold, c);
}

static __always_inline int vx_front_probe(const struct vx_flow_key *k,
					  struct vx_flow_val *out)
{
	const __u64 *w = (const __u64 *)k;

	return vx_front_probe_w(w[0], w[1], w[2], w[3], w[4], out);
}

/* The front first, into this CPU's vx_fvcopy; else vx_flows' own
 * entry. */
static __always_inline const struct vx_flow_val *
vx_fc_lookup(struct vx_env *env, const struct vx_flow_key *k)
{
	__u32 cpu = bpf_get_smp_processor_id();

	if (cpu < VX_FVCOPY_CPUS && vx_front_probe(k, &vx_fvcopy[cpu]))
		return &vx_fvcopy[cpu];
	return bpf_map_lookup_elem(&vx_flows, k);
}

static __always_inline void vx_fc_update(struct vx_env *env,
					 const struct vx_flow_key *k, __u32 h,
					 const struct vx_flow_val *v)
{
	vx_bloom_set(h);
	/* Insert-only first: a flow the cache did not hold is a newly seen
	 * VPN flow, which `vpnxdp events` reports (endpoint entries are not
	 * flows).  Otherwise the class changed: overwrite. */
	if (bpf_map_update_elem(&vx_flows, k, v, BPF_NOEXIST) == 0) {
		vx_front_put(k, v);
		if (k->kind == VX_FK_FLOW && VX_CLASS_IS_VPN(v->cls))
			env->new_flow = 1;
		return;
	}
	/* a candidate entry (a weak shape's evidence, class other) that now
	 * gets a class is a newly seen VPN flow too */
	if (k->kind == VX_FK_FLOW && VX_CLASS_IS_VPN(v->cls)) {
		const struct vx_flow_val *old = bpf_map_lookup_elem(&vx_flows, k);

		if (old && !VX_CLASS_IS_VPN(old->cls))
			env->new_flow = 1;
	}
	if (bpf_map_update_elem(&vx_flows, k, v, BPF_ANY) == 0)
		vx_front_put(k, v);
}

/* One map update where vx_fc_update() makes two: an insert-only attempt
 * on an LRU map takes a node from the free list before it finds the key
 * there, and gives it back. */
static __always_inline void vx_fc_replace(struct vx_env *env,
					  const struct vx_flow_key *k,
					  const struct vx_flow_val *v)
{
	if (bpf_map_update_elem(&vx_flows, k, v, BPF_ANY) == 0)
		vx_front_put(k, v);
}

/*
 * Fragments share vx_flowbits with the flows: a first fragment sets the
 * bit of its reassembly key, and a later fragment whose bit is clear skips
 * the vx_frags LRU lookup, which could only miss.  A frag bit in the flow
 * filter (or a flow bit here) only costs a lookup that misses, never a
 * different answer.
 * @a and @b: each address's words xor-ed (an IPv4 address is word 0, so
 * the fast path passes the addresses as they are).
 */
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

static __always_inline struct vx_frag_val *
vx_frag_lookup(struct vx_env *env, const struct vx_frag_key *k)
{
	if (!vx_fc_maybe(env, vx_frag_hash(k)))
		return 0;
	return bpf_map_lookup_elem(&vx_frags, k);
}

static __always_inline void vx_frag_update(struct vx_env *env,
					   const struct vx_frag_key *k,
					   const struct vx_frag_val *v)
{
	vx_bloom_set(vx_frag_hash(k));
	bpf_map_update_elem(&vx_frags, k, v, BPF_ANY);
}

static __always_inline __u64 vx_frag_now(struct vx_env *env)
{
	return bpf_ktime_get_ns();
}

/* The first fragment is recorded by vx_verdict() after vx_slow()
 * returns (vx_frag_store()), not from here: inlined, the lookup, the hash
 * and the bit would be verified again on every path that reaches the end
 * of vx_classify(), past the verifier's limits; as a global function
 * called from vx_slow() its frame would be the third of a chain the
 * verifier caps at 512 bytes of stack.  The key and what the fragment
 * carries are in the packet vx_slow() hands back; @res is what it
 * returns. */
static __always_inline void vx_frag_first_run(struct vx_env *env,
					      const struct vx_frag_key *k,
					      vx_res_t res, __u32 total,
					      __u32 here)
{
	env->frag_store = 1;
	env->frag_total = total;
}

/*
 * The payload stage as a global function: the verifier checks a global
 * function once, on its own, with its arguments unknown, instead of once
 * for every path through the parser that reaches it (VLANs, IP versions,
 * options, extension headers), which is what keeps the program well inside
 * the verifier's limits.  It gets the payload as an offset into the frame
 * and rebuilds the pointer from the context.
 */
__noinline vx_res_t vx_payload_global(struct xdp_md *ctx, __u32 off, __u32 len,
				      __u32 ports, __u32 sig_l4)
{
	const void *data = (void *)(long)ctx->data;
	const void *data_end = (void *)(long)ctx->data_end;
	struct vx_pkt q = {};

	if (off > VX_MAX_PAYLOAD_OFF)
		return vx_res(VX_C_OTHER, VX_CONF_PORT);
	q.payload = (const __u8 *)data + vx_clamp(off, VX_MAX_PAYLOAD_OFF);
	q.payload_len = vx_clamp(len, 0xffff);
	q.l4proto = (__u8)(sig_l4 >> 16);
	q.sport = (__u16)(ports >> 16);
	q.dport = (__u16)ports;
	return vx_payload_stage(&q, data_end, sig_l4 & 0xffff);
}

/* vx_payload_global()'s last two arguments: the ports, and the signature
 * (vx_sig_pack(): 16 bits) with the transport. */
static __always_inline __u32 vx_pg_ports(__u16 sport, __u16 dport)
{
	return (__u32)sport << 16 | dport;
}

static __always_inline __u32 vx_pg_sig(__u32 sig, __u8 l4proto)
{
	return (sig & 0xffff) | (__u32)l4proto << 16;
}

static __always_inline vx_res_t vx_payload_run(struct vx_env *env,
					       const struct vx_pkt *p,
					       const void *data,
					       const void *data_end, __u32 sig)
{
	return vx_payload_global(env->ctx,
				 (__u32)(p->payload - (const __u8 *)data),
				 p->payload_len, vx_pg_ports(p->sport, p->dport),
				 vx_pg_sig(sig, p->l4proto));
}

static __always_inline int vx_heur_on(struct vx_env *env)
{
	return env->heur & VX_HEUR_OVPN_OBFS;
}

/* The heuristic's step as a global function, verified once (like
 * vx_payload_global()), on scalars: it never touches the packet, which
 * keeps its frame small under vx_slow()'s.  @meta: the transport |
 * from_lo << 8. */
__noinline int vx_heur_global(const struct vx_flow_key *k, __u32 bytes,
			      __u32 len, __u32 meta)
{
	struct vx_heur_val s = {}, *sv;
	int r;

	if (!k)
		return VX_HEUR_SKIP;
	sv = bpf_map_lookup_elem(&vx_heur, k);
	if (sv)
		s = *sv;
	r = vx_heur_step(&s, !sv, bytes, len, (meta & 0xff) == IPPROTO_TCP,
			 (meta >> 8) & 1);
	if (r != VX_HEUR_SKIP)
		bpf_map_update_elem(&vx_heur, k, &s, BPF_ANY);
	return r;
}

static __always_inline int vx_heur_run(struct vx_env *env,
				       const struct vx_pkt *p, const void *data,
				       const void *data_end,
				       const struct vx_flow_key *k, int from_lo)
{
	return vx_heur_global(k, vx_heur_bytes(p, data_end), p->payload_len,
			      p->l4proto | (from_lo ? 1u << 8 : 0));
}

__noinline __u32 vx_tunnel_global(struct xdp_md *ctx, __u32 t, __u32 slot);

static __always_inline __u32 vx_tunnel_run(struct vx_env *env, const void *data,
					   const void *data_end, __u32 t,
					   __u32 slot)
{
	(void)data;
	(void)data_end;
	return vx_tunnel_global(env->ctx, t, slot);
}

#include "vpnxdp_classify.h"

/* Record the first fragment @p (vx_slow()'s, frag_store set) classified
 * @res for its later fragments.  A global function, verified once. */
__noinline int vx_frag_store(const struct vx_pkt *p, vx_res_t res)
{
	struct vx_frag_key fk;

	if (!p || !p->frag_store)
		return 0;
	vx_frag_key(&fk, p);
	vx_frag_first(0, &fk, vx_res_plain(res), p->frag_total, p->frag_len);
	return 0;
}

/* A tunnel layer (vx_tunnel_step()) as a global function, for the same
 * reason as the payload stage: the parser it runs is verified once here,
 * not under every path of the classifier after it.  Only vx_slow() calls
 * it: the fast path defers every tunnel. */
__noinline __u32 vx_tunnel_global(struct xdp_md *ctx, __u32 t, __u32 slot)
{
	struct vx_env env = { ctx };

	if (!ctx)
		return 0;
	return vx_tunnel_step(&env, (void *)(long)ctx->data,
			      (void *)(long)ctx->data_end, t, slot & 1);
}

/*
 * vx_weak_flow() as a global function, verified once: the entry under
 * construction lives on this function's stack, not on vx_slow()'s.  The
 * payload is found again from @ctx: @at is its offset | 1 << 16 if it holds
 * 16 bytes | the direction << 17.  Returns the verdict, with
 * VX_RES_NEW_FLOW when the flow got its class.
 */
__noinline vx_res_t vx_fc_weak_global(struct xdp_md *ctx,
				      const struct vx_flow_key *k, __u32 h,
				      vx_res_t r, __u32 at)
{
	struct vx_env env = {};
	const __u8 *b = 0;

	if (!ctx || !k)
		return vx_res(VX_C_OTHER, VX_CONF_PORT) | VX_RES_MISS;
	if (at & (1u << 16)) {
		const __u8 *data = (const __u8 *)(long)ctx->data;
		const void *data_end = (void *)(long)ctx->data_end;

		b = data + vx_clamp(at & 0xffff, VX_MAX_PAYLOAD_OFF);
		if ((const void *)(b + 16) > data_end)
			b = 0;
	}
	r = vx_weak_flow(&env, k, (at >> 17) & 1, b, h, r);
	return r | (r & VX_RES_STORE ? VX_RES_NEW_FLOW : 0);
}

static __always_inline vx_res_t vx_fc_weak(struct vx_env *env,
					   const struct vx_flow_key *k,
					   int from_hi, const struct vx_pkt *p,
					   const void *data,
					   const void *data_end, __u32 hash,
					   vx_res_t r)
{
	__u32 at = (__u32)(p->payload - (const __u8 *)data) & 0xffff;

	(void)data_end;
	if (p->payload_len >= 16)
		at |= 1u << 16;
	r = vx_fc_weak_global(env->ctx, k, hash, r, at | (from_hi ? 1u << 17 : 0));
	if (r & VX_RES_NEW_FLOW)
		env->new_flow = 1;
	return r & ~VX_RES_NEW_FLOW;
}

#endif /* VPNXDP_HOOKS_BPF_H */
