/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An attachment: /sys/fs/bpf/vpnxdp/IFACE holds every map, the program
 * (prog) and, when vpnxdp attached it itself, its XDP link (link), pinned,
 * so that the program keeps running after `attach` exits and every later
 * command finds it.  While attach runs they are in IFACE:PID:attaching; an
 * attach killed on the way leaves that directory, which status lists and
 * detach removes.
 *
 * The maps are reached through the embedded object's skeleton, opened but
 * never loaded: each of its maps is given the fd of the pin of its name, so
 * code says p->skel->maps.vx_counters.  Nothing pinned is trusted before it
 * is checked: every map against the object's own definition (type, key and
 * value size, flags, name, and the size attach gave it, which vx_meta
 * records), before bpf_map__reuse_fd(), which would take the pin's
 * definition over the object's; the program by name, type, id and tag, and
 * by the maps it uses; the link by type and program.
 */
#ifndef VX_PINS_H
#define VX_PINS_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>

#include "vpnxdp_common.h"
#include "vpnxdp.skel.h"
#include "core/bpffs.h"

#define VX_IFNAMSIZ 16
#define VX_PROG_NAME "vpnxdp_xdp"

struct vx_pins {
	char name[VX_ENTRY_LEN];   /* its directory: IFACE or IFACE:PID:attaching */
	char ifname[VX_IFNAMSIZ];
	int pid;                   /* an interrupted attach's pid, else 0 */
	int root_fd, dir_fd;
	bool own_root;             /* root_fd is ours to close */
	struct vpnxdp_bpf *skel;   /* its maps: the pinned ones (when !corrupt) */
	struct vx_meta meta;
	bool meta_ok;              /* meta read and of this version */
	int prog_fd, link_fd;      /* the pinned program and link, or -1 */
	bool prog_ours;            /* prog is named and typed as vpnxdp's */
	__u32 counters_id;         /* map id of the pinned vx_counters, or 0 */
	bool corrupt;              /* something pinned is not what vpnxdp pins */
	char why[256];             /* what, when corrupt */
	int lock_fd;
};

/* The fd of map @m (a field of struct vpnxdp_bpf's maps) of @p. */
#define vx_pins_fd(p, m) bpf_map__fd((p)->skel->maps.m)

/* Parse an entry of the pin root: IFACE, or IFACE:PID:attaching.  Returns
 * false for a name vpnxdp does not make. */
bool vx_entry_parse(const char *name, char *ifname, int *pid);

/* Open and check the entry @name of the pin root @root_fd (not closed by
 * vx_pins_close).  Returns 0, also when something is corrupt (p->corrupt,
 * p->why; whatever could be opened stays open for status and detach);
 * -ENOENT when there is no such entry; or a negative errno with p->why
 * saying why the directory itself was refused. */
int vx_pins_examine(struct vx_pins *p, int root_fd, const char *name);

/* The attachment of IFACE, checked, for a command that reads or writes its
 * maps.  Returns 0; -ENOENT when IFACE is not attached; -EPROTO when it is
 * foreign or corrupt; other negative errno (all printed). */
int vx_pins_open(struct vx_pins *p, const char *ifname);
void vx_pins_close(struct vx_pins *p);

/* The exit code for vx_pins_open()'s error: not attached, foreign or
 * corrupt is the operator's to clear up (detach), anything else the
 * system's. */
static inline int vx_pins_exit(int err)
{
	/* VX_EXIT_INPUT, VX_EXIT_SYSTEM */
	return err == -ENOENT || err == -EPROTO ? 1 : 2;
}

/* Serialize commands that change an attachment (flock on its directory). */
int vx_pins_lock(struct vx_pins *p);

/* The interfaces attached (entries of the pin root that are not attaches
 * in progress), sorted: how many, at most @max; 0 without a pin root;
 * negative errno when it cannot be read. */
int vx_attached_list(char (*names)[VX_ENTRY_LEN], int max);

int vx_read_config(const struct vx_pins *p, struct vx_config *c);
int vx_write_meta(const struct vx_pins *p, const struct vx_meta *m);

/* "native", "skb", "hw" for an enum xdp_attach_mode. */
const char *vx_xdp_mode_name(unsigned int mode);

#endif
