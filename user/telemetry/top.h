/* SPDX-License-Identifier: GPL-2.0 */
/* vpnxdp top: state shared by the reader loop (top.c), the command that
 * sets it up (cmd/top.c) and the full-screen view (top_tui.c). */
#ifndef VX_TOP_H
#define VX_TOP_H

#include <signal.h>
#include <stdbool.h>

#include "telemetry/reader.h"
#include "vpnxdp_common.h"

#define VX_HIST 60 /* intervals of history in the sparklines */

/* What one interface reported for its last interval. */
struct vx_top_if {
	struct vx_rate_bin last;
	__u64 last_start;
	double secs;       /* its interval in seconds */
	long lines;        /* intervals reported */
	__u64 total[VX_MAX_CLASS]; /* packets since top started */
};

/* Per class, all interfaces together, as shown. */
struct vx_top_row {
	double pps, bps, dps;
	__u64 total;
	double hist[VX_HIST]; /* pps; hist[(hpos - 1) % VX_HIST] is newest */
};

struct vx_top {
	struct vx_reader reader;
	struct vx_top_if *tif;  /* parallel to reader.ifs */
	struct vx_top_row row[VX_NCLASS];
	unsigned int hpos;      /* history entries written */
	double tot_pps, tot_bps, tot_dps;
	__u64 lost;             /* rate records lost, all interfaces */
	bool json;
	long count;             /* stop after this many intervals; 0 = never */
	volatile sig_atomic_t *stop;
	char err[256];          /* why a step failed, said on the way out */
};

enum vx_step {
	VX_STEP_ERR = -1,  /* reading or writing failed (why: t->err) */
	VX_STEP_IDLE = 0,  /* nothing was due */
	VX_STEP_NEW = 1,   /* at least one interval was reported */
	VX_STEP_DONE = 2,  /* --count intervals reported */
	VX_STEP_GONE = 3,  /* every interface is gone, its last interval
			    * reported */
};

/* The ring_buffer callback: one rate record of the interface at @ctx. */
int vx_top_rec(void *ctx, void *data, size_t len);

/* One step of the reader: consume the rings, report every interval that is
 * due (a JSON line each in JSON mode; the rows otherwise). */
enum vx_step vx_top_step(struct vx_top *t);

/* JSON lines until --count intervals, *t->stop, or every interface gone
 * (exit code 1).  Returns an exit code. */
int vx_top_json_run(struct vx_top *t);

/* Milliseconds until the next interval is due (at most @cap). */
int vx_top_wait_ms(const struct vx_top *t, int cap);

/* Full-screen view until q or a signal. Returns an exit code. */
int vx_tui_run(struct vx_top *t);

#endif
