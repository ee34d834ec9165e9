/* SPDX-License-Identifier: GPL-2.0 */
/* Reading the per-CPU counters of an attachment, summed over CPUs. */
#ifndef VX_COUNTERS_H
#define VX_COUNTERS_H

#include "vpnxdp_common.h"

/* Fill @out[VX_NCLASS] from the per-CPU counters map @fd. */
int vx_counters_read(int fd, struct vx_counters *out);

#endif
