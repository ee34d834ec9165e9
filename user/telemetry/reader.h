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
#ifndef VX_READER_H
#define VX_READER_H

#include <signal.h>
#include <stdbool.h>
#include <bpf/libbpf.h>

#include "core/pins.h"
#include "telemetry/rates.h"
#include "vpnxdp_ring.h"

#define VX_READER_MAX 64 /* interfaces one reader follows */

/* Which ring a reader follows. */
enum vx_ring { VX_RING_RATES, VX_RING_EVENTS };

struct vx_reader;

struct vx_reader_if {
	struct vx_reader *owner;
	struct vx_pins pins;
	struct vx_meta meta;
	struct vx_rates rates;      /* top only */
	struct vx_rate_state state; /* summed over CPUs by vx_reader_state() */
	bool gone;                  /* its program left the interface: its
				     * ring is no longer followed */
	__u64 gone_ns;              /* when that was seen (vx_mono_ns()) */
	char gone_why[512];
};

struct vx_reader {
	struct vx_reader_if *ifs;
	int n;
	int ncpu;
	struct ring_buffer *rb;
	void *user; /* the command's own state, for its callbacks */
	__u64 next_check; /* vx_reader_check()'s clock */
	int live;         /* attachments not gone */
};

/* Open the pins of @names[0..n) and one ring_buffer over their ring
 * @ring, calling @cb with the struct vx_reader_if as ctx.  With @skip_bad
 * (the names were not given by the operator but listed), an attachment
 * that cannot be read is left out with a warning.  Returns 0 or a negative
 * errno (printed). */
int vx_reader_open(struct vx_reader *l, char **names, int n, enum vx_ring ring,
		   ring_buffer_sample_fn cb, bool skip_bad);
void vx_reader_close(struct vx_reader *l);

/* The operator's interfaces (@n of @names), or every attached one (n 0):
 * into @out (room for VX_READER_MAX), *@listed true in the second case.
 * Returns how many, or -1 after saying why (none attached, too many). */
int vx_reader_names(const char *cmd, char **names, int n, char **out,
		    bool *listed);

/* Set by SIGINT, SIGTERM and SIGHUP once vx_reader_catch_signals() ran:
 * the readers' loops end when it is. */
extern volatile sig_atomic_t vx_reader_stop;

/* Catch those signals (without SA_RESTART: a signal ends a wait at once)
 * and ignore SIGPIPE (a closed stdout is an error that ends the loop). */
void vx_reader_catch_signals(void);

/* Is every followed attachment's program still on its interface?  Those
 * that left are marked gone (and with @say, said on stderr: no more comes
 * from them).  Asks the kernel at most once per @every_ns.  Returns how
 * many are still followed. */
int vx_reader_check(struct vx_reader *l, __u64 every_ns, bool say);

/* Consume whatever the rings hold now. Returns records consumed or <0. */
int vx_reader_consume(struct vx_reader *l);

/* Read the per-CPU rate/event state of @i into i->state (summed). */
int vx_reader_state(struct vx_reader_if *i);

/* CLOCK_MONOTONIC in ns: the clock of bpf_ktime_get_ns(). */
__u64 vx_mono_ns(void);

/* Wall-clock seconds of monotonic time @mono_ns. */
double vx_mono_to_real(__u64 mono_ns);

#endif
