/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace stand-in for the XDP program's LRU caches (vx_flows,
 * vx_frags): fixed-size byte keys to a struct vx_flow_val, open addressing.
 * It holds up to its capacity; when full it forgets everything and starts
 * over (the kernel's LRU forgets the oldest instead; the two only differ
 * once a run has seen more flows than the capacity).
 */
#ifndef VX_FLOWCACHE_H
#define VX_FLOWCACHE_H

#include <stddef.h>
#include "vpnxdp_common.h"

struct vx_fcache {
	size_t ksize;   /* key bytes */
	size_t cap;     /* slots, a power of two */
	size_t max;     /* entries held before starting over */
	size_t count;
	unsigned char *keys;        /* cap * ksize */
	struct vx_flow_val *vals;   /* cap */
	unsigned char *used;        /* cap */
};

/* @max_entries: like the map's max_entries.  Returns 0 or -ENOMEM. */
int vx_fcache_init(struct vx_fcache *c, size_t ksize, size_t max_entries);
void vx_fcache_free(struct vx_fcache *c);
void vx_fcache_clear(struct vx_fcache *c);
const struct vx_flow_val *vx_fcache_get(const struct vx_fcache *c, const void *key);
void vx_fcache_put(struct vx_fcache *c, const void *key, const struct vx_flow_val *v);

#endif
