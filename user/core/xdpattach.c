// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/caps.h"
#include "core/dispatcher.h"
#include "core/log.h"
#include "core/pins.h"
#include "core/xdpattach.h"

static __u32 vx_mode_flag(enum xdp_attach_mode mode)
{
	return mode == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
}

/* Native refused as unsupported (a driver without XDP: EOPNOTSUPP; some
 * say EINVAL), and skb allowed instead? */
static bool vx_try_skb(struct vx_xdp_on *x, int err)
{
	if (!x->fallback || x->mode != XDP_MODE_NATIVE ||
	    (err != -EOPNOTSUPP && err != -EINVAL))
		return false;
	vx_info("%s: native XDP failed (%s); falling back to skb (generic) mode",
		x->ifname, strerror(-err));
	x->mode = XDP_MODE_SKB;
	return true;
}

int vx_link_on(struct vx_xdp_on *x, int prog_fd)
{
	LIBBPF_OPTS(bpf_link_create_opts, o);
	int err;

	do {
		o.flags = vx_mode_flag(x->mode);
		x->link_fd = bpf_link_create(prog_fd, x->ifindex, BPF_XDP, &o);
		err = x->link_fd < 0 ? -errno : 0;
	} while (err && vx_try_skb(x, err));
	return err;
}

int vx_libxdp_on(struct vx_xdp_on *x, struct xdp_program *xprog)
{
	struct vx_mp *m;
	int err;

	do {
		err = xdp_program__attach(xprog, x->ifindex, x->mode, 0);
	} while (err && vx_try_skb(x, err));
	if (err)
		return err;
	/* libxdp falls back to a single program by itself when the kernel
	 * refuses its dispatcher */
	x->path = VX_PATH_DISPATCHER;
	m = vx_mp_open(x->ifindex, &err);
	if (m && xdp_multiprog__is_legacy(vx_mp_of(m)))
		x->path = VX_PATH_NETLINK;
	vx_mp_close(m);
	err = 0;
	return 0;
}

void vx_xdp_on_error(const struct vx_xdp_on *x, int err)
{
	char buf[256];

	if (libxdp_strerror(err, buf, sizeof(buf)) != 0)
		snprintf(buf, sizeof(buf), "%s", strerror(-err));
	if (err == -EPERM || err == -EACCES)
		vx_err("%s: the kernel refused the XDP attach: %s%s", x->ifname, buf,
		       vx_caps_hint(err, VX_CAPS(VX_CAP_NET_ADMIN)));
	else if (x->mode == XDP_MODE_NATIVE && (err == -EOPNOTSUPP || err == -EINVAL))
		vx_err("%s: native XDP attach failed: %s; the driver may not support "
		       "XDP: retry with '--mode skb' (or --mode auto)", x->ifname, buf);
	else
		vx_err("%s: %s XDP attach failed: %s", x->ifname,
		       vx_xdp_mode_name(x->mode), buf);
}

int vx_xdp_what(int ifindex, __u32 *id, char *name, size_t len)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);
	int fd;

	name[0] = 0;
	if (bpf_xdp_query(ifindex, 0, &q) != 0)
		return -errno;
	*id = q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id;
	if (!*id)
		return 0;
	/* the name needs the program's fd: by id, CAP_SYS_ADMIN */
	fd = bpf_prog_get_fd_by_id(*id);
	if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &ilen) == 0)
		snprintf(name, len, "%s", info.name);
	if (fd >= 0)
		close(fd);
	return 0;
}
