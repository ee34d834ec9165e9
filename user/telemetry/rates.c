// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "telemetry/rates.h"

void vx_rates_init(struct vx_rates *r, __u64 interval_ns, __u64 now_ns)
{
	memset(r, 0, sizeof(*r));
	r->interval_ns = interval_ns ? interval_ns : 1;
	/* A quarter interval, at most 250 ms: long enough for the CPUs'
	 * records of a busy interval to arrive, short enough to stay live. */
	r->grace_ns = r->interval_ns / 4;
	if (r->grace_ns > 250000000ull)
		r->grace_ns = 250000000ull;
	r->next = now_ns / r->interval_ns;
	r->first = r->next;
}

static void vx_bin_add(struct vx_rate_bin *b, const struct vx_rate_rec *rec)
{
	__u32 n = rec->nclass < VX_MAX_CLASS ? rec->nclass : VX_MAX_CLASS;

	for (__u32 c = 0; c < n; c++) {
		b->cls[c].packets += rec->cls[c].packets;
		b->cls[c].bytes += rec->cls[c].bytes;
		b->cls[c].drops += rec->cls[c].drops;
	}
	b->records++;
}

int vx_rates_add(struct vx_rates *r, const void *data, size_t len)
{
	const struct vx_rate_rec *rec = data;
	__u64 idx;

	if (len < sizeof(*rec) || rec->interval_ns != r->interval_ns)
		return -1;
	idx = rec->start_ns / r->interval_ns;
	if (idx < r->first) {
		r->stale++;
		return 0;
	}
	/* Late: fold into the next bin to report.  Too far ahead (cannot
	 * happen on one clock): the last bin held. */
	if (idx < r->next)
		idx = r->next;
	if (idx >= r->next + VX_RATES_PENDING)
		idx = r->next + VX_RATES_PENDING - 1;
	vx_bin_add(&r->pend[idx % VX_RATES_PENDING], rec);
	r->records++;
	return 0;
}

__u64 vx_rates_due(const struct vx_rates *r)
{
	return (r->next + 1) * r->interval_ns + r->grace_ns;
}

bool vx_rates_pop(struct vx_rates *r, __u64 now_ns, struct vx_rate_bin *out,
		  __u64 *start_ns)
{
	struct vx_rate_bin *b;

	if (now_ns < vx_rates_due(r))
		return false;
	b = &r->pend[r->next % VX_RATES_PENDING];
	*out = *b;
	*start_ns = r->next * r->interval_ns;
	memset(b, 0, sizeof(*b));
	r->next++;
	return true;
}
