/* SPDX-License-Identifier: GPL-2.0 */
/* The commands, one file each (user/cmd/NAME.c), for the table in main.c. */
#ifndef VX_CMD_H
#define VX_CMD_H

#include "cli/cli.h"

extern const struct vx_cmd vx_cmd_attach;
extern const struct vx_cmd vx_cmd_detach;
extern const struct vx_cmd vx_cmd_status;
extern const struct vx_cmd vx_cmd_stats;
extern const struct vx_cmd vx_cmd_policy;
extern const struct vx_cmd vx_cmd_top;
extern const struct vx_cmd vx_cmd_events;
extern const struct vx_cmd vx_cmd_replay;
extern const struct vx_cmd vx_cmd_export;

#endif
