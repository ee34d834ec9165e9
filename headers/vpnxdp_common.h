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

#define VX_ABI_VERSION 12

/* Traffic classes.  The order is the ABI of the counters map (a class id is
 * its row); names live in user/core/names.h.  VX_C_OTHER is "not VPN",
 * VX_C_FRAGMENT a non-first IP fragment whose first fragment was not seen.
 * New classes are appended after VX_C_FRAGMENT so that existing ids keep
 * their rows. */
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
	VX_C_SOFTETHER,
	VX_C_TAILSCALE,
	VX_C_TINC,
	VX_C_OPENCONNECT,
	VX_C_ZEROTIER,
	VX_C_WARP, /* Cloudflare WARP: WireGuard with its own type bytes */
	VX_NCLASS, /* classes defined today */
};

/* Map rows reserved per class table: leaves room to add classes without
 * changing map sizes. */
#define VX_MAX_CLASS 32

/* A class that policy may act on.  OTHER and FRAGMENT are never dropped:
 * the data path fails open for anything it cannot call VPN.  Spelled out
 * rather than a range: FRAGMENT sits between VPN classes. */
#define VX_CLASS_IS_VPN(c) \
	((c) > VX_C_OTHER && (c) < VX_NCLASS && (c) != VX_C_FRAGMENT)

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

/* A matched signature in one scalar (0: none), for the payload stage,
 * which takes it across a BPF function boundary. */
static inline __u32 vx_sig_pack(const struct vx_sig *s)
{
	return s->cls | (__u32)s->flags << 8;
}

static inline __u32 vx_sig_cls(__u32 packed)
{
	return packed & 0xff;
}

static inline __u32 vx_sig_flags(__u32 packed)
{
	return (packed >> 8) & 0xff;
}

/* vx_protos: BPF_MAP_TYPE_ARRAY indexed by slot * 256 + IP protocol. */
#define VX_PROTO_ENTRIES (VX_NSLOTS * 256)

static inline __u32 vx_proto_index(__u32 slot, __u32 proto)
{
	return slot * 256 + (proto & 0xff);
}

/*
 * Rules (vpnxdp-policy(5)): per slot and class an ordered list, first match
 * wins.  vx_rules: BPF_MAP_TYPE_ARRAY indexed by vx_rules_index(), one
 * struct vx_class_rules per (slot, class): the whole list is one lookup, so
 * a packet never sees half of a list.
 */
#define VX_MAX_RULES 16 /* rules per class */

#define VX_RULE_FROM4 0x01 /* rule has IPv4 source prefixes (vx_pfx4) */
#define VX_RULE_FROM6 0x02 /* rule has IPv6 source prefixes (vx_pfx6) */
#define VX_RULE_FROM (VX_RULE_FROM4 | VX_RULE_FROM6)
#define VX_RULE_RATE 0x04  /* rule has a per-source rate limit */

struct vx_rule {
	__u8 action;     /* enum vx_action */
	__u8 flags;      /* VX_RULE_* */
	__u8 pad[2];
	__u32 bucket;    /* rate limit: identity of the rule (a hash of what it
			  * says) in the vx_ratelimit key, so that a push keeps the
			  * buckets of unchanged rules and starts changed ones
			  * afresh */
	__u64 interval;  /* rate limit: ns between packets (1e9 / rate) */
	__u64 tolerance; /* rate limit: burst * interval */
};

#define VX_CLS_DISABLED 0x01 /* class disabled: its packets are "other" */

struct vx_class_rules {
	__u8 nrules;
	__u8 flags;      /* VX_CLS_* */
	__u8 pad[6];
	struct vx_rule rule[VX_MAX_RULES];
};

#define VX_RULES_ENTRIES (VX_NSLOTS * VX_MAX_CLASS)

static inline __u32 vx_rules_index(__u32 slot, __u32 cls)
{
	return slot * VX_MAX_CLASS + (cls % VX_MAX_CLASS);
}

/*
 * Source prefixes: one LPM trie per slot and family, reached through
 * BPF_MAP_TYPE_ARRAY_OF_MAPS vx_pfx4 / vx_pfx6 indexed by slot.  A push
 * builds fresh tries and swaps them in; the kernel waits for an RCU grace
 * period on that swap, which is also what makes reusing the idle slot safe.
 * The key leads with class and rule so that one trie serves every rule:
 * prefixlen counts those 32 bits plus the address prefix.
 */
#define VX_MAX_PREFIXES 100000u /* per policy, v4 and v6 together */
#define VX_PFX_HDR_BITS 32

struct vx_pfx4_key {
	__u32 prefixlen;
	__u8 cls;
	__u8 rule;
	__u8 pad[2];
	__u8 addr[4];
};

struct vx_pfx6_key {
	__u32 prefixlen;
	__u8 cls;
	__u8 rule;
	__u8 pad[2];
	__u8 addr[16];
};

/*
 * Per-source rate limits: BPF_MAP_TYPE_LRU_HASH vx_ratelimit, key source
 * address + class + rule identity, value the GCRA "theoretical arrival
 * time" in ns.  A source that has been quiet longest is forgotten first
 * when the map is full.  (Not to be confused with the rate records of
 * vpnxdp_ring.h, which report traffic rates.)
 */
#define VX_RATELIMIT_SOURCES 1000000u

struct vx_ratelimit_key {
	__u32 addr[4];
	__u8 ipver;
	__u8 cls;
	__u8 pad[2];
	__u32 bucket;    /* struct vx_rule.bucket */
};

/* Verdict reasons, for the counters. */
enum vx_reason {
	VX_R_NONE = 0, /* passed */
	VX_R_RULE,     /* a drop rule matched */
	VX_R_RATE,     /* over a rate limit */
	VX_R_DENY,     /* a drop rule reached after an allow-list did not match */
};

/*
 * vx_store: BPF_MAP_TYPE_HASH (no prealloc), the canonical JSON of the
 * policy in each slot, zlib-compressed, in chunks: key slot << 24 | chunk.
 * Written into the idle slot with the rest of the policy before the flip,
 * so `policy show` reads what is in force and never a file that could
 * disagree with the maps.  The data path never reads it.
 */
#define VX_STORE_CHUNK 16384u
#define VX_STORE_CHUNKS 4096u /* per slot: 64 MiB compressed at most */

static inline __u32 vx_store_key(__u32 slot, __u32 chunk)
{
	return (slot << 24) | (chunk & 0xffffff);
}

/* vx_config: BPF_MAP_TYPE_ARRAY, one entry.  The program reads only slot;
 * the rest is written in the same map write, so a reader never sees a
 * generation with the time of another. */
struct vx_config {
	__u32 slot;       /* live policy slot, 0 or 1 */
	__u32 generation; /* bumped by every policy apply that changed something */
	__u64 applied_at; /* CLOCK_REALTIME seconds when this generation went live */
	/* Per slot, the policy's VX_HEUR_* switches: here rather than in a
	 * map of their own because the program has this entry in hand for
	 * every packet already.  A push writes the idle slot's byte before
	 * the flip, like the rest of that slot. */
	__u8 heur[VX_NSLOTS];
	/* Per slot, 1 when no class of it has a rule or is disabled (what
	 * vx_rules says for that slot, written with it): every VPN packet's
	 * verdict is then count, without a look at vx_rules.  0 (a config
	 * written before this byte was) sends the program to vx_rules. */
	__u8 norules[VX_NSLOTS];
	__u8 pad[4];
};

/* Heuristics policy may turn on (vx_config.heur). */
#define VX_HEUR_OVPN_OBFS 0x01 /* XOR-scrambled OpenVPN (vpnxdp_heur.h) */

/* How sure the classifier is of a class (counted per class). */
/*
 * Encapsulations the parser looks through (headers/vpnxdp_parse.h).  A
 * tunnelled packet is counted under the outermost one: an operator asks
 * "what reached me over which link", and one kind per packet keeps the
 * counts adding up to the class's packets.  Names in user/core/names.h.
 */
enum vx_encap {
	VX_ENC_NONE = 0,
	VX_ENC_PPPOE,
	VX_ENC_MPLS,
	VX_ENC_IPIP,   /* IP protocol 4 or 41, in IPv4 or IPv6 */
	VX_ENC_GRE,    /* version 0 (RFC 2784/2890) */
	VX_ENC_VXLAN,
	VX_ENC_GENEVE,
	VX_ENC_GTPU,
	VX_NENC,
};

enum vx_confidence {
	VX_CONF_PORT = 0,     /* signature matched, nothing in the payload to judge */
	VX_CONF_VERIFIED = 1, /* signature matched and the payload confirms it */
	VX_CONF_PAYLOAD = 2,  /* no signature: the payload alone identified it */
	VX_CONF_FLOW = 3,     /* a weak shape, counted on its flow's evidence
			       * (a handshake seen before, or several packets
			       * that agree) */
	VX_CONF_HEURISTIC = 4, /* a statistical test over a flow's first
				* packets (turned on by policy) */
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
	/* VPN packets judged by each policy slot (= generation parity):
	 * [slot][0 passed or counted, 1 dropped], including those an action
	 * `pass` leaves out of the counts above.  Lets a test prove that every
	 * packet was judged by one whole policy.  Here rather than in a map
	 * of its own so that a packet pays one per-CPU lookup, not two. */
	__u64 slot_verdict[VX_NSLOTS][2];
	/* packets by outermost enum vx_encap.  The program leaves
	 * [VX_ENC_NONE] at 0 (the common frame pays no increment); readers
	 * derive it as packets minus the rest (vx_counters_encap_none()). */
	__u64 encap[VX_NENC];
};

/*
 * vx_flows: BPF_MAP_TYPE_LRU_HASH, struct vx_flow_key -> struct vx_flow_val.
 * A UDP or TCP flow whose class a payload check established, so that its
 * later packets, which carry less to go on (TCP ACKs, WireGuard data on a
 * port of its own), keep that class.  Both directions share one entry: the
 * key holds the two endpoints in a canonical order.  max_entries is set at
 * attach (--flows); LRU eviction only ever forgets a flow, which then has to
 * be identified again.
 */
#define VX_FLOWS_DEFAULT 65536u

struct vx_flow_key {
	__u32 addr_lo[4]; /* the endpoint that sorts first: address ... */
	__u32 addr_hi[4];
	__u16 port_lo;    /* ... and port, host order */
	__u16 port_hi;
	__u8 proto;       /* IPPROTO_UDP or IPPROTO_TCP */
	__u8 ipver;
	__u8 kind;        /* VX_FK_FLOW, or VX_FK_ENDPOINT: one endpoint
			   * (addr_lo, port_lo), the other side zero */
	__u8 pad;
} __attribute__((aligned(8))); /* vx_front_fold() reads it in 64-bit words */

#define VX_FK_FLOW 0
#define VX_FK_ENDPOINT 1

/*
 * A flow's class, or the evidence gathered for one: a weak shape (WireGuard
 * data) counts only once enough packets of the flow agree (the same
 * receiver index, a counter going up), counted per direction (0: sent by
 * the endpoint that sorts first in the key).  Until then the entry is a
 * candidate: cls other, weak the class counted.  Only strong evidence (a
 * payload check that stands alone, or the agreeing packets) ever sets cls.
 * The agreement is kept in 16-bit fragments (the low 15 bits of the index,
 * the low 16 of the counter): the entry stays small.
 */
#define VX_WEAK_AGREE 3 /* packets of one direction that must agree */

struct vx_flow_val {
	__u8 cls;    /* enum vx_class */
	__u8 conf;   /* enum vx_confidence it was identified with */
	__u8 weak;   /* class of the weak shape being counted, 0: none */
	__u8 seen;   /* per direction (low nibble: 0, high: 1): packets in a
		      * row that agreed */
	__u16 tok[2]; /* per direction: what they agree on (receiver index) */
	__u16 seq[2]; /* per direction: the last one's counter */
};

/*
 * vx_heur: BPF_MAP_TYPE_LRU_HASH, struct vx_flow_key -> struct vx_heur_val.
 * What the obfuscated-OpenVPN heuristic (vpnxdp_heur.h) has seen of a
 * candidate flow's first packets.  Only written while the heuristic is on;
 * a flow it flags goes to vx_flows as openvpn (VX_CONF_HEURISTIC).
 */
#define VX_HEUR_FLOWS 16384u

struct vx_heur_val {
	__u8 n;       /* packets judged */
	__u8 x;       /* the client's first byte (its hard reset's opcode) */
	__u8 k;       /* the scrambling key of the opcode byte, once the
		       * server's reply gave it (VX_HS_KEY) */
	__u8 flags;   /* VX_HS_* */
	__u16 lenkey; /* TCP: the length prefix's scrambling (0: in clear) */
	__u8 post;    /* packets after both hard resets */
	__u8 seen;    /* VX_HO_* opcodes seen after them */
};

/*
 * vx_flowbits: the XDP program's global array of __u64, a one-hash Bloom
 * filter in front of vx_flows.  A flow's bit is set when it is stored; a packet whose bit is
 * clear cannot have an entry, and skips the hash lookup (most traffic is
 * not VPN and has none).  Bits are never cleared: a stale bit only costs a
 * lookup that misses.  2^20 bits: a few percent full at 64K flows.
 */
#define VX_FLOWBITS_WORDS 16384u

/*
 * vx_flowfront: the XDP program's global array of struct vx_flow_front,
 * direct-mapped by the key's fold (vx_front_fold()), in front of vx_flows.
 * Written through on every vx_flows write, read before it: a hit is a few
 * loads and compares at an address the program computes, where a lookup
 * in vx_flows is a kernel call (about 50 ns where returns from kernel
 * functions pay for a speculation mitigation, as on AMD's SRSO "safe RET").
 * vx_flows stays the store: an entry here is only trusted when its key is
 * the packet's and its check word matches (a slot two CPUs wrote at once
 * fails it), and anything else asks vx_flows.  16384 slots of 56 bytes.
 */
#define VX_FRONT_SLOTS 16384u
#define VX_FVCOPY_CPUS 1024u

/* A flow key, given as its five 64-bit words, folded to 32 bits: its front
 * slot's index (the low bits), and the seed of the slot's check word. */
static inline __u32 vx_front_fold_w(__u64 w0, __u64 w1, __u64 w2, __u64 w3,
				    __u64 w4)
{
	__u64 x = w0 ^ w1 ^ w2 ^ w3 ^ w4;
	__u32 h = ((__u32)x ^ (__u32)(x >> 32)) * 0x9e3779b1u;

	return h ^ (h >> 16);
}

static inline __u32 vx_front_fold(const struct vx_flow_key *k)
{
	const __u64 *w = (const __u64 *)k;

	return vx_front_fold_w(w[0], w[1], w[2], w[3], w[4]);
}

/* The check word of a front slot holding the value @v (its three words)
 * for the key of @fold: never 0, so that a slot never written is never
 * trusted. */
static inline __u32 vx_front_check(__u32 fold, const __u32 *v)
{
	__u32 c = fold;

	c = (c ^ v[0]) * 0x85ebca6bu;
	c = (c ^ v[1]) * 0xc2b2ae35u;
	c = (c ^ v[2]) * 0x85ebca6bu;
	return (c ^ (c >> 15)) | 1;
}

/* One endpoint's share of a flow hash: its address words folded, the
 * port mixed in, one multiply. */
static inline __u32 vx_ep_hash(const __u32 *addr, __u16 port)
{
	__u32 h = (addr[0] ^ addr[1] ^ addr[2] ^ addr[3] ^ port) * 0x85ebca6bu;

	return h ^ (h >> 15);
}

/* The filter's hash of a flow from its endpoints' hashes: symmetric (a
 * sum), so it can be computed from a packet in either direction without
 * ordering the endpoints first. */
static inline __u32 vx_flow_hash2(__u32 ea, __u32 eb, __u8 proto)
{
	return ((ea + eb) ^ proto) * 0x9e3779b1u;
}

/*
 * vx_frags: BPF_MAP_TYPE_LRU_HASH, struct vx_frag_key -> struct vx_frag_val.
 * The verdict of a first IP fragment, for the later fragments of the same
 * datagram (RFC 791 / RFC 8200 reassembly key: addresses, protocol, id),
 * with what a later fragment must fit: the datagram's length and a time
 * after which the entry is dead (vpnxdp_classify.h, vx_frag_first()).
 */
#define VX_FRAGS_MAX 16384u

struct vx_frag_key {
	__u32 saddr[4];
	__u32 daddr[4];
	__u32 id;
	__u8 proto;
	__u8 ipver;
	__u8 pad[2];
};

/* Linux's ipfrag_time (30 s): a datagram not reassembled by then is gone,
 * and its id may be used again. */
#define VX_FRAG_TTL_NS (30ull * 1000000000ull)

/* vx_frag_val.flags */
#define VX_FRAGF_CONFLICT 0x01 /* two first fragments of different classes:
				* the later fragments' class is unknown */

struct vx_frag_val {
	__u64 expires; /* ns on the classifier's clock (BPF: bpf_ktime_get_ns) */
	__u32 total;   /* bytes of the datagram's fragmentable part (after the
			* IPv4 header, after the IPv6 fragment header): from
			* the UDP length, else the most IP allows */
	__u32 seen;    /* bytes of it the first and later fragments carried:
			* once they cover it, the datagram is whole and a
			* later fragment with its key is another one's */
	__u8 cls;      /* enum vx_class of the first fragment */
	__u8 conf;     /* enum vx_confidence */
	__u8 flags;    /* VX_FRAGF_* */
	__u8 pad[5];
};

/* How an attachment's program is on its interface (vx_meta.path). */
enum vx_path {
	VX_PATH_LINK = 0,       /* vpnxdp's own XDP link, pinned beside the
				 * maps: the program lives as long as the pin */
	VX_PATH_DISPATCHER = 1, /* an entry of libxdp's dispatcher */
	VX_PATH_NETLINK = 2,    /* one program attached by netlink (libxdp
				 * without its dispatcher) */
};

/* vx_meta: BPF_MAP_TYPE_ARRAY, one entry, written and read only by the
 * vpnxdp command: how this attachment was made, so that status can say it
 * and every command can check the rest of the pins against it.  Written
 * before the program is attached (prog_id and prog_tag as soon as they are
 * known), so that whatever an interrupted attach leaves can be judged. */
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
	__u32 interval_ms;  /* rate record interval (vpnxdp_ring.h) */
	__u32 ring_size;    /* bytes of each ring buffer */
	__u64 netns_cookie; /* SO_NETNS_COOKIE of that namespace: unlike its
			     * inode, never reused */
	__u32 path;         /* enum vx_path */
	__u32 pid;          /* of the attach that made it */
	__u32 flows;        /* max_entries of vx_flows (--flows) */
	__u32 prog_id;      /* the program's id, 0 until it is known */
	__u8 prog_tag[8];   /* and its tag (BPF_TAG_SIZE) */
};

#endif /* VPNXDP_COMMON_H */
