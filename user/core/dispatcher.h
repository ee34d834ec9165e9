/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libxdp's multi-program dispatcher, where vpnxdp uses it: whether this
 * kernel lets it work, and finding or removing vpnxdp's entry in one.
 * libxdp attaches its dispatcher by netlink, so a program attached through
 * it outlives the process that attached it even when that process dies
 * before pinning it: such a program is found again by its name and the
 * maps it uses (bpf(2) by id, which needs CAP_SYS_ADMIN).
 */
#ifndef VX_DISPATCHER_H
#define VX_DISPATCHER_H

#include <stdbool.h>
#include <linux/types.h>

/* Can an extension program replace a function of an XDP program here (what
 * libxdp's dispatcher is made of)?  Asked once, by loading a dispatcher
 * and a two-instruction extension of it; nothing is attached. */
bool vx_dispatcher_usable(void);

/* Is a libxdp dispatcher attached to @ifindex?  1 yes, 0 no (nothing, or
 * a single program), negative errno when that cannot be told. */
int vx_dispatcher_present(int ifindex);

/* In the dispatcher on @ifindex, the entry whose program has id @id, or
 * (@id 0) the one named vpnxdp_xdp that uses map @map_id.  Returns 1 and
 * its id in *@found, 0 when there is none, a negative errno when the
 * kernel refused to tell (-EPERM: needs CAP_SYS_ADMIN). */
int vx_dispatcher_find(int ifindex, __u32 id, __u32 map_id, __u32 *found);

/* Does program @fd bear vpnxdp's name (vpnxdp_xdp) and use map @map_id? */
bool vx_prog_uses_map(int fd, __u32 map_id);

/* Remove the entry with program id @id from the dispatcher on @ifindex
 * (libxdp removes the dispatcher with its last entry).  0 or a negative
 * errno (printed). */
int vx_dispatcher_detach(int ifindex, __u32 id);

#endif
