// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp top [IFACE...] [--json] [--count N]: live per-class rates from the
 * rate-record rings (telemetry/top.c reads them), full screen on a terminal
 * (telemetry/top_tui.c), one JSON object per interval and interface
 * otherwise.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cmd/cmd.h"
#include "core/exit.h"
#include "core/log.h"
#include "telemetry/top.h"

struct vx_top_opts {
	unsigned int count;
};

/* Each interface's interval and the clock of its rates. */
static int vx_top_setup(struct vx_top *t)
{
	__u64 now = vx_mono_ns();

	t->tif = calloc((size_t)t->reader.n, sizeof(*t->tif));
	if (!t->tif) {
		vx_err("out of memory");
		return -1;
	}
	for (int k = 0; k < t->reader.n; k++) {
		struct vx_reader_if *i = &t->reader.ifs[k];

		vx_rates_init(&i->rates, (__u64)i->meta.interval_ms * 1000000ull, now);
		t->tif[k].secs = i->meta.interval_ms / 1000.0;
		vx_reader_state(i);
	}
	return 0;
}

static int vx_top_run(const struct vx_args *a)
{
	const struct vx_top_opts *o = a->opts;
	struct vx_top t = { .stop = &vx_reader_stop, .count = o->count, .json = a->json };
	char *names[VX_READER_MAX];
	bool listed;
	int nif, ret;

	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
		t.json = true;
	nif = vx_reader_names("top", a->pos, a->npos, names, &listed);
	if (nif < 0)
		return VX_EXIT_INPUT;
	ret = vx_reader_open(&t.reader, names, nif, VX_RING_RATES, vx_top_rec, listed);
	if (ret)
		return vx_pins_exit(ret);
	if (vx_top_setup(&t)) {
		vx_reader_close(&t.reader);
		return VX_EXIT_SYSTEM;
	}
	vx_reader_catch_signals();
	ret = t.json ? vx_top_json_run(&t) : vx_tui_run(&t);
	if (t.err[0])
		vx_err("top: %s", t.err);
	/* said at once in JSON mode; the full screen is gone now */
	for (int k = 0; !t.json && k < t.reader.n; k++)
		if (t.reader.ifs[k].gone)
			vx_warn("%s", t.reader.ifs[k].gone_why);
	free(t.tif);
	vx_reader_close(&t.reader);
	return ret;
}

static const struct vx_opt vx_top_optv[] = {
	VX_OPT_COUNT_OF(struct vx_top_opts, count, "intervals"),
	VX_OPT_END,
};

const struct vx_cmd vx_cmd_top = {
	.name = "top",
	.run = vx_top_run,
	VX_CMD_OPTS(vx_top_optv, struct vx_top_opts),
	.min_pos = 0, .max_pos = VX_POS_ANY, .ifaces = VX_POS_ANY,
	.flags = VX_CMD_JSON | VX_CMD_PRIV | VX_CMD_BPFFS,
	.synopsis = "[IFACE...] [--json] [--count N]",
	.help = "    Live per-class rates from the ring buffer (all attached interfaces\n"
		"    by default): full screen on a terminal (keys: q quit, s sort,\n"
		"    p pause, arrows move, h help), else (or with --json) one JSON\n"
		"    object per interval and interface; --count N stops after N intervals.\n"
		"    Says when an interface goes away; ends (exit 1) when none is left.",
};
