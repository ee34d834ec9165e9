/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where an attachment lives: /sys/fs/bpf/vpnxdp/IFACE holds the program and
 * every map, pinned, so that the program keeps running after `attach` exits
 * and every later command finds it.
 */
#ifndef VX_PINS_H
#define VX_PINS_H

#include <limits.h>
#include <stdbool.h>

#include "vpnxdp_common.h"

#define VX_BPFFS "/sys/fs/bpf"
#define VX_PIN_ROOT VX_BPFFS "/vpnxdp"

/* The maps of one attachment, in the order of vx_map_names[]. */
enum vx_map_id {
	VX_MAP_SIGS,
	VX_MAP_PROTOS,
	VX_MAP_RULES,
	VX_MAP_CONFIG,
	VX_MAP_COUNTERS,
	VX_MAP_META,
	VX_MAP_PFX4,
	VX_MAP_PFX6,
	VX_MAP_RATE,
	VX_MAP_STORE,
	VX_MAP_FLOWS,
	VX_MAP_FRAGS,
	VX_MAP_FLOWBITS,
	VX_MAP_RATES,   /* ring: rate records (vpnxdp_ring.h) */
	VX_MAP_EVENTS,  /* ring: events */
	VX_MAP_RSTATE,  /* per-CPU rate/event state */
	VX_NMAPS,
};

extern const char *const vx_map_names[VX_NMAPS];

struct vx_pins {
	char ifname[16];
	char dir[PATH_MAX];
	int map_fd[VX_NMAPS];
	int prog_fd;
	int lock_fd;
};

struct bpf_object;
struct bpf_map;

/* The maps of a (loaded or opened) vpnxdp object by enum vx_map_id, found by
 * name: every user of the object agrees with vx_map_names[]. */
int vx_obj_maps(struct bpf_object *obj, struct bpf_map **maps);
int vx_obj_fds(struct bpf_object *obj, int *fds); /* after load */

/* Ensure bpffs is mounted at /sys/fs/bpf, mounting it as xdp-tools does. */
int vx_bpffs_ensure(void);

void vx_pin_dir(char *buf, size_t len, const char *ifname);
bool vx_pins_exist(const char *ifname);

/* Open the pinned maps and program of IFACE.  Returns 0; -ENOENT when the
 * interface is not attached (message printed); other negative errno. */
int vx_pins_open(struct vx_pins *p, const char *ifname);
void vx_pins_close(struct vx_pins *p);

/* Serialize commands that change an attachment (flock on the pin dir). */
int vx_pins_lock(struct vx_pins *p);

/* Remove every pin of IFACE and the directory. */
int vx_pins_remove(const char *ifname);
int vx_pins_remove_dir(const char *dir);

int vx_read_meta(const struct vx_pins *p, struct vx_meta *m);
int vx_read_config(const struct vx_pins *p, struct vx_config *c);

enum vx_liveness {
	VX_LIVE,        /* the pinned program is on the interface */
	VX_STALE,       /* it is not (interface gone, program removed) */
	VX_OTHER_NETNS, /* attached from another network namespace: can't tell
			 * from here, and must not be touched from here */
};

/* Is the pinned program the one attached to the interface now? Fills the
 * program id. */
enum vx_liveness vx_pins_live(const struct vx_pins *p, unsigned int *prog_id);

/* Inode of this process's network namespace, or 0. */
unsigned long long vx_netns_ino(void);

#endif
