// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp top's reader loop: rates come from the rate records in each
 * attachment's vx_rates ring (never from re-reading the counters), one
 * ring_buffer manager polls the rings of all interfaces, telemetry/rates.c
 * turns records into intervals.  The command (cmd/top.c) sets it up; the
 * full-screen view (top_tui.c) and the JSON lines here show it.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "core/exit.h"
#include "core/log.h"
#include "core/names.h"
#include "telemetry/top.h"

int vx_top_rec(void *ctx, void *data, size_t len)
{
	struct vx_reader_if *i = ctx;

	if (i->gone && i->rates.next * i->rates.interval_ns > i->gone_ns)
		return 0; /* reported to its end */

	if (vx_rates_add(&i->rates, data, len) != 0)
		vx_debug("%s: rate record of unexpected size %zu skipped",
			 i->pins.ifname, len);
	return 0;
}

static int vx_top_json_line(const struct vx_reader_if *i,
			    const struct vx_top_if *ti)
{
	json_t *root = json_object(), *protos = json_object();
	int err;

	json_object_set_new(root, "ts",
			    json_real(vx_mono_to_real(ti->last_start)));
	json_object_set_new(root, "interface", json_string(i->pins.ifname));
	json_object_set_new(root, "interval_ms", json_integer(i->meta.interval_ms));
	json_object_set_new(root, "lost", json_integer((json_int_t)i->state.lost));
	for (int c = 0; c < VX_NCLASS; c++) {
		const struct vx_rate_cls *d = &ti->last.cls[c];
		json_t *o = json_object();

		json_object_set_new(o, "pps", json_real((double)d->packets / ti->secs));
		json_object_set_new(o, "bps", json_real((double)d->bytes * 8 / ti->secs));
		json_object_set_new(o, "drops_ps", json_real((double)d->drops / ti->secs));
		json_object_set_new(o, "packets", json_integer((json_int_t)d->packets));
		json_object_set_new(o, "bytes", json_integer((json_int_t)d->bytes));
		json_object_set_new(o, "drops", json_integer((json_int_t)d->drops));
		json_object_set_new(protos, vx_class_name((unsigned int)c), o);
	}
	json_object_set_new(root, "protocols", protos);
	err = json_dumpf(root, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (err || putchar('\n') == EOF || fflush(stdout) != 0)
		return -1;
	return 0;
}

/* The view's rows: every interface's last interval, summed. */
static void vx_top_rows(struct vx_top *t, bool push_hist)
{
	t->tot_pps = t->tot_bps = t->tot_dps = 0;
	t->lost = 0;
	for (int c = 0; c < VX_NCLASS; c++) {
		struct vx_top_row *r = &t->row[c];

		r->pps = r->bps = r->dps = 0;
		r->total = 0;
		for (int k = 0; k < t->reader.n; k++) {
			const struct vx_top_if *ti = &t->tif[k];
			const struct vx_rate_cls *d = &ti->last.cls[c];

			if (!ti->lines)
				continue;
			r->pps += (double)d->packets / ti->secs;
			r->bps += (double)d->bytes * 8 / ti->secs;
			r->dps += (double)d->drops / ti->secs;
			r->total += ti->total[c];
		}
		if (push_hist)
			r->hist[t->hpos % VX_HIST] = r->pps;
		t->tot_pps += r->pps;
		t->tot_bps += r->bps;
		t->tot_dps += r->dps;
	}
	for (int k = 0; k < t->reader.n; k++)
		t->lost += t->reader.ifs[k].state.lost;
	if (push_hist)
		t->hpos++;
}

/* Has @i gone, and its bins been reported up to the interval in which it
 * went (whose record its CPU's timer still writes)? */
static bool vx_top_over(const struct vx_reader_if *i)
{
	return i->gone && i->rates.next * i->rates.interval_ns > i->gone_ns;
}

/* Are the interfaces still there?  (Asked at most once per shortest
 * interval; in JSON mode what went is said at once.) */
static bool vx_top_all_over(struct vx_top *t)
{
	__u64 every = ~0ull;
	bool over = true;

	for (int k = 0; k < t->reader.n; k++)
		if (t->reader.ifs[k].rates.interval_ns < every)
			every = t->reader.ifs[k].rates.interval_ns;
	vx_reader_check(&t->reader, every, t->json);
	for (int k = 0; k < t->reader.n; k++)
		over = over && vx_top_over(&t->reader.ifs[k]);
	return over;
}

enum vx_step vx_top_step(struct vx_top *t)
{
	enum vx_step ret = VX_STEP_IDLE;
	bool first_popped = false, done = t->count > 0;
	__u64 now;

	if (vx_reader_consume(&t->reader) < 0) {
		/* Said by the caller: the full-screen view first gives the
		 * terminal back. */
		snprintf(t->err, sizeof(t->err),
			 "reading the rate ring buffers failed: %s", strerror(errno));
		return VX_STEP_ERR;
	}
	now = vx_mono_ns();
	for (int k = 0; k < t->reader.n; k++) {
		struct vx_reader_if *i = &t->reader.ifs[k];
		struct vx_top_if *ti = &t->tif[k];

		while ((t->count == 0 || ti->lines < t->count) && !vx_top_over(i) &&
		       vx_rates_pop(&i->rates, now, &ti->last, &ti->last_start)) {
			ti->lines++;
			for (int c = 0; c < VX_NCLASS; c++)
				ti->total[c] += ti->last.cls[c].packets;
			if (vx_reader_state(i) != 0)
				vx_debug("%s: cannot read the ring loss counters",
					 i->pins.ifname);
			if (t->json && vx_top_json_line(i, ti) != 0) {
				/* The reader went away (| head): done. */
				if (errno == EPIPE)
					return VX_STEP_DONE;
				snprintf(t->err, sizeof(t->err),
					 "cannot write to standard output: %s",
					 strerror(errno));
				return VX_STEP_ERR;
			}
			if (k == 0)
				first_popped = true;
			ret = VX_STEP_NEW;
		}
		if ((t->count == 0 || ti->lines < t->count) && !vx_top_over(i))
			done = false;
	}
	if (ret == VX_STEP_NEW && !t->json)
		vx_top_rows(t, first_popped);
	if (done)
		return VX_STEP_DONE;
	return vx_top_all_over(t) ? VX_STEP_GONE : ret;
}

int vx_top_wait_ms(const struct vx_top *t, int cap)
{
	__u64 now = vx_mono_ns(), due = ~0ull;
	__u64 ms;

	for (int k = 0; k < t->reader.n; k++) {
		__u64 d = vx_rates_due(&t->reader.ifs[k].rates);

		if (d < due)
			due = d;
	}
	if (due <= now)
		return 0;
	ms = (due - now) / 1000000 + 1;
	return ms < (__u64)cap ? (int)ms : cap;
}

int vx_top_json_run(struct vx_top *t)
{
	for (;;) {
		enum vx_step s = vx_top_step(t);

		if (s == VX_STEP_ERR)
			return VX_EXIT_SYSTEM;
		if (s == VX_STEP_GONE)
			return VX_EXIT_INPUT;
		if (s == VX_STEP_DONE || *t->stop)
			return VX_EXIT_OK;
		/* Sleep until the next interval is due; signals end it. */
		poll(NULL, 0, vx_top_wait_ms(t, 1000));
		if (*t->stop)
			return VX_EXIT_OK;
	}
}

