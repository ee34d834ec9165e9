// SPDX-License-Identifier: GPL-2.0
/*
 * Which class did a frame count under?  The program says it only through its
 * per-CPU counters, so replay reads them after every run and takes the
 * difference: exactly one class's packet count goes up by one.  The maps
 * belong to this process alone, so the sum over all CPUs is this process's
 * doing, whichever CPU BPF_PROG_TEST_RUN ran on; the process is pinned to one
 * CPU anyway so that every run sees the same per-CPU state.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/counters.h"
#include "core/loader.h"
#include "core/log.h"
#include "replay/run.h"

/* Below this, a test run's ENOMEM cannot be about the frame's size. */
#define VX_REPLAY_PAGE 4096

struct vx_replay {
	struct vpnxdp_bpf *skel;
	int prog_fd;
	int cnt_fd;
	struct vx_counters prev[VX_NCLASS];
};

/* Pin to the CPU we are on: each test run then updates the same per-CPU
 * slots, and timings do not jump between CPUs. */
static void vx_replay_pin_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		vx_debug("replay: cannot pin to CPU %d: %s", cpu, strerror(errno));
}

/* @pol into slot 0.  "pass" skips the counters, and the counters are all
 * replay can see a class by: count instead.  Both return XDP_PASS, so no
 * verdict changes. */
static int vx_replay_policy(struct vx_replay *r, const struct vx_policy *pol)
{
	struct vx_compiled *c = malloc(sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	vx_policy_compile(pol, c);
	for (int i = 0; i < VX_MAX_CLASS; i++)
		for (int k = 0; k < VX_MAX_RULES; k++)
			if (c->rules[i].rule[k].action == VX_ACT_PASS)
				c->rules[i].rule[k].action = VX_ACT_COUNT;
	err = vx_load_policy(r->skel, pol, c);
	free(c);
	return err;
}

int vx_replay_open(struct vx_replay **out, const struct vx_policy *pol)
{
	struct vx_load_opts lo = { 0 }; /* no pins: this process's maps */
	struct vx_replay *r = calloc(1, sizeof(*r));
	int err;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	vx_replay_pin_cpu();
	r->skel = vx_load(&lo);
	if (!r->skel) {
		err = -errno;
		goto fail;
	}
	err = vx_replay_policy(r, pol);
	if (err)
		goto fail;
	r->prog_fd = bpf_program__fd(r->skel->progs.vpnxdp_xdp);
	r->cnt_fd = bpf_map__fd(r->skel->maps.vx_counters);
	err = vx_counters_read(r->cnt_fd, r->prev);
	if (err) {
		vx_err("cannot read the counters: %s", strerror(-err));
		goto fail;
	}
	*out = r;
	return 0;
fail:
	vx_replay_close(r);
	return err;
}

int vx_replay_run(struct vx_replay *r, const void *frame, size_t len,
		  struct vx_replay_verdict *v)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct vx_counters now[VX_NCLASS];
	int err;

	opts.data_in = frame;
	opts.data_size_in = (__u32)len;
	opts.repeat = 1;

	v->cls = -1;
	v->conf = -1;
	v->encap = VX_ENC_NONE;
	v->dropped = false;
	v->retval = 0;
	if (bpf_prog_test_run_opts(r->prog_fd, &opts) != 0) {
		err = -errno;
		/* A frame the kernel cannot lay out as an XDP buffer: larger
		 * than a page, the program gets the first part and the rest
		 * as page fragments, and beyond what those hold (about 72 KiB:
		 * BIG TCP and GRO'd frames in captures) the kernel refuses,
		 * with EINVAL or, on kernels that count the fragments, ENOMEM.
		 * No XDP program would see such a frame either.  ENOMEM on a
		 * frame that fits in a page is a real shortage. */
		if (err == -EINVAL || (err == -ENOMEM && len > VX_REPLAY_PAGE))
			return -E2BIG;
		return err;
	}
	v->retval = opts.retval;
	v->dropped = opts.retval == XDP_DROP;
	err = vx_counters_read(r->cnt_fd, now);
	if (err)
		return err;
	for (int c = 0; c < VX_NCLASS; c++) {
		if (now[c].packets == r->prev[c].packets)
			continue;
		v->cls = c;
		for (int k = 0; k < VX_NCONF; k++)
			if (now[c].conf[k] != r->prev[c].conf[k])
				v->conf = k;
		for (int k = VX_ENC_NONE + 1; k < VX_NENC; k++)
			if (now[c].encap[k] != r->prev[c].encap[k])
				v->encap = k;
	}
	memcpy(r->prev, now, sizeof(now));
	return 0;
}

void vx_replay_close(struct vx_replay *r)
{
	if (!r)
		return;
	vpnxdp_bpf__destroy(r->skel);
	free(r);
}
