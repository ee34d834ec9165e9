// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp's XDP program: classify every frame as a VPN protocol (or other),
 * count it per class, and pass or drop it by the rules of the live policy
 * slot (bpf/vpnxdp_policy.bpf.h).  The classifier itself is in headers/vpnxdp_classify.h,
 * shared with userspace; this file owns the maps and the verdict.
 *
 * Fail open: anything that is not a VPN class (other, fragment, malformed,
 * a missing map entry) is passed.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdp/xdp_helpers.h>

#include "vpnxdp_common.h"
#include "vpnxdp_policy.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VX_SIG_ENTRIES);
	__type(key, __u32);
	__type(value, struct vx_sig);
} vx_sigs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VX_PROTO_ENTRIES);
	__type(key, __u32);
	__type(value, __u8);
} vx_protos SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vx_config);
} vx_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VX_MAX_CLASS);
	__type(key, __u32);
	__type(value, struct vx_counters);
} vx_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vx_meta);
} vx_meta SEC(".maps");

/* Flow and fragment caches (vpnxdp_common.h).  vx_flows' size is set at
 * attach (bpf_map__set_max_entries) from --flows. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VX_FLOWS_DEFAULT);
	__type(key, struct vx_flow_key);
	__type(value, struct vx_flow_val);
} vx_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VX_FLOWBITS_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} vx_flowbits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VX_FRAGS_MAX);
	__type(key, struct vx_frag_key);
	__type(value, struct vx_flow_val);
} vx_frags SEC(".maps");

/* The BPF side finds its tables through the maps above; the context is
 * for the payload stage, which re-derives the packet from it. */
struct vx_env {
	struct xdp_md *ctx;
};

static __always_inline const struct vx_sig *vx_sig_lookup(struct vx_env *env,
							   __u32 index)
{
	return bpf_map_lookup_elem(&vx_sigs, &index);
}

static __always_inline const __u8 *vx_proto_lookup(struct vx_env *env,
						    __u32 index)
{
	return bpf_map_lookup_elem(&vx_protos, &index);
}

/* The flow cache behind its Bloom filter (vx_flowbits): most packets
 * belong to no cached flow and stop at one array load. */
static __always_inline int vx_fc_maybe(struct vx_env *env, __u32 h)
{
	__u32 w = (h >> 6) % VX_FLOWBITS_WORDS;
	__u64 *bits = bpf_map_lookup_elem(&vx_flowbits, &w);

	return bits && (*bits & (1ULL << (h & 63)));
}

static __always_inline const struct vx_flow_val *
vx_fc_lookup(struct vx_env *env, const struct vx_flow_key *k)
{
	return bpf_map_lookup_elem(&vx_flows, k);
}

static __always_inline void vx_fc_update(struct vx_env *env,
					 const struct vx_flow_key *k, __u32 h,
					 const struct vx_flow_val *v)
{
	__u32 w = (h >> 6) % VX_FLOWBITS_WORDS;
	__u64 *bits = bpf_map_lookup_elem(&vx_flowbits, &w);

	/* the bit first: a reader that finds the entry must find the bit */
	if (bits)
		__sync_fetch_and_or(bits, 1ULL << (h & 63));
	bpf_map_update_elem(&vx_flows, k, v, BPF_ANY);
}

static __always_inline const struct vx_flow_val *
vx_frag_lookup(struct vx_env *env, const struct vx_frag_key *k)
{
	return bpf_map_lookup_elem(&vx_frags, k);
}

static __always_inline void vx_frag_update(struct vx_env *env,
					   const struct vx_frag_key *k,
					   const struct vx_flow_val *v)
{
	bpf_map_update_elem(&vx_frags, k, v, BPF_ANY);
}

#include "vpnxdp_payload.h"

/*
 * The payload stage as a global function: the verifier checks a global
 * function once, on its own, with its arguments unknown, instead of once
 * for every path through the parser that reaches it (VLANs, IP versions,
 * options, extension headers), which is what keeps the program well inside
 * the verifier's limits.  It gets the payload as an offset into the frame
 * and rebuilds the pointer from the context.
 */
__noinline int vx_payload_global(struct xdp_md *ctx, __u32 off, __u32 len,
				 __u32 l4proto, __u32 sig)
{
	const void *data = (void *)(long)ctx->data;
	const void *data_end = (void *)(long)ctx->data_end;
	struct vx_pkt q = {};

	if (off > VX_MAX_PAYLOAD_OFF)
		return VX_C_OTHER;
	q.payload = (const __u8 *)data + vx_clamp(off, VX_MAX_PAYLOAD_OFF);
	q.payload_len = vx_clamp(len, 0xffff);
	q.l4proto = (__u8)l4proto;
	return (int)vx_payload_stage(&q, data_end, sig);
}

static __always_inline __u32 vx_payload_run(struct vx_env *env,
					    const struct vx_pkt *p,
					    const void *data,
					    const void *data_end, __u32 sig)
{
	return (__u32)vx_payload_global(env->ctx,
					(__u32)(p->payload - (const __u8 *)data),
					p->payload_len, p->l4proto, sig);
}

#include "vpnxdp_classify.h"

/* Under the libxdp dispatcher, XDP_PASS hands the frame to the next program. */
struct {
	__uint(priority, 20);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(vpnxdp_xdp);

SEC("xdp")
int vpnxdp_xdp(struct xdp_md *ctx)
{
	const void *data = (void *)(long)ctx->data;
	const void *data_end = (void *)(long)ctx->data_end;
	struct vx_judgement j = { VX_ACT_COUNT, VX_R_NONE };
	struct vx_env env = { ctx };
	struct vx_pkt p = {};
	struct vx_verdict v;
	struct vx_counters *c;
	struct vx_config *cfg;
	__u32 zero = 0, slot, idx, cls;

	cfg = bpf_map_lookup_elem(&vx_config, &zero);
	if (!cfg)
		return XDP_PASS;
	/* Read the live slot once (volatile: the compiler may not load it
	 * again later): this packet is judged by that policy. */
	slot = *(volatile __u32 *)&cfg->slot & 1;

	v = vx_classify(&env, &p, data, data_end, slot);

	cls = v.cls;
	if (VX_CLASS_IS_VPN(cls))
		j = vx_policy_judge(&p, slot, &cls);
	if (j.action == VX_ACT_PASS)
		return XDP_PASS;

	idx = cls;
	c = bpf_map_lookup_elem(&vx_counters, &idx);
	if (c) {
		c->packets++;
		c->bytes += (__u64)(data_end - data);
		if (v.conf < VX_NCONF)
			c->conf[v.conf]++;
		if (j.action == VX_ACT_DROP) {
			c->dropped++;
			if (j.reason == VX_R_RATE)
				c->drop_rate++;
			else if (j.reason == VX_R_DENY)
				c->drop_deny++;
			else
				c->drop_rule++;
		}
	}
	return j.action == VX_ACT_DROP ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
