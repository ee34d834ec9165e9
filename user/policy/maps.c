// SPDX-License-Identifier: GPL-2.0
/*
 * Writing a policy into one slot of the XDP program's maps.
 *
 * Order matters (vx_policy_install):
 *   1. fresh LPM tries for the slot are built off to the side and swapped
 *      into vx_pfx4/vx_pfx6.  Updating an ARRAY_OF_MAPS entry makes the
 *      kernel wait for an RCU grace period (maybe_wait_bpf_programs() in
 *      kernel/bpf/syscall.c), so when it returns no packet that read this
 *      slot before the last flip is still being judged: the slot is free.
 *   2. signatures, IP protocols, rule lists and heuristic switches of the
 *      slot;
 *   3. the canonical JSON, for `policy show` to read back.
 * The caller then flips vx_config: one map write makes the slot live.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <bpf/bpf.h>

#include "vpnxdp.skel.h"
#include "core/log.h"
#include "policy/maps.h"

/* Update @n consecutive array entries from index @first in one syscall
 * (BPF_MAP_UPDATE_BATCH); 131072 single updates would take ~100 ms. */
static int vx_array_write(int fd, __u32 first, const void *vals, __u32 n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 *keys = malloc(n * sizeof(*keys));
	__u32 count = n;
	int err;

	if (!keys)
		return -ENOMEM;
	for (__u32 i = 0; i < n; i++)
		keys[i] = first + i;
	err = bpf_map_update_batch(fd, keys, vals, &count, &opts);
	if (err)
		err = -errno;
	else if (count != n)
		err = -EIO;
	free(keys);
	return err;
}

static int vx_trie_new(size_t key_size, const char *name)
{
	struct bpf_map_create_opts o = { .sz = sizeof(o), .map_flags = BPF_F_NO_PREALLOC };
	int fd = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, name, (__u32)key_size, 1,
				VX_MAX_PREFIXES, &o);

	return fd < 0 ? -errno : fd;
}

/* Fill fresh tries with every rule's prefixes and make them @slot's. */
static int vx_slot_prefixes(struct vpnxdp_bpf *s, __u32 slot, const struct vx_policy *pol)
{
	int fd4 = vx_trie_new(sizeof(struct vx_pfx4_key), "vx_pfx4_slot");
	int fd6 = vx_trie_new(sizeof(struct vx_pfx6_key), "vx_pfx6_slot");
	__u8 one = 1;
	int err = 0;

	if (fd4 < 0 || fd6 < 0) {
		err = fd4 < 0 ? fd4 : fd6;
		goto out;
	}
	for (int c = 0; c < VX_MAX_CLASS && !err; c++) {
		for (unsigned int i = 0; i < pol->cls[c].nrules && !err; i++) {
			const struct vx_ruledef *r = &pol->cls[c].rules[i];

			for (size_t k = 0; k < r->npfx && !err; k++) {
				const struct vx_prefix *p = &r->pfx[k];

				if (p->ipver == 4) {
					struct vx_pfx4_key key = {
						.prefixlen = VX_PFX_HDR_BITS + p->len,
						.cls = (__u8)c, .rule = (__u8)i,
					};

					memcpy(key.addr, p->addr, 4);
					err = bpf_map_update_elem(fd4, &key, &one, BPF_ANY);
				} else {
					struct vx_pfx6_key key = {
						.prefixlen = VX_PFX_HDR_BITS + p->len,
						.cls = (__u8)c, .rule = (__u8)i,
					};

					memcpy(key.addr, p->addr, 16);
					err = bpf_map_update_elem(fd6, &key, &one, BPF_ANY);
				}
				if (err)
					err = -errno;
			}
		}
	}
	/* The swap that also waits out the packets still using this slot. */
	if (!err && bpf_map_update_elem(bpf_map__fd(s->maps.vx_pfx4), &slot, &fd4, BPF_ANY))
		err = -errno;
	if (!err && bpf_map_update_elem(bpf_map__fd(s->maps.vx_pfx6), &slot, &fd6, BPF_ANY))
		err = -errno;
out:
	/* The outer maps hold their own references. */
	if (fd4 >= 0)
		close(fd4);
	if (fd6 >= 0)
		close(fd6);
	return err;
}

/* The slot's heuristic switches and its no-rules byte live in vx_config
 * beside the live slot number (the program has that entry in hand for
 * every packet): rewrite the entry with only @slot's bytes changed.
 * Userspace is the only writer, and @slot is not live, so no packet reads
 * the bytes that change. */
static int vx_slot_config(struct vpnxdp_bpf *s, __u32 slot, __u8 heur,
			  __u8 norules)
{
	struct vx_config cfg = {};
	__u32 zero = 0;
	int fd = bpf_map__fd(s->maps.vx_config);

	if (bpf_map_lookup_elem(fd, &zero, &cfg))
		return -errno;
	cfg.heur[slot & 1] = heur;
	cfg.norules[slot & 1] = norules;
	if (bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY))
		return -errno;
	return 0;
}

/* vx_config.norules of the rules @c writes to vx_rules: no class has a
 * rule or is disabled. */
static __u8 vx_compiled_norules(const struct vx_compiled *c)
{
	for (int cls = 0; cls < VX_MAX_CLASS; cls++)
		if (c->rules[cls].flags || c->rules[cls].nrules)
			return 0;
	return 1;
}

int vx_slot_write(struct vpnxdp_bpf *s, __u32 slot, const struct vx_compiled *c)
{
	int err;

	err = vx_array_write(bpf_map__fd(s->maps.vx_sigs), vx_sig_index(slot, 0, 0),
			     c->sigs, VX_NL4 * VX_SIG_PORTS);
	if (!err)
		err = vx_array_write(bpf_map__fd(s->maps.vx_protos), vx_proto_index(slot, 0),
				     c->protos, 256);
	if (!err)
		err = vx_array_write(bpf_map__fd(s->maps.vx_rules), vx_rules_index(slot, 0),
				     c->rules, VX_MAX_CLASS);
	if (!err)
		err = vx_slot_config(s, slot, c->heur, vx_compiled_norules(c));
	return err;
}

/* Stored form: [u32 raw length][u32 compressed length][zlib data], cut
 * into VX_STORE_CHUNK-byte values under consecutive keys. */
static int vx_store_write(struct vpnxdp_bpf *s, __u32 slot, const char *json)
{
	uLong raw = (uLong)strlen(json);
	uLongf clen = compressBound(raw);
	size_t total = 8 + clen;
	__u8 *buf = calloc(1, total + VX_STORE_CHUNK);
	__u32 hdr[2];
	int err = 0;

	if (!buf)
		return -ENOMEM;
	if (compress2(buf + 8, &clen, (const Bytef *)json, raw, 6) != Z_OK) {
		free(buf);
		return -ENOMEM;
	}
	total = 8 + clen;
	if (total > (size_t)VX_STORE_CHUNK * VX_STORE_CHUNKS) {
		free(buf);
		return -E2BIG;
	}
	hdr[0] = (__u32)raw;
	hdr[1] = (__u32)clen;
	memcpy(buf, hdr, 8);
	/* Drop what the slot held (a policy two pushes old). */
	for (__u32 i = 0; i < VX_STORE_CHUNKS; i++) {
		__u32 key = vx_store_key(slot, i);

		if (bpf_map_delete_elem(bpf_map__fd(s->maps.vx_store), &key))
			break;
	}
	for (size_t off = 0; off < total && !err; off += VX_STORE_CHUNK) {
		__u32 key = vx_store_key(slot, (__u32)(off / VX_STORE_CHUNK));

		if (bpf_map_update_elem(bpf_map__fd(s->maps.vx_store), &key, buf + off, BPF_ANY))
			err = -errno;
	}
	free(buf);
	return err;
}

int vx_store_read(struct vpnxdp_bpf *s, __u32 slot, char **json)
{
	__u8 *chunk = malloc(VX_STORE_CHUNK), *comp = NULL;
	__u32 hdr[2], key;
	uLongf raw;
	size_t have = 0, need;
	char *out = NULL;
	int err = 0;

	*json = NULL;
	if (!chunk)
		return -ENOMEM;
	key = vx_store_key(slot, 0);
	if (bpf_map_lookup_elem(bpf_map__fd(s->maps.vx_store), &key, chunk)) {
		err = -errno;
		goto out;
	}
	memcpy(hdr, chunk, 8);
	need = 8 + (size_t)hdr[1];
	comp = malloc(need + VX_STORE_CHUNK);
	out = malloc((size_t)hdr[0] + 1);
	if (!comp || !out) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(comp, chunk, VX_STORE_CHUNK);
	have = VX_STORE_CHUNK;
	for (__u32 i = 1; have < need; i++, have += VX_STORE_CHUNK) {
		key = vx_store_key(slot, i);
		if (bpf_map_lookup_elem(bpf_map__fd(s->maps.vx_store), &key, comp + have)) {
			err = -errno;
			goto out;
		}
	}
	raw = hdr[0];
	if (uncompress((Bytef *)out, &raw, comp + 8, hdr[1]) != Z_OK || raw != hdr[0]) {
		err = -EBADMSG;
		goto out;
	}
	out[raw] = 0;
	*json = out;
	out = NULL;
out:
	free(out);
	free(comp);
	free(chunk);
	return err;
}

int vx_policy_install_compiled(struct vpnxdp_bpf *s, __u32 slot,
			       const struct vx_policy *pol,
			       const struct vx_compiled *c, const char *json)
{
	int err = vx_slot_prefixes(s, slot, pol);

	if (!err)
		err = vx_slot_write(s, slot, c);
	if (!err)
		err = vx_store_write(s, slot, json);
	return err;
}

int vx_policy_install(struct vpnxdp_bpf *s, __u32 slot, const struct vx_policy *pol,
		      const char *json)
{
	struct vx_compiled *c = malloc(sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	vx_policy_compile(pol, c);
	err = vx_policy_install_compiled(s, slot, pol, c, json);
	free(c);
	return err;
}

int vx_slot_switch(struct vpnxdp_bpf *s, __u32 slot, __u32 generation)
{
	struct vx_config cfg = {};
	__u32 zero = 0;
	int fd = bpf_map__fd(s->maps.vx_config);

	/* the slots' heuristic switches stay as vx_slot_write() left them */
	if (bpf_map_lookup_elem(fd, &zero, &cfg) != 0)
		return -errno;
	cfg.slot = slot;
	cfg.generation = generation;
	cfg.applied_at = (__u64)time(NULL);
	if (bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY) != 0)
		return -errno;
	return 0;
}
