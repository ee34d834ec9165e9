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

struct xdp_multiprog;

/*
 * xdp_multiprog__get_from_ifindex() and xdp_multiprog__close(), without
 * the program fd libxdp 1.3.1 leaks in the first (it keeps the fd of
 * BPF_PROG_GET_FD_BY_ID after cloning it; xdp-tools issue 343, fixed in
 * libxdp 1.4): one fd, and the program it keeps in memory, per call, which
 * a long-running reader (export, top, events) makes on every look.  Every
 * use of a multiprog in vpnxdp goes through this pair.  NULL with *@err
 * set when libxdp cannot tell (-ENOENT: nothing attached).
 */
struct vx_mp;
struct vx_mp *vx_mp_open(int ifindex, int *err);
struct xdp_multiprog *vx_mp_of(const struct vx_mp *m);
void vx_mp_close(struct vx_mp *m);

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
