/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where an attachment lives: /sys/fs/bpf/vpnxdp/IFACE holds the program and
 * every map, pinned, so that the program keeps running after `attach` exits
 * and every later command finds it.
 *
 * The maps are reached through the embedded object's skeleton, opened but
 * never loaded: each of its maps is given the fd of the pin of its name, so
 * code says p->skel->maps.vx_counters, and the object's own definitions
 * are what the pins are checked against.
 */
#ifndef VX_PINS_H
#define VX_PINS_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>

#include "vpnxdp_common.h"
#include "vpnxdp.skel.h"

#define VX_BPFFS "/sys/fs/bpf"
#define VX_PIN_ROOT VX_BPFFS "/vpnxdp"
#define VX_IFNAMSIZ 16

struct vx_pins {
	char ifname[VX_IFNAMSIZ];
	char dir[PATH_MAX];
	struct vpnxdp_bpf *skel; /* its maps: the pinned ones */
	int prog_fd;
	int lock_fd;
};

/* The fd of map @m (a field of struct vpnxdp_bpf's maps) of @p. */
#define vx_pins_fd(p, m) bpf_map__fd((p)->skel->maps.m)

/* Ensure bpffs is mounted at /sys/fs/bpf, mounting it as xdp-tools does. */
int vx_bpffs_ensure(void);

void vx_pin_dir(char *buf, size_t len, const char *ifname);
bool vx_pins_exist(const char *ifname);

/* Open the pinned maps and program of IFACE.  Returns 0; -ENOENT when the
 * interface is not attached; -EPROTO when a pin is not the map the object
 * defines; other negative errno (all printed). */
int vx_pins_open(struct vx_pins *p, const char *ifname);
void vx_pins_close(struct vx_pins *p);

/* The exit code for vx_pins_open()'s error: not attached is the operator's
 * input, anything else the system's. */
static inline int vx_pins_exit(int err)
{
	return err == -ENOENT ? 1 : 2; /* VX_EXIT_INPUT, VX_EXIT_SYSTEM */
}

/* Serialize commands that change an attachment (flock on the pin dir). */
int vx_pins_lock(struct vx_pins *p);

/* Remove every pin of IFACE and the directory. */
int vx_pins_remove(const char *ifname);
int vx_pins_remove_dir(const char *dir);

int vx_read_meta(const struct vx_pins *p, struct vx_meta *m);
int vx_read_config(const struct vx_pins *p, struct vx_config *c);

/* The attached interfaces (directories under /sys/fs/bpf/vpnxdp, without
 * attaches in progress), sorted.  Returns how many, at most @max. */
int vx_attached_list(char (*names)[VX_IFNAMSIZ], int max);

enum vx_liveness {
	VX_ATTACHED,    /* the pinned program is on the interface */
	VX_STALE,       /* it is not (interface gone, program removed) */
	VX_OTHER_NETNS, /* attached from another network namespace: can't tell
			 * from here, and must not be touched from here */
};

/* Is the pinned program the one attached to the interface now? Fills the
 * program id. */
enum vx_liveness vx_pins_live(const struct vx_pins *p, unsigned int *prog_id);

/* Inode of this process's network namespace, or 0. */
unsigned long long vx_netns_ino(void);

/* "native", "skb", "hw" for an enum xdp_attach_mode. */
const char *vx_xdp_mode_name(unsigned int mode);

#endif
