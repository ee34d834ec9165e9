/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace stand-in for the XDP program's LRU caches (vx_flows,
 * vx_frags, vx_heur): fixed-size byte keys to a struct vx_flow_val (vx_frags: a
 * struct vx_frag_val, vx_fcache_init_frags()), on the one hash
 * table of user/core/htab.h.  It holds up to its capacity; when full it
 * forgets everything and starts over (the kernel's LRU forgets the oldest
 * instead; the two only differ once a run has seen more flows than the
 * capacity).  Tests and fuzzers only.
 */
#ifndef VX_FLOWCACHE_H
#define VX_FLOWCACHE_H

#include <stddef.h>
#include "vpnxdp_common.h"
#include "core/htab.h"

struct vx_fcache {
	struct vx_htab tab;
	size_t max;     /* entries held before starting over */
};

/* @max_entries: like the map's max_entries.  Returns 0 or -ENOMEM. */
int vx_fcache_init(struct vx_fcache *c, size_t ksize, size_t max_entries);
/* The fragment cache: struct vx_frag_key -> struct vx_frag_val. */
int vx_fcache_init_frags(struct vx_fcache *c, size_t max_entries);
void vx_fcache_free(struct vx_fcache *c);
void vx_fcache_clear(struct vx_fcache *c);
const struct vx_flow_val *vx_fcache_get(const struct vx_fcache *c, const void *key);
void vx_fcache_put(struct vx_fcache *c, const void *key, const struct vx_flow_val *v);

/* The same for values of @vsize bytes (the heuristic's struct
 * vx_heur_val; vx_fcache_init_frags(): struct vx_frag_val), read and
 * written as bytes. */
int vx_fcache_init_val(struct vx_fcache *c, size_t ksize, size_t vsize,
		       size_t max_entries);
const void *vx_fcache_get_raw(const struct vx_fcache *c, const void *key);
void vx_fcache_put_raw(struct vx_fcache *c, const void *key, const void *v);
int vx_fcache_init_frags(struct vx_fcache *c, size_t max_entries);

#endif
