// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "flowcache.h"

int vx_fcache_init_val(struct vx_fcache *c, size_t ksize, size_t vsize,
		       size_t max_entries)
{
	memset(c, 0, sizeof(*c));
	c->max = max_entries ? max_entries : 1;
	return vx_htab_init(&c->tab, ksize, vsize);
}

int vx_fcache_init(struct vx_fcache *c, size_t ksize, size_t max_entries)
{
	return vx_fcache_init_val(c, ksize, sizeof(struct vx_flow_val), max_entries);
}

int vx_fcache_init_frags(struct vx_fcache *c, size_t max_entries)
{
	return vx_fcache_init_val(c, sizeof(struct vx_frag_key),
				  sizeof(struct vx_frag_val), max_entries);
}

void vx_fcache_free(struct vx_fcache *c)
{
	vx_htab_free(&c->tab);
	memset(c, 0, sizeof(*c));
}

void vx_fcache_clear(struct vx_fcache *c)
{
	vx_htab_clear(&c->tab);
}

const struct vx_flow_val *vx_fcache_get(const struct vx_fcache *c, const void *key)
{
	return vx_fcache_get_raw(c, key);
}

void vx_fcache_put(struct vx_fcache *c, const void *key, const struct vx_flow_val *v)
{
	vx_fcache_put_raw(c, key, v);
}

const void *vx_fcache_get_raw(const struct vx_fcache *c, const void *key)
{
	return c ? vx_htab_get(&c->tab, key) : NULL;
}

void vx_fcache_put_raw(struct vx_fcache *c, const void *key, const void *v)
{
	if (!c || !c->tab.buckets)
		return;
	if (!vx_htab_get(&c->tab, key) && c->tab.count >= c->max)
		vx_fcache_clear(c);
	/* out of memory: the entry is forgotten, as an LRU may */
	(void)vx_htab_put(&c->tab, key, v);
}
