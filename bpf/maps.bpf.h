/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every map of the XDP program, and its load-time constants: all the state
 * the program shares with userspace, in one place.  Layouts of keys and
 * values are in headers/ (vpnxdp_common.h, vpnxdp_ring.h).
 *
 * Every map is pinned by name (LIBBPF_PIN_BY_NAME) in the attachment's
 * directory, /sys/fs/bpf/vpnxdp/IFACE: `vpnxdp attach` pins each map of the
 * object under its own name (into a directory it checked, so not through
 * libbpf's pinning, which the loader turns off: user/core/loader.c), and
 * every later command finds each map of the object by that name, so
 * userspace keeps no list of maps.
 *
 * vx_meta and vx_store are userspace's alone: the program never references
 * them.  It references every other map, and user/core/pins.c checks that a
 * pinned program does (a pin of a foreign program is refused).  The
 * object's global data (its .rodata and .bss) is libbpf's, never pinned.
 */
#ifndef VPNXDP_MAPS_BPF_H
#define VPNXDP_MAPS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "vpnxdp_common.h"
#include "vpnxdp_ring.h"

/* ---------------------------------------------------------- policy */

/* Port signatures: vx_sig_index() (slot, transport, port). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VX_SIG_ENTRIES);
	__type(key, __u32);
	__type(value, struct vx_sig);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_sigs SEC(".maps");

/* IP-protocol signatures: vx_proto_index() (slot, protocol) -> class. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VX_PROTO_ENTRIES);
	__type(key, __u32);
	__type(value, __u8);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_protos SEC(".maps");

/* Rule lists: vx_rules_index() (slot, class). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VX_RULES_ENTRIES);
	__type(key, __u32);
	__type(value, struct vx_class_rules);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_rules SEC(".maps");

/* The inner map templates: userspace creates tries of exactly this shape.
 * Sizes rather than types: clang emits the key struct of an inner map
 * template as a BTF forward declaration, which libbpf cannot size. */
struct vx_pfx4_trie {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VX_MAX_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct vx_pfx4_key));
	__uint(value_size, 1);
};

struct vx_pfx6_trie {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VX_MAX_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct vx_pfx6_key));
	__uint(value_size, 1);
};

/* Source allow-lists: per slot, one LPM trie per family. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, VX_NSLOTS);
	__type(key, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, struct vx_pfx4_trie); /* last: a flexible array */
} vx_pfx4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, VX_NSLOTS);
	__type(key, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, struct vx_pfx6_trie); /* last: a flexible array */
} vx_pfx6 SEC(".maps");

/* Per-source rate limits (GCRA state), shared by both slots. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VX_RATELIMIT_SOURCES);
	__type(key, struct vx_ratelimit_key);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_ratelimit SEC(".maps");

/* The policy in each slot as canonical JSON, for `policy show`; never
 * read by the data path. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VX_NSLOTS * VX_STORE_CHUNKS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__uint(value_size, VX_STORE_CHUNK);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_store SEC(".maps");

/* Which slot is live, and the policy generation. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vx_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_config SEC(".maps");

/* How the attachment was made (written by attach, read by status). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vx_meta);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_meta SEC(".maps");

/* -------------------------------------------------------- counters */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VX_MAX_CLASS);
	__type(key, __u32);
	__type(value, struct vx_counters);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_counters SEC(".maps");

/* ---------------------------------------------------------- caches */

/* Flows identified by their bytes; max_entries is set at attach
 * (bpf_map__set_max_entries) from --flows. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VX_FLOWS_DEFAULT);
	__type(key, struct vx_flow_key);
	__type(value, struct vx_flow_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_flows SEC(".maps");

/*
 * The Bloom filter in front of vx_flows and vx_frags, and the flag set once
 * an endpoint has been learned: global data (the object's .bss), not maps
 * of their own, because a packet probes them on every UDP and TCP frame,
 * and a global is read at an address the program computes, where an array
 * lookup stores the key, loads it back, checks it and tests the pointer.
 * Not pinned, so not shared: it is the loaded program's own, and the two
 * programs of the object (vpnxdp_xdp and the slow path it tail-calls)
 * share it.  Every flow the filter stands for is written by that program;
 * no other opens it (attach loads the program once, onto fresh maps), and
 * userspace never reads it.  Zero at load: no flow cached.
 */
_Static_assert((VX_FLOWBITS_WORDS & (VX_FLOWBITS_WORDS - 1)) == 0,
	       "vx_bloom_word() masks its index");
__u64 vx_flowbits[VX_FLOWBITS_WORDS];
__u64 vx_ep_learned;

/* vx_flowfront (vpnxdp_common.h): a copy of recently written vx_flows
 * entries, for a lookup without a kernel call; global data like the
 * filter, for the same reasons.  vx_fvcopy: per CPU (by its number; a CPU
 * numbered past it asks vx_flows), where vx_fc_lookup() copies the entry
 * it found in a slot, and which the caller then reads: an XDP program
 * runs to its end on one CPU, and no other run of it starts there
 * meanwhile.  (A copy on the stack would take the general path's chain of
 * frames past the verifier's 512 bytes.) */
struct vx_flow_front {
	struct vx_flow_key k;
	struct vx_flow_val v;
	__u32 check; /* vx_front_check() of the key and v; 0: never written */
} __attribute__((aligned(8)));

_Static_assert(sizeof(struct vx_flow_key) == 40, "vx_front_same() compares five words");
_Static_assert(sizeof(struct vx_flow_val) == 12, "vx_front_check() mixes three");
_Static_assert((VX_FRONT_SLOTS & (VX_FRONT_SLOTS - 1)) == 0,
	       "vx_front_slot() masks its index");
static struct vx_flow_front vx_flowfront[VX_FRONT_SLOTS];
static struct vx_flow_val vx_fvcopy[VX_FVCOPY_CPUS];

/* First fragments' verdicts, for the later fragments of their datagram. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VX_FRAGS_MAX);
	__type(key, struct vx_frag_key);
	__type(value, struct vx_frag_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_frags SEC(".maps");

/* The obfuscated-OpenVPN heuristic's candidate flows (vpnxdp_heur.h);
 * written only while policy has it on. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VX_HEUR_FLOWS);
	__type(key, struct vx_flow_key);
	__type(value, struct vx_heur_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_heur SEC(".maps");

/* ------------------------------------------------------- telemetry */

/* Rate records (struct vx_rate_rec) and events (struct vx_event); sizes
 * set at attach from --ring-size. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, VX_RING_DEFAULT);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_rates SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, VX_RING_DEFAULT);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_events SEC(".maps");

/* Per CPU: the open rate interval, the event cap, loss counters. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vx_rate_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_rstate SEC(".maps");

/*
 * Per CPU: the timer that closes the CPU's open rate interval when no
 * packet comes to do it (telemetry.bpf.h).  A bpf_timer cannot live in a
 * per-CPU map, so this is an array of one slot per possible CPU
 * (max_entries set at load, user/core/loader.c), each armed only by its own
 * CPU.  BPF-only, never read or written by userspace: an update from
 * userspace would cancel the slot's timer.  Pinned like every map: the
 * kernel cancels the timers of a map that no user (fd or pin) holds.
 */
struct vx_rtimer_slot {
	struct bpf_timer t;
	__u32 inited; /* bpf_timer_init() and the callback done */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vx_rtimer_slot);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vx_rtimer SEC(".maps");

/* ----------------------------------------------------- the slow path */

/*
 * The XDP program reaches the general classifier (vpnxdp_slow(),
 * vpnxdp.bpf.c) by a tail call through entry 0 of this table, which the
 * loader fills once the object is loaded (user/core/loader.c,
 * vx_tail_fill(): libbpf's own filling fails where the maps are created
 * without the programs).  A tail call starts on a stack of its own: as a
 * function called from the XDP program, the classifier's frames would sit
 * under the fast path's and the verifier's 512-byte limit on a call chain's
 * stack would bound what the classifier may parse.  Not pinned: each
 * loaded program has its own.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	/* sizes, not BTF types: the kernel takes no BTF for a program table */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} vx_tail SEC(".maps");

/* ------------------------------------------------ load-time constants */

/* Set by attach before the program is loaded; the verifier sees them as
 * constants.  vx_rates_on = 0 removes the rate records from the program
 * entirely, vx_timer_on = 0 only the timer that flushes an idle CPU's last
 * interval (the benchmarks compare them). */
const volatile __u64 vx_interval_ns = VX_INTERVAL_DEFAULT_MS * 1000000ull;
const volatile __u64 vx_ev_cost_ns = 1000000000ull / VX_EV_RATE_DEFAULT;
const volatile __u8 vx_rates_on = 1;
const volatile __u8 vx_timer_on = 1;

#endif /* VPNXDP_MAPS_BPF_H */
