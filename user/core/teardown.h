/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Taking an attachment down: its program off the interface, by the path it
 * was attached by (vpnxdp's XDP link, libxdp's dispatcher, netlink), then
 * its directory removed.  Used by detach, and by attach for what a stale
 * attachment or an interrupted attach left behind.
 */
#ifndef VX_TEARDOWN_H
#define VX_TEARDOWN_H

#include "core/liveness.h"
#include "core/pins.h"

/* Take @p's program off its interface, @l being its state (LIVE).  Only
 * that program: the netlink detach names it, so a program put there since
 * is left alone.  Returns 0 or a negative errno (printed). */
int vx_xdp_off(const struct vx_pins *p, const struct vx_live *l);

/* Take @p's program off (if @l says it is on), then remove @p's directory.
 * Returns 0 or a negative errno (printed); when the program cannot be
 * taken off, nothing is removed. */
int vx_teardown(struct vx_pins *p, const struct vx_live *l);

#endif
