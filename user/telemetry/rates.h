/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From rate records to per-interval rates, for one attachment.
 *
 * Records (vpnxdp_ring.h) come one per CPU per interval, each stamped with
 * its interval's start on a grid common to all CPUs.  They are summed into
 * the bin of that interval; a bin is reported once its interval has ended
 * and a grace period has passed (a CPU's record is written by its first
 * packet after the interval or, without one, by its flush timer 10 ms after
 * the end, so records come within the grace).  A record that comes later
 * than that (a reader that fell behind, a kernel without the timer) is added
 * to the next bin to be reported: its rate lands late, but no packet is
 * missed or counted twice.
 *
 * Records of intervals that ended before the reader started are dropped:
 * rates are about now, not about whatever the ring held.
 */
#ifndef VX_RATES_H
#define VX_RATES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "vpnxdp_ring.h"

#define VX_RATES_PENDING 16 /* bins held open at once */

struct vx_rate_bin {
	struct vx_rate_cls cls[VX_MAX_CLASS];
	__u32 records; /* records summed into the bin */
};

struct vx_rates {
	__u64 interval_ns;
	__u64 grace_ns;
	__u64 next;      /* grid index of the next bin to report */
	__u64 first;     /* grid index of the first bin (the reader's start) */
	__u64 records;   /* records taken */
	__u64 stale;     /* records dropped as older than the start */
	struct vx_rate_bin pend[VX_RATES_PENDING]; /* by grid index modulo */
};

/* Start reading at monotonic time @now_ns (grid index of @now_ns). */
void vx_rates_init(struct vx_rates *r, __u64 interval_ns, __u64 now_ns);

/* Take one record. Returns 0, or -1 when the record is malformed. */
int vx_rates_add(struct vx_rates *r, const void *data, size_t len);

/* The next bin, if its interval (plus the grace) has ended by @now_ns:
 * copied into @out with its start in @start_ns, removed, returns true. */
bool vx_rates_pop(struct vx_rates *r, __u64 now_ns, struct vx_rate_bin *out,
		  __u64 *start_ns);

/* Monotonic time at which the next bin becomes ready. */
__u64 vx_rates_due(const struct vx_rates *r);

#endif
