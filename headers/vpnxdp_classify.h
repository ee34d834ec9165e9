/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The classifier: one frame in, one class (and how sure) out.
 *
 * The signature tables and the two caches are maps in the XDP program and
 * plain memory in userspace, so the includer supplies these before
 * including this file (struct vx_env is whatever it needs to find them):
 *
 *   const struct vx_sig *vx_sig_lookup(struct vx_env *, __u32 index);
 *       index: vx_sig_index()
 *   const __u8 *vx_proto_lookup(struct vx_env *, __u32 index);
 *       index: vx_proto_index()
 *   int vx_fc_maybe(struct vx_env *, __u32 hash);
 *       0: no flow with this vx_flow_hash2() is cached (a filter may say so
 *       cheaply); 1: there may be one
 *   const struct vx_flow_val *vx_fc_lookup(struct vx_env *,
 *                                          const struct vx_flow_key *);
 *   void vx_fc_update(struct vx_env *, const struct vx_flow_key *,
 *                     __u32 hash, const struct vx_flow_val *);
 *   void vx_fc_replace(struct vx_env *, const struct vx_flow_key *,
 *                      const struct vx_flow_val *);
 *       vx_fc_update() of an entry the cache was just found to hold (its
 *       filter bit is set, and it is no new flow)
 *   vx_res_t vx_fc_weak(struct vx_env *, const struct vx_flow_key *,
 *                       int from_hi, const struct vx_pkt *,
 *                       const void *data, const void *data_end,
 *                       __u32 hash, vx_res_t r);
 *       vx_weak_flow() of this file for a weak shape @r of the packet
 *       (its flow's key, its direction), however the includer wants it run
 *       (the XDP program: as a global function, off the general path's
 *       stack); it may be defined after this file is included
 *   int vx_ep_any(struct vx_env *);
 *       0: no endpoint (VX_FK_ENDPOINT) was ever stored, so none can be
 *       looked up; 1: there may be one
 *   void vx_ep_mark(struct vx_env *);
 *       called before endpoints are stored (what vx_ep_any() goes by)
 *   vx_res_t vx_payload_run(struct vx_env *, const struct vx_pkt *,
 *                           const void *data, const void *data_end,
 *                           __u32 sig);
 *       vx_payload_stage() of vpnxdp_payload.h, however the includer
 *       wants it run (the XDP program: as a global function)
 *   __u32 vx_tunnel_run(struct vx_env *, const void *data,
 *                       const void *data_end, __u32 t, __u32 slot);
 *       vx_tunnel_step() of vpnxdp_tunnel.h, however the includer wants
 *       it run (the XDP program: as a global function)
 *   struct vx_frag_val *vx_frag_lookup(struct vx_env *,
 *                                      const struct vx_frag_key *);
 *       the entry is writable: later fragments count their bytes in it
 *   void vx_frag_update(struct vx_env *, const struct vx_frag_key *,
 *                       const struct vx_frag_val *);
 *   __u64 vx_frag_now(struct vx_env *);
 *       the clock fragment entries expire by, in ns (the XDP program:
 *       bpf_ktime_get_ns(); userspace: whatever clock its caller keeps)
 *   void vx_frag_first_run(struct vx_env *, const struct vx_frag_key *,
 *                          vx_res_t res, __u32 total, __u32 here);
 *       vx_frag_first() of this file, however the includer wants it run
 *       (the XDP program: as a global function); it may be defined after
 *       this file is included
 *   int vx_heur_on(struct vx_env *);
 *       the policy's VX_HEUR_OVPN_OBFS switch (and a place to keep the
 *       heuristic's state)
 *   int vx_heur_run(struct vx_env *, const struct vx_pkt *,
 *                   const void *data, const void *data_end,
 *                   const struct vx_flow_key *, int from_lo);
 *       vx_heur_step() of vpnxdp_heur.h on the flow's state (vx_heur),
 *       storing what it returns to store; returns VX_HEUR_*
 *
 * The cache functions may forget (LRU) but must return what was last
 * stored for a key they still hold.
 *
 * Order of the checks, cheapest decisive first:
 *   1. a signature on the port, confirmed by the payload: done;
 *   2. payload checks that work on any port (VX_CONF_PAYLOAD): done;
 *   3. the flow cache: a flow identified before keeps its class, and a
 *      weak shape (WireGuard data on any port) counts only in such a flow
 *      or once several packets of its flow agree (VX_CONF_FLOW);
 *   4. otherwise the signature's class unconfirmed (VX_CONF_PORT), or other;
 *   5. where policy turned it on, a flow with no signature that nothing
 *      above identified goes through the obfuscated-OpenVPN heuristic
 *      (vpnxdp_heur.h), which may flag it from one of its first packets on
 *      (VX_CONF_HEURISTIC, remembered in the flow cache).
 * A packet identified by 1 or 2 records its flow in the cache, unless every
 * packet of its flow will identify itself the same way (UDP confirmed on a
 * signature's port): those need no memory.  What the cache holds as a
 * class was always established on strong evidence; a weak shape alone
 * leaves only a candidate entry (class other) that counts the evidence.
 */
#ifndef VPNXDP_CLASSIFY_H
#define VPNXDP_CLASSIFY_H

#include "vpnxdp_common.h"
#include "vpnxdp_parse.h"
#include "vpnxdp_payload.h"
#include "vpnxdp_heur.h"
#include "vpnxdp_tunnel.h"

struct vx_env;
static __always_inline const struct vx_sig *vx_sig_lookup(struct vx_env *env,
							   __u32 index);
static __always_inline const __u8 *vx_proto_lookup(struct vx_env *env,
						    __u32 index);
static __always_inline int vx_fc_maybe(struct vx_env *env, __u32 hash);
static __always_inline int vx_ep_any(struct vx_env *env);
static __always_inline vx_res_t vx_fc_weak(struct vx_env *env,
					   const struct vx_flow_key *k,
					   int from_hi, const struct vx_pkt *p,
					   const void *data,
					   const void *data_end, __u32 hash,
					   vx_res_t r);
static __always_inline void vx_ep_mark(struct vx_env *env);
static __always_inline vx_res_t vx_payload_run(struct vx_env *env,
					       const struct vx_pkt *p,
					       const void *data,
					       const void *data_end, __u32 sig);
static __always_inline const struct vx_flow_val *
vx_fc_lookup(struct vx_env *env, const struct vx_flow_key *k);
static __always_inline void vx_fc_update(struct vx_env *env,
					 const struct vx_flow_key *k, __u32 hash,
					 const struct vx_flow_val *v);
static __always_inline void vx_fc_replace(struct vx_env *env,
					  const struct vx_flow_key *k,
					  const struct vx_flow_val *v);
static __always_inline __u32 vx_tunnel_run(struct vx_env *env, const void *data,
					   const void *data_end, __u32 t,
					   __u32 slot);
static __always_inline struct vx_frag_val *
vx_frag_lookup(struct vx_env *env, const struct vx_frag_key *k);
static __always_inline void vx_frag_update(struct vx_env *env,
					   const struct vx_frag_key *k,
					   const struct vx_frag_val *v);
static __always_inline __u64 vx_frag_now(struct vx_env *env);
static __always_inline void vx_frag_first_run(struct vx_env *env,
					      const struct vx_frag_key *k,
					      vx_res_t res, __u32 total,
					      __u32 here);
static __always_inline int vx_heur_on(struct vx_env *env);
static __always_inline int vx_heur_run(struct vx_env *env,
				       const struct vx_pkt *p, const void *data,
				       const void *data_end,
				       const struct vx_flow_key *k, int from_lo);

/* Does endpoint (a, pa) sort before (b, pb)?  Addresses compared as the
 * words they are stored in: any total order works, both directions of a
 * flow only have to agree. */
static __always_inline int vx_ep_before(const __u32 *a, __u16 pa,
					const __u32 *b, __u16 pb)
{
VX_UNROLL
	for (int i = 0; i < 4; i++)
		if (a[i] != b[i])
			return a[i] < b[i];
	return pa <= pb;
}

/* The flow key of @p, the same for both directions.  Returns 1 when @p
 * was sent by the endpoint that sorts last (its direction), else 0. */
static __always_inline int vx_flow_key(struct vx_flow_key *k,
				       const struct vx_pkt *p)
{
	__builtin_memset(k, 0, sizeof(*k));
	k->proto = p->l4proto;
	k->ipver = p->ipver;
	if (vx_ep_before(p->saddr, p->sport, p->daddr, p->dport)) {
		__builtin_memcpy(k->addr_lo, p->saddr, 16);
		__builtin_memcpy(k->addr_hi, p->daddr, 16);
		k->port_lo = p->sport;
		k->port_hi = p->dport;
		return 0;
	}
	__builtin_memcpy(k->addr_lo, p->daddr, 16);
	__builtin_memcpy(k->addr_hi, p->saddr, 16);
	k->port_lo = p->dport;
	k->port_hi = p->sport;
	return 1;
}

static __always_inline void vx_frag_key(struct vx_frag_key *k,
					const struct vx_pkt *p)
{
	__builtin_memset(k, 0, sizeof(*k));
	__builtin_memcpy(k->saddr, p->saddr, 16);
	__builtin_memcpy(k->daddr, p->daddr, 16);
	k->id = p->frag_id;
	/* RFC 791 keys a datagram by its protocol too; RFC 8200 does not: the
	 * fragment header's next header is the first header of the
	 * fragmentable part, which a later fragment names and a first
	 * fragment's transport (behind a destination options header) may
	 * not be. */
	k->proto = p->ipver == 4 ? p->l4proto : 0;
	k->ipver = p->ipver;
}

/* Port signatures: destination port first (traffic to a server), then
 * source port (its replies), so both directions of a flow count.  Returns
 * the signature (vx_sig_pack()), or 0.
 *
 * A segment or datagram with no payload is never VPN by its port alone: a
 * SYN scan, a bare ACK or an empty datagram says nothing about the protocol
 * behind the port, and calling it VPN would flag every port scan.  (A bare
 * ACK of a flow already identified gets its class from the flow cache.) */
static __always_inline __u32 vx_match_sig(struct vx_env *env,
					  const struct vx_pkt *p, __u32 slot)
{
	const struct vx_sig *sig;
	__u32 l4 = p->l4proto == IPPROTO_TCP ? VX_L4_TCP : VX_L4_UDP;

	if (p->payload_len == 0)
		return 0;
	sig = vx_sig_lookup(env, vx_sig_index(slot, l4, p->dport));
	if (sig && sig->cls)
		return vx_sig_pack(sig);
	sig = vx_sig_lookup(env, vx_sig_index(slot, l4, p->sport));
	if (sig && sig->cls)
		return vx_sig_pack(sig);
	return 0;
}

/* IP-protocol signatures (ESP 50, AH 51, GRE 47, or what policy adds). */
static __always_inline struct vx_verdict
vx_match_proto(struct vx_env *env, const struct vx_pkt *p,
	       const void *data_end, __u32 slot)
{
	struct vx_verdict v = { VX_C_OTHER, VX_CONF_PORT };
	const __u8 *cls = vx_proto_lookup(env, vx_proto_index(slot, p->l4proto));
	int ok = -1;

	if (!cls || !*cls)
		return v;
	switch (p->l4proto) {
	case IPPROTO_GRE:
		/* PPTP's entry (the default) counts only PPTP's enhanced GRE;
		 * other GRE stays other.  A class an operator mapped to GRE
		 * explicitly is taken as given (port-only confidence). */
		if (*cls == VX_C_PPTP)
			ok = vx_is_gre_pptp(p, data_end);
		break;
	case IPPROTO_ESP:
		ok = vx_spi_ok(p, 0, data_end);
		break;
	case IPPROTO_AH:
		ok = vx_spi_ok(p, 4, data_end);
		break;
	}
	if (ok == 0)
		return v;
	v.cls = *cls;
	if (ok > 0)
		v.conf = VX_CONF_VERIFIED;
	return v;
}

/* A flow known as Tailscale stays Tailscale when its WireGuard packets
 * come: Tailscale is WireGuard plus its own discovery messages.  A flow
 * known as WARP (by a handshake) stays WARP when its packets pass for what
 * the ports it shares with other protocols carry (ESP-in-UDP on 4500,
 * L2TP on 1701), or for standard WireGuard. */
static __always_inline int vx_refines(__u8 flow_cls, __u8 pkt_cls)
{
	if (flow_cls == VX_C_WARP)
		return pkt_cls == VX_C_WIREGUARD || pkt_cls == VX_C_ESP ||
		       pkt_cls == VX_C_L2TP;
	return flow_cls == VX_C_TAILSCALE && pkt_cls == VX_C_WIREGUARD;
}

/*
 * Endpoints.  Some protocols carry their data over UDP to the port their
 * handshake ran on over TCP: tinc's daemons listen on one port for both
 * (tinc.conf(5), Port), and its UDP packets are encrypted from the first
 * byte.  Identifying the TCP meta connection teaches the cache both of its
 * endpoints as UDP endpoints (key: the address and port, the other side
 * zero, kind 1); a UDP packet to or from one takes its class.
 */
static __always_inline int vx_learns_endpoints(__u8 cls, __u8 l4proto)
{
	return cls == VX_C_TINC && l4proto == IPPROTO_TCP;
}

static __always_inline __u32 vx_ep_key_hash(__u32 ep_hash)
{
	/* the same mix as a flow's, with a constant for the empty side */
	return vx_flow_hash2(ep_hash, 0x5bd1e995u, IPPROTO_UDP);
}

static __always_inline void vx_ep_key(struct vx_flow_key *k, const __u32 *addr,
				      __u16 port, __u8 ipver)
{
	__builtin_memset(k, 0, sizeof(*k));
	__builtin_memcpy(k->addr_lo, addr, 16);
	k->port_lo = port;
	k->proto = IPPROTO_UDP;
	k->ipver = ipver;
	k->kind = VX_FK_ENDPOINT;
}

/* @k: scratch for the key.  The caller's flow key, whose use is over: one
 * key on the stack instead of three keeps the XDP program's general path
 * (vx_slow()) inside the BPF stack limit under the fast path's frame. */
static __always_inline const struct vx_flow_val *
vx_ep_lookup(struct vx_env *env, struct vx_flow_key *k, const __u32 *addr,
	     __u16 port, __u8 ipver, __u32 ep_hash)
{
	if (!vx_fc_maybe(env, vx_ep_key_hash(ep_hash)))
		return 0;
	vx_ep_key(k, addr, port, ipver);
	return vx_fc_lookup(env, k);
}

static __always_inline void vx_learn_endpoints(struct vx_env *env,
					       struct vx_flow_key *k,
					       const struct vx_pkt *p, __u32 ea,
					       __u32 eb, const struct vx_flow_val *v)
{
	vx_ep_mark(env);
	vx_ep_key(k, p->saddr, p->sport, p->ipver);
	vx_fc_update(env, k, vx_ep_key_hash(ea), v);
	vx_ep_key(k, p->daddr, p->dport, p->ipver);
	vx_fc_update(env, k, vx_ep_key_hash(eb), v);
}

/*
 * What the flow cache makes of the payload stage's result @r for a flow
 * whose entry is @fv (NULL: none held, or not looked up).  Shared by
 * vx_classify_ports() and the XDP program's fast path, so that both decide
 * alike.  Returns the verdict with
 *   VX_RES_MISS      the cache had nothing to say: go on to the endpoints;
 *   VX_RES_STORE     the flow must be written to the cache with the verdict
 *                    (identified by its own bytes, and not held so).
 * A weak shape (VX_RES_WEAK) is vx_flow_decide_weak()'s.
 */
static __always_inline vx_res_t vx_flow_decide(vx_res_t r,
					       const struct vx_flow_val *fv)
{
	__u32 cls = vx_res_cls(r), conf = vx_res_conf(r);

	if (cls && (r & VX_RES_SELF)) {
		/* Every packet of this flow identifies itself (WireGuard; UDP
		 * on a signature's port): no entry to make, and only a flow
		 * some other packet refined (Tailscale) has one to read. */
		if (fv && vx_refines(fv->cls, cls))
			cls = fv->cls;
		return vx_res(cls, conf);
	}
	if (cls && conf != VX_CONF_PORT) {
		/* identified by its own bytes: remember the flow */
		if (fv && vx_refines(fv->cls, cls))
			return vx_res(fv->cls, conf);
		if (!fv || fv->cls != cls)
			return vx_res(cls, conf) | VX_RES_STORE;
		return vx_res(cls, conf);
	}
	if (fv && VX_CLASS_IS_VPN(fv->cls))
		return vx_res(fv->cls, fv->conf);
	return vx_res(cls, conf) | VX_RES_MISS;
}

/*
 * vx_flow_decide() for a weak shape @r (VX_RES_WEAK): the class of a flow
 * identified before (a handshake, or packets that agreed), with VX_CONF_FLOW
 * where the shape is that class's; otherwise VX_RES_STORE: evidence to count
 * (vx_flow_count()).
 */
static __always_inline vx_res_t vx_flow_decide_weak(vx_res_t r,
						    const struct vx_flow_val *fv)
{
	__u32 cls = vx_res_cls(r);

	if (fv && VX_CLASS_IS_VPN(fv->cls)) {
		if (fv->cls == cls || vx_refines(fv->cls, cls))
			return vx_res(fv->cls, VX_CONF_FLOW);
		return vx_res(fv->cls, fv->conf);
	}
	return r | VX_RES_STORE;
}

/* One direction @d (a constant) of vx_flow_count(): returns how many
 * packets in a row have agreed now. */
static __always_inline __u32 vx_count_dir(struct vx_flow_val *nv, int d,
					  __u32 tok, __u32 seq)
{
	__u32 seen = (nv->seen >> (d * 4)) & 15;

	if (seen && nv->tok[d] == tok && seq > nv->seq[d]) {
		if (seen < 15)
			seen++;
	} else {
		seen = 1;
		nv->tok[d] = (__u16)tok;
	}
	nv->seq[d] = (__u16)seq;
	nv->seen = (__u8)((nv->seen & (d ? 0x0f : 0xf0)) | seen << (d * 4));
	return seen;
}

/*
 * A weak shape of class @r in a flow not identified yet (@fv: its candidate
 * entry, or NULL): count it into @nv, the entry to store.  @ev: what the
 * packet says (vx_weak_evidence()).  Returns the verdict: the class once
 * VX_WEAK_AGREE packets of one direction agree, other (VX_RES_MISS) until
 * then.
 */
static __always_inline vx_res_t vx_flow_count(const struct vx_flow_val *fv,
					      struct vx_flow_val *nv, vx_res_t r,
					      __u32 ev)
{
	__u32 cls = vx_res_cls(r), tok = (ev >> 16) & 0x7fff, seq = ev & 0xffff, seen;

	if (fv && fv->weak == cls)
		*nv = *fv;
	nv->cls = VX_C_OTHER;
	nv->conf = VX_CONF_PORT;
	nv->weak = (__u8)cls;
	/* each direction with a constant index: the XDP program cannot
	 * index its stack with a variable */
	if (ev >> 31)
		seen = vx_count_dir(nv, 1, tok, seq);
	else
		seen = vx_count_dir(nv, 0, tok, seq);
	if (seen < VX_WEAK_AGREE)
		return vx_res(VX_C_OTHER, VX_CONF_PORT) | VX_RES_MISS;
	nv->cls = (__u8)cls;
	nv->conf = VX_CONF_FLOW;
	return vx_res(cls, VX_CONF_FLOW);
}

/*
 * What a weak shape's packet gives vx_flow_count(), in one scalar: bit 31
 * the direction (@from_hi: vx_flow_key()'s), bits 16..30 and 0..15 the 15
 * and 16 low bits of what the flow's packets agree on and of their counter.
 * WireGuard data: the receiver index, the counter.  @b: the payload's first
 * 16 bytes (NULL: not there).
 */
static __always_inline __u32 vx_weak_evidence(const __u8 *b, int from_hi,
					      vx_res_t r)
{
	__u32 ev = 0;

	if (vx_res_cls(r) == VX_C_WIREGUARD && b)
		ev = ((__u32)b[6] << 8 | b[7]) << 16 | b[8] | (__u32)b[9] << 8;
	return ev | (from_hi ? 1u << 31 : 0);
}

/*
 * A weak shape @r in the flow of key @k (@h: its vx_flow_hash2()), sent in
 * direction @from_hi, payload starting with @b (16 bytes, or NULL): the
 * flow's class if it has one, else its evidence counted into the entry
 * (vx_flow_count()).  Returns the verdict; VX_RES_STORE when the flow got
 * its class now.
 */
static __always_inline vx_res_t vx_weak_flow(struct vx_env *env,
					     const struct vx_flow_key *k,
					     int from_hi, const __u8 *b,
					     __u32 h, vx_res_t r)
{
	const struct vx_flow_val *fv = 0;
	struct vx_flow_val nv = {};

	if (vx_fc_maybe(env, h))
		fv = vx_fc_lookup(env, k);
	r = vx_flow_decide_weak(r, fv);
	if (!(r & VX_RES_STORE))
		return r;
	r = vx_flow_count(fv, &nv, r, vx_weak_evidence(b, from_hi, r));
	if (fv)
		vx_fc_replace(env, k, &nv);
	else
		vx_fc_update(env, k, h, &nv);
	return VX_CLASS_IS_VPN(vx_res_cls(r)) ? r | VX_RES_STORE : r;
}

/* Does vx_flow_decide() need the cache entry for @r?  (A packet the filter
 * says no flow of it is held, and that identified nothing, does not.) */
static __always_inline int vx_flow_wants(vx_res_t r, int maybe)
{
	return maybe || (vx_res_cls(r) && !(r & VX_RES_SELF) &&
			 vx_res_conf(r) != VX_CONF_PORT);
}

/* A candidate flow's packet through the heuristic: @r (other) unless the
 * flow is flagged now or was, which the flow cache then remembers.  @k is
 * scratch. */
static __always_inline vx_res_t vx_heur_classify(struct vx_env *env,
						 const struct vx_pkt *p,
						 const void *data,
						 const void *data_end,
						 struct vx_flow_key *k, __u32 h,
						 vx_res_t r)
{
	struct vx_flow_val nv = {};

	vx_flow_key(k, p);
	if (vx_heur_run(env, p, data, data_end, k,
			vx_ep_before(p->saddr, p->sport, p->daddr, p->dport)) !=
	    VX_HEUR_HIT)
		return r;
	nv.cls = VX_C_OPENVPN;
	nv.conf = VX_CONF_HEURISTIC;
	vx_fc_update(env, k, h, &nv);
	return vx_res(VX_C_OPENVPN, VX_CONF_HEURISTIC);
}

/* UDP and TCP: signatures, payload, flow cache, in that order. */
static __always_inline struct vx_verdict
vx_classify_ports(struct vx_env *env, struct vx_pkt *p, const void *data,
		  const void *data_end, __u32 slot)
{
	const struct vx_flow_val *fv = 0;
	struct vx_flow_key k;
	struct vx_flow_val nv = {};
	__u32 off = (__u32)(p->payload - (const __u8 *)data);
	__u32 h, ea, eb;
	vx_res_t r;
	__u32 sig;
	int maybe, wants;

	if (off > VX_MAX_PAYLOAD_OFF)
		return vx_res_verdict(vx_res(VX_C_OTHER, VX_CONF_PORT));
	/* Every parse path (VLANs, IP options, extension headers) reaches
	 * here with the payload at a different place: rebuild the pointer
	 * from one clamped offset so that the verifier sees them all as one
	 * state and checks the payload code once, not once per path. */
	p->payload = (const __u8 *)data + vx_clamp(off, VX_MAX_PAYLOAD_OFF);
	p->payload_len = vx_clamp(p->payload_len, 0xffff);

	/* nothing to judge in an empty payload (bare ACKs): skip the call */
	sig = vx_match_sig(env, p, slot);
	r = p->payload_len ? vx_payload_run(env, p, data, data_end, sig) :
			     vx_res(VX_C_OTHER, VX_CONF_PORT);

	/* The filter first: most traffic has no cached flow, and then
	 * neither the key nor the hash lookup is needed. */
	ea = vx_ep_hash(p->saddr, p->sport);
	eb = vx_ep_hash(p->daddr, p->dport);
	h = vx_flow_hash2(ea, eb, p->l4proto);
	if (r & VX_RES_WEAK) {
		/* a weak shape: its flow's evidence alone decides (one call:
		 * the XDP program's general path verifies it once).  It is
		 * no candidate for the heuristic, and a learned endpoint
		 * (tinc) does not lend its class to a packet shaped like
		 * another protocol's. */
		int from_hi = vx_flow_key(&k, p);

		r = vx_fc_weak(env, &k, from_hi, p, data, data_end, h, r);
		return vx_res_verdict(r);
	}
	maybe = vx_fc_maybe(env, h);
	wants = vx_flow_wants(r, maybe);
	if (wants) {
		vx_flow_key(&k, p);
		if (maybe)
			fv = vx_fc_lookup(env, &k);
	}
	r = vx_flow_decide(r, fv);
	/* (storing implies wants: tested again for the verifier, which
	 * cannot tell that the key is set on every path that gets here) */
	if (wants && (r & VX_RES_STORE)) {
		nv.cls = (__u8)vx_res_cls(r);
		nv.conf = (__u8)vx_res_conf(r);
		vx_fc_update(env, &k, h, &nv);
		if (vx_learns_endpoints(nv.cls, p->l4proto))
			vx_learn_endpoints(env, &k, p, ea, eb, &nv);
	}
	if (!(r & VX_RES_MISS))
		return vx_res_verdict(r);
	if (p->l4proto == IPPROTO_UDP && vx_ep_any(env)) {
		/* to or from an endpoint a handshake taught us (until one
		 * has been, one load instead of two filter probes) */
		fv = vx_ep_lookup(env, &k, p->daddr, p->dport, p->ipver, eb);
		if (!fv)
			fv = vx_ep_lookup(env, &k, p->saddr, p->sport, p->ipver, ea);
		if (fv && VX_CLASS_IS_VPN(fv->cls))
			return vx_res_verdict(vx_res(fv->cls, fv->conf));
	}
	/* nothing claimed it, and no signature on its ports */
	if (!vx_res_cls(r) && !sig && p->payload_len && vx_heur_on(env))
		r = vx_heur_classify(env, p, data, data_end, &k, h, r);
	return vx_res_verdict(r);
}

/*
 * A first fragment holds only the start of its datagram, but the payload
 * checks judge the message's length: for UDP they get the length the UDP
 * header declares (they never read past the frame whatever the length
 * says).  @p->payload_len is what this frame holds again on return.
 */
static __always_inline struct vx_verdict
vx_classify_l4(struct vx_env *env, struct vx_pkt *p, const void *data,
	       const void *data_end, __u32 slot)
{
	struct vx_verdict v;
	__u32 here = p->payload_len;

	if (p->frag == VX_FRAG_FIRST && p->l4proto == IPPROTO_UDP &&
	    (const void *)(p->l4 + 8) <= data_end) {
		__u32 ulen = vx_be16(p->l4 + 4);

		if (ulen >= 8)
			p->payload_len = ulen - 8;
	}
	v = vx_classify_ports(env, p, data, data_end, slot);
	p->payload_len = here;
	return v;
}

/*
 * Fragments.  A later fragment carries no L4 header: it can only take the
 * class its first fragment was given, and only while that is surely the
 * same datagram's.  The cache entry of a first fragment (struct
 * vx_frag_val) says which class, how long the datagram is and until when
 * the entry lives; a later fragment takes the class only if the entry is
 * live, not conflicted, the fragment lies inside the datagram and the
 * datagram's fragments have not all come yet (the bytes seen are counted:
 * a datagram is whole when they reach its length).  Every other later
 * fragment is VX_C_FRAGMENT, which no class rule drops: a fragment that
 * came before its first fragment is not buffered, an id reused by another
 * datagram does not inherit the old one's class once that one is whole or
 * its entry expired.  A duplicated fragment counts twice and makes the rest
 * `fragment` early: errors here go towards passing.
 *
 * Hostile first fragments.  Anyone who can send with a victim's source
 * address can send a first fragment with a VPN-looking payload and the id
 * the victim will use, hoping the victim's later fragments inherit a class
 * that is dropped.  If the victim's own first fragment comes before its
 * later fragments, whether before or after the forged one, the classes
 * differ and the key is conflicted: the victim's fragments are `fragment`,
 * and pass.
 * The forged entry also only covers the length its own payload check
 * accepted (a WireGuard handshake is 148 bytes: fragments past that do not
 * fit).  What remains: a forged first fragment that arrives before the
 * victim's later fragments when the victim's own first fragment arrives
 * after them or not at all, carries the right id (16 bits in IPv4, 32 in
 * IPv6) and a payload whose check accepts a datagram as long as the
 * victim's: those later fragments are then dropped, fragments of a datagram
 * that could not have been reassembled without its first fragment anyway.
 * Likewise a datagram whose fragments arrive before its first one while
 * the entry of an earlier datagram with its id lives and is not whole (a
 * lost fragment): that is the id reuse within 30 s which reassembly itself
 * gets wrong.  Played on a real VPN datagram (a forged first fragment of
 * another class, forged later fragments that make it whole early), the
 * same tricks only make its fragments `fragment`: they pass (fail open).
 */

/* Bytes of the fragmentable part a datagram can have (RFC 791: total
 * length is 16 bits and includes the header of at least 20 bytes; RFC 8200:
 * payload length is 16 bits and includes the 8-byte fragment header). */
#define VX_FRAG_MAX4 (65535u - 20u)
#define VX_FRAG_MAX6 (65535u - 8u)

/* The class a later fragment @p takes from its first fragment's entry @fv
 * (NULL: none held), at time @now; the bytes it carries are counted. */
static __always_inline struct vx_verdict
vx_frag_later(struct vx_frag_val *fv, const struct vx_pkt *p, __u64 now)
{
	struct vx_verdict v = { VX_C_FRAGMENT, VX_CONF_PORT };

	if (fv && !(fv->flags & VX_FRAGF_CONFLICT) && now < fv->expires &&
	    fv->seen < fv->total &&
	    (__u32)p->frag_off + p->frag_len <= fv->total) {
		v.cls = fv->cls;
		v.conf = fv->conf;
		__sync_fetch_and_add(&fv->seen, (__u32)p->frag_len);
	}
	return v;
}

/* The length of @p's datagram, from its first fragment: for UDP what the
 * UDP header says (the header is there: vx_parse() checked it), otherwise
 * the most the IP version allows. */
static __always_inline __u32 vx_frag_total(const struct vx_pkt *p,
					   const void *data_end)
{
	if (p->l4proto == IPPROTO_UDP && (const void *)(p->l4 + 8) <= data_end)
		return (__u32)p->frag_l4 + vx_be16(p->l4 + 4);
	return p->ipver == 4 ? VX_FRAG_MAX4 : VX_FRAG_MAX6;
}

/* Record the first fragment of key @k, classified @res, of a datagram of
 * @total bytes of which it carries @here.  A live entry of another class (or one already conflicted)
 * makes the key conflicted: two datagrams, or a forgery, claim the id, and
 * no later fragment can be told apart.  The same class again refreshes. */
static __always_inline void vx_frag_first(struct vx_env *env,
					  const struct vx_frag_key *k,
					  vx_res_t res, __u32 total, __u32 here)
{
	const struct vx_frag_val *old = vx_frag_lookup(env, k);
	struct vx_frag_val nv = {};
	__u64 now = vx_frag_now(env);

	nv.cls = (__u8)vx_res_cls(res);
	nv.conf = (__u8)vx_res_conf(res);
	nv.total = total;
	nv.seen = here;
	nv.expires = now + VX_FRAG_TTL_NS;
	if (old && now < old->expires &&
	    ((old->flags & VX_FRAGF_CONFLICT) || old->cls != nv.cls)) {
		nv.cls = VX_C_FRAGMENT;
		nv.conf = VX_CONF_PORT;
		nv.flags = VX_FRAGF_CONFLICT;
	}
	vx_frag_update(env, k, &nv);
}

/*
 * One layer: the packet at @t in the frame [data, data_end) (0: the frame
 * itself, else what this returned before) parsed, and if it is a tunnel,
 * VX_TUN() of the packet inside, with the outermost encapsulation so far
 * (a PPPoE or MPLS link under the tunnel counts); else 0.  The classifier
 * takes at most VX_MAX_TUNNELS steps and parses the packet it ends at (if
 * that does not parse, the frame is other).  An IP protocol the policy
 * maps to a class of its own (GRE, 4, 41: not the default PPTP entry) is
 * that VPN and is not looked into, as PPTP's GRE and L2TP never are.
 */
static __always_inline __u32 vx_tunnel_step(struct vx_env *env,
					    const void *data,
					    const void *data_end, __u32 t,
					    __u32 slot)
{
	const __u8 *cls;
	struct vx_pkt q = {};
	__u32 n, enc;
	int r;

	r = vx_parse_from(&q, (const __u8 *)data +
			  vx_clamp(VX_TUN_OFF(t), VX_MAX_PAYLOAD_OFF),
			  t ? VX_TUN_TYPE(t) : VX_AT_ETH, data_end);
	n = vx_tunnel(&q, r, data, data_end);
	if (!n)
		return 0;
	if (q.l4proto != IPPROTO_UDP) {
		cls = vx_proto_lookup(env, vx_proto_index(slot, q.l4proto));
		if (cls && *cls && *cls != VX_C_PPTP)
			return 0;
	}
	enc = VX_TUN_KIND(t) ? VX_TUN_KIND(t) : q.encap ? q.encap : VX_TUN_KIND(n);
	if (VX_TUN_TYPE(n) == VX_TUN_ETH) {
		/* the inner frame's link layer here, so that the classifier
		 * parses only an IP packet at a variable offset (what keeps
		 * the XDP program's verification small); no IP in it: not a
		 * tunnel worth looking into, the outer packet is classified */
		const __u8 *eth = (const __u8 *)data +
				  vx_clamp(VX_TUN_OFF(n), VX_MAX_PAYLOAD_OFF);
		const __u8 *nh;
		__u32 ver, off;

		__builtin_memset(&q, 0, sizeof(q));
		if (vx_parse_l2(&q, eth, data_end, &nh, &ver))
			return 0;
		off = (__u32)(nh - (const __u8 *)data);
		if (off > VX_MAX_PAYLOAD_OFF)
			return 0;
		n = VX_TUN(off, VX_TUN_IP, 0);
	}
	return (n & 0x00ffffffu) | enc << 24;
}

/* Classify the frame [data, data_end) with the policy in @slot.  @p is
 * filled with what the parser found (for counters and events). */
static __always_inline struct vx_verdict
vx_classify(struct vx_env *env, struct vx_pkt *p, const void *data,
	    const void *data_end, __u32 slot)
{
	struct vx_verdict v = { VX_C_OTHER, VX_CONF_PORT };
	struct vx_frag_val *fv;
	struct vx_frag_key fk;
	const __u8 *nh = data;
	__u32 t = 0, n, ver = 0;
	int r;

	/* the packet inside the tunnels, if any: caches and fragments are
	 * keyed by it (vpnxdp_tunnel.h) */
	for (int i = 0; i < VX_MAX_TUNNELS; i++) {
		n = vx_tunnel_run(env, data, data_end, t, slot);
		if (!n)
			break;
		t = n;
	}
	/* vx_tunnel_step() leaves an IP packet, parsed here once for every
	 * frame (one copy of the IP parser for the verifier) */
	if (t) {
		nh = (const __u8 *)data + vx_clamp(VX_TUN_OFF(t), VX_MAX_PAYLOAD_OFF);
		p->encap = (__u8)VX_TUN_KIND(t);
		r = 0;
	} else {
		r = vx_parse_l2(p, data, data_end, &nh, &ver);
	}
	/* The IP header at an offset the verifier does not know either way
	 * (a difference of packet pointers is an unknown scalar to it): the
	 * tunnelled and the plain frame are then one state from here on, so
	 * the classifier after the parser is verified once, not once each. */
	if (!r) {
		__u32 off = (__u32)(nh - (const __u8 *)data);

		nh = (const __u8 *)data + vx_clamp(off, VX_MAX_PAYLOAD_OFF);
		r = vx_parse_ip(p, nh, ver, data_end);
	}

	if (r == VX_PARSE_LATER_FRAG) {
		/* the class of its first fragment, if that surely holds */
		vx_frag_key(&fk, p);
		fv = vx_frag_lookup(env, &fk);
		return vx_frag_later(fv, p, fv ? vx_frag_now(env) : 0);
	}
	if (r == VX_PARSE_L4_UNKNOWN)
		v = vx_match_proto(env, p, data_end, slot);
	else if (r != VX_PARSE_OK)
		return v;
	else if (p->l4proto == IPPROTO_UDP || p->l4proto == IPPROTO_TCP)
		v = vx_classify_l4(env, p, data, data_end, slot);
	else
		v = vx_match_proto(env, p, data_end, slot);

	/* not VPN: how it was (not) identified is not worth counting */
	if (!VX_CLASS_IS_VPN(v.cls))
		v.conf = VX_CONF_PORT;
	if (p->frag == VX_FRAG_FIRST) {
		vx_frag_key(&fk, p);
		vx_frag_first_run(env, &fk, vx_res(v.cls, v.conf),
				  vx_frag_total(p, data_end), p->frag_len);
	}
	return v;
}

#endif /* VPNXDP_CLASSIFY_H */
