/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The classifier: one frame in, one class out.
 *
 * The signature tables are maps in the XDP program and plain arrays in
 * userspace, so the includer supplies the two lookups before including this
 * file:
 *
 *   static __always_inline const struct vx_sig *
 *   vx_sig_lookup(struct vx_env *env, __u32 index);   index: vx_sig_index()
 *   static __always_inline const __u8 *
 *   vx_proto_lookup(struct vx_env *env, __u32 index); index: vx_proto_index()
 *
 * struct vx_env is whatever the includer needs to find its tables.
 */
#ifndef VPNXDP_CLASSIFY_H
#define VPNXDP_CLASSIFY_H

#include "vpnxdp_common.h"
#include "vpnxdp_parse.h"
#include "vpnxdp_payload.h"

struct vx_env;
static __always_inline const struct vx_sig *vx_sig_lookup(struct vx_env *env,
							   __u32 index);
static __always_inline const __u8 *vx_proto_lookup(struct vx_env *env,
						    __u32 index);

/* A port signature matched: let the payload confirm or overrule it. */
static __always_inline struct vx_verdict
vx_confirm_port(const struct vx_pkt *p, const void *data_end,
		const struct vx_sig *sig)
{
	struct vx_verdict v = { sig->cls, VX_CONF_PORT };

	if ((sig->flags & VX_SIG_NATT) && p->l4proto == IPPROTO_UDP)
		return vx_check_natt(p, data_end, sig->cls);
	return v;
}

/* Port signatures: destination port first (traffic to a server), then
 * source port (its replies), so both directions of a flow count.
 *
 * A segment or datagram with no payload is never VPN by its port alone: a
 * SYN scan, a bare ACK or an empty datagram says nothing about the protocol
 * behind the port, and calling it VPN would flag every port scan. */
static __always_inline struct vx_verdict
vx_match_ports(struct vx_env *env, const struct vx_pkt *p,
	       const void *data_end, __u32 slot)
{
	struct vx_verdict v = { VX_C_OTHER, VX_CONF_PORT };
	const struct vx_sig *sig;
	__u32 l4 = p->l4proto == IPPROTO_TCP ? VX_L4_TCP : VX_L4_UDP;

	if (p->payload_len == 0)
		return v;

	sig = vx_sig_lookup(env, vx_sig_index(slot, l4, p->dport));
	if (sig && sig->cls)
		return vx_confirm_port(p, data_end, sig);
	sig = vx_sig_lookup(env, vx_sig_index(slot, l4, p->sport));
	if (sig && sig->cls)
		return vx_confirm_port(p, data_end, sig);
	return v;
}

/* IP-protocol signatures (ESP 50, AH 51, GRE 47, or what policy adds). */
static __always_inline struct vx_verdict
vx_match_proto(struct vx_env *env, const struct vx_pkt *p,
	       const void *data_end, __u32 slot)
{
	struct vx_verdict v = { VX_C_OTHER, VX_CONF_PORT };
	const __u8 *cls = vx_proto_lookup(env, vx_proto_index(slot, p->l4proto));

	if (!cls || !*cls)
		return v;
	if (p->l4proto == IPPROTO_GRE) {
		/* PPTP's entry (the default) counts only PPTP's enhanced GRE;
		 * other GRE stays other.  A class an operator mapped to GRE
		 * explicitly is taken as given. */
		if (*cls == VX_C_PPTP)
			return vx_check_gre_pptp(p, data_end);
		v.cls = *cls;
		return v;
	}
	v.cls = *cls;
	/* ESP and AH have no payload check: the IP protocol is the protocol. */
	if (p->l4proto == IPPROTO_ESP || p->l4proto == IPPROTO_AH)
		v.conf = VX_CONF_VERIFIED;
	return v;
}

/* Classify the frame [data, data_end) with the policy in @slot.  @p is
 * filled with what the parser found (for counters and events). */
static __always_inline struct vx_verdict
vx_classify(struct vx_env *env, struct vx_pkt *p, const void *data,
	    const void *data_end, __u32 slot)
{
	struct vx_verdict v = { VX_C_OTHER, VX_CONF_PORT };
	int r = vx_parse(p, data, data_end);

	if (r == VX_PARSE_LATER_FRAG) {
		v.cls = VX_C_FRAGMENT;
		return v;
	}
	if (r == VX_PARSE_L4_UNKNOWN)
		return vx_match_proto(env, p, data_end, slot);
	if (r != VX_PARSE_OK)
		return v;

	switch (p->l4proto) {
	case IPPROTO_UDP:
	case IPPROTO_TCP:
		return vx_match_ports(env, p, data_end, slot);
	default:
		return vx_match_proto(env, p, data_end, slot);
	}
}

#endif /* VPNXDP_CLASSIFY_H */
