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

#include "vpnxdp.skel.h"
#include "log.h"
#include "pins.h"
#include "policy_maps.h"
#include "replay.h"

struct vx_replay {
	struct vpnxdp_bpf *skel;
	int prog_fd;
	int cnt_fd;
	int ncpu;
	struct vx_counters *percpu; /* VX_MAX_CLASS * ncpu, one batch read */
	struct vx_counters prev[VX_MAX_CLASS];
	__u32 keys[VX_MAX_CLASS];
};

/* Every map the policy writer may need, by enum vx_map_id.  Found by name
 * (pin names are the object's map names), so maps added to the program and
 * to vx_map_names[] are picked up here without a change. */
/* Sum every class's counters over CPUs into @out[VX_MAX_CLASS]. */
static int vx_replay_read(struct vx_replay *r, struct vx_counters *out)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 count = VX_MAX_CLASS, next;
	int err;

	memset(out, 0, sizeof(*out) * VX_MAX_CLASS);
	err = bpf_map_lookup_batch(r->cnt_fd, NULL, &next, r->keys, r->percpu,
				   &count, &opts);
	if (err && errno != ENOENT)
		return -errno;
	if (count != VX_MAX_CLASS)
		return -EIO;
	for (__u32 k = 0; k < VX_MAX_CLASS; k++) {
		struct vx_counters *o = &out[r->keys[k] % VX_MAX_CLASS];

		for (int i = 0; i < r->ncpu; i++) {
			const struct vx_counters *c = &r->percpu[k * r->ncpu + i];

			o->packets += c->packets;
			o->dropped += c->dropped;
			for (int j = 0; j < VX_NCONF; j++)
				o->conf[j] += c->conf[j];
		}
	}
	return 0;
}

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

int vx_replay_open(struct vx_replay **out, const struct vx_policy *pol)
{
	struct vx_replay *r = calloc(1, sizeof(*r));
	struct vx_compiled *c;
	char *json;
	int fds[VX_NMAPS], err;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->ncpu = libbpf_num_possible_cpus();
	if (r->ncpu <= 0) {
		err = r->ncpu ? r->ncpu : -EINVAL;
		vx_err("cannot count CPUs: %s", strerror(-err));
		goto fail;
	}
	r->percpu = calloc((size_t)VX_MAX_CLASS * (size_t)r->ncpu, sizeof(*r->percpu));
	if (!r->percpu) {
		err = -ENOMEM;
		goto fail;
	}
	vx_replay_pin_cpu();

	r->skel = vpnxdp_bpf__open();
	if (!r->skel) {
		err = -errno;
		vx_err("cannot open the embedded BPF object: %s", strerror(-err));
		goto fail;
	}
	err = vpnxdp_bpf__load(r->skel);
	if (err) {
		vx_err("cannot load the BPF program: %s%s", strerror(-err),
		       err == -EPERM ? " (needs CAP_BPF and CAP_NET_ADMIN: run as root)" : "");
		goto fail;
	}
	err = vx_obj_fds(r->skel->obj, fds);
	if (err)
		goto fail;
	/* "pass" skips the counters, and the counters are all replay can see
	 * a class by: count instead.  Both return XDP_PASS, so no verdict
	 * changes. */
	c = malloc(sizeof(*c));
	json = vx_policy_to_json(pol, 0, false);
	if (!c || !json) {
		free(c);
		free(json);
		err = -ENOMEM;
		goto fail;
	}
	vx_policy_compile(pol, c);
	for (int i = 0; i < VX_MAX_CLASS; i++)
		for (int k = 0; k < VX_MAX_RULES; k++)
			if (c->rules[i].rule[k].action == VX_ACT_PASS)
				c->rules[i].rule[k].action = VX_ACT_COUNT;
	err = vx_policy_install_compiled(fds, 0, pol, c, json);
	free(c);
	free(json);
	if (!err)
		err = vx_slot_switch(fds, 0, 1);
	if (err) {
		vx_err("cannot write the policy maps: %s", strerror(-err));
		goto fail;
	}
	r->prog_fd = bpf_program__fd(r->skel->progs.vpnxdp_xdp);
	r->cnt_fd = fds[VX_MAP_COUNTERS];
	err = vx_replay_read(r, r->prev);
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
	struct vx_counters now[VX_MAX_CLASS];
	int err;

	opts.data_in = frame;
	opts.data_size_in = (__u32)len;
	opts.repeat = 1;

	v->cls = -1;
	v->conf = -1;
	v->dropped = false;
	v->retval = 0;
	if (bpf_prog_test_run_opts(r->prog_fd, &opts) != 0) {
		err = -errno;
		/* EINVAL: a frame the kernel cannot lay out as an XDP buffer
		 * (beyond what its fragments hold); no XDP program would see
		 * it either.  Larger than a page but within that, the program
		 * gets the first part and the rest as fragments. */
		return err == -EINVAL ? -E2BIG : err;
	}
	v->retval = opts.retval;
	v->dropped = opts.retval == XDP_DROP;
	err = vx_replay_read(r, now);
	if (err)
		return err;
	for (int c = 0; c < VX_MAX_CLASS; c++) {
		if (now[c].packets == r->prev[c].packets)
			continue;
		v->cls = c;
		for (int k = 0; k < VX_NCONF; k++)
			if (now[c].conf[k] != r->prev[c].conf[k])
				v->conf = k;
	}
	memcpy(r->prev, now, sizeof(now));
	return 0;
}

int vx_replay_prog_fd(const struct vx_replay *r)
{
	return r->prog_fd;
}

void vx_replay_close(struct vx_replay *r)
{
	if (!r)
		return;
	vpnxdp_bpf__destroy(r->skel);
	free(r->percpu);
	free(r);
}
