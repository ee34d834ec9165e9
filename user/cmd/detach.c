// SPDX-License-Identifier: GPL-2.0
/* vpnxdp detach IFACE: the program off the interface, every pin removed. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <xdp/libxdp.h>

#include "cli/cli.h"
#include "cmd/cmd.h"
#include "core/exit.h"
#include "core/log.h"
#include "core/pins.h"

static int vx_detach_prog(const char *ifname, unsigned int ifindex,
			  unsigned int id)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	struct xdp_program *prog = NULL;
	enum xdp_attach_mode mode;
	int err = -ENOENT;

	if (!mp || libxdp_get_error(mp))
		return -ENOENT;
	mode = xdp_multiprog__attach_mode(mp);
	if (xdp_multiprog__is_legacy(mp)) {
		prog = xdp_multiprog__main_prog(mp);
		if (prog && xdp_program__id(prog) == id)
			err = xdp_program__detach(prog, (int)ifindex, mode, 0);
	} else {
		while ((prog = xdp_multiprog__next_prog(prog, mp))) {
			if (xdp_program__id(prog) == id) {
				err = xdp_program__detach(prog, (int)ifindex, mode, 0);
				break;
			}
		}
	}
	xdp_multiprog__close(mp);
	if (err && err != -ENOENT) {
		char buf[256];

		if (libxdp_strerror(err, buf, sizeof(buf)) != 0)
			snprintf(buf, sizeof(buf), "%s", strerror(-err));
		vx_err("%s: cannot detach program %u: %s", ifname, id, buf);
	}
	return err;
}

static int vx_detach_run(const struct vx_args *a)
{
	const char *ifname = a->pos[0];
	struct vx_pins pins;
	unsigned int id = 0;
	enum vx_liveness live;
	int err;

	if (!vx_pins_exist(ifname)) {
		vx_err("%s: not attached", ifname);
		return VX_EXIT_INPUT;
	}
	err = vx_pins_open(&pins, ifname);
	live = err == 0 ? vx_pins_live(&pins, &id) : VX_STALE;
	if (live == VX_OTHER_NETNS) {
		vx_err("%s: attached in another network namespace; run detach there "
		       "(e.g. nsenter --net=/var/run/netns/NS vpnxdp detach %s)",
		       ifname, ifname);
		vx_pins_close(&pins);
		return VX_EXIT_INPUT;
	}
	if (err == 0)
		vx_pins_lock(&pins);
	if (live == VX_ATTACHED &&
	    vx_detach_prog(ifname, if_nametoindex(ifname), id) != 0) {
		vx_pins_close(&pins);
		return VX_EXIT_SYSTEM;
	}
	vx_pins_close(&pins);
	if (vx_pins_remove(ifname) != 0) {
		vx_err("%s: program detached but pins remain under %s/%s",
		       ifname, VX_PIN_ROOT, ifname);
		return VX_EXIT_SYSTEM;
	}
	if (live == VX_ATTACHED)
		printf("%s: detached (program id %u)\n", ifname, id);
	else
		printf("%s: removed a stale attachment (the program was no longer on the interface)\n",
		       ifname);
	return VX_EXIT_OK;
}

const struct vx_cmd vx_cmd_detach = {
	.name = "detach",
	.run = vx_detach_run,
	.min_pos = 1, .max_pos = 1, .ifaces = 1,
	.flags = VX_CMD_PRIV | VX_CMD_BPFFS,
	.synopsis = "IFACE",
	.help = "    Detach the classifier from IFACE and remove every pin.",
};
