/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Telemetry: the rate records and events the XDP program writes into its
 * two ring buffers (layouts in headers/vpnxdp_ring.h, maps in maps.bpf.h).
 *
 * Per packet the cost is one per-CPU array lookup, a load of jiffies and a
 * compare (the clock is read once per jiffy): the counters the program
 * keeps anyway are the source of the deltas, so nothing is counted twice.
 * Once per interval per CPU (on the first packet after the interval's end)
 * a record is built from the difference between the counters and the
 * snapshot taken when the interval opened, and the snapshot moves on.  That
 * is what makes the records add up exactly to the counters.
 *
 * Nothing here ever waits: a full ring loses the record (or event) and
 * counts it, and submissions do not wake the reader (it polls on its own
 * clock), so the data path never pays for a wakeup.
 */
#ifndef VPNXDP_TELEMETRY_BPF_H
#define VPNXDP_TELEMETRY_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "vpnxdp_parse.h"
#include "vpnxdp_result.h"
#include "maps.bpf.h"

/*
 * Close the open interval: write its record (or count it lost), move the
 * snapshot to the counters as they are now, open the interval that holds
 * @now.  A subprogram, not inlined: it runs once per interval, and keeping
 * it out of line keeps the per-packet path short.
 */
static __noinline int vx_rates_flush(struct vx_rate_state *st, __u64 now)
{
	struct vx_rate_rec *r = NULL;
	struct vx_counters *k;
	__u64 ivl = vx_interval_ns;

	if (ivl == 0)
		return 0;
	/* The very first packet on this CPU only opens an interval: the
	 * snapshot is already the counters' state (zero). */
	if (st->start_ns) {
		r = bpf_ringbuf_reserve(&vx_rates, sizeof(*r), 0);
		st->seq++;
		if (!r)
			st->lost++;
	}
	for (__u32 c = 0; c < VX_MAX_CLASS; c++) {
		__u32 key = c;
		__u64 pk = 0, by = 0, dr = 0;

		k = c < VX_NCLASS ? bpf_map_lookup_elem(&vx_counters, &key) : NULL;
		if (k) {
			pk = k->packets;
			by = k->bytes;
			dr = k->dropped;
		}
		if (r) {
			r->cls[c].packets = pk - st->snap[c].packets;
			r->cls[c].bytes = by - st->snap[c].bytes;
			r->cls[c].drops = dr - st->snap[c].drops;
		}
		st->snap[c].packets = pk;
		st->snap[c].bytes = by;
		st->snap[c].drops = dr;
	}
	if (r) {
		r->start_ns = st->start_ns;
		r->interval_ns = ivl;
		r->cpu = bpf_get_smp_processor_id();
		r->nclass = VX_NCLASS;
		r->seq = st->seq;
		r->lost = st->lost;
		bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	}
	/* Align to the interval grid so that all CPUs' records of the same
	 * interval carry the same start. */
	st->start_ns = now - now % ivl;
	return 0;
}

/*
 * Per packet, before it is counted: has this CPU's interval ended?
 *
 * The coarse clock only moves on a timer tick, and jiffies with it, so
 * within one jiffy the answer is the one the last look got: the clock (a
 * helper call, about 2 ns) is read once per jiffy per CPU, and every other
 * packet pays one inlined load of jiffies (bpf_jiffies64() is inlined on
 * 64-bit JITs) and a compare.  The tick raises jiffies a moment before it
 * moves the clock; a packet in that moment can leave an interval open for
 * one more tick (4 ms at HZ=250), well inside the clock's own resolution.
 */
static __always_inline void vx_rates_tick(void)
{
	struct vx_rate_state *st;
	__u32 zero = 0;
	__u64 now, j;

	if (!vx_rates_on)
		return;
	st = bpf_map_lookup_elem(&vx_rstate, &zero);
	if (!st)
		return;
	j = bpf_jiffies64();
	if (j == st->check_jiffies)
		return;
	st->check_jiffies = j;
	/* The coarse clock (jiffies resolution) is plenty for intervals of
	 * 100 ms and more, and far cheaper than the precise one: under a
	 * hypervisor bpf_ktime_get_ns() alone costs ~30 ns. */
	now = bpf_ktime_get_coarse_ns();
	if (now - st->start_ns >= vx_interval_ns)
		vx_rates_flush(st, now);
}

/* Token bucket: the credit is refill time in ns, one event costs
 * vx_ev_cost_ns, the bucket holds VX_EV_BURST events' worth. */
static __always_inline int vx_ev_allow(struct vx_rate_state *st, __u64 now)
{
	__u64 cap = vx_ev_cost_ns * VX_EV_BURST;
	__u64 credit = st->ev_credit + (now - st->ev_last_ns);

	if (credit > cap || now < st->ev_last_ns)
		credit = cap;
	st->ev_last_ns = now;
	if (credit < vx_ev_cost_ns) {
		st->ev_credit = credit;
		st->ev_capped++;
		st->ev_shut_jiffies = bpf_jiffies64();
		return 0;
	}
	st->ev_credit = credit - vx_ev_cost_ns;
	return 1;
}

/*
 * Has the cap already refused an event in this jiffy?  The coarse clock it
 * runs on only moves with jiffies, so until the next tick it would refuse
 * again: count the event capped without the clock or the call (under a
 * flood of drops, nearly every event).  The same moment of the tick as in
 * vx_rates_tick() can keep the cap shut one tick longer.
 */
static __always_inline int vx_ev_shut_st(struct vx_rate_state *st)
{
	if (st->ev_shut_jiffies != bpf_jiffies64())
		return 0;
	st->ev_capped++;
	return 1;
}

/* vx_ev_shut_st() for callers without this CPU's state at hand. */
static __always_inline int vx_ev_shut(void)
{
	__u32 zero = 0;
	struct vx_rate_state *st = bpf_map_lookup_elem(&vx_rstate, &zero);

	return st && vx_ev_shut_st(st);
}

/* Emit one event of @type (enum vx_event_type) about @p, classified @res,
 * for @reason (enum vx_reason), if the cap and the ring allow.  Out of
 * line: only drops and new flows get here. */
static __noinline int vx_event_emit(struct xdp_md *ctx, const struct vx_pkt *p,
				    __u32 type, vx_res_t res, __u32 reason)
{
	struct vx_rate_state *st;
	struct vx_event *e;
	__u32 zero = 0, len;

	if (!ctx || !p)
		return 0;
	len = ctx->data_end - ctx->data;
	st = bpf_map_lookup_elem(&vx_rstate, &zero);
	if (!st || vx_ev_shut_st(st))
		return 0;
	/* The cap runs on the coarse clock: under a flood of drops nearly
	 * every event is capped, and the precise clock (about 30 ns under a
	 * hypervisor) is read only for the events that are written. */
	if (!vx_ev_allow(st, bpf_ktime_get_coarse_ns()))
		return 0;
	e = bpf_ringbuf_reserve(&vx_events, sizeof(*e), 0);
	if (!e) {
		st->ev_lost++;
		return 0;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->ifindex = ctx->ingress_ifindex;
	e->cpu = bpf_get_smp_processor_id();
	e->type = (__u8)type;
	e->cls = (__u8)vx_res_cls(res);
	e->conf = (__u8)vx_res_conf(res);
	e->reason = (__u8)reason;
	e->ipver = p->ipver;
	e->l4proto = p->l4proto;
	e->len = len > 0xffff ? 0xffff : len;
	e->sport = p->sport;
	e->dport = p->dport;
	e->pad = 0;
	__builtin_memcpy(e->saddr, p->saddr, sizeof(e->saddr));
	__builtin_memcpy(e->daddr, p->daddr, sizeof(e->daddr));
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	st->events++;
	return 0;
}

#endif /* VPNXDP_TELEMETRY_BPF_H */
