// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flowcache.h"

int vx_fcache_init(struct vx_fcache *c, size_t ksize, size_t max_entries)
{
	size_t cap = 16;

	memset(c, 0, sizeof(*c));
	if (max_entries == 0)
		max_entries = 1;
	/* load factor at most 1/2 */
	while (cap < 2 * max_entries)
		cap *= 2;
	c->ksize = ksize;
	c->cap = cap;
	c->max = max_entries;
	c->keys = calloc(cap, ksize);
	c->vals = calloc(cap, sizeof(*c->vals));
	c->used = calloc(cap, 1);
	if (!c->keys || !c->vals || !c->used) {
		vx_fcache_free(c);
		return -ENOMEM;
	}
	return 0;
}

void vx_fcache_free(struct vx_fcache *c)
{
	free(c->keys);
	free(c->vals);
	free(c->used);
	memset(c, 0, sizeof(*c));
}

void vx_fcache_clear(struct vx_fcache *c)
{
	if (c->used)
		memset(c->used, 0, c->cap);
	c->count = 0;
}

/* FNV-1a over the key bytes */
static size_t vx_fcache_hash(const struct vx_fcache *c, const void *key)
{
	const unsigned char *k = key;
	size_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < c->ksize; i++) {
		h ^= k[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot holding @key, or the empty slot where it would go. */
static size_t vx_fcache_slot(const struct vx_fcache *c, const void *key)
{
	size_t i = vx_fcache_hash(c, key) & (c->cap - 1);

	while (c->used[i] && memcmp(c->keys + i * c->ksize, key, c->ksize) != 0)
		i = (i + 1) & (c->cap - 1);
	return i;
}

const struct vx_flow_val *vx_fcache_get(const struct vx_fcache *c, const void *key)
{
	size_t i;

	if (!c || !c->used)
		return NULL;
	i = vx_fcache_slot(c, key);
	return c->used[i] ? &c->vals[i] : NULL;
}

void vx_fcache_put(struct vx_fcache *c, const void *key, const struct vx_flow_val *v)
{
	size_t i;

	if (!c || !c->used)
		return;
	i = vx_fcache_slot(c, key);
	if (!c->used[i]) {
		if (c->count >= c->max) {
			vx_fcache_clear(c);
			i = vx_fcache_slot(c, key);
		}
		c->used[i] = 1;
		memcpy(c->keys + i * c->ksize, key, c->ksize);
		c->count++;
	}
	c->vals[i] = *v;
}
