/* SPDX-License-Identifier: GPL-2.0 */
/* Reading the per-CPU counters of an attachment, summed over CPUs. */
#ifndef VX_COUNTERS_H
#define VX_COUNTERS_H

#include "vpnxdp_common.h"
#include "vpnxdp_ring.h"

/* Add every field of @src to @dst. */
void vx_counters_add(struct vx_counters *dst, const struct vx_counters *src);

/* encap[VX_ENC_NONE] of @c, which the program does not count (the common
 * frame pays nothing for it): the packets not counted under a tunnel. */
void vx_counters_encap_none(struct vx_counters *c);

/* Fill @out[VX_NCLASS] from the per-CPU counters map @fd (one batch
 * lookup), summed over CPUs, encap[VX_ENC_NONE] derived.  Returns 0 or a
 * negative errno. */
int vx_counters_read(int fd, struct vx_counters *out);

/* The ring counters of the per-CPU rate state map @fd (vx_rstate) summed
 * over CPUs into @out: seq, lost, events, ev_lost, ev_capped (the interval
 * state is per CPU by nature and left zero).  0, or a negative errno with
 * @out untouched. */
int vx_rstate_read(int fd, struct vx_rate_state *out);

#endif
