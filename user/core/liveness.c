// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "core/caps.h"
#include "core/dispatcher.h"
#include "core/liveness.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

__u64 vx_netns_cookie(void)
{
	__u64 c = 0;
	socklen_t len = sizeof(c);
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return 0;
	if (getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, &c, &len) != 0)
		c = 0;
	close(s);
	return c;
}

__u64 vx_netns_ino(void)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) != 0)
		return 0;
	return (__u64)st.st_ino;
}

const char *vx_state_name(enum vx_state st)
{
	switch (st) {
	case VX_ST_LIVE: return "attached";
	case VX_ST_STALE: return "stale";
	case VX_ST_GONE: return "gone";
	case VX_ST_OTHER_NETNS: return "other-netns";
	default: return "unknown";
	}
}

static bool vx_other_netns(const struct vx_pins *p)
{
	__u64 c;

	if (!p->meta_ok || !p->meta.netns_cookie)
		return false;
	c = vx_netns_cookie();
	return c && c != p->meta.netns_cookie;
}

/* vpnxdp's own XDP link: the kernel says where it is, to anyone. */
static void vx_state_link(const struct vx_pins *p, struct vx_live *l)
{
	struct bpf_link_info li = {};
	__u32 len = sizeof(li);
	char name[IF_NAMESIZE];

	if (bpf_obj_get_info_by_fd(p->link_fd, &li, &len) != 0) {
		l->st = VX_ST_UNKNOWN;
		l->err = -errno;
		snprintf(l->why, sizeof(l->why), "reading its XDP link: %s",
			 strerror(errno));
		return;
	}
	l->link_id = li.id;
	l->prog_id = li.prog_id;
	l->ifindex = li.xdp.ifindex;
	l->mode = p->meta_ok ? p->meta.mode : XDP_MODE_UNSPEC;
	if (!li.xdp.ifindex) {
		l->st = VX_ST_GONE;
		snprintf(l->why, sizeof(l->why), "XDP link %u is attached nowhere: its "
			 "interface was deleted, or its network namespace was", li.id);
	} else if (vx_other_netns(p)) {
		l->st = VX_ST_OTHER_NETNS;
		snprintf(l->why, sizeof(l->why), "XDP link %u on ifindex %u there",
			 li.id, li.xdp.ifindex);
	} else {
		l->st = VX_ST_LIVE;
		snprintf(l->why, sizeof(l->why), "XDP link %u on %s", li.id,
			 if_indextoname(li.xdp.ifindex, name) ? name : "?");
	}
}

static void vx_unknown(struct vx_live *l, int err, const char *what)
{
	l->st = VX_ST_UNKNOWN;
	l->err = err;
	snprintf(l->why, sizeof(l->why), "%s: the kernel refused: %s%s", what,
		 strerror(-err), vx_caps_hint(err, VX_CAPS(VX_CAP_SYS_ADMIN)));
}

/* No program pin (an attach interrupted right after libxdp attached): is
 * an entry of the dispatcher on the interface, or the program on it (libxdp
 * may have gone without its dispatcher), the one using this attachment's
 * maps? */
static void vx_state_find(const struct vx_pins *p, struct vx_live *l, __u32 id)
{
	int fd, found;

	/* the maps are pinned before anything is attached */
	if (!p->counters_id) {
		l->st = VX_ST_STALE;
		snprintf(l->why, sizeof(l->why), "nothing of this attachment was attached");
		return;
	}
	found = vx_dispatcher_find((int)l->ifindex, 0, p->counters_id, &l->prog_id);
	if (found < 0)
		return vx_unknown(l, found, "looking inside libxdp's dispatcher");
	if (found) {
		l->st = VX_ST_LIVE;
		return;
	}
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return vx_unknown(l, -errno, "opening the program on the interface by id");
	found = vx_prog_uses_map(fd, p->counters_id);
	close(fd);
	l->st = found ? VX_ST_LIVE : VX_ST_STALE;
	l->prog_id = found ? id : 0;
}

/* Attached by netlink (libxdp, with or without its dispatcher). */
static void vx_state_netlink(const struct vx_pins *p, struct vx_live *l)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info pi = {};
	__u32 len = sizeof(pi), mine = 0, on;
	char name[IF_NAMESIZE];
	int found;

	l->ifindex = p->meta_ok ? p->meta.ifindex : if_nametoindex(p->ifname);
	/* bpf_xdp_query() answers 0 for an ifindex that does not exist */
	if (!l->ifindex || !if_indextoname(l->ifindex, name) || strcmp(name, p->ifname) != 0) {
		l->st = VX_ST_STALE;
		snprintf(l->why, sizeof(l->why), "interface %s is gone", p->ifname);
		return;
	}
	if (bpf_xdp_query((int)l->ifindex, 0, &q) != 0)
		return vx_unknown(l, -errno, "the netlink XDP query");
	on = q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id;
	l->mode = q.drv_prog_id ? XDP_MODE_NATIVE : q.skb_prog_id ? XDP_MODE_SKB : XDP_MODE_HW;
	if (p->prog_fd >= 0 && bpf_obj_get_info_by_fd(p->prog_fd, &pi, &len) == 0)
		mine = pi.id;
	if (!on) {
		l->st = VX_ST_STALE;
		snprintf(l->why, sizeof(l->why), "%s runs no XDP program", name);
	} else if (!mine) {
		vx_state_find(p, l, on);
	} else if (p->meta_ok && p->meta.path == VX_PATH_DISPATCHER) {
		found = vx_dispatcher_find((int)l->ifindex, mine, 0, &l->prog_id);
		if (found < 0)
			return vx_unknown(l, found, "looking inside libxdp's dispatcher");
		l->st = found ? VX_ST_LIVE : VX_ST_STALE;
	} else {
		l->st = on == mine ? VX_ST_LIVE : VX_ST_STALE;
		l->prog_id = on == mine ? mine : 0;
	}
	if (!l->why[0])
		snprintf(l->why, sizeof(l->why), "%s runs XDP program %u%s", name, on,
			 l->st == VX_ST_LIVE ? "" : ", not this attachment's");
}

void vx_pins_state(const struct vx_pins *p, struct vx_live *l)
{
	memset(l, 0, sizeof(*l));
	if (p->link_fd >= 0)
		return vx_state_link(p, l);
	if (vx_other_netns(p)) {
		l->st = VX_ST_OTHER_NETNS;
		snprintf(l->why, sizeof(l->why), "attached by netlink: it can be "
			 "checked and detached only from there");
		return;
	}
	if (p->pid && p->meta_ok && p->meta.path == VX_PATH_LINK) {
		/* an attach of our own link that did not pin it: the kernel
		 * released the link with the process */
		l->st = VX_ST_STALE;
		snprintf(l->why, sizeof(l->why), "the attach stopped before its XDP link "
			 "was pinned: nothing of it is attached");
		return;
	}
	vx_state_netlink(p, l);
}
