/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of classes and actions as the CLI, JSON output and policy files
 * spell them.  Userspace only; kept beside the enums they name.
 */
#ifndef VPNXDP_NAMES_H
#define VPNXDP_NAMES_H

#include <string.h>
#include "vpnxdp_common.h"

static const char *const vx_class_names[VX_NCLASS] = {
	[VX_C_OTHER] = "other",
	[VX_C_WIREGUARD] = "wireguard",
	[VX_C_OPENVPN] = "openvpn",
	[VX_C_IKE] = "ike",
	[VX_C_ESP] = "esp",
	[VX_C_AH] = "ah",
	[VX_C_L2TP] = "l2tp",
	[VX_C_PPTP] = "pptp",
	[VX_C_SSTP] = "sstp",
	[VX_C_LIGHTWAY] = "lightway",
	[VX_C_FRAGMENT] = "fragment",
	[VX_C_SOFTETHER] = "softether",
	[VX_C_TAILSCALE] = "tailscale",
	[VX_C_TINC] = "tinc",
	[VX_C_OPENCONNECT] = "openconnect",
	[VX_C_ZEROTIER] = "zerotier",
};

static const char *const vx_conf_names[VX_NCONF] = {
	[VX_CONF_PORT] = "port",
	[VX_CONF_VERIFIED] = "verified",
	[VX_CONF_PAYLOAD] = "payload",
};

static const char *const vx_action_names[VX_NACTION] = {
	[VX_ACT_COUNT] = "count",
	[VX_ACT_PASS] = "pass",
	[VX_ACT_DROP] = "drop",
};

static const char *const vx_l4_names[VX_NL4] = {
	[VX_L4_UDP] = "udp",
	[VX_L4_TCP] = "tcp",
};

static inline const char *vx_class_name(unsigned int c)
{
	return c < VX_NCLASS ? vx_class_names[c] : "unknown";
}

/* Returns the class id, or -1. */
static inline int vx_class_parse(const char *s)
{
	for (int i = 0; i < VX_NCLASS; i++)
		if (strcmp(s, vx_class_names[i]) == 0)
			return i;
	return -1;
}

static inline int vx_action_parse(const char *s)
{
	for (int i = 0; i < VX_NACTION; i++)
		if (strcmp(s, vx_action_names[i]) == 0)
			return i;
	return -1;
}

#endif /* VPNXDP_NAMES_H */
