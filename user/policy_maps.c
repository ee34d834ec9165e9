// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "policy_maps.h"

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

/* Read @n consecutive entries from index @first (BPF_MAP_LOOKUP_BATCH).  The
 * batch cursor is "the last key done", so start from first - 1. */
static int vx_array_read(int fd, __u32 first, void *vals, size_t vsize, __u32 n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 *keys = malloc(n * sizeof(*keys));
	__u32 cursor = first - 1, next, done = 0;
	int err = 0;

	if (!keys)
		return -ENOMEM;
	while (done < n) {
		__u32 count = n - done;

		err = bpf_map_lookup_batch(fd, first ? &cursor : (done ? &cursor : NULL),
					   &next, keys + done,
					   (char *)vals + done * vsize, &count, &opts);
		if (err && errno != ENOENT) {
			err = -errno;
			break;
		}
		done += count;
		cursor = next;
		if (err || count == 0) {
			err = done == n ? 0 : -EIO;
			break;
		}
	}
	free(keys);
	return err;
}

int vx_slot_write(const int *fds, __u32 slot, const struct vx_compiled *c)
{
	int err;

	err = vx_array_write(fds[VX_MAP_SIGS], vx_sig_index(slot, 0, 0),
			     c->sigs, VX_NL4 * VX_SIG_PORTS);
	if (!err)
		err = vx_array_write(fds[VX_MAP_PROTOS], vx_proto_index(slot, 0),
				     c->protos, 256);
	if (!err)
		err = vx_array_write(fds[VX_MAP_ACTIONS], vx_action_index(slot, 0),
				     c->actions, VX_MAX_CLASS);
	return err;
}

int vx_slot_read(const int *fds, __u32 slot, struct vx_compiled *c)
{
	int err;

	err = vx_array_read(fds[VX_MAP_SIGS], vx_sig_index(slot, 0, 0), c->sigs,
			    sizeof(struct vx_sig), VX_NL4 * VX_SIG_PORTS);
	if (!err)
		err = vx_array_read(fds[VX_MAP_PROTOS], vx_proto_index(slot, 0),
				    c->protos, 1, 256);
	if (!err)
		err = vx_array_read(fds[VX_MAP_ACTIONS], vx_action_index(slot, 0),
				    c->actions, 1, VX_MAX_CLASS);
	return err;
}

int vx_slot_switch(const int *fds, __u32 slot, __u32 generation)
{
	struct vx_config cfg = { .slot = slot, .generation = generation };
	__u32 zero = 0;

	if (bpf_map_update_elem(fds[VX_MAP_CONFIG], &zero, &cfg, BPF_ANY) != 0)
		return -errno;
	return 0;
}
