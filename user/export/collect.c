// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/counters.h"
#include "core/liveness.h"
#include "core/log.h"
#include "export/collect.h"

/* Everything of one attachment: the pins are all opened first (a detach
 * that unlinks them afterwards leaves the maps alive while we hold them),
 * then read.  Returns 0 (x->live says whether it is attached here),
 * -EXDEV when it was made from another network namespace, or a negative
 * errno (said through vx_err). */
static int vx_exp_read(const char *name, struct vx_exp_iface *x)
{
	struct vx_pins p;
	struct vx_live l;
	int err = vx_pins_open(&p, name);

	if (err)
		return err;
	vx_pins_state(&p, &l);
	x->meta = p.meta;
	err = vx_read_config(&p, &x->cfg);
	if (!err)
		err = vx_counters_read(vx_pins_fd(&p, vx_counters), x->cnt);
	if (!err)
		err = vx_rstate_read(vx_pins_fd(&p, vx_rstate), &x->rings);
	vx_pins_close(&p);
	if (err) {
		vx_err("%s: cannot read the counters: %s", name, strerror(-err));
		return err;
	}
	if (l.st == VX_ST_OTHER_NETNS)
		return -EXDEV;
	x->live = l.st == VX_ST_LIVE;
	return 0;
}

/* Print @msg if it is not what @name said last time. */
static void vx_exp_say_once(struct vx_exp_src *src, const char *name, const char *msg)
{
	struct vx_exp_note *n = NULL;

	for (int i = 0; i < src->nnotes && !n; i++)
		if (!strcmp(src->notes[i].name, name))
			n = &src->notes[i];
	if (!n && src->nnotes < VX_EXP_MAX) {
		n = &src->notes[src->nnotes++];
		snprintf(n->name, sizeof(n->name), "%s", name);
		n->msg[0] = 0;
	}
	if (n && !strncmp(n->msg, msg, sizeof(n->msg) - 1))
		return;
	fputs(msg, stderr);
	if (n)
		snprintf(n->msg, sizeof(n->msg), "%s", msg);
}

/* One interface into @x, what reading it said collected and said once.
 * Returns whether it belongs in the scrape. */
static bool vx_exp_one(struct vx_exp_src *src, const char *name, bool named,
		       struct vx_exp_iface *x)
{
	char *said = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&said, &len);
	FILE *prev = mem ? vx_log_redirect(mem) : NULL;
	int err;

	memset(x, 0, sizeof(*x));
	snprintf(x->name, sizeof(x->name), "%s", name);
	err = vx_exp_read(name, x);
	if (mem) {
		vx_log_redirect(prev);
		fclose(mem);
	}
	/* Detached between the listing and the read: not an error. */
	if (err == -ENOENT && !named) {
		free(said);
		return false;
	}
	vx_exp_say_once(src, name, err == -ENOENT || !said ? "" : said);
	free(said);
	if (err)
		x->live = false;
	return named || err != -EXDEV;
}

static double vx_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int vx_exp_collect(struct vx_exp_src *src, struct vx_exp_snap *s)
{
	static char listed[VX_EXP_MAX][VX_ENTRY_LEN];
	double t0 = vx_now();
	int n = src->nnames;

	memset(s, 0, sizeof(*s));
	if (!n)
		n = vx_attached_list(listed, VX_EXP_MAX);
	if (n < 0) {
		char msg[300];

		snprintf(msg, sizeof(msg), "vpnxdp: export: cannot list %s: %s\n",
			 VX_PIN_ROOT, strerror(-n));
		vx_exp_say_once(src, "", msg);
		n = 0;
	} else {
		vx_exp_say_once(src, "", "");
	}
	if (n > VX_EXP_MAX)
		n = VX_EXP_MAX;
	s->ifs = calloc(n ? (size_t)n : 1, sizeof(*s->ifs));
	if (!s->ifs)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const char *name = src->nnames ? src->names[i] : listed[i];

		if (vx_exp_one(src, name, src->nnames > 0, &s->ifs[s->n]))
			s->n++;
	}
	s->read_seconds = vx_now() - t0;
	return 0;
}

void vx_exp_snap_free(struct vx_exp_snap *s)
{
	free(s->ifs);
	memset(s, 0, sizeof(*s));
}
