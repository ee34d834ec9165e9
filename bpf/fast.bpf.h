/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fast path: the common frame, judged inline in the XDP program.
 *
 * Why it exists: here a BPF-to-BPF call costs about 2 ns and the XDP_PASS
 * floor of BPF_PROG_TEST_RUN is about 6 ns, so the general classifier
 * (vx_classify(): a parse that fills struct vx_pkt, the payload stage as a
 * global function, flow-cache probes) cost 4-5x the floor on every packet.
 * Most frames a firewall sees are plain: Ethernet with at most two VLAN
 * tags, IPv4 without options or IPv6 without extension headers, not a first
 * fragment, UDP/TCP/ESP/AH/GRE.  For those the fast path parses at fixed
 * offsets, settles most payloads inline (WireGuard on its signature's
 * port, ESP-in-UDP on a NAT-T port, payloads no any-port check could
 * claim), and calls out only where it must: vx_payload_global() for the
 * payloads it cannot settle, vx_fast_flow() for packets of flows the Bloom
 * filter may hold and for weak shapes (WireGuard data on another port),
 * whose flow decides, unless the flow is IPv4 and its entry is in the
 * front copy of the flow cache (vx_fast_front4()).
 *
 * It is not a second classifier.  It answers only where it can prove the
 * general one would give the same answer, using the same predicates
 * (vpnxdp_payload.h, vpnxdp_classify.h); anything else (IPv4 options, IPv6
 * extension headers, first fragments, a malformed header, a flow to be
 * written to the cache, a learned endpoint) returns VX_FAST_SLOW and the
 * frame goes through vx_classify() from the start.  The differential tests
 * (tests/bpf, tests/classify, tests/replay: BPF vs the userspace
 * classifier, packet by packet over every crafted and captured frame and
 * every truncation) hold it to that.
 *
 * The verdict is inline too where the first rule decides alone (the
 * default policy has none; `esp drop` is one); allow-lists, rate limits
 * and new-flow events go to vx_verdict().
 */
#ifndef VPNXDP_FAST_BPF_H
#define VPNXDP_FAST_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "vpnxdp_result.h"
#include "hooks.bpf.h"

/* The fast path's functions return a result (vx_res_t, never negative)
 * or one of these. */
#define VX_FAST_SLOW (-1)  /* not for the fast path: vx_slow() takes it */
#define VX_FAST_STAGE (-2) /* vx_fast_stage(): not decided inline, run
			    * the payload stage itself */
#define VX_FAST_NEXT (-3)  /* a stage of vx_fast_classify(): go on */

/* What the fast path found, for the verdict and vx_fast_fill(). */
struct vx_fast {
	const __u8 *l3;
	__u32 len;      /* frame length */
	__u16 sport, dport;
	__u8 ipver, l4proto, vlans, tcp_flags;
};

/* DNS on its ports accounts for the payload, as vx_wellknown_udp() finds
 * (vx_payload_stage(): no any-port check for it); the other well-known
 * services are vx_payload_global()'s, which keeps the verifier's count in
 * vx_fast_stage() at half. */
static __always_inline int vx_fast_dns(const struct vx_pkt *q,
				       const void *data_end)
{
	return (vx_dns_port(q->dport) || vx_dns_port(q->sport)) &&
	       vx_is_dns(q, data_end);
}

/* vx_payload_stage() where it can be decided inline, or VX_FAST_STAGE:
 * WireGuard, IKE and ESP-in-UDP on their signatures' ports and PPTP's
 * control connection on its (the VPN traffic worth no call), a WireGuard
 * handshake on a port with no signature, and payloads no any-port check
 * may claim (most of the rest). */
static __always_inline int vx_fast_stage(const struct vx_pkt *q,
					 const void *data_end, __u32 sig)
{
	vx_res_t r = vx_res(VX_C_OTHER, VX_CONF_PORT);
	__u32 cls = vx_sig_cls(sig);
	int hs;

	if (cls) {
		/* PPTP's control connection on its port (a TCP flow: the
		 * flow cache remembers it, so no VX_RES_SELF) */
		if (q->l4proto == IPPROTO_TCP && cls == VX_C_PPTP &&
		    !(vx_sig_flags(sig) & VX_SIG_NATT) && vx_is_pptp_ctrl(q, data_end))
			return (int)vx_res(VX_C_PPTP, VX_CONF_VERIFIED);
		if (q->l4proto != IPPROTO_UDP)
			return VX_FAST_STAGE;
		if (vx_sig_flags(sig) & VX_SIG_NATT)
			r = vx_res_of(vx_check_natt(q, data_end, (__u8)cls));
		else if (cls == VX_C_WIREGUARD)
			r = vx_res(vx_is_wireguard(q, data_end) ? VX_C_WIREGUARD : VX_C_OTHER,
				   VX_CONF_VERIFIED);
		else if (cls == VX_C_IKE && vx_is_ike(q, 0, data_end))
			r = vx_res(VX_C_IKE, VX_CONF_VERIFIED);
		else
			return VX_FAST_STAGE;
		if (vx_res_cls(r) && vx_res_conf(r) == VX_CONF_VERIFIED)
			return (int)(r | VX_RES_SELF);
	}
	if (q->l4proto != IPPROTO_UDP)
		return vx_find_tcp_may(q, data_end) ? VX_FAST_STAGE : (int)r;
	/* vx_find_udp()'s first hit on a port with no signature, ahead of
	 * its prefilter, which would run the same checks again on the way
	 * (a handshake is one of its hits) */
	hs = !cls && vx_wg_handshake(q, data_end);
	if ((!hs && !vx_find_udp_may(q, data_end)) || vx_fast_dns(q, data_end))
		return (int)r;
	/* the rest (WireGuard data, a weak shape whose flow decides, among
	 * them) is vx_payload_global()'s */
	return hs ? (int)vx_res(VX_C_WIREGUARD, VX_CONF_PAYLOAD) : VX_FAST_STAGE;
}

/* The endpoint hash of vx_ep_hash() straight from the header: the same
 * value, with an IPv4 address in word 0 and zeros after it. */
static __always_inline __u32 vx_fast_ep_hash(const __u8 *a, __u8 ipver,
					     __u16 port)
{
	const __u32 *w = (const __u32 *)a;
	__u32 x = ipver == 4 ? w[0] : w[0] ^ w[1] ^ w[2] ^ w[3];
	__u32 h = (x ^ port) * 0x85ebca6bu;

	return h ^ (h >> 15);
}

/* The addresses of the IP header at @nh into @p (zeroed), as vx_parse()
 * stores them; -1 if the header is not there. */
static __always_inline int vx_fast_addrs(struct vx_pkt *p, const __u8 *nh,
					 __u8 ipver, const void *data_end)
{
	if (ipver == 4 && (const void *)(nh + 20) <= data_end) {
		__builtin_memcpy(&p->saddr[0], nh + 12, 4);
		__builtin_memcpy(&p->daddr[0], nh + 16, 4);
		return 0;
	}
	if (ipver == 6 && (const void *)(nh + 40) <= data_end) {
		__builtin_memcpy(p->saddr, nh + 8, 16);
		__builtin_memcpy(p->daddr, nh + 24, 16);
		return 0;
	}
	return -1;
}

/* @p as vx_parse() fills it, from what the fast path found (events and
 * the policy read the addresses, ports and versions). */
static __always_inline void vx_fast_fill(struct vx_pkt *p,
					 const struct vx_fast *f,
					 const void *data_end)
{
	__builtin_memset(p, 0, sizeof(*p));
	p->ipver = f->ipver;
	p->l4proto = f->l4proto;
	p->sport = f->sport;
	p->dport = f->dport;
	p->vlans = f->vlans;
	p->tcp_flags = f->tcp_flags;
	vx_fast_addrs(p, f->l3, f->ipver, data_end);
}

/* vx_fast_flow()'s packet, in one scalar (a global function takes five
 * arguments): the IP header's offset in the frame (at most 31,
 * vx_fast_l3()), IPv6 or not, the Bloom filter's answer, the transport,
 * the payload's offset (at most 31 + 40 + 60). */
#define VX_FF_V6 (1u << 5)
#define VX_FF_MAYBE (1u << 6)

static __always_inline __u32 vx_ff_at(__u32 l3_off, __u8 ipver, __u32 maybe,
				      __u8 l4proto, __u32 pl_off)
{
	return l3_off | (ipver == 6 ? VX_FF_V6 : 0) | (maybe ? VX_FF_MAYBE : 0) |
	       (__u32)l4proto << 8 | pl_off << 16;
}

/*
 * The flow cache's part of vx_classify_ports(), for the fast path: @r is
 * the payload stage's result, @h the flow's hash (vx_flow_hash2()); the
 * flow is re-read from the frame, found by @at (vx_ff_at()), @ports sport
 * << 16 | dport.  Returns vx_flow_decide()'s result (VX_RES_MISS: the
 * caller goes on to the endpoint check), or VX_FAST_SLOW where the cache
 * must be written for an identified flow (a new one, a class that
 * changed), which is vx_slow()'s.  A weak shape's evidence is counted here
 * as vx_weak_flow() does in the general path (its result is final there
 * too), so that a flow gathering evidence does not take the slow path
 * packet after packet; VX_RES_NEW_FLOW when the flow got its class now,
 * which vx_verdict() reports.  A global function: the key and the lookup
 * stay off the XDP program's stack, and only packets of flows the cache
 * may hold (and those that identify a flow) pay the call.
 */
__noinline int vx_fast_flow(struct xdp_md *ctx, __u32 at, __u32 ports,
			    vx_res_t r, __u32 h)
{
	const __u8 *data, *nh, *b;
	const void *data_end;
	struct vx_env env = {};
	const struct vx_flow_val *fv = 0;
	struct vx_flow_key k;
	struct vx_pkt p = {};
	int from_hi;

	if (!ctx)
		return VX_FAST_SLOW;
	data = (const __u8 *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	nh = data + (at & 0x1f);
	p.ipver = at & VX_FF_V6 ? 6 : 4;
	p.l4proto = (at >> 8) & 0xff;
	p.sport = ports >> 16;
	p.dport = ports & 0xffff;
	if (vx_fast_addrs(&p, nh, p.ipver, data_end))
		return VX_FAST_SLOW;
	from_hi = vx_flow_key(&k, &p);
	if (r & VX_RES_WEAK) {
		b = data + vx_clamp(at >> 16, VX_MAX_PAYLOAD_OFF);
		if ((const void *)(b + 16) > data_end)
			b = 0;
		r = vx_weak_flow(&env, &k, from_hi, b, h, r);
		return (int)(r & VX_RES_STORE ? (r & ~VX_RES_STORE) | VX_RES_NEW_FLOW : r);
	}
	if (at & VX_FF_MAYBE)
		fv = vx_fc_lookup(&env, &k);
	r = vx_flow_decide(r, fv);
	return r & VX_RES_STORE ? VX_FAST_SLOW : (int)r;
}

/* Where the fast path's stages leave the frame for the next one. */
struct vx_fast_at {
	const __u8 *l4;      /* the transport header */
	const __u8 *sa, *da; /* the IP addresses */
	__u32 room;          /* bytes of the IP packet from l4 on */
	__u32 off;           /* UDP, TCP: the payload's offset in the frame */
};

/*
 * vx_fast_flow()'s answer for an IPv4 flow whose entry the front holds,
 * without the call: the entry straight from its slot, decided as
 * vx_fast_flow() decides.  VX_FAST_NEXT where that would take more (no
 * trusted slot, an entry to write, evidence to count), which vx_fast_flow()
 * then does.  The key is vx_flow_key()'s as words, in registers: the lower
 * endpoint's address in word 0, the other's in word 2 (words 1 and 3, the
 * rest of IPv6 addresses, are zero), ports, protocol and version (kind
 * VX_FK_FLOW, pad: zero) in word 4.
 */
_Static_assert(__builtin_offsetof(struct vx_flow_key, addr_hi) == 16 &&
	       __builtin_offsetof(struct vx_flow_key, port_lo) == 32 &&
	       __builtin_offsetof(struct vx_flow_key, port_hi) == 34 &&
	       __builtin_offsetof(struct vx_flow_key, proto) == 36 &&
	       __builtin_offsetof(struct vx_flow_key, ipver) == 37 &&
	       __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "vx_fast_front4() builds struct vx_flow_key's words");
static __always_inline int vx_fast_front4(vx_res_t r, const struct vx_fast *f,
					  const struct vx_fast_at *at)
{
	__u32 a = *(const __u32 *)at->sa, b = *(const __u32 *)at->da;
	/* vx_ep_before() on IPv4 addresses (words 1-3 zero on both sides) */
	int lo_first = a != b ? a < b : f->sport <= f->dport;
	__u64 ports = lo_first ? (__u64)f->sport | (__u64)f->dport << 16 :
				 (__u64)f->dport | (__u64)f->sport << 16;
	struct vx_flow_val fv;

	if (!vx_front_probe_w(lo_first ? a : b, 0, lo_first ? b : a, 0,
			      ports | (__u64)f->l4proto << 32 | 4ull << 40, &fv))
		return VX_FAST_NEXT;
	r = r & VX_RES_WEAK ? vx_flow_decide_weak(r, &fv) : vx_flow_decide(r, &fv);
	return r & VX_RES_STORE ? VX_FAST_NEXT : (int)r;
}

/*
 * Ethernet, at most two VLAN tags, and an IPv4 header without options or an
 * IPv6 header: VX_FAST_NEXT with @f's L3 fields and @at set, a result (a
 * later fragment), or VX_FAST_SLOW.
 */
static __always_inline int vx_fast_l3(struct vx_env *env, struct vx_fast *f,
				      struct vx_fast_at *at, const __u8 *data,
				      const void *data_end)
{
	const __u8 *nh, *l3_end;
	__u32 off = sizeof(struct ethhdr), plen;
	__u16 proto;

	if ((const void *)(data + off) > data_end)
		return VX_FAST_SLOW;
	f->len = (__u32)((const __u8 *)data_end - data);
	/* one 16-bit load: struct ethhdr is packed, and clang reads its
	 * h_proto a byte at a time */
	proto = *(const __u16 *)(data + 12);
	/* VLAN tags: one offset for every count, so that the verifier sees
	 * one state after them, not one per count */
VX_UNROLL
	for (int i = 0; i < VX_MAX_VLANS; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) &&
		    proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((const void *)(data + off + 4) > data_end)
			return VX_FAST_SLOW;
		proto = *(const __u16 *)(data + off + 2);
		off += 4;
		f->vlans++;
	}
	nh = data + vx_clamp(off, 31);

	if (proto == bpf_htons(ETH_P_IP)) {
		const struct iphdr *iph = (const void *)nh;

		/* no options, not a first fragment (DF may be set) */
		if ((const void *)(iph + 1) > data_end || nh[0] != 0x45)
			return VX_FAST_SLOW;
		plen = bpf_ntohs(iph->tot_len);
		if (plen < sizeof(*iph) || nh + plen > (const __u8 *)data_end)
			return VX_FAST_SLOW;
		f->ipver = 4;
		f->l4proto = iph->protocol;
		f->l3 = nh;
		if (iph->frag_off & bpf_htons(0x1fff)) {
			/* a later fragment (vx_classify(): its first
			 * fragment's class if that was stored, which the
			 * Bloom bit of its reassembly key may say; else
			 * "fragment") */
			if (vx_fc_maybe(env, vx_frag_hash_words(
					iph->saddr, iph->daddr,
					bpf_ntohs(iph->id), iph->protocol)))
				return VX_FAST_SLOW;
			return (int)vx_res(VX_C_FRAGMENT, VX_CONF_PORT);
		}
		if (iph->frag_off & bpf_htons(0x2000))
			return VX_FAST_SLOW;
		at->l4 = nh + sizeof(*iph);
		l3_end = nh + plen;
		at->sa = nh + 12;
		at->da = nh + 16;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6 = (const void *)nh;

		if ((const void *)(ip6 + 1) > data_end || (nh[0] >> 4) != 6)
			return VX_FAST_SLOW;
		plen = bpf_ntohs(ip6->payload_len);
		at->l4 = nh + sizeof(*ip6);
		if (plen == 0 || at->l4 + plen > (const __u8 *)data_end)
			return VX_FAST_SLOW;
		f->ipver = 6;
		f->l4proto = ip6->nexthdr;
		f->l3 = nh;
		l3_end = at->l4 + plen;
		at->sa = nh + 8;
		at->da = nh + 24;
	} else {
		return VX_FAST_SLOW;
	}
	at->room = (__u32)(l3_end - at->l4);
	return VX_FAST_NEXT;
}

/*
 * The transport header: UDP and TCP go on (VX_FAST_NEXT, the payload's
 * length in @q, its offset in @at); ESP, AH, GRE and every transport
 * vpnxdp does not parse (ICMP, ICMPv6, SCTP...) are judged by the
 * IP-protocol signatures (vx_classify() -> vx_match_proto()).
 */
static __always_inline int vx_fast_l4(struct vx_env *env, struct vx_fast *f,
				      struct vx_pkt *q, struct vx_fast_at *at,
				      const __u8 *data, const void *data_end,
				      __u32 slot)
{
	const __u8 *l4 = at->l4;
	__u32 room = at->room, off, plen;
	struct vx_verdict v;

	q->l4proto = f->l4proto;
	q->sport = q->dport = 0;
	switch (f->l4proto) {
	case IPPROTO_UDP:
		if (room < 8 || (const void *)(l4 + 8) > data_end)
			return VX_FAST_SLOW;
		plen = ((__u32)l4[4] << 8) | l4[5];
		if (plen < 8 || plen > room)
			return VX_FAST_SLOW;
		/* VXLAN, GENEVE, GTP-U: vx_tunnel()'s to look into */
		if (vx_tunnel_port(bpf_ntohs(*(const __u16 *)(l4 + 2))))
			return VX_FAST_SLOW;
		at->off = (__u32)(l4 + 8 - data);
		q->payload_len = plen - 8;
		return VX_FAST_NEXT;
	case IPPROTO_TCP:
		if (room < 20 || (const void *)(l4 + 20) > data_end)
			return VX_FAST_SLOW;
		off = (__u32)(l4[12] >> 4) * 4;
		if (off < 20 || off > room)
			return VX_FAST_SLOW;
		f->tcp_flags = l4[13];
		at->off = (__u32)(l4 + off - data);
		q->payload_len = room - off;
		return VX_FAST_NEXT;
	}
	/* IP-in-IP and GRE version 0 (PPTP's is 1) are tunnels for
	 * vx_tunnel() to look into */
	if (f->l4proto == IPPROTO_IPIP || f->l4proto == IPPROTO_IPV6)
		return VX_FAST_SLOW;
	if (f->l4proto == IPPROTO_GRE &&
	    (room < 2 || (const void *)(l4 + 2) > data_end || !(l4[1] & 7)))
		return VX_FAST_SLOW;
	/* IPv6 extension headers (and "no next header") are
	 * vx_parse_ipv6()'s to walk */
	if (f->ipver == 6 &&
	    (f->l4proto == IPPROTO_HOPOPTS || f->l4proto == IPPROTO_ROUTING ||
	     f->l4proto == IPPROTO_FRAGMENT || f->l4proto == IPPROTO_DSTOPTS ||
	     f->l4proto == IPPROTO_NONE))
		return VX_FAST_SLOW;
	/* the parser's minimum header for each (vx_parse_l4) */
	off = f->l4proto == IPPROTO_ESP ? 8 : f->l4proto == IPPROTO_AH ? 12 :
	      f->l4proto == IPPROTO_GRE ? 4 : 0;
	if (room < off || (const void *)(l4 + off) > data_end)
		return VX_FAST_SLOW;
	q->payload = l4;
	q->payload_len = room;
	v = vx_match_proto(env, q, data_end, slot);
	if (!VX_CLASS_IS_VPN(v.cls))
		v.conf = VX_CONF_PORT;
	return (int)vx_res_of(v);
}

/* UDP and TCP: vx_classify_ports() on the fast path's parse. */
static __always_inline int vx_fast_ports(struct vx_env *env, struct vx_fast *f,
					 struct vx_pkt *q,
					 const struct vx_fast_at *at,
					 const __u8 *data, const void *data_end,
					 __u32 slot)
{
	const __u8 *l4 = at->l4;
	__u32 h, maybe, weak;
	__u32 sig = 0;
	vx_res_t r;
	int s;

	f->sport = (__u16)(((__u32)l4[0] << 8) | l4[1]);
	f->dport = (__u16)(((__u32)l4[2] << 8) | l4[3]);
	q->sport = f->sport;
	q->dport = f->dport;
	/* one clamped offset for every parse path (as vx_classify_ports) */
	q->payload = data + vx_clamp(at->off, VX_MAX_PAYLOAD_OFF);
	q->payload_len = vx_clamp(q->payload_len, 0xffff);
	if (q->payload_len) {
		sig = vx_match_sig(env, q, slot);
		s = vx_fast_stage(q, data_end, sig);
		r = s == VX_FAST_STAGE ?
		    vx_payload_global(env->ctx, at->off, q->payload_len,
				      vx_pg_ports(f->sport, f->dport),
				      vx_pg_sig(sig, f->l4proto)) :
		    (vx_res_t)s;
	} else {
		r = vx_res(VX_C_OTHER, VX_CONF_PORT);
	}

	h = vx_flow_hash2(vx_fast_ep_hash(at->sa, f->ipver, f->sport),
			  vx_fast_ep_hash(at->da, f->ipver, f->dport), f->l4proto);
	maybe = vx_fc_maybe(env, h);
	if (vx_flow_wants(r, maybe)) {
		/* the flow cache has a say: a flow the filter may hold, or
		 * one identified by its bytes that may need remembering, or
		 * a weak shape, whose flow alone decides */
		weak = r & VX_RES_WEAK;
		s = maybe && f->ipver == 4 ? vx_fast_front4(r, f, at) : VX_FAST_NEXT;
		if (s == VX_FAST_NEXT)
			s = vx_fast_flow(env->ctx,
					 vx_ff_at((__u32)(f->l3 - data), f->ipver, maybe,
						  f->l4proto, at->off),
					 (__u32)f->sport << 16 | f->dport, r, h);
		if (s == VX_FAST_SLOW)
			return VX_FAST_SLOW;
		r = (vx_res_t)s;
		if (weak || !(r & VX_RES_MISS))
			goto done;
	}
	/* to or from an endpoint a handshake taught: vx_slow() looks */
	if (!(r & VX_RES_SELF) && f->l4proto == IPPROTO_UDP && vx_ep_any(env))
		return VX_FAST_SLOW;
	/* a candidate of the heuristic (policy turned it on): vx_slow() */
	if (env->heur && !vx_res_cls(r) && !sig && q->payload_len)
		return VX_FAST_SLOW;
done:
	if (!VX_CLASS_IS_VPN(vx_res_cls(r)))
		return (int)vx_res(VX_C_OTHER, VX_CONF_PORT);
	return (int)(vx_res_plain(r) | (r & VX_RES_NEW_FLOW));
}

/*
 * Parse and classify @ctx.  Returns the result vx_classify() would give
 * (vx_res_t; VX_RES_NEW_FLOW as vx_slow() sets it), with @f filled, or
 * VX_FAST_SLOW.  @q is scratch:
 * the predicates' view of the packet (only the fields they read are set).
 * The caller reuses it for vx_verdict()'s struct vx_pkt, which keeps the
 * XDP program's frame small enough for vx_slow() to nest under it.
 */
static __always_inline int vx_fast_classify(struct xdp_md *ctx, __u32 slot,
					    __u32 heur, struct vx_fast *f,
					    struct vx_pkt *q)
{
	const __u8 *data = (const __u8 *)(long)ctx->data;
	const void *data_end = (void *)(long)ctx->data_end;
	struct vx_env env = { ctx, 0, (__u8)heur };
	struct vx_fast_at at;
	int r;

	r = vx_fast_l3(&env, f, &at, data, data_end);
	if (r != VX_FAST_NEXT)
		return r;
	r = vx_fast_l4(&env, f, q, &at, data, data_end, slot);
	if (r != VX_FAST_NEXT)
		return r;
	return vx_fast_ports(&env, f, q, &at, data, data_end, slot);
}

#endif /* VPNXDP_FAST_BPF_H */
