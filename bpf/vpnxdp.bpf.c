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

struct vx_env; /* the BPF side finds its tables through the maps above */

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

	v = vx_classify(NULL, &p, data, data_end, slot);

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
