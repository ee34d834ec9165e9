/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Telemetry: the rate records and events the XDP program writes into its
 * two ring buffers (layouts in headers/vpnxdp_ring.h, maps in maps.bpf.h).
 *
 * Per packet the cost is one per-CPU array lookup, a load of jiffies and a
 * compare (the clock is read once per jiffy): the counters the program
 * keeps anyway are the source of the deltas, so nothing is counted twice.
 * Once per interval per CPU a record is built from the difference between
 * the counters and the snapshot taken at the last record, and the snapshot
 * moves on; it moves with nothing else.  That is what makes the records add
 * up exactly to the counters.
 *
 * Who closes an interval: the CPU's first packet after its end, or, when no
 * packet comes, the CPU's timer (vx_rtimer), armed by the packet that opened
 * the interval for its end plus VX_TIMER_SLACK_NS.  The timer callback and
 * the packet path of one CPU never run at once: XDP runs in the NET_RX
 * softirq (or with bottom halves disabled: generic XDP, BPF_PROG_TEST_RUN),
 * the callback of a CPU-pinned bpf_timer in the HRTIMER softirq of the same
 * CPU, and softirqs do not preempt each other on a CPU.  An interval the
 * timer closes leaves the CPU idle (no interval open, no timer pending) until
 * its next packet opens one; a CPU without traffic never runs a timer.
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

#ifndef BPF_F_TIMER_ABS
#define BPF_F_TIMER_ABS (1ULL << 0)     /* kernel 6.4; uapi headers of 6.1 lack it */
#endif
#ifndef BPF_F_TIMER_CPU_PIN
#define BPF_F_TIMER_CPU_PIN (1ULL << 1) /* kernel 6.7 */
#endif
#define VX_CLOCK_MONOTONIC 1 /* <time.h> is not for the BPF target */
/* How long after an interval's end its timer fires: the grid runs on the
 * coarse clock, which lags the timer's CLOCK_MONOTONIC by up to a tick (4 ms
 * at HZ=250); the reader waits a quarter interval (25 ms at the least)
 * before it reports an interval, so the record is always in time. */
#define VX_TIMER_SLACK_NS 10000000ull
#define VX_EBUSY 16

/*
 * Close the open interval, if any: write its record (or count it lost) and
 * move the snapshot to the counters as they are now.  Then open the interval
 * that holds @now on the grid, or with @now 0 leave the CPU idle.  A
 * subprogram, not inlined: it runs once per interval, and keeping it out of
 * line keeps the per-packet path short.
 */
static __noinline int vx_rates_flush(struct vx_rate_state *st, __u64 now)
{
	struct vx_rate_rec *r = NULL;
	struct vx_counters *k;
	__u64 ivl = vx_interval_ns;

	if (!st || ivl == 0)
		return 0;
	/* Nothing open (the CPU's first packet, or the timer closed the last
	 * interval): only open one.  Packets counted since the last record
	 * are still in the counters' difference from the snapshot. */
	if (!st->start_ns) {
		st->start_ns = now - now % ivl;
		return 0;
	}
	r = bpf_ringbuf_reserve(&vx_rates, sizeof(*r), 0);
	st->seq++;
	if (!r)
		st->lost++;
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
	/* Aligned to the interval grid so that all CPUs' records of the same
	 * interval carry the same start. */
	st->start_ns = now ? now - now % ivl : 0;
	return 0;
}

/* Start @t for the end of the interval open at @start (plus the slack), or,
 * when that moment has passed, one slack from now: never in the past, which
 * would fire at once.  Pinned to this CPU: the callback must see this CPU's
 * per-CPU maps.  A kernel without the flags (before 6.7) refuses: then the
 * CPU's next packet closes the interval, as it would without a timer. */
static __always_inline void vx_rtimer_start(struct bpf_timer *t, __u64 start)
{
	__u64 at = start + vx_interval_ns + VX_TIMER_SLACK_NS;

	if (at > bpf_ktime_get_ns())
		bpf_timer_start(t, at, BPF_F_TIMER_ABS | BPF_F_TIMER_CPU_PIN);
	else
		bpf_timer_start(t, VX_TIMER_SLACK_NS, BPF_F_TIMER_CPU_PIN);
}

/* This CPU's timer fired: close the open interval if it has ended, and
 * leave the CPU idle.  (The coarse clock may not have reached the end yet:
 * then look again.) */
static int vx_rates_timer(void *map, __u32 *key, struct vx_rtimer_slot *v)
{
	struct vx_rate_state *st;
	__u32 zero = 0;

	(void)map;
	(void)key;
	st = bpf_map_lookup_elem(&vx_rstate, &zero);
	if (!st || !st->start_ns)
		return 0;
	if (bpf_ktime_get_coarse_ns() - st->start_ns < vx_interval_ns) {
		vx_rtimer_start(&v->t, st->start_ns);
		return 0;
	}
	vx_rates_flush(st, 0);
	st->check_jiffies = 0; /* the next packet reads the clock */
	return 0;
}

/* Arm this CPU's timer for the end of the interval @st just opened (once
 * per interval: starting a pending timer again only moves it). */
static __noinline int vx_rates_arm(struct vx_rate_state *st)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct vx_rtimer_slot *v = bpf_map_lookup_elem(&vx_rtimer, &cpu);

	if (!st || !v)
		return 0;
	if (!v->inited) {
		long err = bpf_timer_init(&v->t, &vx_rtimer, VX_CLOCK_MONOTONIC);

		/* -EBUSY: initialised already; anything else (the map has no
		 * user left): no timer, the next packet closes the interval */
		if (err && err != -VX_EBUSY)
			return 0;
		bpf_timer_set_callback(&v->t, vx_rates_timer);
		v->inited = 1;
	}
	vx_rtimer_start(&v->t, st->start_ns);
	return 0;
}

/*
 * Per packet, before it is counted: has this CPU's interval ended (or is
 * none open)?  Then close it, open the one holding now, and arm the timer.
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
	if (st->start_ns && now - st->start_ns < vx_interval_ns)
		return;
	vx_rates_flush(st, now);
	if (vx_timer_on)
		vx_rates_arm(st);
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
