/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the ring buffers of one or more attachments (top, events): one
 * libbpf ring_buffer manager polls the ring of every interface given.
 *
 * The XDP program submits without waking the reader (so a busy data path
 * never pays for wakeups); readers consume on their own clock instead.
 *
 * A BPF ring buffer has one consumer position: two readers of the same ring
 * (two `top`s on one interface) would split its records between them.
 */
#ifndef VX_LIVE_H
#define VX_LIVE_H

#include <stdbool.h>
#include <bpf/libbpf.h>

#include "pins.h"
#include "rates.h"
#include "vpnxdp_ring.h"

#define VX_LIVE_MAX 64 /* interfaces one reader follows */

struct vx_live;

struct vx_live_if {
	struct vx_live *owner;
	struct vx_pins pins;
	struct vx_meta meta;
	struct vx_rates rates;      /* top only */
	struct vx_rate_state state; /* summed over CPUs by vx_live_state() */
};

struct vx_live {
	struct vx_live_if *ifs;
	int n;
	int ncpu;
	struct ring_buffer *rb;
	void *user; /* the command's own state, for its callbacks */
};

/* Attached interfaces (directories under /sys/fs/bpf/vpnxdp), sorted.
 * Returns how many, at most @max. */
int vx_attached_list(char (*names)[16], int max);

/* Open the pins of @names[0..n) and one ring_buffer over their map
 * @map_id (VX_MAP_RATES or VX_MAP_EVENTS), calling @cb with the
 * struct vx_live_if as ctx.  With @skip_bad (the names were not given by
 * the operator but listed), an attachment that cannot be read is left out
 * with a warning.  Returns 0 or a negative errno (printed). */
int vx_live_open(struct vx_live *l, char **names, int n, enum vx_map_id map_id,
		 ring_buffer_sample_fn cb, bool skip_bad);
void vx_live_close(struct vx_live *l);

/* Consume whatever the rings hold now. Returns records consumed or <0. */
int vx_live_consume(struct vx_live *l);

/* Read the per-CPU rate/event state of @i into i->state (summed). */
int vx_live_state(struct vx_live_if *i, int ncpu);

/* CLOCK_MONOTONIC in ns: the clock of bpf_ktime_get_ns(). */
__u64 vx_mono_ns(void);

/* Wall-clock seconds of monotonic time @mono_ns. */
double vx_mono_to_real(__u64 mono_ns);

const char *vx_xdp_mode_name(unsigned int mode);

#endif
