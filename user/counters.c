// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "counters.h"

int vx_counters_read(int fd, struct vx_counters *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct vx_counters *percpu;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	/* A per-CPU lookup returns one value per possible CPU, each rounded up
	 * to 8 bytes; vx_counters is already a multiple of 8. */
	percpu = calloc((size_t)ncpu, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	memset(out, 0, sizeof(*out) * VX_NCLASS);
	for (__u32 c = 0; c < VX_NCLASS; c++) {
		if (bpf_map_lookup_elem(fd, &c, percpu) != 0) {
			int err = -errno;

			free(percpu);
			return err;
		}
		for (int i = 0; i < ncpu; i++) {
			out[c].packets += percpu[i].packets;
			out[c].bytes += percpu[i].bytes;
			out[c].dropped += percpu[i].dropped;
			out[c].drop_rule += percpu[i].drop_rule;
			out[c].drop_rate += percpu[i].drop_rate;
			out[c].drop_deny += percpu[i].drop_deny;
			for (int k = 0; k < VX_NCONF; k++)
				out[c].conf[k] += percpu[i].conf[k];
		}
	}
	free(percpu);
	return 0;
}
