/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is an attachment's program on its interface?  Asked of the kernel with
 * what needs no capability where there is a way (the pinned link's info,
 * the netlink XDP query, the pinned program's id), so that a process
 * without CAP_SYS_ADMIN gets an answer; where only a privileged query can
 * tell (looking inside libxdp's dispatcher, opening a program by its id)
 * and the kernel refuses it, the answer is "unknown", never "gone": a
 * program that may be running is never treated as removed.
 */
#ifndef VX_LIVENESS_H
#define VX_LIVENESS_H

#include <linux/types.h>

#include "core/pins.h"

enum vx_state {
	VX_ST_LIVE,        /* on the interface, in this network namespace */
	VX_ST_STALE,       /* not on it (removed, replaced, never got there) */
	VX_ST_GONE,        /* its interface is gone, the namespace with it or
			    * not: the program runs nowhere */
	VX_ST_OTHER_NETNS, /* in another network namespace: judged and
			    * changed only from there */
	VX_ST_UNKNOWN,     /* the kernel refused a query that could tell */
};

struct vx_live {
	enum vx_state st;
	__u32 ifindex;   /* where it is (or was) */
	__u32 prog_id;   /* the program on the interface that is ours */
	__u32 link_id;
	__u32 mode;      /* enum xdp_attach_mode it runs in, when live */
	int err;         /* UNKNOWN: the kernel's errno */
	char why[256];   /* what was found, for the operator */
};

/* The state of @p's program (its pins need not be valid). */
void vx_pins_state(const struct vx_pins *p, struct vx_live *l);

/* "attached", "stale", "gone", "other-netns", "unknown". */
const char *vx_state_name(enum vx_state st);

/* This process's network namespace: its cookie (SO_NETNS_COOKIE) and
 * inode, 0 when they cannot be read. */
__u64 vx_netns_cookie(void);
__u64 vx_netns_ino(void);

#endif
