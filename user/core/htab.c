// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/htab.h"

struct vx_hent {
	struct vx_hent *next;
	unsigned char data[]; /* the key (ksize bytes), then the value */
};

#define VX_HVAL(h, e) ((e)->data + (h)->ksize)

/* FNV-1a: keys are a few dozen bytes, this is plenty. */
static uint64_t vx_hash(const void *key, size_t len)
{
	const unsigned char *b = key;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

int vx_htab_init(struct vx_htab *h, size_t ksize, size_t vsize)
{
	h->ksize = ksize;
	h->vsize = vsize;
	h->nbuckets = 256;
	h->count = 0;
	h->buckets = calloc(h->nbuckets, sizeof(struct vx_hent *));
	return h->buckets ? 0 : -ENOMEM;
}

void vx_htab_clear(struct vx_htab *h)
{
	for (size_t i = 0; h->buckets && i < h->nbuckets; i++) {
		struct vx_hent *e = h->buckets[i];

		while (e) {
			struct vx_hent *n = e->next;

			free(e);
			e = n;
		}
		h->buckets[i] = NULL;
	}
	h->count = 0;
}

void vx_htab_free(struct vx_htab *h)
{
	vx_htab_clear(h);
	free(h->buckets);
	h->buckets = NULL;
}

void *vx_htab_get(const struct vx_htab *h, const void *key)
{
	size_t b;

	if (!h->buckets)
		return NULL;
	b = vx_hash(key, h->ksize) & (h->nbuckets - 1);
	for (struct vx_hent *e = h->buckets[b]; e; e = e->next)
		if (memcmp(e->data, key, h->ksize) == 0)
			return VX_HVAL(h, e);
	return NULL;
}

/* Double the buckets when the table is as full as it is wide. */
static int vx_htab_grow(struct vx_htab *h)
{
	size_t n = h->nbuckets * 2;
	struct vx_hent **nb = calloc(n, sizeof(struct vx_hent *));

	if (!nb)
		return -ENOMEM;
	for (size_t i = 0; i < h->nbuckets; i++) {
		struct vx_hent *e = h->buckets[i];

		while (e) {
			struct vx_hent *next = e->next;
			size_t b = vx_hash(e->data, h->ksize) & (n - 1);

			e->next = nb[b];
			nb[b] = e;
			e = next;
		}
	}
	free(h->buckets);
	h->buckets = nb;
	h->nbuckets = n;
	return 0;
}

int vx_htab_put(struct vx_htab *h, const void *key, const void *val)
{
	void *old = vx_htab_get(h, key);
	struct vx_hent *e;
	size_t b;

	if (old) {
		memcpy(old, val, h->vsize);
		return 0;
	}
	if (h->count >= h->nbuckets && vx_htab_grow(h))
		return -ENOMEM;
	b = vx_hash(key, h->ksize) & (h->nbuckets - 1);
	e = malloc(sizeof(*e) + h->ksize + h->vsize);
	if (!e)
		return -ENOMEM;
	memcpy(e->data, key, h->ksize);
	memcpy(VX_HVAL(h, e), val, h->vsize);
	e->next = h->buckets[b];
	h->buckets[b] = e;
	h->count++;
	return 0;
}
