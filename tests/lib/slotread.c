// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>

#include "vpnxdp.skel.h"
#include "slotread.h"

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

int vx_slot_read(struct vpnxdp_bpf *s, __u32 slot, struct vx_compiled *c)
{
	int err;

	err = vx_array_read(bpf_map__fd(s->maps.vx_sigs), vx_sig_index(slot, 0, 0), c->sigs,
			    sizeof(struct vx_sig), VX_NL4 * VX_SIG_PORTS);
	if (!err)
		err = vx_array_read(bpf_map__fd(s->maps.vx_protos), vx_proto_index(slot, 0),
				    c->protos, 1, 256);
	if (!err)
		err = vx_array_read(bpf_map__fd(s->maps.vx_rules), vx_rules_index(slot, 0),
				    c->rules, sizeof(struct vx_class_rules), VX_MAX_CLASS);
	if (!err) {
		struct vx_config cfg;
		__u32 zero = 0;

		if (bpf_map_lookup_elem(bpf_map__fd(s->maps.vx_config), &zero, &cfg))
			err = -errno;
		else
			c->heur = cfg.heur[slot & 1];
	}
	return err;
}

