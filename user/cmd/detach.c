// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp detach IFACE: the program off the interface, every pin removed;
 * also whatever an interrupted attach of IFACE left (IFACE:PID:attaching).
 * Only what is known: an attachment whose state cannot be told (the kernel
 * refused the query), or that lives in another network namespace, is left
 * as it is.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cmd/cmd.h"
#include "core/exit.h"
#include "core/liveness.h"
#include "core/log.h"
#include "core/pins.h"
#include "core/teardown.h"

/* Why @p may not be taken down from here, or NULL. */
static const char *vx_detach_refusal(const struct vx_pins *p, const struct vx_live *l)
{
	if (l->st == VX_ST_OTHER_NETNS)
		return "attached in another network namespace; run detach there "
		       "(nsenter --net=/var/run/netns/NS vpnxdp detach ...)";
	if (l->st == VX_ST_UNKNOWN)
		return "cannot tell whether its program is on the interface";
	/* vpnxdp's link is its own, and a program found without a pin was
	 * found by vpnxdp's name and this attachment's maps; a pinned one is
	 * taken off only if it is vpnxdp's */
	if (l->st == VX_ST_LIVE && p->corrupt && p->link_fd < 0 && p->prog_fd >= 0 &&
	    !p->prog_ours)
		return "the program on the interface is not vpnxdp's";
	return NULL;
}

static void vx_detach_said(const struct vx_pins *p, const struct vx_live *l)
{
	if (l->st == VX_ST_LIVE && p->pid)
		printf("%s: detached the program of an interrupted attach (pid %d, "
		       "program id %u)\n", p->ifname, p->pid, l->prog_id);
	else if (l->st == VX_ST_LIVE)
		printf("%s: detached (program id %u)\n", p->ifname, l->prog_id);
	else if (p->pid)
		printf("%s: removed what an interrupted attach (pid %d) left (%s)\n",
		       p->ifname, p->pid, l->why);
	else if (p->corrupt)
		printf("%s: removed a foreign or corrupt attachment (%s)\n", p->ifname,
		       p->why);
	else if (l->st == VX_ST_GONE)
		printf("%s: removed an attachment whose interface is gone (%s)\n",
		       p->ifname, l->why);
	else
		printf("%s: removed a stale attachment (%s)\n", p->ifname, l->why);
}

/* One entry of IFACE's.  Returns an exit code. */
static int vx_detach_one(int root, const char *name)
{
	struct vx_pins p;
	struct vx_live l;
	const char *no;
	int err = vx_pins_examine(&p, root, name), ret = VX_EXIT_INPUT;

	if (err) {
		vx_err("%s/%s: %s: refusing it; nothing changed", VX_PIN_ROOT, name, p.why);
		goto out;
	}
	/* a policy apply in progress finishes first */
	err = vx_pins_lock(&p);
	if (err) {
		vx_err("%s: cannot lock %s/%s: %s", p.ifname, VX_PIN_ROOT, name, strerror(-err));
		ret = VX_EXIT_SYSTEM;
		goto out;
	}
	vx_pins_state(&p, &l);
	no = vx_detach_refusal(&p, &l);
	if (no) {
		vx_err("%s: %s (%s); nothing changed", name, no, l.why);
		ret = l.st == VX_ST_UNKNOWN ? VX_EXIT_SYSTEM : VX_EXIT_INPUT;
	} else if (vx_teardown(&p, &l) != 0) {
		ret = VX_EXIT_SYSTEM;
	} else {
		vx_detach_said(&p, &l);
		ret = VX_EXIT_OK;
	}
out:
	vx_pins_close(&p);
	return ret;
}

/* IFACE and its IFACE:PID:attaching entries, under the root's lock. */
static int vx_detach_locked(int root, const char *ifname)
{
	static char names[256][VX_ENTRY_LEN];
	char ifn[VX_IFNAMSIZ];
	int n = vx_dir_entries(root, names, 256), pid, ret = -1, r;

	for (int k = 0; k < n; k++) {
		if (!vx_entry_parse(names[k], ifn, &pid) || strcmp(ifn, ifname) != 0)
			continue;
		r = vx_detach_one(root, names[k]);
		if (r > ret)
			ret = r;
	}
	if (ret < 0) {
		vx_err("%s: not attached", ifname);
		ret = VX_EXIT_INPUT;
	}
	return ret;
}

static int vx_detach_run(const struct vx_args *a)
{
	const char *ifname = a->pos[0];
	int root = vx_root_open(false), ret;

	if (root == -ENOENT) {
		vx_err("%s: not attached", ifname);
		return VX_EXIT_INPUT;
	}
	if (root < 0)
		return VX_EXIT_SYSTEM;
	ret = vx_fd_lock(root, VX_PIN_ROOT);
	if (ret)
		vx_err("cannot lock %s: %s", VX_PIN_ROOT, strerror(-ret));
	ret = ret ? VX_EXIT_SYSTEM : vx_detach_locked(root, ifname);
	close(root);
	return ret;
}

const struct vx_cmd vx_cmd_detach = {
	.name = "detach",
	.run = vx_detach_run,
	.min_pos = 1, .max_pos = 1, .ifaces = 1,
	.flags = VX_CMD_PRIV | VX_CMD_BPFFS,
	.synopsis = "IFACE",
	.help = "    Detach the classifier from IFACE and remove every pin (also what an\n"
		"    interrupted attach of IFACE left).",
};
