// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/counters.h"
#include "core/log.h"
#include "export/collect.h"

/* Open descriptors below VX_FDS_MAX, as a bitmap (a long-running
 * exporter has a few dozen). */
#define VX_FDS_MAX 4096
typedef unsigned long vx_fdset[VX_FDS_MAX / (8 * sizeof(unsigned long))];
#define VX_FD_BIT(fd) (1ul << ((fd) % (8 * sizeof(unsigned long))))
#define VX_FD_WORD(set, fd) ((set)[(fd) / (8 * sizeof(unsigned long))])

static void vx_fds_open(vx_fdset set)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	memset(set, 0, sizeof(vx_fdset));
	while (d && (de = readdir(d))) {
		int fd = atoi(de->d_name);

		/* not the directory's own descriptor, closed below */
		if (de->d_name[0] != '.' && fd >= 0 && fd < VX_FDS_MAX && fd != dirfd(d))
			VX_FD_WORD(set, fd) |= VX_FD_BIT(fd);
	}
	if (d)
		closedir(d);
}

/*
 * vx_pins_live(), without the descriptor it leaks: libxdp 1.3.1 (Debian
 * 12) keeps the fd of BPF_PROG_GET_FD_BY_ID open in
 * xdp_multiprog__get_from_ifindex() after cloning it (xdp-tools issue 343,
 * fixed in 1.4), one per call.  A command calls it once and exits; the
 * exporter calls it on every scrape and would run out of descriptors and
 * keep every detached program alive.  Whatever program fd the call left
 * open that was not open before is that leak (it returns none), so it is
 * closed; with a libxdp that leaks nothing this closes nothing.
 */
static enum vx_liveness vx_exp_live(const struct vx_pins *p)
{
	static vx_fdset before, after;
	enum vx_liveness live;
	char link[64], path[64];

	vx_fds_open(before);
	live = vx_pins_live(p, NULL);
	vx_fds_open(after);
	for (int fd = 0; fd < VX_FDS_MAX; fd++) {
		ssize_t n;

		if (!(VX_FD_WORD(after, fd) & VX_FD_BIT(fd)) ||
		    (VX_FD_WORD(before, fd) & VX_FD_BIT(fd)))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0 && (link[n] = 0, !strcmp(link, "anon_inode:bpf-prog")))
			close(fd);
	}
	return live;
}

/* Everything of one attachment: the pins are all opened first (a detach
 * that unlinks them afterwards leaves the maps alive while we hold them),
 * then read.  Returns 0 (x->live says whether it is attached here),
 * -EXDEV when it was made from another network namespace, or a negative
 * errno (said through vx_err). */
static int vx_exp_read(const char *name, struct vx_exp_iface *x)
{
	struct vx_pins p;
	enum vx_liveness live;
	int err = vx_pins_open(&p, name);

	if (err)
		return err;
	live = vx_exp_live(&p);
	err = vx_read_meta(&p, &x->meta);
	if (!err)
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
	if (x->meta.abi != VX_ABI_VERSION) {
		vx_err("%s: attached by another vpnxdp version (ABI %u, this is %u); "
		       "detach and attach it again", name, x->meta.abi, VX_ABI_VERSION);
		return -EPROTO;
	}
	if (live == VX_OTHER_NETNS)
		return -EXDEV;
	x->live = live == VX_ATTACHED;
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
	err = named && !vx_pins_exist(name) ? -ENOENT : vx_exp_read(name, x);
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
	char listed[VX_EXP_MAX][VX_IFNAMSIZ];
	double t0 = vx_now();
	int n = src->nnames;

	memset(s, 0, sizeof(*s));
	if (!n)
		n = vx_attached_list(listed, VX_EXP_MAX);
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
