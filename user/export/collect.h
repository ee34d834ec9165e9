/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One scrape's numbers, read from the pins under /sys/fs/bpf/vpnxdp on
 * every call: counters are the kernel's (per-CPU sums), so they are exact
 * and outlive the exporter; an interface attached or detached since the
 * last scrape appears or disappears.
 *
 * With no interface named, every attachment made from this network
 * namespace is exported (one made from another namespace is not this
 * box's view: left out).  A named interface is always exported, as
 * vpnxdp_attached 0 while it is not attached, so that its absence alerts.
 * An attachment that vanishes mid-scrape (detached) is left out; one that
 * cannot be read reads as vpnxdp_attached 0, never as a failed scrape.
 */
#ifndef VX_EXPORT_COLLECT_H
#define VX_EXPORT_COLLECT_H

#include "export/metrics.h"

#define VX_EXP_MAX 256 /* interfaces one exporter reports */

/* What reading one interface said the last time, so that a lasting problem
 * is logged once rather than on every scrape. */
struct vx_exp_note {
	char name[VX_IFNAMSIZ];
	char msg[256];
};

struct vx_exp_src {
	char **names;   /* named interfaces, or NULL */
	int nnames;     /* 0: every attachment */
	struct vx_exp_note notes[VX_EXP_MAX];
	int nnotes;
};

/* Fill @s.  Returns 0, or a negative errno (out of memory) with @s empty. */
int vx_exp_collect(struct vx_exp_src *src, struct vx_exp_snap *s);
void vx_exp_snap_free(struct vx_exp_snap *s);

#endif
