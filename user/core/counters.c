// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/counters.h"

void vx_counters_add(struct vx_counters *dst, const struct vx_counters *src)
{
	dst->packets += src->packets;
	dst->bytes += src->bytes;
	dst->dropped += src->dropped;
	dst->drop_rule += src->drop_rule;
	dst->drop_rate += src->drop_rate;
	dst->drop_deny += src->drop_deny;
	for (int k = 0; k < VX_NCONF; k++)
		dst->conf[k] += src->conf[k];
	for (int k = 0; k < VX_NENC; k++)
		dst->encap[k] += src->encap[k];
	for (int s = 0; s < VX_NSLOTS; s++) {
		dst->slot_verdict[s][0] += src->slot_verdict[s][0];
		dst->slot_verdict[s][1] += src->slot_verdict[s][1];
	}
}

void vx_counters_encap_none(struct vx_counters *c)
{
	__u64 tunnelled = 0;

	for (int k = VX_ENC_NONE + 1; k < VX_NENC; k++)
		tunnelled += c->encap[k];
	/* (per-CPU sums read while packets arrive may be a little apart) */
	c->encap[VX_ENC_NONE] = c->packets > tunnelled ? c->packets - tunnelled : 0;
}

int vx_counters_read(int fd, struct vx_counters *out)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	int ncpu = libbpf_num_possible_cpus();
	__u32 keys[VX_NCLASS], count = VX_NCLASS, next;
	struct vx_counters *percpu;
	int err = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	/* A per-CPU lookup returns one value per possible CPU, each rounded up
	 * to 8 bytes; struct vx_counters is already a multiple of 8. */
	percpu = calloc((size_t)ncpu * VX_NCLASS, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	memset(out, 0, sizeof(*out) * VX_NCLASS);
	if (bpf_map_lookup_batch(fd, NULL, &next, keys, percpu, &count, &opts) &&
	    errno != ENOENT)
		err = -errno;
	else if (count != VX_NCLASS)
		err = -EIO;
	for (__u32 k = 0; !err && k < VX_NCLASS; k++)
		for (int i = 0; i < ncpu; i++)
			vx_counters_add(&out[keys[k] % VX_NCLASS], &percpu[k * ncpu + i]);
	for (int c = 0; !err && c < VX_NCLASS; c++)
		vx_counters_encap_none(&out[c]);
	free(percpu);
	return err;
}

int vx_rstate_read(int fd, struct vx_rate_state *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct vx_rate_state *pc, sum = {};
	__u32 zero = 0;
	int err = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	pc = calloc((size_t)ncpu, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &zero, pc) != 0)
		err = -errno;
	for (int c = 0; !err && c < ncpu; c++) {
		sum.seq += pc[c].seq;
		sum.lost += pc[c].lost;
		sum.events += pc[c].events;
		sum.ev_lost += pc[c].ev_lost;
		sum.ev_capped += pc[c].ev_capped;
	}
	if (!err)
		*out = sum; /* on an error @out keeps what it had */
	free(pc);
	return err;
}
