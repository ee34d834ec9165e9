/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small hash table from fixed-size byte keys to indexes, for replay's flow
 * and fragment tables.  Keys are compared as bytes: callers zero them first
 * (memset) so that padding never differs.
 */
#ifndef VX_HTAB_H
#define VX_HTAB_H

#include <stdbool.h>
#include <stddef.h>

struct vx_htab {
	size_t ksize;     /* bytes per key */
	size_t nbuckets;  /* power of two */
	size_t count;
	struct vx_hent **buckets;
};

int vx_htab_init(struct vx_htab *h, size_t ksize);
void vx_htab_free(struct vx_htab *h);

/* Look @key up: true and *val filled when present. */
bool vx_htab_get(const struct vx_htab *h, const void *key, size_t *val);

/* Insert or overwrite.  Returns 0 or -ENOMEM. */
int vx_htab_put(struct vx_htab *h, const void *key, size_t val);

#endif
