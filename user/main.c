// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp: classify, count and police VPN traffic in XDP.
 *
 * `vpnxdp [-v] COMMAND ARGS`: the table of commands (one file each under
 * user/cmd/), parsed and dispatched by user/cli/.
 */
#include <stddef.h>

#include "cli/cli.h"
#include "cmd/cmd.h"

#ifndef VX_VERSION
#define VX_VERSION "0.1"
#endif

static const struct vx_cmd *const vx_cmds[] = {
	&vx_cmd_attach, &vx_cmd_detach, &vx_cmd_status, &vx_cmd_stats,
	&vx_cmd_policy, &vx_cmd_top, &vx_cmd_events, &vx_cmd_replay, &vx_cmd_export,
	NULL,
};

int main(int argc, char **argv)
{
	return vx_cli_main(vx_cmds, VX_VERSION, argc, argv);
}
