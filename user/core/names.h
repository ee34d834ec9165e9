/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of classes, confidences, actions and transports as the CLI, JSON
 * output and policy files spell them (the enums are in vpnxdp_common.h).
 */
#ifndef VX_NAMES_H
#define VX_NAMES_H

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
	[VX_C_WARP] = "warp",
};

static const char *const vx_conf_names[VX_NCONF] = {
	[VX_CONF_PORT] = "port",
	[VX_CONF_VERIFIED] = "verified",
	[VX_CONF_PAYLOAD] = "payload",
	[VX_CONF_FLOW] = "flow",
	[VX_CONF_HEURISTIC] = "heuristic",
};

/* enum vx_encap: the label `encap` of stats, replay and the exporter */
static const char *const vx_encap_names[VX_NENC] = {
	[VX_ENC_NONE] = "none",
	[VX_ENC_PPPOE] = "pppoe",
	[VX_ENC_MPLS] = "mpls",
	[VX_ENC_IPIP] = "ipip",
	[VX_ENC_GRE] = "gre",
	[VX_ENC_VXLAN] = "vxlan",
	[VX_ENC_GENEVE] = "geneve",
	[VX_ENC_GTPU] = "gtpu",
};

static const char *const vx_action_names[VX_NACTION] = {
	[VX_ACT_COUNT] = "count",
	[VX_ACT_PASS] = "pass",
	[VX_ACT_DROP] = "drop",
};

/* Why a packet was dropped (enum vx_reason): `events` and the exporter's
 * reason label say the same words. */
static const char *const vx_reason_names[] = {
	[VX_R_NONE] = "none",
	[VX_R_RULE] = "rule",
	[VX_R_RATE] = "rate",
	[VX_R_DENY] = "deny",
};
#define VX_NREASON (sizeof(vx_reason_names) / sizeof(vx_reason_names[0]))

static inline const char *vx_class_name(unsigned int c)
{
	return c < VX_NCLASS ? vx_class_names[c] : "unknown";
}

static inline const char *vx_conf_name(unsigned int c)
{
	return c < VX_NCONF ? vx_conf_names[c] : "-";
}

/* The IP protocols vpnxdp names; NULL for the others.  By number: the
 * IPPROTO_ names come from <netinet/in.h> or <linux/in.h>, which clash, and
 * includers use either. */
static inline const char *vx_l4_name(unsigned int proto)
{
	switch (proto) {
	case 17: return "udp";
	case 6: return "tcp";
	case 50: return "esp";
	case 51: return "ah";
	case 47: return "gre";
	case 1: return "icmp";
	case 58: return "icmpv6";
	default: return NULL;
	}
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

#endif
