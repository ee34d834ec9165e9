/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the real compiled XDP program (the embedded skeleton) on frames
 * with BPF_PROG_TEST_RUN, without attaching it anywhere, and reading back
 * which class and confidence it counted each frame under.  Its maps (flow
 * and fragment caches included) live as long as the struct br.
 */
#ifndef VX_TEST_BPFRUN_H
#define VX_TEST_BPFRUN_H

#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "vpnxdp.skel.h"
#include "core/counters.h"
#include "core/loader.h"
#include "policy/policy.h"
#include "policy/maps.h"

struct br {
	struct vpnxdp_bpf *skel;
	int prog_fd;
	int cnt_fd;
	struct vx_counters last[VX_NCLASS];
};

static inline void br_close(struct br *b)
{
	vpnxdp_bpf__destroy(b->skel);
	memset(b, 0, sizeof(*b));
}

/* Load the program with @comp in slot 0 and a flow cache of @flows. */
static inline int br_open(struct br *b, const struct vx_compiled *comp, __u32 flows)
{
	struct vx_load_opts lo = { .flows = flows };
	int err;

	memset(b, 0, sizeof(*b));
	libbpf_set_print(NULL); /* its notes on .xdp_run_config are noise here */
	b->skel = vx_load(&lo);
	if (!b->skel)
		return -errno;
	b->prog_fd = bpf_program__fd(b->skel->progs.vpnxdp_xdp);
	b->cnt_fd = bpf_map__fd(b->skel->maps.vx_counters);
	err = vx_slot_write(b->skel, 0, comp);
	if (!err)
		err = vx_slot_switch(b->skel, 0, 1);
	if (err) {
		br_close(b);
		return err;
	}
	return vx_counters_read(b->cnt_fd, b->last);
}

/* Run @frame @repeat times; *ns = average run time the kernel measured. */
static inline int br_run_n(struct br *b, const void *frame, size_t len,
			   __u32 repeat, __u32 *retval, __u32 *ns)
{
	unsigned char out[4096];
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = frame,
		.data_size_in = (__u32)len,
		.data_out = out,
		.data_size_out = sizeof(out),
		.repeat = repeat,
	);
	int err = bpf_prog_test_run_opts(b->prog_fd, &o);

	if (err)
		return err;
	if (retval)
		*retval = o.retval;
	if (ns)
		*ns = o.duration;
	return 0;
}

/* Run @frame once: which class row counted it, under which confidence.
 * Returns 0, or -1 when not exactly one counter moved. */
static inline int br_classify(struct br *b, const void *frame, size_t len,
			      int *cls, int *conf, __u32 *retval)
{
	struct vx_counters now[VX_NCLASS];
	int moved = 0;

	if (br_run_n(b, frame, len, 1, retval, NULL))
		return -1;
	if (vx_counters_read(b->cnt_fd, now))
		return -1;
	for (int c = 0; c < VX_NCLASS; c++) {
		if (now[c].packets == b->last[c].packets)
			continue;
		moved += (int)(now[c].packets - b->last[c].packets);
		*cls = c;
		for (int k = 0; k < VX_NCONF; k++)
			if (now[c].conf[k] != b->last[c].conf[k])
				*conf = k;
	}
	memcpy(b->last, now, sizeof(now));
	return moved == 1 ? 0 : -1;
}

#endif
