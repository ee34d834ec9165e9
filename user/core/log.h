/* SPDX-License-Identifier: GPL-2.0 */
/* Messages to the operator: one line each, prefixed "vpnxdp: ". */
#ifndef VX_LOG_H
#define VX_LOG_H

#include <stdbool.h>
#include <stdio.h>

extern int vx_verbose;

enum vx_level { VX_LOG_ERR, VX_LOG_WARN, VX_LOG_INFO, VX_LOG_DEBUG };

void vx_log(enum vx_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define vx_err(...) vx_log(VX_LOG_ERR, __VA_ARGS__)
#define vx_warn(...) vx_log(VX_LOG_WARN, __VA_ARGS__)
#define vx_info(...) vx_log(VX_LOG_INFO, __VA_ARGS__)
#define vx_debug(...) vx_log(VX_LOG_DEBUG, __VA_ARGS__)

/* Send the messages to @f instead of stderr (NULL: back to stderr); returns
 * the stream they went to.  The exporter collects what reading one
 * attachment said, to say it once rather than on every scrape. */
FILE *vx_log_redirect(FILE *f);

/* Route libbpf's and libxdp's own messages through our verbosity: they print
 * warnings (e.g. about libxdp's dispatcher fallback) that are noise unless
 * the operator asked for -v. */
void vx_log_setup_libs(void);

#endif
