/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small hash table from fixed-size byte keys to fixed-size values: replay's
 * flow and fragment tables, and the userspace stand-in for the XDP
 * program's LRU caches (tests/lib/flowcache.h).  Keys are compared as
 * bytes: callers zero them first (memset) so that padding never differs.
 * A value stays where it is until the table is cleared or freed.
 */
#ifndef VX_HTAB_H
#define VX_HTAB_H

#include <stdbool.h>
#include <stddef.h>

struct vx_htab {
	size_t ksize;     /* bytes per key */
	size_t vsize;     /* bytes per value */
	size_t nbuckets;  /* power of two */
	size_t count;
	struct vx_hent **buckets;
};

int vx_htab_init(struct vx_htab *h, size_t ksize, size_t vsize);
void vx_htab_free(struct vx_htab *h);

/* Forget every entry (the table stays usable). */
void vx_htab_clear(struct vx_htab *h);

/* The value of @key, or NULL. */
void *vx_htab_get(const struct vx_htab *h, const void *key);

/* Insert or overwrite.  Returns 0 or -ENOMEM. */
int vx_htab_put(struct vx_htab *h, const void *key, const void *val);

#endif
