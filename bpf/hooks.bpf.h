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
#include "vpnxdp_tunnel.h"
#include "maps.bpf.h"

/* The BPF side finds its tables through the maps; the context is for the
 * payload stage, which re-derives the packet from it. */
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

/* The Bloom filter's word and bit of hash @h. */
static __always_inline __u64 *vx_bloom_word(__u32 h)
{
	__u32 w = (h >> 6) % VX_FLOWBITS_WORDS;

	return bpf_map_lookup_elem(&vx_flowbits, &w);
}

/* Set @h's bit: before the entry it stands for is written, so that a
 * reader that finds the entry also finds the bit. */
static __always_inline void vx_bloom_set(__u32 h)
{
	__u64 *bits = vx_bloom_word(h);

	if (bits)
		__sync_fetch_and_or(bits, 1ULL << (h & 63));
}

/* The flow cache behind its Bloom filter (vx_flowbits): most packets
 * belong to no cached flow and stop at one array load. */
static __always_inline int vx_fc_maybe(struct vx_env *env, __u32 h)
{
	__u64 *bits = vx_bloom_word(h);

	return bits && (*bits & (1ULL << (h & 63)));
}

/* Past the filter's words, which are indexed modulo VX_FLOWBITS_WORDS: a
 * flag set once an endpoint has been learned (bits are never cleared). */
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
	vx_bloom_set(h);
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
__noinline int vx_frag_store(const struct vx_frag_key *k, vx_res_t res)
{
	struct vx_flow_val v = {};

	if (!k)
		return 0;
	vx_bloom_set(vx_frag_hash(k));
	v.cls = (__u8)vx_res_cls(res);
	v.conf = (__u8)vx_res_conf(res);
	return bpf_map_update_elem(&vx_frags, k, &v, BPF_ANY);
}

static __always_inline void vx_frag_update(struct vx_env *env,
					   const struct vx_frag_key *k,
					   const struct vx_flow_val *v)
{
	vx_frag_store(k, vx_res(v->cls, v->conf));
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
				      __u32 l4proto, __u32 sig)
{
	const void *data = (void *)(long)ctx->data;
	const void *data_end = (void *)(long)ctx->data_end;
	struct vx_pkt q = {};

	if (off > VX_MAX_PAYLOAD_OFF)
		return vx_res(VX_C_OTHER, VX_CONF_PORT);
	q.payload = (const __u8 *)data + vx_clamp(off, VX_MAX_PAYLOAD_OFF);
	q.payload_len = vx_clamp(len, 0xffff);
	q.l4proto = (__u8)l4proto;
	return vx_payload_stage(&q, data_end, sig);
}

static __always_inline vx_res_t vx_payload_run(struct vx_env *env,
					       const struct vx_pkt *p,
					       const void *data,
					       const void *data_end, __u32 sig)
{
	return vx_payload_global(env->ctx,
				 (__u32)(p->payload - (const __u8 *)data),
				 p->payload_len, p->l4proto, sig);
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

#endif /* VPNXDP_HOOKS_BPF_H */
