/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the XDP program tells userspace through its two BPF ring buffers:
 *
 *   vx_rates   one struct vx_rate_rec per CPU per interval in which that CPU
 *              saw traffic (vpnxdp top reads these)
 *   vx_events  struct vx_event: drops and newly seen VPN flows, rate-capped
 *              per CPU (vpnxdp events reads these)
 *
 * and the per-CPU state behind them (vx_rstate).  Plain data, shared by the
 * BPF object and the vpnxdp command; a layout change is an ABI change (see
 * VX_ABI_VERSION in vpnxdp_common.h).
 */
#ifndef VPNXDP_RING_H
#define VPNXDP_RING_H

#include <linux/types.h>
#include "vpnxdp_common.h"

/* Interval of the rate records, milliseconds: default and floor.  The
 * interval is a load-time constant of the program (set by attach). */
#define VX_INTERVAL_DEFAULT_MS 1000u
#define VX_INTERVAL_MIN_MS 100u
#define VX_INTERVAL_MAX_MS 60000u

/* Ring sizes (bytes): a power of two, at least one page.  The default holds
 * minutes of rate records for a few CPUs when nobody reads them. */
#define VX_RING_DEFAULT (256u * 1024)
#define VX_RING_MIN 4096u
#define VX_RING_MAX (64u * 1024 * 1024)

/* Event rate cap per CPU: a token bucket of VX_EV_BURST events refilled at
 * VX_EV_RATE events/s.  A flood of drops yields at most that many events;
 * the rest are counted in vx_rate_state.ev_capped. */
#define VX_EV_RATE_DEFAULT 100u
#define VX_EV_BURST 64u

/* Per-class deltas of one interval on one CPU. */
struct vx_rate_cls {
	__u64 packets;
	__u64 bytes;
	__u64 drops;
};

/*
 * A rate record: what one CPU counted during [start_ns, start_ns +
 * interval_ns).  Intervals are aligned to multiples of interval_ns of the
 * coarse monotonic clock (bpf_ktime_get_coarse_ns, CLOCK_MONOTONIC_COARSE in
 * userspace: CLOCK_MONOTONIC at tick resolution), so the records of all CPUs
 * for the same interval carry the same start_ns.
 *
 * A record is written by the first packet after the interval's end on that
 * CPU, or, when none comes, by that CPU's flush timer 10 ms after the end
 * (bpf/telemetry.bpf.h): every interval in which a CPU counted something
 * reaches the ring within a moment of its end.
 *
 * cls[] has VX_MAX_CLASS rows whatever VX_NCLASS is, so adding a class does
 * not change the record; nclass says how many rows the writer filled.
 */
struct vx_rate_rec {
	__u64 start_ns;
	__u64 interval_ns;
	__u32 cpu;
	__u32 nclass;
	__u64 seq;   /* this CPU's records so far, written or lost, from 1 */
	__u64 lost;  /* this CPU's records the ring could not take, so far */
	struct vx_rate_cls cls[VX_MAX_CLASS];
};

/* vx_rstate: BPF_MAP_TYPE_PERCPU_ARRAY, one entry. */
struct vx_rate_state {
	__u64 start_ns;    /* open interval's start; 0 = none yet */
	__u64 seq;         /* intervals closed (records written + lost) */
	__u64 lost;        /* rate records the ring could not take */
	__u64 ev_credit;   /* event token bucket, in ns of refill time */
	__u64 ev_last_ns;  /* last refill */
	__u64 events;      /* events written */
	__u64 ev_lost;     /* events the ring could not take */
	__u64 ev_capped;   /* events suppressed by the rate cap */
	__u64 check_jiffies; /* jiffies at this CPU's last look at the clock */
	__u64 ev_shut_jiffies; /* jiffies in which the event cap last refused */
	/* counters at the open interval's start: the record is the
	 * difference, so the per-packet path adds nothing to count */
	struct vx_rate_cls snap[VX_MAX_CLASS];
};

enum vx_event_type {
	VX_EV_DROP = 1,     /* a packet was dropped; reason says why */
	VX_EV_NEW_FLOW = 2, /* first packet of a VPN flow not seen before */
};

struct vx_event {
	__u64 ts_ns;     /* bpf_ktime_get_ns() */
	__u32 ifindex;   /* ingress interface */
	__u32 cpu;
	__u8 type;       /* enum vx_event_type */
	__u8 cls;        /* enum vx_class */
	__u8 reason;     /* enum vx_reason (drops) */
	__u8 conf;       /* enum vx_confidence */
	__u8 ipver;      /* 4 or 6; 0: not IP */
	__u8 l4proto;    /* IPPROTO_* */
	__u16 len;       /* frame length (capped at 65535) */
	__u16 sport;     /* host order */
	__u16 dport;
	__u32 pad;
	__u32 saddr[4];  /* network order, v4 in [0] */
	__u32 daddr[4];
};

#endif /* VPNXDP_RING_H */
