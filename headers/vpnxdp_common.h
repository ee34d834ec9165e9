/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the XDP program and the vpnxdp command share: class and action ids,
 * map layouts, map value structs.  Everything here is plain data so that the
 * same header compiles with clang -target bpf and with the host compiler.
 *
 * Changing a struct here changes the pinned-map ABI: a running program keeps
 * its old maps, so bump VX_ABI_VERSION when a layout changes.
 */
#ifndef VPNXDP_COMMON_H
#define VPNXDP_COMMON_H

#include <linux/types.h>

#define VX_ABI_VERSION 1

/* Traffic classes.  The order is the ABI of the counters map; names live in
 * vpnxdp_names.h.  VX_C_OTHER is "not VPN", VX_C_FRAGMENT is a non-first IP
 * fragment whose class cannot be known from its own bytes. */
enum vx_class {
	VX_C_OTHER = 0,
	VX_C_WIREGUARD,
	VX_C_OPENVPN,
	VX_C_IKE,
	VX_C_ESP,
	VX_C_AH,
	VX_C_L2TP,
	VX_C_PPTP,
	VX_C_SSTP,
	VX_C_LIGHTWAY,
	VX_C_FRAGMENT,
	VX_NCLASS, /* classes defined today */
};

/* Map rows reserved per class table: leaves room to add classes without
 * changing map sizes. */
#define VX_MAX_CLASS 32

/* A class that policy may act on.  OTHER and FRAGMENT are never dropped:
 * the data path fails open for anything it cannot call VPN. */
#define VX_CLASS_IS_VPN(c) ((c) > VX_C_OTHER && (c) < VX_C_FRAGMENT)

/* Per-class actions.  count: pass and count (the default); pass: pass
 * without touching the counters (the cheapest path, for traffic the operator
 * has decided not to watch); drop: drop and count as dropped. */
enum vx_action {
	VX_ACT_COUNT = 0,
	VX_ACT_PASS = 1,
	VX_ACT_DROP = 2,
	VX_NACTION,
};

/* Transports a port signature can name. */
enum vx_l4 {
	VX_L4_UDP = 0,
	VX_L4_TCP = 1,
	VX_NL4,
};

/*
 * Policy slots.  Every policy map holds two complete copies of the policy,
 * one per slot; vx_config.slot says which one is live.  A push fills the
 * idle slot, then flips vx_config.slot with one map write, so a packet (which
 * reads the slot once) is judged by exactly one whole policy.
 */
#define VX_NSLOTS 2

/* vx_sigs: BPF_MAP_TYPE_ARRAY indexed by port.  An array rather than a hash
 * because the lookup is then an inlined bounds check and load, and every
 * one of the 65536 ports per transport can carry a signature. */
#define VX_SIG_PORTS 65536u
#define VX_SIG_ENTRIES (VX_NSLOTS * VX_NL4 * VX_SIG_PORTS)

static inline __u32 vx_sig_index(__u32 slot, __u32 l4, __u32 port)
{
	return (slot * VX_NL4 + l4) * VX_SIG_PORTS + (port & 0xffff);
}

/* Signature flags. */
#define VX_SIG_NATT 0x01 /* UDP port carries IKE and ESP-in-UDP (RFC 3948):
			   * payload decides which */

struct vx_sig {
	__u8 cls;   /* enum vx_class; 0 = no signature */
	__u8 flags; /* VX_SIG_* */
};

/* vx_protos: BPF_MAP_TYPE_ARRAY indexed by slot * 256 + IP protocol. */
#define VX_PROTO_ENTRIES (VX_NSLOTS * 256)

static inline __u32 vx_proto_index(__u32 slot, __u32 proto)
{
	return slot * 256 + (proto & 0xff);
}

/* vx_actions: BPF_MAP_TYPE_ARRAY indexed by slot * VX_MAX_CLASS + class,
 * value __u8 enum vx_action. */
#define VX_ACTION_ENTRIES (VX_NSLOTS * VX_MAX_CLASS)

static inline __u32 vx_action_index(__u32 slot, __u32 cls)
{
	return slot * VX_MAX_CLASS + (cls % VX_MAX_CLASS);
}

/* vx_config: BPF_MAP_TYPE_ARRAY, one entry. */
struct vx_config {
	__u32 slot;       /* live policy slot, 0 or 1 */
	__u32 generation; /* bumped by every policy apply that changed something */
};

/* How sure the classifier is of a class (counted per class). */
enum vx_confidence {
	VX_CONF_PORT = 0,     /* signature matched, nothing in the payload to judge */
	VX_CONF_VERIFIED = 1, /* signature matched and the payload confirms it */
	VX_CONF_PAYLOAD = 2,  /* no signature: the payload alone identified it */
	VX_NCONF,
};

/* vx_counters: BPF_MAP_TYPE_PERCPU_ARRAY indexed by class. */
struct vx_counters {
	__u64 packets;   /* packets seen of this class (action count or drop) */
	__u64 bytes;     /* their frame bytes */
	__u64 dropped;   /* of them dropped, for any reason below */
	__u64 drop_rule; /* dropped by a drop rule */
	__u64 drop_rate; /* dropped by a per-source rate limit */
	__u64 drop_deny; /* dropped as not in an allow-list */
	__u64 conf[VX_NCONF]; /* packets by enum vx_confidence */
};

/* vx_meta: BPF_MAP_TYPE_ARRAY, one entry, written and read only by the
 * vpnxdp command: how this attachment was made, so that status can say it. */
#define VX_LABEL_LEN 200
struct vx_meta {
	__u32 abi;          /* VX_ABI_VERSION of the program that owns the maps */
	__u32 mode;         /* enum xdp_attach_mode */
	__u32 multiprog;    /* 1: attached through the libxdp dispatcher */
	__u32 ifindex;
	__u64 attached_at;  /* CLOCK_REALTIME seconds */
	__u64 netns_ino;    /* inode of the attaching network namespace: pins
			     * are global, interface names are per namespace */
	char policy[VX_LABEL_LEN]; /* what the policy in force came from */
};

#endif /* VPNXDP_COMMON_H */
