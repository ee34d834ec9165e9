/* SPDX-License-Identifier: GPL-2.0 */
/* Reading back what a policy slot holds, for the tests that compare it with
 * what was written (user/policy/maps.c writes it). */
#ifndef VX_SLOTREAD_H
#define VX_SLOTREAD_H

#include <linux/types.h>
#include "policy/policy.h"

struct vpnxdp_bpf;

/* The compiled tables @slot of @s holds.  Returns 0 or a negative errno. */
int vx_slot_read(struct vpnxdp_bpf *s, __u32 slot, struct vx_compiled *c);

#endif
