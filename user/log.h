/* SPDX-License-Identifier: GPL-2.0 */
/* Messages to the operator: one line each, prefixed "vpnxdp: ". */
#ifndef VX_LOG_H
#define VX_LOG_H

#include <stdbool.h>

/* Exit codes, documented in vpnxdp(8) and stable. */
enum vx_exit {
	VX_EXIT_OK = 0,      /* done, or nothing needed doing */
	VX_EXIT_INPUT = 1,   /* bad arguments or input; nothing was changed */
	VX_EXIT_SYSTEM = 2,  /* the system refused (permissions, kernel, BPF) */
};

extern int vx_verbose;

void vx_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vx_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vx_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vx_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Route libbpf's and libxdp's own messages through our verbosity: they print
 * warnings (e.g. about libxdp's dispatcher fallback) that are noise unless
 * the operator asked for -v. */
void vx_log_setup_libs(void);

#endif
