// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp top [IFACE...] [--json] [--count N]
 *
 * Rates come from the rate records in each attachment's vx_rates ring
 * (never from re-reading the counters): one ring_buffer manager polls the
 * rings of all interfaces, user/rates.c turns records into intervals.
 * Full screen on a terminal (top_tui.c); one JSON object per interval and
 * interface otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "vpnxdp_names.h"
#include "cli.h"
#include "log.h"
#include "top.h"

static volatile sig_atomic_t vx_top_stop;

static void vx_top_sig(int sig)
{
	(void)sig;
	vx_top_stop = 1;
}

static int vx_top_rec(void *ctx, void *data, size_t len)
{
	struct vx_live_if *i = ctx;

	if (vx_rates_add(&i->rates, data, len) != 0)
		vx_debug("%s: rate record of unexpected size %zu skipped",
			 i->pins.ifname, len);
	return 0;
}

static int vx_top_json_line(const struct vx_live_if *i,
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
		for (int k = 0; k < t->live.n; k++) {
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
	for (int k = 0; k < t->live.n; k++)
		t->lost += t->live.ifs[k].state.lost;
	if (push_hist)
		t->hpos++;
}

enum vx_step vx_top_step(struct vx_top *t)
{
	enum vx_step ret = VX_STEP_IDLE;
	bool first_popped = false, done = t->count > 0;
	__u64 now;

	if (vx_live_consume(&t->live) < 0) {
		/* Said by the caller: the full-screen view first gives the
		 * terminal back. */
		snprintf(t->err, sizeof(t->err),
			 "reading the rate ring buffers failed: %s", strerror(errno));
		return VX_STEP_ERR;
	}
	now = vx_mono_ns();
	for (int k = 0; k < t->live.n; k++) {
		struct vx_live_if *i = &t->live.ifs[k];
		struct vx_top_if *ti = &t->tif[k];

		while ((t->count == 0 || ti->lines < t->count) &&
		       vx_rates_pop(&i->rates, now, &ti->last, &ti->last_start)) {
			ti->lines++;
			for (int c = 0; c < VX_NCLASS; c++)
				ti->total[c] += ti->last.cls[c].packets;
			if (vx_live_state(i, t->live.ncpu) != 0)
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
		if (t->count == 0 || ti->lines < t->count)
			done = false;
	}
	if (ret == VX_STEP_NEW && !t->json)
		vx_top_rows(t, first_popped);
	return done ? VX_STEP_DONE : ret;
}

int vx_top_wait_ms(const struct vx_top *t, int cap)
{
	__u64 now = vx_mono_ns(), due = ~0ull;
	__u64 ms;

	for (int k = 0; k < t->live.n; k++) {
		__u64 d = vx_rates_due(&t->live.ifs[k].rates);

		if (d < due)
			due = d;
	}
	if (due <= now)
		return 0;
	ms = (due - now) / 1000000 + 1;
	return ms < (__u64)cap ? (int)ms : cap;
}

static int vx_top_json_run(struct vx_top *t)
{
	for (;;) {
		enum vx_step s = vx_top_step(t);

		if (s == VX_STEP_ERR)
			return VX_EXIT_SYSTEM;
		if (s == VX_STEP_DONE || vx_top_stop)
			return VX_EXIT_OK;
		/* Sleep until the next interval is due; signals end it. */
		poll(NULL, 0, vx_top_wait_ms(t, 1000));
		if (vx_top_stop)
			return VX_EXIT_OK;
	}
}

int cmd_top(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static char all[VX_LIVE_MAX][16];
	char *names[VX_LIVE_MAX];
	struct vx_top t = { .stop = &vx_top_stop };
	struct sigaction sa = { .sa_handler = vx_top_sig };
	unsigned long long n;
	int c, nif, ret;
	bool listed;
	__u64 now;

	while ((c = getopt_long(argc, argv, "jc:h", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			t.json = true;
			break;
		case 'c':
			if (vx_parse_u64(optarg, &n) || n == 0 || n > 1000000000ull) {
				vx_err("top: --count takes a positive number, not '%s'", optarg);
				return VX_EXIT_INPUT;
			}
			t.count = (long)n;
			break;
		case 'h':
			vx_usage("top", false);
			return VX_EXIT_OK;
		default:
			vx_usage("top", true);
			return VX_EXIT_INPUT;
		}
	}
	nif = argc - optind;
	if (nif > VX_LIVE_MAX) {
		vx_err("top: at most %d interfaces", VX_LIVE_MAX);
		return VX_EXIT_INPUT;
	}
	for (int k = 0; k < nif; k++) {
		if (!vx_iface_name_ok(argv[optind + k]))
			return VX_EXIT_INPUT;
		names[k] = argv[optind + k];
	}
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
		t.json = true;
	if (!vx_need_root() || vx_bpffs_ensure())
		return VX_EXIT_SYSTEM;
	listed = nif == 0;
	if (listed) {
		nif = vx_attached_list(all, VX_LIVE_MAX);
		if (nif == 0) {
			vx_err("top: no interface is attached (see 'vpnxdp attach')");
			return VX_EXIT_INPUT;
		}
		for (int k = 0; k < nif; k++)
			names[k] = all[k];
	}
	ret = vx_live_open(&t.live, names, nif, VX_MAP_RATES, vx_top_rec, listed);
	if (ret)
		return ret == -ENOENT ? VX_EXIT_INPUT : VX_EXIT_SYSTEM;
	t.tif = calloc((size_t)nif, sizeof(*t.tif));
	if (!t.tif) {
		vx_live_close(&t.live);
		vx_err("out of memory");
		return VX_EXIT_SYSTEM;
	}
	now = vx_mono_ns();
	nif = t.live.n;
	for (int k = 0; k < nif; k++) {
		struct vx_live_if *i = &t.live.ifs[k];

		vx_rates_init(&i->rates, (__u64)i->meta.interval_ms * 1000000ull, now);
		t.tif[k].secs = i->meta.interval_ms / 1000.0;
		vx_live_state(i, t.live.ncpu);
	}

	/* No SA_RESTART: a signal ends the wait at once. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	ret = t.json ? vx_top_json_run(&t) : vx_tui_run(&t);
	if (t.err[0])
		vx_err("top: %s", t.err);
	free(t.tif);
	vx_live_close(&t.live);
	return ret;
}
