// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>

#include "vpnxdp_common.h"
#include "vpnxdp.skel.h"
#include "forget.h"

int vx_map_clear(int fd, size_t ksize)
{
	unsigned char k[64];

	if (ksize > sizeof(k))
		return -E2BIG;
	while (bpf_map_get_next_key(fd, NULL, k) == 0)
		if (bpf_map_delete_elem(fd, k) != 0)
			return -errno;
	return 0;
}

int vx_prog_forget(struct vpnxdp_bpf *skel)
{
	size_t sz = bpf_map__value_size(skel->maps.bss);
	void *zero;
	__u32 key = 0;
	int err;

	err = vx_map_clear(bpf_map__fd(skel->maps.vx_flows), sizeof(struct vx_flow_key));
	if (!err)
		err = vx_map_clear(bpf_map__fd(skel->maps.vx_frags), sizeof(struct vx_frag_key));
	if (err)
		return err;
	/* the whole of .bss, through the map (its static arrays are not in
	 * the skeleton's struct) */
	zero = calloc(1, sz);
	if (!zero)
		return -ENOMEM;
	err = bpf_map_update_elem(bpf_map__fd(skel->maps.bss), &key, zero, BPF_ANY) ? -errno : 0;
	free(zero);
	return err;
}
