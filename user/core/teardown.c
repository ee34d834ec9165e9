// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "core/caps.h"
#include "core/dispatcher.h"
#include "core/log.h"
#include "core/teardown.h"

/* A single program attached by netlink: replaced by nothing, on the
 * condition that it is still this one (XDP_FLAGS_REPLACE). */
static int vx_netlink_off(const struct vx_pins *p, const struct vx_live *l)
{
	int fd = p->prog_fd >= 0 ? dup(p->prog_fd) : bpf_prog_get_fd_by_id(l->prog_id);
	LIBBPF_OPTS(bpf_xdp_attach_opts, o);
	__u32 flags = XDP_FLAGS_REPLACE;
	int err;

	if (fd < 0) {
		err = -errno;
		vx_err("%s: cannot open program %u: %s%s", p->ifname, l->prog_id,
		       strerror(-err), vx_caps_hint(err, VX_CAPS(VX_CAP_SYS_ADMIN)));
		return err;
	}
	flags |= l->mode == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE :
		 l->mode == XDP_MODE_HW ? XDP_FLAGS_HW_MODE : XDP_FLAGS_DRV_MODE;
	o.old_prog_fd = fd;
	err = bpf_xdp_attach((int)l->ifindex, -1, flags, &o);
	close(fd);
	if (err)
		vx_err("%s: cannot detach XDP program %u: %s%s", p->ifname, l->prog_id,
		       strerror(-err), vx_caps_hint(err, VX_CAPS(VX_CAP_NET_ADMIN)));
	return err;
}

int vx_xdp_off(const struct vx_pins *p, const struct vx_live *l)
{
	int err;

	if (p->link_fd >= 0) {
		err = bpf_link_detach(p->link_fd) ? -errno : 0;
		if (err)
			vx_err("%s: cannot detach XDP link %u: %s", p->ifname, l->link_id,
			       strerror(-err));
		return err;
	}
	/* by what is on the interface, not by what the attach meant to do:
	 * libxdp goes without its dispatcher when it cannot use one */
	if (vx_dispatcher_present((int)l->ifindex) == 1)
		return vx_dispatcher_detach((int)l->ifindex, l->prog_id);
	return vx_netlink_off(p, l);
}

int vx_teardown(struct vx_pins *p, const struct vx_live *l)
{
	int err;

	if (l->st == VX_ST_LIVE) {
		err = vx_xdp_off(p, l);
		if (err)
			return err;
	}
	err = vx_subdir_remove(p->root_fd, p->name);
	if (err)
		vx_err("%s: cannot remove %s/%s: %s", p->ifname, VX_PIN_ROOT, p->name,
		       strerror(-err));
	return err;
}
