/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Make a loaded vpnxdp program forget what earlier frames taught it, for
 * suites that judge frames one case at a time.
 */
#ifndef VX_TEST_FORGET_H
#define VX_TEST_FORGET_H

#include <stddef.h>

struct vpnxdp_bpf;

/* Delete every entry of the hash map @fd (keys of @ksize bytes, at most
 * 64).  0, or -errno. */
int vx_map_clear(int fd, size_t ksize);

/* Forget every flow, endpoint and first fragment: vx_flows, vx_frags and
 * the object's global data in front of them (the Bloom filter, the
 * learned-endpoint flag, the front copy of vx_flows, bpf/maps.bpf.h),
 * which a cleared vx_flows would contradict.  0, or -errno. */
int vx_prog_forget(struct vpnxdp_bpf *skel);

#endif
