/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What one scrape exports (struct vx_exp_snap: the attachments' maps as the
 * pins hold them, summed over CPUs) and its rendering into the metric
 * families of vpnxdp(8), section EXPORTER.  Rendering is pure: where the
 * numbers came from is collect.c's business, how they travel http.c's or
 * textfile.c's.
 */
#ifndef VX_EXPORT_METRICS_H
#define VX_EXPORT_METRICS_H

#include <stdbool.h>
#include <stdio.h>

#include "vpnxdp_common.h"
#include "vpnxdp_ring.h"
#include "core/pins.h"

struct vx_exp_iface {
	char name[VX_IFNAMSIZ];
	/* false: expected (named, or pinned here) but vpnxdp is not attached
	 * or its pins cannot be read: only vpnxdp_attached 0 is exported */
	bool live;
	struct vx_meta meta;
	struct vx_config cfg;
	struct vx_rate_state rings; /* seq, lost, events, ev_lost, ev_capped */
	struct vx_counters cnt[VX_NCLASS];
};

/* HTTP requests answered, by status: the exporter's own health. */
enum vx_http_code { VX_HTTP_200, VX_HTTP_404, VX_HTTP_405, VX_HTTP_500, VX_NHTTP };

struct vx_exp_snap {
	int n;
	struct vx_exp_iface *ifs;
	double read_seconds;         /* time spent reading the pins */
	const unsigned long long *http; /* [VX_NHTTP], or NULL (textfile) */
};

/* The whole exposition of @s onto @f. */
void vx_exp_render(FILE *f, const struct vx_exp_snap *s);

#endif
