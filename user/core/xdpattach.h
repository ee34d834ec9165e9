/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Putting a loaded program on an interface, the two ways attach does it:
 * vpnxdp's own XDP link (bpf_link_create: the program lives as long as the
 * link, so an attach that dies before pinning it leaves nothing behind),
 * or libxdp (its dispatcher, or when libxdp cannot use one, a single
 * program attached by netlink).  Native mode can fall back to skb mode.
 */
#ifndef VX_XDPATTACH_H
#define VX_XDPATTACH_H

#include <stdbool.h>
#include <xdp/libxdp.h>

#include "vpnxdp_common.h"

struct vx_xdp_on {
	int ifindex;
	const char *ifname;
	enum xdp_attach_mode mode; /* in: wanted; out: what it runs in */
	bool fallback;             /* native failing, try skb (--mode auto) */
	int link_fd;               /* vx_link_on(): the link */
	enum vx_path path;         /* vx_libxdp_on(): DISPATCHER or NETLINK */
};

/* @prog_fd on the interface by an XDP link.  Returns 0 or a negative
 * errno, not printed: the caller tells EBUSY (something got there first)
 * from the rest (vx_xdp_on_error()). */
int vx_link_on(struct vx_xdp_on *x, int prog_fd);

/* @xprog (libxdp's, not loaded) loaded and attached by libxdp.  Returns 0
 * or a negative errno, not printed. */
int vx_libxdp_on(struct vx_xdp_on *x, struct xdp_program *xprog);

/* Say why attaching failed with @err (not EBUSY). */
void vx_xdp_on_error(const struct vx_xdp_on *x, int err);

/* What runs on @ifindex now: its program id (0: none) and, when it can be
 * told, its name into @name.  Returns 0 or a negative errno. */
int vx_xdp_what(int ifindex, __u32 *id, char *name, size_t len);

#endif
