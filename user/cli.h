/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the command implementations: the command table and checks every
 * command makes on its arguments. */
#ifndef VX_CLI_H
#define VX_CLI_H

#include <stdbool.h>

struct vx_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage; /* shown by --help and on bad arguments */
};

/* Commands, one file each. */
int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_replay(int argc, char **argv);

/* Print the usage of a command to stdout (for --help) or stderr. */
void vx_usage(const char *cmd, bool to_stderr);

/* Root (CAP_BPF + CAP_NET_ADMIN) and a kernel with bpf(2); prints the
 * reason and returns false when not. */
bool vx_need_root(void);

/* A syntactically valid interface name that exists: returns its ifindex, or
 * 0 after printing why not. */
unsigned int vx_iface_index(const char *ifname);

/* A syntactically valid interface name (it may no longer exist). */
bool vx_iface_name_ok(const char *ifname);

#endif
