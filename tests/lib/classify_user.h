/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The classifier of headers/vpnxdp_classify.h built for userspace: its
 * signature tables are one compiled policy (struct vx_compiled) instead of
 * BPF maps, its flow and fragment caches struct vx_fcache instead of LRU
 * maps.  Unit tests, the fuzzer and differential tests use this to check
 * the BPF program's verdicts against the same code run on the host.
 *
 * flows and frags may be NULL: the classifier then runs without memory,
 * every packet on its own bytes (non-first fragments stay "fragment").
 * The policy's heuristic switch (struct vx_compiled.heur) counts only with
 * a heur cache, and a flow it flags is remembered only with flows.
 */
#ifndef VX_CLASSIFY_USER_H
#define VX_CLASSIFY_USER_H

#include "policy/policy.h"
#include "flowcache.h"
#include "vpnxdp_payload.h"
#include "vpnxdp_heur.h"

struct vx_env {
	const struct vx_compiled *pol;
	struct vx_fcache *flows;  /* key struct vx_flow_key */
	struct vx_fcache *frags;  /* key struct vx_frag_key, value
				   * struct vx_frag_val */
	struct vx_fcache *heur;   /* key struct vx_flow_key, value struct
				   * vx_heur_val (vx_fcache_init_val); NULL:
				   * no heuristic whatever the policy says */
	__u64 now_ns;             /* the clock fragment entries expire by:
				   * the caller advances it (0 throughout:
				   * none expires) */
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

static inline vx_res_t vx_payload_run(struct vx_env *env, const struct vx_pkt *p,
				      const void *data, const void *data_end,
				      __u32 sig)
{
	(void)env;
	(void)data;
	return vx_payload_stage(p, data_end, sig);
}

static inline __u32 vx_tunnel_run(struct vx_env *env, const void *data,
				  const void *data_end, __u32 t, __u32 slot);

/* No filter in front of the userspace table: every flow may be there. */
static inline int vx_fc_maybe(struct vx_env *env, __u32 hash)
{
	(void)hash;
	return env->flows != NULL;
}

/* No filter here: endpoints are looked up whenever there is a cache. */
static inline int vx_ep_any(struct vx_env *env)
{
	return env->flows != NULL;
}

static inline void vx_ep_mark(struct vx_env *env)
{
	(void)env;
}

static inline const struct vx_flow_val *vx_fc_lookup(struct vx_env *env,
						     const struct vx_flow_key *k)
{
	return vx_fcache_get(env->flows, k);
}

static inline void vx_fc_update(struct vx_env *env, const struct vx_flow_key *k,
				__u32 hash, const struct vx_flow_val *v)
{
	(void)hash;
	vx_fcache_put(env->flows, k, v);
}

static inline void vx_fc_replace(struct vx_env *env, const struct vx_flow_key *k,
				 const struct vx_flow_val *v)
{
	vx_fcache_put(env->flows, k, v);
}

static inline vx_res_t vx_fc_weak(struct vx_env *env, const struct vx_flow_key *k,
				  int from_hi, const struct vx_pkt *p,
				  const void *data, const void *data_end,
				  __u32 hash, vx_res_t r);

/* (the table's own memory, which the classifier may count bytes in) */
static inline struct vx_frag_val *vx_frag_lookup(struct vx_env *env,
						 const struct vx_frag_key *k)
{
	return (struct vx_frag_val *)vx_fcache_get_raw(env->frags, k);
}

static inline void vx_frag_update(struct vx_env *env, const struct vx_frag_key *k,
				  const struct vx_frag_val *v)
{
	vx_fcache_put_raw(env->frags, k, v);
}

static inline __u64 vx_frag_now(struct vx_env *env)
{
	return env->now_ns;
}

static inline int vx_heur_on(struct vx_env *env)
{
	return env->heur && (env->pol->heur & VX_HEUR_OVPN_OBFS);
}

static inline int vx_heur_run(struct vx_env *env, const struct vx_pkt *p,
			      const void *data, const void *data_end,
			      const struct vx_flow_key *k, int from_lo)
{
	const struct vx_heur_val *sv = vx_fcache_get_raw(env->heur, k);
	struct vx_heur_val s = {};
	int r;

	(void)data;
	if (sv)
		s = *sv;
	r = vx_heur_step(&s, !sv, vx_heur_bytes(p, data_end), p->payload_len,
			 p->l4proto == IPPROTO_TCP, from_lo);
	if (r != VX_HEUR_SKIP)
		vx_fcache_put_raw(env->heur, k, &s);
	return r;
}

#include "vpnxdp_classify.h"

static inline void vx_frag_first_run(struct vx_env *env,
				     const struct vx_frag_key *k, vx_res_t res,
				     __u32 total, __u32 here)
{
	vx_frag_first(env, k, res, total, here);
}

static inline __u32 vx_tunnel_run(struct vx_env *env, const void *data,
				  const void *data_end, __u32 t, __u32 slot)
{
	return vx_tunnel_step(env, data, data_end, t, slot);
}

static inline vx_res_t vx_fc_weak(struct vx_env *env, const struct vx_flow_key *k,
				  int from_hi, const struct vx_pkt *p,
				  const void *data, const void *data_end,
				  __u32 hash, vx_res_t r)
{
	(void)data;
	return vx_weak_flow(env, k, from_hi, vx_pl(p, 0, 16, data_end), hash, r);
}

#endif
