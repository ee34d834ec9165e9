/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening and loading the embedded BPF object (the bpftool skeleton), for
 * every user of it: attach, replay, the bench and the tests.  One place
 * sets its load-time constants and map sizes, and keeps libbpf from
 * pinning its maps (attach pins them itself).
 */
#ifndef VX_LOADER_H
#define VX_LOADER_H

#include <stdbool.h>
#include <linux/types.h>

#include "vpnxdp.skel.h"

struct vx_policy;
struct vx_compiled;

struct vx_load_opts {
	__u32 flows;          /* flow cache entries; 0: the object's default */
	__u64 interval_ns;    /* rate record interval; 0: the default */
	__u32 ring_size;      /* bytes of each ring buffer; 0: the default */
	bool rates_off;       /* leave the rate records out of the program */
	bool maps_only;       /* create the maps only, do not load the program */
};

/* Open the object and apply @o, without loading it (libxdp loads what it
 * attaches itself).  Returns NULL after printing why. */
struct vpnxdp_bpf *vx_open(const struct vx_load_opts *o);

/* Open, apply @o and load.  Returns NULL after printing why. */
struct vpnxdp_bpf *vx_load(const struct vx_load_opts *o);

/* Point the loaded object's tail call (vx_tail) at its slow path program:
 * whoever loads the object calls it before the program sees a packet (a
 * frame the fast path leaves is passed uncounted until then).  Returns 0
 * or a negative errno (printed). */
int vx_tail_fill(struct vpnxdp_bpf *s);

/* Write @pol into slot 0 of a freshly loaded object and make it live
 * (generation 1): what attach and replay do before the first packet.
 * @c: @pol compiled, possibly adjusted (replay); NULL: compiled here.
 * Returns 0 or a negative errno (printed). */
int vx_load_policy(struct vpnxdp_bpf *s, const struct vx_policy *pol,
		   const struct vx_compiled *c);

#endif
