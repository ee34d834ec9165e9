/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The class the default policy gives each ready-made packet kind of pkt.h:
 * the expectation shared by the userspace and the BPF test suites.
 */
#ifndef VX_TEST_KIND_CLASS_H
#define VX_TEST_KIND_CLASS_H

#include "vpnxdp_common.h"
#include "pkt.h"

static const unsigned int kind_class[PKT_K_NKIND] = {
	[PKT_K_WG] = VX_C_WIREGUARD,
	[PKT_K_OVPN_UDP] = VX_C_OPENVPN,
	[PKT_K_OVPN_TCP] = VX_C_OPENVPN,
	[PKT_K_IKE] = VX_C_IKE,
	[PKT_K_NATT_IKE] = VX_C_IKE,
	[PKT_K_NATT_KA] = VX_C_IKE,
	[PKT_K_NATT_ESP] = VX_C_ESP,
	[PKT_K_L2TP] = VX_C_L2TP,
	[PKT_K_PPTP_CTRL] = VX_C_PPTP,
	[PKT_K_ESP] = VX_C_ESP,
	[PKT_K_AH] = VX_C_AH,
	[PKT_K_GRE_PPTP] = VX_C_PPTP,
	[PKT_K_GRE_V0] = VX_C_OTHER,
	[PKT_K_SSTP] = VX_C_OTHER, /* sstp is off by default */
	[PKT_K_DNS] = VX_C_OTHER,
	[PKT_K_WARP] = VX_C_WARP,
};

#endif
