/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the real XDP program on frames from userspace: the embedded BPF
 * object is loaded (never attached), one policy is written to slot 0 the way
 * attach writes it, and each frame goes through BPF_PROG_TEST_RUN.  The maps
 * live as long as the replay, so state the program keeps between packets
 * (flow caches, rate limits) carries over from one frame to the next, as it
 * would on an interface.
 */
#ifndef VX_REPLAY_H
#define VX_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "policy/policy.h"

struct vx_replay;

/* What the program did with one frame. */
struct vx_replay_verdict {
	int cls;       /* class it was counted under; -1 if none */
	int conf;      /* enum vx_confidence of that count; -1 if none */
	int encap;     /* outermost enum vx_encap of that count */
	bool dropped;  /* XDP_DROP */
	__u32 retval;  /* the XDP action returned */
};

/* Load the program and fill slot 0 with @pol, as attach does (rules,
 * prefixes, rate limits).  Returns 0 or a negative errno (message printed). */
int vx_replay_open(struct vx_replay **r, const struct vx_policy *pol);

/* Run one Ethernet frame (at least ETH_HLEN bytes).  Returns 0; -E2BIG when
 * the kernel will not run a frame of this size (no XDP program would see
 * it; whichever errno the kernel says it with); other negative errno. */
int vx_replay_run(struct vx_replay *r, const void *frame, size_t len,
		  struct vx_replay_verdict *v);

void vx_replay_close(struct vx_replay *r);

#endif
