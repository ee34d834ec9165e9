/* SPDX-License-Identifier: GPL-2.0 */
/* Writing a compiled policy into the XDP program's maps, slot by slot. */
#ifndef VX_POLICY_MAPS_H
#define VX_POLICY_MAPS_H

#include "pins.h"
#include "policy.h"

/* Write @c into @slot of the maps in @fds (indexed by enum vx_map_id).  The
 * slot must not be live. */
int vx_slot_write(const int *fds, __u32 slot, const struct vx_compiled *c);

/* Read back what @slot holds. */
int vx_slot_read(const int *fds, __u32 slot, struct vx_compiled *c);

/* Make @slot live with @generation: one map write, so a packet sees either
 * the old slot or the new one, never a mix. */
int vx_slot_switch(const int *fds, __u32 slot, __u32 generation);

#endif
