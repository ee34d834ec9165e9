/* SPDX-License-Identifier: GPL-2.0 */
/* Exit codes, documented in vpnxdp(8) and stable: scripts rely on them. */
#ifndef VX_EXIT_H
#define VX_EXIT_H

enum vx_exit {
	VX_EXIT_OK = 0,      /* done, or nothing needed doing */
	VX_EXIT_INPUT = 1,   /* bad arguments or input; nothing was changed */
	VX_EXIT_SYSTEM = 2,  /* the system refused (permissions, kernel, BPF) */
};

#endif
