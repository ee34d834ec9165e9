/* SPDX-License-Identifier: GPL-2.0 */
/* Writing a policy into the XDP program's maps, slot by slot. */
#ifndef VX_POLICY_MAPS_H
#define VX_POLICY_MAPS_H

#include <linux/types.h>

#include "policy/policy.h"

struct vpnxdp_bpf;

/* Write @pol (whose canonical JSON is @json) into @slot of the maps of @s
 * (loaded, or opened on an attachment's pins): prefixes, signatures, rules,
 * stored JSON.
 * Waits for packets still judged by @slot's previous contents first.  The
 * slot must not be live. */
int vx_policy_install(struct vpnxdp_bpf *s, __u32 slot, const struct vx_policy *pol,
		      const char *json);

/* The same with @c, @pol compiled (and possibly adjusted, as replay does). */
int vx_policy_install_compiled(struct vpnxdp_bpf *s, __u32 slot,
			       const struct vx_policy *pol,
			       const struct vx_compiled *c, const char *json);

/* Write only the compiled tables of @slot (no prefixes, no stored form). */
int vx_slot_write(struct vpnxdp_bpf *s, __u32 slot, const struct vx_compiled *c);


/* The canonical JSON stored with @slot (malloc'd into *json). */
int vx_store_read(struct vpnxdp_bpf *s, __u32 slot, char **json);

/* Make @slot live with @generation, stamped with the time now: one map
 * write, so a packet sees either the old slot or the new one, never a mix. */
int vx_slot_switch(struct vpnxdp_bpf *s, __u32 slot, __u32 generation);

#endif
