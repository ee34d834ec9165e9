// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark floors: the cheapest XDP programs there are.  xdp_null_pass is
 * the BPF_PROG_TEST_RUN floor (every ratio in the bench is to it);
 * xdp_null_drop is the veth throughput reference for "drop everything".
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_null_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int xdp_null_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
