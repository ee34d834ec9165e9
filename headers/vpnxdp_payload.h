/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Payload checks: the first bytes of a packet that a port or IP-protocol
 * signature matched confirm, or overrule, what the signature says.
 *
 * Each check is a handful of bounded loads and compares and returns a class.
 * They read through the packet pointers in struct vx_pkt, bounds checked
 * against data_end so that the verifier accepts them unchanged.
 */
#ifndef VPNXDP_PAYLOAD_H
#define VPNXDP_PAYLOAD_H

#include "vpnxdp_common.h"
#include "vpnxdp_parse.h"

struct vx_verdict {
	__u8 cls;  /* enum vx_class */
	__u8 conf; /* enum vx_confidence */
};

/*
 * UDP port shared by IKE and ESP-in-UDP (RFC 3948, usually 4500).
 * - 4 zero bytes first: the non-ESP marker, an IKE message follows;
 * - a single 0xFF byte: NAT-keepalive, part of the IKE/IPsec association;
 * - anything else with room for an ESP header (SPI, sequence): ESP.
 * A datagram too short to be either is left on the signature's class.
 */
static __always_inline struct vx_verdict
vx_check_natt(const struct vx_pkt *p, const void *data_end, __u8 sig_cls)
{
	struct vx_verdict v = { sig_cls, VX_CONF_PORT };
	const __u8 *b = p->payload;

	if (p->payload_len == 1) {
		if ((const void *)(b + 1) > data_end)
			return v;
		if (b[0] == 0xff) {
			v.cls = VX_C_IKE;
			v.conf = VX_CONF_VERIFIED;
		}
		return v;
	}
	if (p->payload_len < 8 || (const void *)(b + 8) > data_end)
		return v;
	if ((b[0] | b[1] | b[2] | b[3]) == 0) {
		v.cls = VX_C_IKE;
		v.conf = VX_CONF_VERIFIED;
	} else {
		v.cls = VX_C_ESP;
		v.conf = VX_CONF_VERIFIED;
	}
	return v;
}

/*
 * GRE as PPTP uses it (RFC 2637 4.1, "enhanced GRE"): version 1, key bit
 * set (the key carries payload length and call id), protocol 0x880B (PPP).
 * Any other GRE (version 0 tunnels, NVGRE, ERSPAN, ...) is not PPTP.
 */
static __always_inline struct vx_verdict
vx_check_gre_pptp(const struct vx_pkt *p, const void *data_end)
{
	struct vx_verdict v = { VX_C_OTHER, VX_CONF_PORT };
	const __u8 *b = p->payload;

	if (p->payload_len < 8 || (const void *)(b + 8) > data_end)
		return v;
	if ((b[0] & 0x20) && (b[1] & 0x07) == 1 && b[2] == 0x88 && b[3] == 0x0b) {
		v.cls = VX_C_PPTP;
		v.conf = VX_CONF_VERIFIED;
	}
	return v;
}

#endif /* VPNXDP_PAYLOAD_H */
